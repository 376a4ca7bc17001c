"""External intake: ``POST /api/intake/<source>/`` for the systems that push cases to the station.

Each source is one registry entry (``SOURCES``): the adapter serializer that reads that
system's own payload and maps it to ``case_report``'s arguments, and the auth group whose
service account may push for it. Authentication is by token only (no session, so no CSRF for
machines); a token of another source, or of a person, answers 403.

Idempotent on (source, external id): the first push answers 201, a repeat answers 200 with the
same case (``cases.services.external.case_report_external``), and concurrent repeats file one.
A bad payload answers 400 with the source's own field names and stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.inputs import Coordinate, Moment
from cases.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Case, PartyRole, Source, Urgency
from cases.services.external import case_report_external
from cases.services.intake import MAX_PARTIES, TOO_MANY_PARTIES, PartyInput
from cases.services.lifecycle import Invalid
from cases.validators import validate_id_number
from governance.throttles import CountedTokenAuthentication
from workstation.models import Grid, Workstation


def _title(prefix: str, text: str) -> str:
    # The case title is stored in the language of record: the prefixes are not translated. A title
    # made from a long text is cut with an ellipsis; the text itself is kept whole as the description.
    return Truncator(f"{prefix}{' '.join(text.split())}").chars(TITLE_MAX_LENGTH, truncate="…")


def _station(code: str, field: str) -> Workstation:
    station = Workstation.objects.filter(code=code, is_active=True).first()
    if station is None:
        raise serializers.ValidationError({field: [_("工作站编码不存在或已停用")]})
    return station


class IntakeAdapter(serializers.Serializer):
    """Reads one system's payload; ``report()`` gives (external id, case_report's arguments).
    ``FIELDS`` names the system's field for an argument the service may refuse."""

    FIELDS: dict[str, str] = {}

    def report(self) -> tuple[str, dict]:
        raise NotImplementedError


class Police110Adapter(IntakeAdapter):
    """110 非警务警情推送: the police system's incident record, field names as it sends them."""

    LEVELS = {"1": Urgency.NORMAL, "2": Urgency.URGENT, "3": Urgency.MAJOR}
    FIELDS = {"reported_at": "bjsj"}

    jqbh = serializers.CharField(max_length=64, help_text="警情编号（外部编号）")
    bjsj = Moment(help_text="报警时间：不早于 30 天前，不晚于当前 5 分钟后")
    bjnr = serializers.CharField(max_length=TEXT_MAX_LENGTH, help_text="报警内容")
    jqlb = serializers.CharField(max_length=60, required=False, allow_blank=True, default="", help_text="警情类别")
    jqdj = serializers.ChoiceField(
        choices=[("1", "一般"), ("2", "紧急"), ("3", "重大")], default="1", help_text="警情等级"
    )
    fadz = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text="发案地址")
    lng = Coordinate(180, required=False, allow_null=True, default=None, help_text="经度")
    lat = Coordinate(90, required=False, allow_null=True, default=None, help_text="纬度")
    bjrxm = serializers.CharField(max_length=50, required=False, allow_blank=True, default="", help_text="报警人姓名")
    bjrdh = serializers.CharField(max_length=20, required=False, allow_blank=True, default="", help_text="报警人电话")
    station = serializers.CharField(max_length=8, help_text="推送至的联动工作站编码，如 ZX")

    def validate(self, data):
        if (data["lng"] is None) != (data["lat"] is None):
            raise serializers.ValidationError({"lat": [_("经纬度须同时填写")]})
        data["station"] = _station(data["station"], "station")
        return data

    def report(self) -> tuple[str, dict]:
        d = self.validated_data
        return d["jqbh"], {
            "station": d["station"],
            "title": _title("110非警务警情：", d["jqlb"] or d["bjnr"]),
            "description": d["bjnr"],
            "urgency": self.LEVELS[d["jqdj"]],
            "address": d["fadz"],
            "latitude": d["lat"],
            "longitude": d["lng"],
            "reporter_name": d["bjrxm"],
            "reporter_phone": d["bjrdh"],
            "reported_at": d["bjsj"],
        }


