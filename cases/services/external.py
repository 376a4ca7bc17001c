"""Cases pushed by outside systems (110, 12345, the four platforms): filed once per external id."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from cases.models import Case
from cases.services.intake import case_report, filed_once
from cases.services.lifecycle import invalid, now

# When an outside system says the matter was reported: its clock may run a little ahead of ours,
# and a work order may be forwarded days late, but a time weeks old or in the future is a wrong
# field or a replay, and would start the deadlines already red (or not yet).
MAX_REPORT_AGE = timedelta(days=30)
MAX_CLOCK_SKEW = timedelta(minutes=5)


def reported_at_problem(moment: datetime) -> str | None:
    """Why an outside report time is refused, or None when it is within the window."""
    current = now()
    if moment > current + MAX_CLOCK_SKEW:
        return _("上报时间不能晚于当前时间（允许误差 %(minutes)s 分钟）") % {
            "minutes": int(MAX_CLOCK_SKEW.total_seconds() // 60)
        }
    if moment < current - MAX_REPORT_AGE:
        return _("上报时间不能早于 %(days)s 天前") % {"days": MAX_REPORT_AGE.days}
    return None


def case_report_external(*, source: str, external_id: str, **fields) -> tuple[Case, bool]:
    """File the outside system's case unless it is already here; return (case, created). Two
    pushes of one id meet at ``case_external_id_unique_per_source`` (see ``filed_once``).
    A repeat of a filed id answers with its case whatever its time; a new one must be in the window."""
    reported_at = fields.get("reported_at")
    if reported_at is not None and not Case.objects.filter(source=source, external_id=external_id).exists():
        problem = reported_at_problem(reported_at)
        if problem:
            raise invalid("reported_at", problem)
    return filed_once(
        {"source": source, "external_id": external_id},
        lambda: case_report(actor=None, source=source, external_id=external_id, **fields),
    )
