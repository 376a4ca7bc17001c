"""What the API returns. Read-only serializers; input serializers live in ``cases.api.inputs``.

Personal data is shown as the need-to-know policy (``cases.privacy``) lets the viewer see it:
the context's ``visibility`` for one case (the detail and a case's lists), else the policy asked
per row for the context's ``request.user`` (lists, whose rows carry the policy's facts).
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import privacy
from cases.api.base import ModelSerializer, Serializer
from cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    Category,
    DispatchMode,
    Extension,
    Hold,
    MediationParticipant,
    MediationSession,
    Party,
    ReturnRequest,
    Summons,
    Supervision,
)
from cases.wording import plan_with_reasons_rendered, reason_text
from workstation.models import Department, Grid, StationDepartment, User, Workstation

# --- Small references -------------------------------------------------------------------------


class UserRefSerializer(ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True, help_text="姓名")

    class Meta:
        model = User
        fields = ["id", "username", "name"]


class StationRefSerializer(ModelSerializer):
    class Meta:
        model = Workstation
        fields = ["id", "code", "name"]


class DepartmentRefSerializer(ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "short_name"]


class GridRefSerializer(ModelSerializer):
    class Meta:
        model = Grid
        fields = ["id", "code", "name"]


class CategoryRefSerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent"]


class CaseRefSerializer(ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "number", "title", "status", "reported_at"]


# --- Reference data ---------------------------------------------------------------------------


class DepartmentSerializer(DepartmentRefSerializer):
    class Meta(DepartmentRefSerializer.Meta):
        fields = [*DepartmentRefSerializer.Meta.fields, "is_active"]


class CategorySerializer(ModelSerializer):
    owner = DepartmentRefSerializer(allow_null=True)
    co_departments = DepartmentRefSerializer(many=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "parent",
            "owner",
            "clarity",
            "co_departments",
            "complexity",
            "description",
            "sort_order",
            "is_active",
        ]


class PresenceSerializer(ModelSerializer):
    department = DepartmentRefSerializer()
    liaison_officer = UserRefSerializer(allow_null=True)

    class Meta:
        model = StationDepartment
        fields = ["department", "presence", "liaison_officer", "is_active"]


class StationSerializer(ModelSerializer):
    presences = PresenceSerializer(many=True, help_text="入驻部门（4+X）")

    class Meta:
        model = Workstation
        fields = ["id", "code", "name", "district", "township", "address", "latitude", "longitude", "presences"]


class GridSerializer(ModelSerializer):
    class Meta:
        model = Grid
        fields = ["id", "station", "code", "name", "community", "center_latitude", "center_longitude", "is_active"]


# --- A case's parts ---------------------------------------------------------------------------


def _visibility(serializer: serializers.Serializer, case: Case) -> privacy.Visibility:
    """What the viewer sees of ``case`` in full: the context's, else the policy's for the user."""
    shown = serializer.context.get("visibility")
    if shown is not None:
        return shown
    request = serializer.context.get("request")
    return privacy.visibility(request.user, case) if request is not None else privacy.MASKED


class PartySerializer(ModelSerializer):
    name = serializers.SerializerMethodField(help_text="姓名；无权查看时脱敏，如 张某")
    phone = serializers.SerializerMethodField(help_text="联系电话；无权查看时脱敏，如 139****0001")
    id_number = serializers.SerializerMethodField(help_text="身份证号；无权查看时脱敏，如 330***********1234")
    address = serializers.SerializerMethodField(help_text="住址；无权查看时只到楼栋，如 幸福小区3幢***")

    class Meta:
        model = Party
        fields = ["id", "role", "name", "phone", "id_number", "address", "organization"]

    def get_name(self, party: Party) -> str:
        return privacy.shown_name(party.name, _visibility(self, party.case))

    def get_phone(self, party: Party) -> str:
        return privacy.shown_phone(party.phone, _visibility(self, party.case))

    def get_id_number(self, party: Party) -> str:
        return privacy.shown_id_number(party.id_number, _visibility(self, party.case))

    def get_address(self, party: Party) -> str:
        return privacy.shown_address(party.address, _visibility(self, party.case))


class AssignmentSerializer(ModelSerializer):
    department = DepartmentRefSerializer()
    signed_by = UserRefSerializer(allow_null=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "department",
            "role",
            "status",
            "dispatched_at",
            "sign_due_at",
            "signed_at",
            "signed_by",
            "handle_due_at",
            "part_text",
            "part_recorded_at",
            "finished_at",
        ]


class AttachmentSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="下载地址（经权限校验）；无权查看时为空")
    withheld = serializers.SerializerMethodField(help_text="照片可能拍到人，您无权查看：只告知其存在")

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "purpose", "uploaded_at", "download_url", "withheld"]

    def get_withheld(self, attachment: Attachment) -> bool:
        return privacy.shows_people(attachment) and privacy.P.PHOTOS not in _visibility(self, attachment.case)

    def get_download_url(self, attachment: Attachment) -> str | None:
        if self.get_withheld(attachment):
            return None
        return reverse("api:case-attachment-download", args=[attachment.case_id, attachment.pk])


class EventSerializer(ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="操作人；保密举报的上报人对承办部门不显示")

    class Meta:
        model = CaseEvent
        fields = ["id", "action", "from_status", "to_status", "actor", "reason", "payload", "created_at"]

    @extend_schema_field(UserRefSerializer(allow_null=True))
    def get_actor(self, event: CaseEvent) -> dict | None:
        if event.actor is None or privacy.hides_actor(event, _visibility(self, event.case)):
            return None
        return UserRefSerializer(event.actor).data


class ParticipantSerializer(ModelSerializer):
    name = serializers.SerializerMethodField(help_text="姓名；当事人等群众无权查看时脱敏，如 张某")

    class Meta:
        model = MediationParticipant
        fields = ["id", "role", "name", "department", "user", "organization", "attended"]

    def get_name(self, participant: MediationParticipant) -> str:
        return privacy.shown_participant_name(participant, _visibility(self, participant.session.case))


class MediationSessionSerializer(ModelSerializer):
    participants = ParticipantSerializer(many=True)
    created_by = UserRefSerializer(allow_null=True)
    agreement_document = AttachmentSerializer(allow_null=True, help_text="调解协议书（经权限校验下载）")

    class Meta:
        model = MediationSession
        fields = [
            "id",
            "round_no",
            "scheduled_at",
            "place",
            "status",
            "minutes",
            "outcome",
            "agreement",
            "agreement_document",
            "created_by",
            "created_at",
            "held_at",
            "participants",
        ]


class SupervisionSerializer(ModelSerializer):
    message = serializers.CharField(source="text", read_only=True, help_text="督办内容（自动督办按阅读者的语言生成）")
    created_by = UserRefSerializer(allow_null=True)
    responded_by = UserRefSerializer(allow_null=True)

    class Meta:
        model = Supervision
        fields = [
            "id",
            "assignment",
            "level",
            "deadline",
            "due_at",
            "message",
            "created_by",
            "created_at",
            "response",
            "responded_by",
            "responded_at",
        ]


class SummonsSerializer(ModelSerializer):
    department = DepartmentRefSerializer(source="presence.department", read_only=True)
    liaison_officer = UserRefSerializer(allow_null=True)

    class Meta:
        model = Summons
        fields = [
            "id",
            "department",
            "liaison_officer",
            "status",
            "reason",
            "session",
            "created_at",
            "acknowledged_at",
            "arrived_at",
        ]


_DECISION_FIELDS = [
    "id",
    "assignment",
    "department",
    "reason",
    "status",
    "requested_by",
    "requested_at",
    "decided_by",
    "decided_at",
    "decision_note",
]


class _DecisionSerializer(ModelSerializer):
    department = DepartmentRefSerializer(source="assignment.department", read_only=True)
    requested_by = UserRefSerializer()
    decided_by = UserRefSerializer(allow_null=True)


class ReturnRequestSerializer(_DecisionSerializer):
    class Meta:
        model = ReturnRequest
        fields = _DECISION_FIELDS


class ExtensionSerializer(_DecisionSerializer):
    class Meta:
        model = Extension
        fields = [*_DECISION_FIELDS, "previous_due_at", "requested_due_at"]


class HoldSerializer(_DecisionSerializer):
    class Meta:
        model = Hold
        fields = [*_DECISION_FIELDS, "started_at", "ended_at"]


# --- Cases ------------------------------------------------------------------------------------


class CaseListSerializer(ModelSerializer):
    """A row of the case list: no personal data, no nested lists (one query per page)."""

    station = StationRefSerializer()
    grid = GridRefSerializer(allow_null=True)
    category = CategoryRefSerializer(allow_null=True)
    lead_department = DepartmentRefSerializer(allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    address = serializers.SerializerMethodField(help_text="地址；无权查看时只到楼栋，如 幸福小区3幢***")

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "status",
            "status_display",
            "source",
            "external_id",
            "urgency",
            "ladder",
            "station",
            "grid",
            "category",
            "lead_department",
            "dispatch_mode",
            "address",
            "latitude",
            "longitude",
            "reported_at",
            "accept_due_at",
            "accepted_at",
            "dispatched_at",
            "handle_due_at",
            "held_at",
            "resolved_at",
            "feedback_due_at",
            "closed_at",
            "rework_count",
            "satisfaction",
        ]

    def get_address(self, case: Case) -> str:
        return privacy.shown_address(case.address, _visibility(self, case))


class PersonalDataSerializer(Serializer):
    full = serializers.ListField(child=serializers.ChoiceField(choices=[str(f) for f in privacy.PersonalData]))
    reporter_hidden = serializers.BooleanField()


class StoredPlanField(serializers.JSONField):
    """``Case.dispatch_plan`` as stored, its reasons worded in the request's language."""

    def to_representation(self, value):
        return super().to_representation(plan_with_reasons_rendered(value))


