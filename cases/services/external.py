"""Cases pushed by outside systems (110, 12345, the four platforms): filed once per external id."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from cases.models import Case
from cases.services.intake import case_report


def case_report_external(*, source: str, external_id: str, **fields) -> tuple[Case, bool]:
    """File the outside system's case unless it is already here; return (case, created).

    1. A case with this (source, external id) exists: return it. A repeat push is normal.
    2. Otherwise report it as the system (``actor=None``), inside a savepoint.
    3. Two pushes racing past step 1 meet at the unique constraint
       ``case_external_id_unique_per_source``: the loser's savepoint rolls back (its number,
       parties and notices with it) and it returns the winner's case.
    """
    existing = Case.objects.filter(source=source, external_id=external_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return case_report(actor=None, source=source, external_id=external_id, **fields), True
    except IntegrityError:
        existing = Case.objects.filter(source=source, external_id=external_id).first()
        if existing is None:  # some other constraint failed: a real error
            raise
        return existing, False