class Hotline12345Adapter(IntakeAdapter):
    """12345 政务服务热线 work order (工单)."""

    URGENCY = {"一般": Urgency.NORMAL, "紧急": Urgency.URGENT, "特急": Urgency.MAJOR}
    FIELDS = {"reported_at": "slsj"}

    gdbh = serializers.CharField(max_length=64, help_text="工单编号（外部编号）")
    slsj = Moment(help_text="受理时间：不早于 30 天前，不晚于当前 5 分钟后")
    sqbt = serializers.CharField(max_length=100, help_text="诉求标题")
    sqnr = serializers.CharField(max_length=TEXT_MAX_LENGTH, help_text="诉求内容")
    sqlx = serializers.ChoiceField(
        choices=[("投诉", "投诉"), ("求助", "求助"), ("咨询", "咨询"), ("建议", "建议"), ("举报", "举报")],
        default="投诉",
        help_text="诉求类型",
    )
    sqdz = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text="诉求地址")
    ldrxm = serializers.CharField(max_length=50, required=False, allow_blank=True, default="", help_text="来电人姓名")
    ldhm = serializers.CharField(max_length=20, required=False, allow_blank=True, default="", help_text="来电号码")
    jjcd = serializers.ChoiceField(
        choices=[(k, k) for k in URGENCY], default="一般", help_text="紧急程度：一般、紧急、特急"
    )
    cbdw = serializers.CharField(max_length=8, help_text="承办单位（联动工作站编码）")

    def validate(self, data):
        data["cbdw"] = _station(data["cbdw"], "cbdw")
        return data

    def report(self) -> tuple[str, dict]:
        d = self.validated_data
        return d["gdbh"], {
            "station": d["cbdw"],
            "title": _title(f"12345{d['sqlx']}：", d["sqbt"]),
            "description": d["sqnr"],
            "urgency": self.URGENCY[d["jjcd"]],
            "address": d["sqdz"],
            "reporter_name": d["ldrxm"],
            "reporter_phone": d["ldhm"],
            "reported_at": d["slsj"],
        }


class FourPlatformsLocation(serializers.Serializer):
    longitude = Coordinate(180)
    latitude = Coordinate(90)


class FourPlatformsPerson(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class FourPlatformsParty(FourPlatformsPerson):
    ROLES = {"applicant": PartyRole.COMPLAINANT, "respondent": PartyRole.RESPONDENT, "other": PartyRole.OTHER}

    id_card = serializers.CharField(
        max_length=18,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_id_number],
        help_text="18位居民身份证号（GB 11643），校验位须正确",
    )
    party_type = serializers.ChoiceField(choices=list(ROLES), default="other")


class FourPlatformsAdapter(IntakeAdapter):
    """基层治理四平台 event, with its grid, location and parties."""

    LEVELS = {1: Urgency.NORMAL, 2: Urgency.URGENT, 3: Urgency.MAJOR}
    FIELDS = {"reported_at": "occur_time"}

    event_id = serializers.CharField(max_length=64, help_text="事件编号（外部编号）")
    event_title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    event_content = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    occur_time = Moment(help_text="发生/上报时间：不早于 30 天前，不晚于当前 5 分钟后")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    location = FourPlatformsLocation(required=False, allow_null=True, default=None)
    org_code = serializers.CharField(max_length=8, help_text="联动工作站编码")
    grid_code = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="网格编码（属于该工作站）"
    )
    urgency_level = serializers.ChoiceField(choices=[1, 2, 3], default=1, help_text="1 一般、2 紧急、3 重大")
    reporter = FourPlatformsPerson(required=False, allow_null=True, default=None)
    parties = serializers.ListField(
        child=FourPlatformsParty(),
        required=False,
        default=list,
        max_length=MAX_PARTIES,
        error_messages={"max_length": TOO_MANY_PARTIES},
    )

    def validate(self, data):
        data["org_code"] = _station(data["org_code"], "org_code")
        grid = None
        if data["grid_code"]:
            grid = Grid.objects.filter(station=data["org_code"], code=data["grid_code"], is_active=True).first()
            if grid is None:
                raise serializers.ValidationError({"grid_code": [_("网格编码不存在或不属于该工作站")]})
        data["grid"] = grid
        return data

    def report(self) -> tuple[str, dict]:
        d = self.validated_data
        location, reporter = d["location"] or {}, d["reporter"] or {}
        parties = [
            PartyInput(
                name=p["name"],
                role=FourPlatformsParty.ROLES[p["party_type"]],
                phone=p["mobile"],
                id_number=p["id_card"],
            )
            for p in d["parties"]
        ]
        return d["event_id"], {
            "station": d["org_code"],
            "grid": d["grid"],
            "title": _title("", d["event_title"]),
            "description": d["event_content"],
            "urgency": self.LEVELS[int(d["urgency_level"])],
            "address": d["address"],
            "latitude": location.get("latitude"),
            "longitude": location.get("longitude"),
            "reporter_name": reporter.get("name", ""),
            "reporter_phone": reporter.get("mobile", ""),
            "parties": parties,
            "reported_at": d["occur_time"],
        }


