"""一把手数据看板: the leaders' dashboard page (issue 12, item 2). A thin view over
``dashboard.page`` (reads through the user's reach and the access gate)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboard.measures import MEASURES, RANKINGS
from dashboard.page import BREAKDOWNS_SHOWN, PERIOD_LABELS, STEP_LABELS, read_board, read_request
from dashboard.tables import dashboard_url, row_label
from governance.security import render_policy


def tile_origin(url: str) -> str:
    """The origin a tile URL template loads from, for img-src ({s} subdomains as a wildcard)."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


def _chart_data(board) -> dict:
    """What the charts and the map draw (json_script: no inline script)."""
    trend = board.trend
    return {
        "trend": {
            "labels": [row.label for row in trend],
            "series": [
                {
                    "name": str(MEASURES[name].label),
                    "kind": MEASURES[name].kind,
                    "values": [row.measures.value(name) for row in trend],
                }
                for name in ("intake", "on_time", "satisfaction", "index")
            ],
        },
        "breakdowns": {
            by: {
                "labels": [row_label(by, row) for row in rows],
                "values": [row.measures.intake for row in rows],
                "name": str(MEASURES["intake"].label),
            }
            for by, rows in board.breakdowns.items()
        },
        "rankings": {
            of: {
                "labels": [row_label(of, row) for row in rows],
                "values": [row.measures.index for row in rows],
                "colours": [row.measures.colour for row in rows],
                "name": str(MEASURES["index"].label),
                # a bar opens the drill-down its table row links to
                "links": [row.link for row in board.tables[f"ranking-{of}"].rows],
            }
            for of, rows in board.rankings.items()
        },
        "map": {
            "tiles": settings.DASHBOARD_MAP_TILE_URL or None,
            "attribution": settings.DASHBOARD_MAP_ATTRIBUTION,
            "points": board.map.points,
            "grids": board.map.grids,
            "caseUrl": reverse("cases:case", args=[123456789]).replace("123456789", "{id}"),
            "text": {"points": _("案件点位"), "heat": _("网格热力"), "cases": _("件")},
        },
    }


SCOPE_PICKERS = {
    "station": gettext_lazy("工作站"),
    "department": gettext_lazy("部门"),
    "grid": gettext_lazy("网格"),
    "category": gettext_lazy("事项类别"),
    "source": gettext_lazy("来源"),
}


def _pickers(asked, choices, sent) -> list[dict]:
    """Each scope picker with its options (within reach), the value shown (what was sent, so a
    refused choice is shown as typed) and its reasons."""
    chosen = asked.scope.as_params()
    return [
        {
            "name": name,
            "label": label,
            "options": choices[name],
            "value": sent.get(name, chosen.get(name, "")),
            "errors": asked.errors.get(name, []),
        }
        for name, label in SCOPE_PICKERS.items()
    ]


def _picked(asked, sent) -> dict:
    period = asked.period
    shown = {
        "period": period.kind,
        "date": period.first.isoformat() if period.kind != "custom" else "",
        "start": period.first.isoformat() if period.kind == "custom" else "",
        "end": period.last.isoformat() if period.kind == "custom" else "",
    }
    return {name: sent.get(name, value) for name, value in shown.items()}


def _tiles(compared) -> list[dict]:
    changes = compared.changes()
    return [
        {
            "name": name,
            "measure": measure,
            "value": compared.current.value(name),
            "mom": changes[name]["mom"],
            "yoy": changes[name]["yoy"],
            "colour": compared.current.colour,
        }
        for name, measure in MEASURES.items()
    ]


@login_required
def page(request: HttpRequest) -> HttpResponse:
    """The dashboard of the period and scope asked for (a leader the district, a chief their
    station, a handler their department; out of reach: 404). A bad choice is shown again with
    its reason (400) beside the default the page falls back to."""
    asked = read_request(request.user, request.GET)
    board = read_board(request.user, asked)
    context = {
        "board": board,
        "asked": asked,
        "tiles": _tiles(board.compared),
        "periods": PERIOD_LABELS,
        "picked": _picked(asked, request.GET),
        "pickers": _pickers(asked, board.choices, request.GET),
        "steps": [
            (step, label, dashboard_url(asked.period, asked.scope, step=step)) for step, label in STEP_LABELS.items()
        ],
        "breakdown_keys": BREAKDOWNS_SHOWN,
        "ranking_keys": [f"ranking-{of}" for of in RANKINGS],
        "params": [*asked.period.as_params().items(), *asked.scope.as_params().items(), ("step", asked.step)],
        "chart_data": _chart_data(board),
    }
    response = render(request, "dashboard/page.html", context, status=400 if asked.errors else 200)
    if settings.DASHBOARD_MAP_TILE_URL:
        policy = dict(settings.CONTENT_SECURITY_POLICY)
        policy["img-src"] = [*policy["img-src"], tile_origin(settings.DASHBOARD_MAP_TILE_URL)]
        response.headers["Content-Security-Policy"] = render_policy(policy)
    return response
