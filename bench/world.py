"""The benchmark database: migrated, with the test personas' station (``tests.personas``)."""

from __future__ import annotations

from types import SimpleNamespace


def ensure_world() -> SimpleNamespace:
    from django.core.management import call_command

    from cases.models import Category
    from workstation.models import Department, Grid, User, Workstation

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_calendar", verbosity=0)
    if not Workstation.objects.filter(code="ZX").exists():
        from tests.personas import build_world

        return build_world()
    w = SimpleNamespace(station=Workstation.objects.get(code="ZX"), other_station=Workstation.objects.get(code="HX"))
    w.grid = Grid.objects.get(station=w.station, code="ZJH-1")
    for name in ["wang", "zhang", "tiaojie", "zhifa", "gongan", "shijian", "renshe", "lingdao", "outsider", "yingji"]:
        setattr(w, name, User.objects.get(username=name))
    w.dept = SimpleNamespace(**{d.code: d for d in Department.objects.all()})
    w.neighbour = Category.objects.get(code="neighbour")
    return w


def payload(w, i: int) -> dict:
    """The report every filing benchmark sends (in-process and over HTTP): a grid worker's, with
    one party."""
    return {
        "station": w.station.pk,
        "grid": w.grid.pk,
        "title": f"紫金凰小区楼道堆物 {i}",
        "description": "3幢楼道堆放杂物，堵塞消防通道，邻里多次反映",
        "address": "紫金凰小区3幢",
        "latitude": "30.271200",
        "longitude": "120.149800",
        "parties": [{"name": "赵某", "role": "respondent", "phone": "13900000009"}],
    }