class CaseDetailSerializer(CaseListSerializer):
    dispatch_plan = StoredPlanField(read_only=True)
    reporter = serializers.SerializerMethodField(help_text="上报账号；保密举报对承办部门不显示")
    reporter_name = serializers.SerializerMethodField(help_text="来源联系人；无权查看时脱敏，保密举报时不显示")
    reporter_phone = serializers.SerializerMethodField(help_text="来源联系电话；无权查看时脱敏，保密举报时不显示")
    duplicate_of = CaseRefSerializer(allow_null=True)
    parties = PartySerializer(many=True)
    assignments = AssignmentSerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    return_requests = ReturnRequestSerializer(many=True)
    extensions = ExtensionSerializer(many=True)
    holds = HoldSerializer(many=True)
    summonses = SummonsSerializer(many=True)
    my_roles = serializers.ListField(
        child=serializers.CharField(),
        source="roles",
        help_text="当前用户对本案的角色：chief、lead、co、mediator、liaison、reporter、leader",
    )
    available_actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="按流转规则，当前用户此刻可尝试的操作（POST /api/cases/{id}/<操作>/）",
    )
    pii_masked = serializers.SerializerMethodField(help_text="是否有个人信息对您脱敏")
    personal_data = serializers.SerializerMethodField(
        help_text="您可查看完整的个人信息种类（people 姓名电话、id_numbers 身份证号、addresses 地址、"
        "reporter 上报人、photos 照片、mediation 调处参与人），及上报人是否对您保密"
    )

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "description",
            "reporter",
            "reporter_name",
            "reporter_phone",
            "reporter_confidential",
            "dispatch_plan",
            "dispatch_override",
            "duplicate_of",
            "reject_reason",
            "parties",
            "assignments",
            "attachments",
            "return_requests",
            "extensions",
            "holds",
            "summonses",
            "my_roles",
            "available_actions",
            "pii_masked",
            "personal_data",
        ]

    def _reporter(self, case: Case) -> dict:
        return privacy.shown_reporter(case, _visibility(self, case))

    @extend_schema_field(UserRefSerializer(allow_null=True))
    def get_reporter(self, case: Case) -> dict | None:
        user = self._reporter(case)["user"]
        return UserRefSerializer(user).data if user is not None else None

    def get_reporter_name(self, case: Case) -> str:
        return self._reporter(case)["name"]

    def get_reporter_phone(self, case: Case) -> str:
        return self._reporter(case)["phone"]

    def get_pii_masked(self, case: Case) -> bool:
        return _visibility(self, case).masked

    @extend_schema_field(PersonalDataSerializer)
    def get_personal_data(self, case: Case) -> dict:
        shown = _visibility(self, case)
        return {"full": sorted(str(f) for f in shown.full), "reporter_hidden": shown.reporter_hidden}


