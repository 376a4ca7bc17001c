"""Writing a ``Table`` as an .xlsx workbook with openpyxl's write-only mode: rows go to disk as
they come, so a large export does not hold the whole sheet in memory.

Every cell goes through :func:`_cell`, on every sheet, whatever the kind: text is stored as text.
openpyxl stores a string that starts with ``=`` as a formula, and a spreadsheet re-reads a text
cell starting with ``+``, ``-``, ``@``, tab or carriage return as one when someone edits it; a
report titled ``=HYPERLINK(…)`` would run in the chief's Excel (OWASP: formula injection). Such
text is written as a string cell with Excel's quote prefix (shown as typed, kept text when
edited). Numbers, dates and times stay what they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from exports.registry import Table

# How often the progress callback is called, in rows.
PROGRESS_EVERY = 500
# Characters a sheet title may not hold, and its longest length (Excel's rules).
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]\*\?/\\:]")
SHEET_TITLE_MAX = 31


def _sheet_title(title: str) -> str:
    return SHEET_TITLE_FORBIDDEN.sub(" ", title)[:SHEET_TITLE_MAX] or "Sheet"


# The first characters that make a spreadsheet read text as a formula (OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell_value(value):
    """Excel has no time zones: an aware time is written as Shanghai wall time; lazy text as text."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, int | float | dt.date | dt.datetime):
        return value
    return str(value)


def _cell(sheet, value, *, font: Font | None = None):
    """``value`` as appended to ``sheet``: a plain value as it is (openpyxl makes its cell), text
    that a spreadsheet would read as a formula as a text cell with the quote prefix."""
    value = _cell_value(value)
    formula_like = isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
    if not (formula_like or font):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if formula_like:
        cell.data_type = "s"  # openpyxl made a formula of a leading "="
        cell.quotePrefix = True
    if font:
        cell.font = font
    return cell


def write_table(
    table: Table, out: BinaryIO, *, about: list[tuple[str, str]], progress: Callable[[int], None] | None = None
) -> int:
    """Write ``table`` to ``out``: a data sheet, then a sheet 说明 with ``about`` (who, when, what)
    and the filters in words. Returns the number of rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(table.title))
    bold = Font(bold=True)
    for index, heading in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, 2 * len(str(heading)) + 4)
    sheet.append([_cell(sheet, heading, font=bold) for heading in table.columns])
    written = 0
    for row in table.rows:
        sheet.append([_cell(sheet, value) for value in row])
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    notes = book.create_sheet(_("说明"))
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 60
    for label, value in [*about, (_("行数"), str(written)), *((_("筛选条件"), line) for line in table.described)]:
        notes.append([_cell(notes, label), _cell(notes, value)])
    book.save(out)
    return written
