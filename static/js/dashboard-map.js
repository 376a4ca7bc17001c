// The dashboard's map of cases (Leaflet with leaflet.markercluster, from static/vendor): the
// period's cases as clustered points, and a heat view by grid (a circle at each grid's centre,
// sized and coloured by its count). With no tile server configured (a closed network) the points
// and grids are drawn on a plain background; the grid table stays the fallback without script.
(() => {
  const source = document.getElementById("dashboard-data");
  const element = document.getElementById("case-map");
  if (!source || !element || typeof L === "undefined") return;
  const map = JSON.parse(source.textContent).map;
  if (!map.points.length && !map.grids.length) return; // nothing to place: the table says so

  element.hidden = false;
  // Zoom limits of its own: without a tile layer the map has none, and the clusters need one.
  const leaflet = L.map(element, { minZoom: 3, maxZoom: 18, attributionControl: Boolean(map.tiles) });
  if (map.tiles) {
    L.tileLayer(map.tiles, { maxZoom: 18, attribution: map.attribution || "" }).addTo(leaflet);
  }
  const ladderColours = { none: "#0b5cad", yellow: "#b7791f", red: "#c62828", escalated: "#6a1b9a" };

  function popup(point) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = map.caseUrl.replace("{id}", point.id);
    link.textContent = point.number;
    const title = document.createElement("div");
    title.textContent = point.title;
    box.append(link, title);
    return box;
  }

  const points = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  for (const point of map.points) {
    const marker = L.circleMarker([point.lat, point.lng], {
      radius: 7,
      color: "#fff",
      weight: 1,
      fillColor: ladderColours[point.ladder] || ladderColours.none,
      fillOpacity: 0.9,
    });
    marker.bindPopup(() => popup(point));
    points.addLayer(marker);
  }

  const heat = L.layerGroup();
  const most = Math.max(1, ...map.grids.map((grid) => grid.count));
  for (const grid of map.grids) {
    const share = grid.count / most;
    // Light yellow to deep red as the grid's share of the busiest grid grows.
    const colour = `hsl(${Math.round(50 - 50 * share)}, 90%, ${Math.round(60 - 20 * share)}%)`;
    L.circle([grid.lat, grid.lng], {
      radius: 80 + 220 * share,
      stroke: false,
      fillColor: colour,
      fillOpacity: 0.55,
    })
      .bindTooltip(() => {
        const label = document.createElement("span");
        label.textContent = `${grid.name}：${grid.count} ${map.text.cases}`;
        return label;
      })
      .addTo(heat);
  }

  points.addTo(leaflet);
  heat.addTo(leaflet);
  L.control.layers(null, { [map.text.points]: points, [map.text.heat]: heat }, { collapsed: false }).addTo(leaflet);

  const spots = [...map.points.map((p) => [p.lat, p.lng]), ...map.grids.map((g) => [g.lat, g.lng])];
  leaflet.fitBounds(L.latLngBounds(spots).pad(0.2), { maxZoom: 15 });
  element.dataset.drawn = "true";
})();
