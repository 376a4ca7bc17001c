// The dashboard's charts (ECharts, served from static/vendor). Every chart has its table beside
// it: the page shows the tables without script; with it, each chart is drawn from the JSON the
// page carries (json_script "dashboard-data") and a button switches between chart and table.
// Tooltips render inside the canvas (richText): ECharts' HTML tooltips carry inline styles,
// which the Content-Security-Policy refuses.
(() => {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = { green: "#2e7d32", yellow: "#b7791f", red: "#c62828", none: "#9aa5b1" };
  const font = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  const base = {
    textStyle: { fontFamily: font },
    tooltip: { trigger: "axis", renderMode: "richText" },
    grid: { left: 48, right: 48, top: 40, bottom: 40, containLabel: true },
    animation: false,
  };

  function trendOption(trend) {
    const series = trend.series.map((s) => ({
      name: s.name,
      type: s.kind === "count" ? "bar" : "line",
      yAxisIndex: s.kind === "count" ? 0 : 1,
      data: s.values,
      connectNulls: true,
    }));
    return {
      ...base,
      legend: { top: 0 },
      xAxis: { type: "category", data: trend.labels },
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}" } },
      ],
      series,
    };
  }

  function barOption(rows, horizontal, itemColours) {
    const values = rows.values.map((value, i) =>
      itemColours ? { value, itemStyle: { color: colours[itemColours[i]] || colours.none } } : value,
    );
    const category = { type: "category", data: rows.labels, inverse: horizontal };
    const value = { type: "value", minInterval: 1 };
    return {
      ...base,
      tooltip: { trigger: "item", renderMode: "richText" },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ name: rows.name, type: "bar", barMaxWidth: 28, data: values, label: { show: true, position: horizontal ? "right" : "top" } }],
    };
  }

  const builders = {
    trend: () => trendOption(data.trend),
    breakdown: (key) => barOption(data.breakdowns[key], true),
    ranking: (key) => {
      const of = key.replace("ranking-", "");
      const rows = data.rankings[of];
      return { ...barOption(rows, true, rows.colours), xAxis: { type: "value", min: 0, max: 100 } };
    },
  };

  const charts = [];
  for (const element of document.querySelectorAll("[data-chart]")) {
    const key = element.dataset.key || element.dataset.chart;
    const option = builders[element.dataset.chart](key);
    const rows = option.series[0].data.length;
    if (!rows) continue; // nothing to draw: the table says so
    const table = document.getElementById("table-" + key);
    const toggle = document.querySelector(`.view-toggle[data-for="${key}"]`);
    element.hidden = false;
    if (table) table.hidden = true;
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    const links = element.dataset.chart === "ranking" ? data.rankings[key.replace("ranking-", "")].links : [];
    chart.on("click", (event) => {
      if (links[event.dataIndex]) window.location.assign(links[event.dataIndex]);
    });
    element.dataset.drawn = "true";
    charts.push(chart);
    if (toggle && table) {
      toggle.hidden = false;
      toggle.addEventListener("click", () => {
        const showTable = table.hidden;
        table.hidden = !showTable;
        element.hidden = showTable;
        toggle.textContent = showTable ? toggle.dataset.showChart : toggle.dataset.showTable;
        if (!showTable) chart.resize();
      });
    }
  }
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
