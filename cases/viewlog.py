"""Recording the view log (issue 13 item 3): the functions every page, API view, download and
export calls after deciding what it shows. One INSERT per call however many cases it names, so
a list page pays a fixed cost, never a query per row.

- :func:`record_views` — cases whose personal data a response shows unmasked, with which kinds;
- :func:`record_download` — one attachment handed out;
- :func:`record_export` — one export (a table to Excel …), with its row count and, when it lists
  cases with personal data, those cases.

Only what was shown in full is recorded: a fully masked display carries no personal data.
"""

from __future__ import annotations

from collections.abc import Iterable

from cases import privacy
from cases.models import AccessKind, Attachment, Case, PersonalDataAccess
from cases.privacy import Visibility, visibility

CaseFields = tuple[Case | int, Iterable[str] | Visibility]


def _case_id(case: Case | int) -> int:
    return case if isinstance(case, int) else case.pk


def _names(fields: Iterable[str] | Visibility) -> list[str]:
    if isinstance(fields, Visibility):
        fields = fields.full
    return sorted({str(f) for f in fields})


def _rows(user, kind: str, channel: str, cases_fields: Iterable[CaseFields]) -> list[PersonalDataAccess]:
    rows = []
    for case, fields in cases_fields:
        names = _names(fields)
        if names:
            rows.append(PersonalDataAccess(user=user, case_id=_case_id(case), kind=kind, channel=channel, fields=names))
    return rows


def record_views(user, cases_fields: Iterable[CaseFields], *, channel: str) -> int:
    """Record that ``user`` was shown these cases' personal data in full: ``cases_fields`` pairs
    each case (or its id) with the kinds shown (``cases.privacy.PersonalData`` values, or the
    ``Visibility`` the response applied). Cases with nothing in full are skipped. One INSERT;
    returns the number of rows written."""
    rows = _rows(user, AccessKind.VIEW, channel, cases_fields)
    if rows:
        PersonalDataAccess.objects.bulk_create(rows)
    return len(rows)


def record_shown(user, cases: Iterable[Case], *, channel: str, fields=None) -> int:
    """:func:`record_views` for cases shown under the need-to-know policy: each with what
    :func:`cases.privacy.visibility` lets the user see, limited to ``fields`` when the response
    shows only some kinds (a list shows the address only)."""
    wanted = None if fields is None else {str(f) for f in fields}
    pairs = []
    for case in cases:
        full = {str(f) for f in visibility(user, case).full}
        pairs.append((case, full if wanted is None else full & wanted))
    return record_views(user, pairs, channel=channel)


def record_download(user, attachment: Attachment, *, channel: str = "api:download") -> None:
    """Record one file handed to ``user``."""
    PersonalDataAccess.objects.create(
        user=user,
        case_id=attachment.case_id,
        kind=AccessKind.DOWNLOAD,
        channel=channel,
        fields=[privacy.P.PHOTOS.value] if privacy.shows_people(attachment) else [],
        detail=f"#{attachment.pk} {attachment.original_name}"[:200],
    )


def record_export(user, what: str, rows: int, *, cases_fields: Iterable[CaseFields] = ()) -> int:
    """Record one export by ``user``: ``what`` names it (e.g. "dashboard:stations"), ``rows`` is
    how many rows it held. If it lists cases' personal data, pass ``cases_fields`` as for
    :func:`record_views`: each case gets a row of its own, so the log filters by case. One INSERT;
    returns the number of rows written."""
    summary = PersonalDataAccess(user=user, kind=AccessKind.EXPORT, channel=what[:60], detail=what[:200], rows=rows)
    per_case = _rows(user, AccessKind.EXPORT, what[:60], cases_fields)
    PersonalDataAccess.objects.bulk_create([summary, *per_case])
    return 1 + len(per_case)
