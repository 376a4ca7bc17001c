"""Reporting a case: a grid worker's report, a walk-in typed by the chief, or an outside system."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access import note_reported, scope_of
from cases.deadlines import deadline_fields, due, sla_for
from cases.models import (
    AttachmentPurpose,
    Case,
    CaseEvent,
    CaseNumberSequence,
    CaseStatus,
    Category,
    Deadline,
    Party,
    PartyRole,
    Source,
    Urgency,
)
from cases.selectors import chiefs_of
from cases.services.attachments import PHOTO_TYPES, clean_uploads, store_files
from cases.services.lifecycle import Forbidden, invalid, now
from cases.validators import validate_id_number
from notifications.services import notify
from workstation.models import Grid, Workstation

# One report names at most this many parties: more is a list, not a matter (and each party's
# phone is matched against other reports, DESIGN §9). The API's serializers check it first.
MAX_PARTIES = 20
TOO_MANY_PARTIES = gettext_lazy("一件事件最多登记{max_length}名当事人")


@dataclass(frozen=True)
class PartyInput:
    name: str
    role: str = PartyRole.OTHER
    phone: str = ""
    id_number: str = ""
    address: str = ""
    organization: str = ""


def next_case_number(station: Workstation, moment: datetime) -> str:
    """ZX-20261128-0007: the station's code, the local date, and that day's sequence.

    One statement counts on: an upsert that creates the day's row at 1 or adds one to it, and
    returns the new value. Its row lock is held to the end of the caller's transaction, so
    numbers stay gapless (a rolled-back report gives its number back); a concurrent report waits
    on that row only, so the caller takes the number as late as it can.
    """
    day = timezone.localtime(moment).date()
    table = connection.ops.quote_name(CaseNumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (station_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - our own table name
            f"ON CONFLICT (station_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [station.pk, day],
        )
        (last,) = cursor.fetchone()
    return f"{station.code}-{day:%Y%m%d}-{last:04d}"


def _accept_deadline(moment: datetime, category: Category | None, urgency: str) -> dict:
    limit = sla_for(category, urgency).accept
    return deadline_fields(Deadline.ACCEPT, start=moment, due_at=due(moment, limit), unit=limit[1])


def _check_reporter(actor, station: Workstation, grid: Grid | None, source: str) -> None:
    """Who may report here: the station's chief (a walk-in, a leader's instruction), or a grid
    worker for one of their own grids, and then as a grid report: never a leader's instruction or
    a walk-in. The reporter account is always the caller (no argument names another); a grid
    worker may name the resident who told them (``reporter_name`` / ``reporter_phone``)."""
    if actor is None:  # an outside system, authenticated by its own token
        return
    scope = scope_of(actor)
    if station.pk in scope.chief_stations:
        return
    if station.pk in scope.grid_stations:
        if source != Source.GRID:
            message = _("网格员只能上报网格事件，不能登记为“%(source)s”") % {"source": Source(source).label}
            raise Forbidden(message, errors={"source": [message]})
        if grid is None:
            raise invalid("grid", _("请选择您负责的网格"))
        if grid.pk in scope.grids:
            return
        raise invalid("grid", _("只能上报您负责网格内的事件"))
    raise Forbidden(_("您无权在该工作站上报事件"))


def case_report(
    *,
    actor,
    station: Workstation,
    title: str,
    description: str,
    grid: Grid | None = None,
    category: Category | None = None,
    urgency: str = Urgency.NORMAL,
    source: str = Source.GRID,
    external_id: str | None = None,
    idempotency_key: UUID | None = None,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    parties: Iterable[PartyInput] = (),
    files: Iterable[UploadedFile] = (),
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_confidential: bool = False,
    reported_at: datetime | None = None,
) -> Case:
    """File a new case in status REPORTED, with its parties and photos, and tell the chiefs.
    ``reporter_confidential``: the reporter asks that the departments not learn who reported
    (匿名/保密举报, ``cases.privacy`` rule 3)."""
    title, description = title.strip(), description.strip()
    parties = list(parties)
    if not title:
        raise invalid("title", _("请填写标题"))
    if not description:
        raise invalid("description", _("请填写情况描述"))
    if grid is not None and grid.station_id != station.pk:
        raise invalid("grid", _("网格不属于该工作站"))
    if (latitude is None) != (longitude is None):
        raise invalid("latitude", _("经纬度须同时填写"))
    if len(parties) > MAX_PARTIES:
        raise invalid("parties", TOO_MANY_PARTIES.format(max_length=MAX_PARTIES))
    for index, party in enumerate(parties):
        if party.id_number:
            try:
                validate_id_number(party.id_number)
            except ValidationError as refused:
                raise invalid(f"parties.{index}.id_number", refused.messages[0]) from None
    _check_reporter(actor, station, grid, source)
    uploads = clean_uploads(files, field="files", types=PHOTO_TYPES)

    moment = reported_at or now()
    # Read and computed before the transaction: nothing of this waits on the day's number.
    deadline = _accept_deadline(moment, category, urgency)
    chiefs = chiefs_of(station.pk)
    party_rows = [
        Party(
            name=p.name,
            role=p.role,
            phone=p.phone,
            id_number=p.id_number,
            address=p.address,
            organization=p.organization,
        )
        for p in parties
    ]
    with transaction.atomic():
        case = Case.objects.create(
            number=next_case_number(station, moment),
            station=station,
            grid=grid,
            source=source,
            external_id=external_id,
            idempotency_key=idempotency_key,
            category=category,
            urgency=urgency,
            title=title,
            description=description,
            address=address,
            latitude=latitude,
            longitude=longitude,
            reporter=actor,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            reporter_confidential=reporter_confidential,
            status=CaseStatus.REPORTED,
            reported_at=moment,
            **deadline,
        )
        for party in party_rows:
            party.case = case
        Party.objects.bulk_create(party_rows)
        attachments = store_files(
            case, uploads, purpose=AttachmentPurpose.REPORT, actor=actor, field="files", stored_bytes=0
        )
        CaseEvent.objects.create(
            case=case,
            actor=actor,
            action="report",
            to_status=CaseStatus.REPORTED,
            payload={"source": source, "external_id": external_id} if external_id else {"source": source},
        )
        notify(chiefs, kind="reported", case=case)
    if actor is not None:
        note_reported(actor)
    # What was written, as the case's related rows (``cases.selectors.new_case_detail_for``).
    case._prefetched_objects_cache = {"parties": party_rows, "attachments": attachments}
    return case


def filed_once(unique: dict, report: Callable[[], Case]) -> tuple[Case, bool]:
    """File a case unless the one with the ``unique`` key is already here; return (case, created).

    1. A case with this key exists: return it. A repeat (a push, a double tap, a resend) is normal.
    2. Otherwise ``report()`` inside a savepoint.
    3. Two requests racing past step 1 meet at the key's unique constraint: the loser's
       savepoint rolls back (its number, parties and notices with it) and it returns the
       winner's case.
    """
    existing = Case.objects.filter(**unique).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return report(), True
    except IntegrityError:
        existing = Case.objects.filter(**unique).first()
        if existing is None:  # some other constraint failed: a real error
            raise
        return existing, False


def case_report_keyed(*, actor, idempotency_key: UUID, **fields) -> tuple[Case, bool]:
    """A person's report sent with the form's key: the same key from the same reporter files one
    case however often it arrives (``case_idempotency_key_unique_per_reporter``)."""
    return filed_once(
        {"reporter": actor, "idempotency_key": idempotency_key},
        lambda: case_report(actor=actor, idempotency_key=idempotency_key, **fields),
    )