@dataclass(frozen=True)
class IntakeSource:
    slug: str  # the URL segment, and Case.source
    label: str
    adapter: type[IntakeAdapter]

    @property
    def group(self) -> str:
        """The auth group of the source's service accounts."""
        return f"{INTAKE_GROUP_PREFIX}{self.slug}"

    @property
    def username(self) -> str:
        return f"intake-{self.slug}"


SOURCES: dict[str, IntakeSource] = {
    s.slug: s
    for s in [
        IntakeSource(Source.POLICE_110.value, "110非警务警情", Police110Adapter),
        IntakeSource(Source.HOTLINE_12345.value, "12345热线", Hotline12345Adapter),
        IntakeSource(Source.FOUR_PLATFORMS.value, "基层治理四平台", FourPlatformsAdapter),
    ]
}


class IntakeResultSerializer(serializers.ModelSerializer):
    created = serializers.BooleanField(help_text="本次新建（201）；false 表示此前已推送过（200）")

    class Meta:
        model = Case
        fields = ["id", "number", "status", "source", "external_id", "created"]


class IsSourceAccount(permissions.BasePermission):
    message = gettext_lazy("该令牌无权推送此来源的事件")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.groups.filter(name=view.intake.group).exists())


INTAKE_GROUP_PREFIX = "intake:"


class NotAnIntakeAccount(permissions.BasePermission):
    """For the reference lists (stations with their liaison officers, departments, grids,
    categories): people only. An intake service account pushes cases and reads nothing."""

    message = gettext_lazy("外部推送账号只能推送事件，不能读取其他数据")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return not user.groups.filter(name__startswith=INTAKE_GROUP_PREFIX).exists()


class IntakeView(APIView):
    authentication_classes = [CountedTokenAuthentication]
    permission_classes = [IsSourceAccount]
    throttle_scope = "intake"  # stricter than a person's rate (governance/throttles.py)
    intake: IntakeSource

    def post(self, request):
        adapter = self.intake.adapter(data=request.data)
        adapter.is_valid(raise_exception=True)
        external_id, fields = adapter.report()
        try:
            case, created = case_report_external(source=self.intake.slug, external_id=external_id, **fields)
        except Invalid as refused:  # in the source's own field names, like the adapter's refusals
            raise serializers.ValidationError(
                {adapter.FIELDS.get(name, name): messages for name, messages in refused.errors.items()}
            ) from None
        case.created = created
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(IntakeResultSerializer(case).data, status=code)


def intake_view(intake: IntakeSource):
    @extend_schema(
        summary=f"外部推送：{intake.label}（服务账号令牌，按外部编号幂等）",
        tags=["外部推送"],
        operation_id=f"intake_{intake.slug.replace('-', '_')}",
        request=intake.adapter,
        responses={201: IntakeResultSerializer, 200: IntakeResultSerializer},
    )
    def post(self, request):
        return IntakeView.post(self, request)

    return type(f"Intake{intake.adapter.__name__}View", (IntakeView,), {"intake": intake, "post": post})
