"""Supervised summonses (联络员召集): the liaison officer confirms, then comes to the station.

sent → acknowledged (the officer) → arrived (the officer, or the chief who sees them come); each
step once, while the case is being handled, and the station's chiefs hear of each.
"""

from __future__ import annotations

from cases.models import Case, Summons
from cases.selectors import chiefs_of
from cases.services.lifecycle import Step, now, transition
from notifications.services import notify

# Notification titles and bodies are stored in the language of record: they are not translated.


def summons_acknowledge(case_id: int, *, actor, summons_id: int) -> Summons:
    """确认召集: the liaison officer says they will come."""

    def step(case: Case, summons: Summons) -> Step:
        summons.status, summons.acknowledged_at = Summons.Status.ACKNOWLEDGED, now()
        summons.save(update_fields=["status", "acknowledged_at"])
        notify(
            chiefs_of(case.station_id),
            kind="summons_acknowledged",
            case=case,
            department=summons.presence.department.name,
            officer=str(summons.liaison_officer),
        )
        return Step(payload={"summons": summons.pk, "department": summons.presence.department_id}, result=summons)

    _case, summons = transition(case_id, actor=actor, action="acknowledge_summons", step=step, subject_id=summons_id)
    return summons


def summons_arrive(case_id: int, *, actor, summons_id: int) -> Summons:
    """记录到岗: the summoned liaison officer is at the station (recorded by them or the chief)."""

    def step(case: Case, summons: Summons) -> Step:
        summons.status, summons.arrived_at = Summons.Status.ARRIVED, now()
        summons.save(update_fields=["status", "arrived_at"])
        notify(
            [chief for chief in chiefs_of(case.station_id) if chief != actor],  # not the chief who saw them come
            kind="summons_arrived",
            case=case,
            department=summons.presence.department.name,
            officer=str(summons.liaison_officer),
        )
        return Step(payload={"summons": summons.pk, "department": summons.presence.department_id}, result=summons)

    _case, summons = transition(case_id, actor=actor, action="record_arrival", step=step, subject_id=summons_id)
    return summons
