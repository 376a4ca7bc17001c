"""What the API accepts. Each serializer mirrors its service's signature: an argument without a
default is required, one with a default is optional. Only the shape is checked here (types,
lengths the columns can hold, ids that must exist); whether the value is acceptable (a blank
reason, a date in the past, a role that may not act) is the service's to say, in its own words.
What a service always refuses is still stated in the schema (a required reason has minLength 1),
so that a client, or the fuzzer, knows before it asks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import empty

from cases.api.base import Serializer
from cases.models import (
    NOTE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    CaseStatus,
    Category,
    DispatchMode,
    MediationOutcome,
    MediationParticipant,
    PartyRole,
    Source,
    Urgency,
)
from cases.models.lengths import MAX_ATTENDED, MAX_CO_DEPARTMENTS, MAX_PARTICIPANTS
from cases.services.attachments import MAX_FILES
from cases.services.feedback import GIVEN
from cases.services.intake import MAX_PARTIES, TOO_MANY_PARTIES
from cases.services.mediation import ParticipantInput
from cases.validators import validate_id_number
from governance.shared_cache import MISSING, Versioned
from workstation.models import Department, Grid, User, Workstation

# People file these; outside systems come in through /api/intake/<source>/.
REPORT_SOURCES = [(s.value, s.label) for s in (Source.GRID, Source.WALK_IN, Source.LEADER)]
MAX_ID = 2**63 - 1  # a bigint column; larger numbers are simply not ids
EARLIEST, LATEST = 2000, 2100
MAX_UTC_OFFSET = timedelta(hours=14)  # UTC-12:00 … UTC+14:00 are the offsets in use


def Id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class RequiredText(serializers.CharField):
    """Text the service refuses when blank: the schema says so (not ``allow_blank``: minLength 1),
    yet a blank value is let through to the service, which says what is missing in its own words."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=False, **kwargs)

    def run_validation(self, data=empty):
        if isinstance(data, str) and not data.strip():
            return ""
        return super().run_validation(data)


def Text(max_length: int, *, blank: bool = True, **kwargs) -> serializers.CharField:
    """Free text up to ``max_length`` characters, which the service checks itself;
    ``blank=False`` where the service refuses a blank value."""
    if "required" not in kwargs and "default" not in kwargs:
        kwargs["required"] = True
    if blank:
        return serializers.CharField(max_length=max_length, allow_blank=True, **kwargs)
    return RequiredText(max_length=max_length, **kwargs)


class Moment(serializers.DateTimeField):
    """An aware date-time within a sane range (the calendar cannot count to the year 9999), with a
    UTC offset some place on earth uses (PostgreSQL refuses one beyond ±15:59)."""

    def enforce_timezone(self, value: datetime) -> datetime:
        offset = value.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise serializers.ValidationError(_("时区偏移须在 ±14:00 以内"))
        return super().enforce_timezone(value)

    def to_internal_value(self, value) -> datetime:
        moment = super().to_internal_value(value)
        if not EARLIEST <= moment.year <= LATEST:
            raise serializers.ValidationError(
                _("时间须在 %(earliest)s–%(latest)s 年之间") % {"earliest": EARLIEST, "latest": LATEST}
            )
        return moment


class Coordinate(serializers.DecimalField):
    def __init__(self, limit: int, **kwargs):
        super().__init__(max_digits=9, decimal_places=6, min_value=-limit, max_value=limit, **kwargs)


EXPECTED_STATUS_HELP = "可选：客户端看到的案件状态；若已被他人改变，返回 409 stale，什么也不改"


def expected_status() -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=CaseStatus.choices, required=False, help_text=EXPECTED_STATUS_HELP)


def department_id(help_text: str = "以哪个部门的身份操作（同时属于多个部门时填写）") -> serializers.IntegerField:
    return Id(required=False, help_text=help_text)


class ExistingId(serializers.PrimaryKeyRelatedField):
    """The id of a row of ``queryset``: checked like a related field (400 naming the field when
    there is none), passed on as the id, for a service that takes ids."""

    def to_internal_value(self, data) -> int:
        return super().to_internal_value(data).pk


class SharedRow(serializers.PrimaryKeyRelatedField):
    """A related row by id, as DRF's ``PrimaryKeyRelatedField`` reads it (the same rows, the same
    refusals), kept between requests in a shared store (``governance.shared_cache``) that any
    change of the model's rows empties: a report names its station and grid, which change seldom,
    and reading them was two of a filing's queries. Each read gives a fresh instance (unpickled).

    Only an id sent as a JSON number is looked up in the store; any other value goes to DRF as
    before, and so does an id not stored yet (then stored, if found)."""

    def __init__(self, *, store: Versioned, **kwargs):
        self.store = store
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if type(data) is not int:
            return super().to_internal_value(data)
        row, version = self.store.get(data)
        if row is MISSING:
            row = super().to_internal_value(data)
            self.store.set(data, row, version)
        return row


