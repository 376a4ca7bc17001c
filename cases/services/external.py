"""Cases pushed by outside systems (110, 12345, the four platforms): filed once per external id."""

from __future__ import annotations

from cases.models import Case
from cases.services.intake import case_report, filed_once


def case_report_external(*, source: str, external_id: str, **fields) -> tuple[Case, bool]:
    """File the outside system's case unless it is already here; return (case, created). Two
    pushes of one id meet at ``case_external_id_unique_per_source`` (see ``filed_once``)."""
    return filed_once(
        {"source": source, "external_id": external_id},
        lambda: case_report(actor=None, source=source, external_id=external_id, **fields),
    )