# --- The dispatch plan preview ----------------------------------------------------------------


class SuggestionSerializer(Serializer):
    category_id = serializers.IntegerField()
    confidence = serializers.FloatField(help_text="0–1")
    low_confidence = serializers.BooleanField()
    matched = serializers.ListField(child=serializers.CharField(), help_text="命中的关键词")


class ReasonField(serializers.CharField):
    """A dispatch-plan reason, worded in the request's language (``cases.wording``)."""

    def to_representation(self, value) -> str:
        return reason_text(value)


class SummonsPlanSerializer(Serializer):
    department_id = serializers.IntegerField()
    liaison_officer_id = serializers.IntegerField(allow_null=True)


class DispatchPlanSerializer(Serializer):
    """``cases.dispatch.DispatchPlan``, with departments and category named."""

    mode = serializers.ChoiceField(choices=DispatchMode.choices, help_text="solo 各自管 / joint 联合管")
    category = serializers.SerializerMethodField()
    suggestion = SuggestionSerializer(allow_null=True)
    lead = serializers.SerializerMethodField()
    co = serializers.SerializerMethodField()
    summons = SummonsPlanSerializer(many=True)
    propose_mediation = serializers.BooleanField()
    sign_due_at = serializers.DateTimeField(allow_null=True)
    handle_due_at = serializers.DateTimeField(allow_null=True)
    reasons = serializers.ListField(child=ReasonField(), help_text="方案的理由，按规则顺序")
    needs_chief = serializers.BooleanField(help_text="无法确定主办部门，须站长指定")

    def _department(self, department_id):
        department = self.context["departments"].get(department_id)
        return DepartmentRefSerializer(department).data if department else None

    @extend_schema_field(CategoryRefSerializer(allow_null=True))
    def get_category(self, plan) -> dict | None:
        category = self.context["categories"].get(plan.category_id)
        return CategoryRefSerializer(category).data if category else None

    @extend_schema_field(DepartmentRefSerializer(allow_null=True))
    def get_lead(self, plan) -> dict | None:
        return self._department(plan.lead_id)

    @extend_schema_field(DepartmentRefSerializer(many=True))
    def get_co(self, plan) -> list[dict]:
        return [d for d in (self._department(i) for i in plan.co_ids) if d]


class DuplicateSerializer(Serializer):
    case = CaseRefSerializer()
    reasons = serializers.ListField(child=serializers.CharField())
    score = serializers.FloatField(min_value=0, max_value=1, help_text="0–1，越高越可能重复；按此从高到低排列")


class DispatchPreviewSerializer(Serializer):
    plan = DispatchPlanSerializer()
    duplicates = DuplicateSerializer(
        many=True, help_text="疑似重复的案件、理由和分值（仅含您可见的案件；涉及个人信息的理由仅向可查看该信息者显示）"
    )


# --- The current user -------------------------------------------------------------------------


class MembershipSerializer(Serializer):
    role = serializers.CharField()
    station = StationRefSerializer(allow_null=True)
    department = DepartmentRefSerializer(allow_null=True)
    grids = GridRefSerializer(many=True)


class MeSerializer(ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "memberships"]

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, user) -> list[dict]:
        active = [m for m in user.memberships.all() if m.is_active]
        return MembershipSerializer(active, many=True).data