# The active stations, grids and categories a report may name, each store emptied by any change
# of its model's rows (``connect_signals``).
ACTIVE_STATIONS = Versioned("active-stations")
ACTIVE_GRIDS = Versioned("active-grids")
ACTIVE_CATEGORIES = Versioned("active-categories")


def connect_signals() -> None:
    for store, model in [(ACTIVE_STATIONS, Workstation), (ACTIVE_GRIDS, Grid), (ACTIVE_CATEGORIES, Category)]:
        store.forget_on((post_save, model), (post_delete, model))


# --- Reporting --------------------------------------------------------------------------------


class PartyInputSerializer(Serializer):
    name = serializers.CharField(max_length=50)
    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.OTHER)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(
        max_length=18,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_id_number],
        help_text="18位居民身份证号（GB 11643），校验位须正确",
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    organization = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class CaseCreateSerializer(Serializer):
    """A grid worker's report, or a walk-in / leader's instruction typed in by the chief."""

    station = SharedRow(queryset=Workstation.objects.filter(is_active=True), store=ACTIVE_STATIONS)
    grid = SharedRow(
        queryset=Grid.objects.filter(is_active=True), store=ACTIVE_GRIDS, required=False, allow_null=True, default=None
    )
    category = SharedRow(
        queryset=Category.objects.filter(is_active=True),
        store=ACTIVE_CATEGORIES,
        required=False,
        allow_null=True,
        default=None,
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    source = serializers.ChoiceField(
        choices=REPORT_SOURCES,
        default=Source.GRID,
        help_text="外部系统的事件请走 /api/intake/<来源>/",
    )
    title = Text(TITLE_MAX_LENGTH, blank=False)
    description = Text(TEXT_MAX_LENGTH, blank=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    latitude = Coordinate(90, required=False, allow_null=True, default=None)
    longitude = Coordinate(180, required=False, allow_null=True, default=None)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    reporter_confidential = serializers.BooleanField(
        required=False, default=False, help_text="保密举报：上报人身份对承办部门保密（站长可见）"
    )
    parties = serializers.ListField(
        child=PartyInputSerializer(),
        required=False,
        default=list,
        max_length=MAX_PARTIES,
        error_messages={"max_length": TOO_MANY_PARTIES},
    )


# --- Intake decisions (chief) -----------------------------------------------------------------


class AcceptSerializer(Serializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="可选：设定或更正类别",
    )
    expected_status = expected_status()


class RejectSerializer(Serializer):
    reason = Text(NOTE_MAX_LENGTH, blank=False, help_text="不予受理的理由（上报人可见）")
    expected_status = expected_status()


class MergeSerializer(Serializer):
    into_id = Id(help_text="并入的案件 id（同一工作站）")
    reason = Text(NOTE_MAX_LENGTH, default="")
    expected_status = expected_status()


class DispatchSerializer(Serializer):
    """Send nothing but ``expected_status`` to dispatch by the plan; any other field overrides it."""

    category_id = Id(required=False, help_text="调整类别")
    mode = serializers.ChoiceField(choices=DispatchMode.choices, required=False, help_text="调整分拨方式")
    lead_id = Id(required=False, help_text="调整主办部门")
    co_ids = serializers.ListField(
        child=Id(), required=False, max_length=MAX_CO_DEPARTMENTS, help_text="调整协办部门（空列表表示不设协办）"
    )
    handle_due_at = Moment(required=False, help_text="调整办理期限")
    reason = Text(NOTE_MAX_LENGTH, default="", help_text="调整方案时必填：理由")
    expected_status = expected_status()


# --- Handling (departments) and the chief's decisions -----------------------------------------


class SignSerializer(Serializer):
    department_id = department_id()


class AcknowledgeSummonsSerializer(Serializer):
    summons_id = Id(help_text="召集 id（见案件详情的 summonses）")


class RecordArrivalSerializer(AcknowledgeSummonsSerializer):
    pass


class RequestReturnSerializer(Serializer):
    reason = Text(NOTE_MAX_LENGTH, blank=False, help_text="退单理由")
    department_id = department_id()


class DecideReturnSerializer(Serializer):
    request_id = Id(help_text="退单申请 id（见案件详情的 return_requests）")
    approve = serializers.BooleanField()
    note = Text(NOTE_MAX_LENGTH, default="", help_text="审批意见；不同意时必填")


class RequestExtensionSerializer(Serializer):
    requested_due_at = Moment(help_text="申请延至")
    reason = Text(NOTE_MAX_LENGTH, blank=False, help_text="延期理由")
    department_id = department_id()


class DecideExtensionSerializer(DecideReturnSerializer):
    request_id = Id(help_text="延期申请 id（见案件详情的 extensions）")


class RequestHoldSerializer(Serializer):
    reason = Text(NOTE_MAX_LENGTH, blank=False, help_text="挂账理由")
    department_id = department_id()


class DecideHoldSerializer(DecideReturnSerializer):
    request_id = Id(help_text="挂账申请 id（见案件详情的 holds）")


class ResumeSerializer(Serializer):
    pass


class RecordPartSerializer(Serializer):
    text = Text(TEXT_MAX_LENGTH, blank=False, help_text="协办情况")
    department_id = department_id()


class WaivePartSerializer(Serializer):
    assignment_id = Id(help_text="免除的协办派单 id")
    reason = Text(NOTE_MAX_LENGTH, blank=False, help_text="免除理由")


class ResolveSerializer(Serializer):
    text = Text(TEXT_MAX_LENGTH, blank=False, help_text="办理结果")
    department_id = department_id()


class ResolveMultipartSerializer(ResolveSerializer):
    files = serializers.ListField(
        child=serializers.FileField(max_length=200),
        required=False,
        default=list,
        max_length=MAX_FILES,
        help_text="办结佐证：照片（JPEG、PNG、WebP）或 PDF，按内容识别；每个不超过 10 MB，案件合计不超过 50 MB",
    )


class FeedbackSerializer(Serializer):
    result = serializers.ChoiceField(choices=[(g.value, g.label) for g in GIVEN])
    comment = Text(NOTE_MAX_LENGTH, default="", help_text="意见；不满意时必填")
    expected_status = expected_status()


class CloseSerializer(Serializer):
    reason = Text(NOTE_MAX_LENGTH, default="")
    expected_status = expected_status()


# --- Supervision and mediation ----------------------------------------------------------------


class SuperviseSerializer(Serializer):
    message = Text(NOTE_MAX_LENGTH, blank=False, help_text="督办内容")


class RespondSupervisionSerializer(Serializer):
    supervision_id = Id(help_text="督办 id")
    response = Text(NOTE_MAX_LENGTH, blank=False, help_text="回复内容")


class ParticipantInputSerializer(Serializer):
    """One participant; its validated value is the service's ``ParticipantInput``."""

    role = serializers.ChoiceField(choices=MediationParticipant.Role.choices)
    name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default="", help_text="姓名；指定用户时可不填"
    )
    department_id = ExistingId(
        queryset=Department.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    organization = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    user_id = ExistingId(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="系统内的用户：本站或承办部门的在岗人员",
    )

    def validate(self, attrs) -> ParticipantInput:
        return ParticipantInput(**attrs)


class ScheduleMediationSerializer(Serializer):
    scheduled_at = Moment()
    place = Text(100, blank=False)
    department_ids = serializers.ListField(
        child=Id(),
        required=False,
        allow_null=True,
        default=None,
        max_length=MAX_CO_DEPARTMENTS + 1,
        help_text="参加的部门（已派单部门或本站入驻部门）；不填表示全部已派单部门",
    )
    participants = ParticipantInputSerializer(
        many=True,
        required=False,
        default=list,
        max_length=MAX_PARTICIPANTS,
        help_text="部门之外的参与人（律师、老娘舅、当事人…）；部门代表也可在此指定到人",
    )


class RecordMediationSerializer(Serializer):
    session_id = Id(help_text="调处 id")
    minutes = Text(TEXT_MAX_LENGTH, blank=False, help_text="调处笔录")
    outcome = serializers.ChoiceField(
        choices=MediationOutcome.choices, help_text="agreement 达成协议、partial 部分达成、failed 未达成"
    )
    agreement = Text(TEXT_MAX_LENGTH, default="", help_text="协议内容：达成协议时必填，部分达成时可填，未达成时不填")
    attended_ids = serializers.ListField(
        child=Id(),
        required=False,
        allow_null=True,
        default=None,
        max_length=MAX_ATTENDED,
        help_text="到场的参与人 id；不填表示全部到场",
    )


class RecordMediationMultipartSerializer(RecordMediationSerializer):
    document = serializers.FileField(
        max_length=200,
        required=False,
        allow_null=True,
        default=None,
        help_text="调解协议书：PDF 或照片（JPEG、PNG、WebP、HEIC），不超过 10 MB；未达成时不附",
    )


# --- Query parameters -------------------------------------------------------------------------


class PlanQuerySerializer(Serializer):
    lead = Id(required=False, help_text="预览站长指定的主办部门（类别未设主责部门时）")
