"""API views: thin adapters. Validate input, ask the access gate, call one service, serialize.

Scope: every case list starts from ``visible_cases(user)``; every case-bound view first calls
``access_case`` (404 out of scope). Whether an action is allowed is the transition table's call
(403 with the service's message).

Personal data: shown as the need-to-know policy (``cases.privacy``) lets the user see it, and
what was shown in full is written to the view log (``cases.viewlog``): the detail, the list (the
address), a case's mediation rounds (participants' names); every download is logged too, and a
photo that may show people is refused (403) to a viewer without ``photos``.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import privacy, viewlog
from cases.access import access_case, visible_cases
from cases.api import filters, inputs
from cases.api import serializers as out
from cases.api.actions import CaseAction
from cases.api.intake import NotAnIntakeAccount
from cases.api.parsers import JSONParser
from cases.models import Category, MediationParticipant
from cases.selectors import CASE_ROW, case_detail_for, dispatch_plan_for, duplicate_candidates, new_case_detail_for
from cases.services.intake import PartyInput, case_report
from governance import clock
from workstation.models import Department, Grid, Membership, StationDepartment, User, Workstation


def case_detail_data(user, case_id: int, *, gated: bool = True) -> dict:
    """The case as the user may see it; what it shows in full goes to the view log."""
    case = case_detail_for(user, case_id, gated=gated)
    data = out.CaseDetailSerializer(case, context={"visibility": case.visibility}).data
    # The detail carries no mediation rounds (their own endpoint logs those names).
    shown = case.visibility.full - {privacy.P.MEDIATION}
    viewlog.record_views(user, [(case, shown)], channel="api:case")
    return data


# --- Cases ------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(summary="案件列表（仅您权限内的案件，游标分页）", tags=["案件"]),
    post=extend_schema(
        summary="上报事件（网格员）或登记来访（站长）",
        tags=["案件"],
        request=inputs.CaseCreateSerializer,
        responses={201: out.CaseDetailSerializer},
    ),
)
class CaseListView(generics.ListAPIView):
    serializer_class = out.CaseListSerializer
    filterset_class = filters.CaseFilter
    filter_backends = [DjangoFilterBackend, filters.CaseOrdering]
    pagination_class = filters.CasePagination

    def get_queryset(self):
        return privacy.with_visibility_facts(visible_cases(self.request.user), self.request.user).select_related(
            *CASE_ROW
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        # The rows of this page whose address was shown in full: one INSERT for the page.
        page = getattr(self.paginator, "page", None)
        rows = list(page) if page is not None else []
        viewlog.record_shown(request.user, rows, channel="api:cases", fields=[privacy.P.ADDRESSES])
        return response

    def post(self, request):
        data = _valid(inputs.CaseCreateSerializer, request.data)
        parties = [PartyInput(**p) for p in data.pop("parties")]
        case = case_report(actor=request.user, parties=parties, **data)
        detail = new_case_detail_for(request.user, case)
        data = out.CaseDetailSerializer(detail, context={"visibility": detail.visibility}).data
        viewlog.record_views(
            request.user, [(detail, detail.visibility.full - {privacy.P.MEDIATION})], channel="api:case"
        )
        return Response(data, status=status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    @extend_schema(summary="案件详情", tags=["案件"], responses=out.CaseDetailSerializer)
    def get(self, request, pk: int):
        return Response(case_detail_data(request.user, pk))


class CaseActionView(APIView):
    """One lifecycle action; ``action_view`` makes a subclass per registry entry. The input's
    fields are the service's keyword arguments."""

    spec: CaseAction

    def post(self, request, pk: int):
        spec = self.spec
        case = access_case(request.user, pk)
        data = _valid(spec.multipart or spec.input, request.data)
        result = spec.service(case.pk, actor=request.user, **data)
        code = status.HTTP_201_CREATED if spec.created else status.HTTP_200_OK
        if spec.output is None:
            return Response(case_detail_data(request.user, case.pk, gated=False), status=code)
        # The request in the context: what it shows of people follows the need-to-know policy.
        return Response(spec.output(result, context={"request": request}).data, status=code)


def action_view(key: str, spec: CaseAction):
    """A view class for one action, with its own schema (request body, response, summary)."""
    request = spec.input
    if spec.multipart:
        request = {"multipart/form-data": spec.multipart, "application/json": spec.input}

    @extend_schema(
        summary=spec.summary,
        tags=["案件操作"],
        operation_id=f"cases_{key}",
        request=request,
        responses={201 if spec.created else 200: spec.output or out.CaseDetailSerializer},
    )
    def post(self, request, pk: int):
        return CaseActionView.post(self, request, pk)

    attributes = {"spec": spec, "post": post, "__doc__": spec.summary}
    if spec.multipart:
        attributes["parser_classes"] = [MultiPartParser, FormParser, JSONParser]
    return type(f"Case{key.title().replace('_', '')}View", (CaseActionView,), attributes)


class DispatchPlanView(APIView):
    @extend_schema(
        summary="分拨方案预览：4+X 规则的方案、理由，及疑似重复案件",
        tags=["案件"],
        parameters=[inputs.PlanQuerySerializer],
        responses=out.DispatchPreviewSerializer,
    )
    def get(self, request, pk: int):
        case = access_case(request.user, pk)
        query = _valid(inputs.PlanQuerySerializer, request.query_params)
        plan = dispatch_plan_for(case, now=clock.now(), chief_lead_id=query.get("lead"))
        duplicates = duplicate_candidates(case, viewer=request.user)
        department_ids = {i for i in (plan.lead_id, *plan.co_ids) if i}
        context = {
            "departments": Department.objects.in_bulk(department_ids),
            "categories": Category.objects.in_bulk([plan.category_id] if plan.category_id else []),
        }
        body = {"plan": plan, "duplicates": duplicates}
        return Response(out.DispatchPreviewSerializer(body, context=context).data)


class CaseChildrenView(generics.ListAPIView):
    """A list that belongs to one case (events, assignments …): the gate first, then the rows."""

    pagination_class = filters.PagePagination
    related: str

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no case
            return self.serializer_class.Meta.model.objects.none()
        self.case = access_case(self.request.user, self.kwargs["pk"])
        return self.optimise(getattr(self.case, self.related).all())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "case"):
            # One policy answer for every row (the case's assignments and summonses: two queries).
            context["visibility"] = privacy.visibility(self.request.user, self.case)
        return context

    def optimise(self, queryset):
        return queryset


@extend_schema_view(get=extend_schema(summary="流转记录", tags=["案件"]))
class CaseEventsView(CaseChildrenView):
    related = "events"
    serializer_class = out.EventSerializer
    filterset_class = filters.EventFilter

    def optimise(self, queryset):
        return queryset.select_related("actor").order_by("pk")


@extend_schema_view(get=extend_schema(summary="派单", tags=["案件"]))
class CaseAssignmentsView(CaseChildrenView):
    related = "assignments"
    serializer_class = out.AssignmentSerializer
    filterset_class = filters.AssignmentFilter

    def optimise(self, queryset):
        return queryset.select_related("department", "signed_by").order_by("pk")


@extend_schema_view(get=extend_schema(summary="联合调处", tags=["案件"]))
class CaseMediationsView(CaseChildrenView):
    related = "mediations"
    serializer_class = out.MediationSessionSerializer
    filterset_class = filters.MediationFilter

    def optimise(self, queryset):
        participants = MediationParticipant.objects.order_by("pk")
        return queryset.select_related("created_by", "agreement_document").prefetch_related(
            Prefetch("participants", participants)
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        shown = privacy.visibility(request.user, self.case)
        if response.data.get("results") and privacy.P.MEDIATION in shown:
            viewlog.record_views(request.user, [(self.case, [privacy.P.MEDIATION])], channel="api:mediations")
        return response


@extend_schema_view(get=extend_schema(summary="督办（预警、超期、升级、挂牌督办）", tags=["案件"]))
class CaseSupervisionsView(CaseChildrenView):
    related = "supervisions"
    serializer_class = out.SupervisionSerializer
    filterset_class = filters.SupervisionFilter

    def optimise(self, queryset):
        return queryset.select_related("created_by", "responded_by", "assignment__department").order_by(
            "created_at", "pk"
        )


@extend_schema_view(get=extend_schema(summary="联络员召集", tags=["案件"]))
class CaseSummonsesView(CaseChildrenView):
    related = "summonses"
    serializer_class = out.SummonsSerializer
    filterset_class = filters.SummonsFilter

    def optimise(self, queryset):
        return queryset.select_related("presence__department", "liaison_officer").order_by("pk")


# A file opened on its own (the link, not the case page's <img>) is saved, never rendered by the
# browser as a page of this site: ``attachment``, no sniffing a type other than the one stored,
# and a sandbox (no script, no same origin) should anything still render it. The case page's
# thumbnails load the same URL in <img>, which shows image bytes only, whatever the headers say.
DOWNLOAD_POLICY = "sandbox; default-src 'none'"


def downloaded(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response


class AttachmentDownloadView(APIView):
    """Files pass the same gate as the case they belong to (no public media URL), then the
    need-to-know policy: a photo that may show people (report, evidence) is refused (403) to a
    viewer without ``photos``; the case page tells them it exists. Every download is logged."""

    @extend_schema(
        summary="下载附件",
        tags=["案件"],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="文件")},
    )
    def get(self, request, pk: int, attachment_id: int):
        case = access_case(request.user, pk)
        attachment = get_object_or_404(case.attachments, pk=attachment_id)
        if not privacy.may_download(request.user, case, attachment):
            raise PermissionDenied(_("该照片可能拍到当事人，您无权查看"))
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        viewlog.record_download(request.user, attachment)
        return downloaded(
            FileResponse(
                handle,
                as_attachment=True,
                filename=attachment.original_name,
                content_type=attachment.content_type or "application/octet-stream",
            )
        )


# --- The current user -------------------------------------------------------------------------


class MeView(APIView):
    @extend_schema(summary="当前用户及其岗位", tags=["用户"], responses=out.MeSerializer)
    def get(self, request):
        memberships = Membership.objects.select_related("station", "department").prefetch_related("grids")
        user = User.objects.prefetch_related(Prefetch("memberships", memberships)).get(pk=request.user.pk)
        return Response(out.MeSerializer(user).data)


# --- Reference data (read-only) ---------------------------------------------------------------


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data for people; an intake service account gets 403 (it needs none of it, and
    the stations name their liaison officers)."""

    pagination_class = filters.PagePagination
    permission_classes = [IsAuthenticated, NotAnIntakeAccount]


@extend_schema_view(
    list=extend_schema(summary="事项类别", tags=["基础数据"]),
    retrieve=extend_schema(summary="事项类别详情", tags=["基础数据"]),
)
class CategoryViewSet(ReferenceViewSet):
    serializer_class = out.CategorySerializer
    filterset_class = filters.CategoryFilter
    queryset = (
        Category.objects.select_related("owner").prefetch_related("co_departments").order_by("sort_order", "code")
    )


@extend_schema_view(
    list=extend_schema(summary="部门", tags=["基础数据"]),
    retrieve=extend_schema(summary="部门详情", tags=["基础数据"]),
)
class DepartmentViewSet(ReferenceViewSet):
    serializer_class = out.DepartmentSerializer
    filterset_class = filters.DepartmentFilter
    queryset = Department.objects.order_by("code")


@extend_schema_view(
    list=extend_schema(summary="联动工作站（含 4+X 入驻部门）", tags=["基础数据"]),
    retrieve=extend_schema(summary="联动工作站详情", tags=["基础数据"]),
)
class StationViewSet(ReferenceViewSet):
    serializer_class = out.StationSerializer
    filterset_class = filters.StationFilter
    queryset = Workstation.objects.prefetch_related(
        Prefetch(
            "presences",
            StationDepartment.objects.select_related("department", "liaison_officer").order_by(
                "presence", "department__code"
            ),
        )
    ).order_by("code")


@extend_schema_view(
    list=extend_schema(summary="网格", tags=["基础数据"]),
    retrieve=extend_schema(summary="网格详情", tags=["基础数据"]),
)
class GridViewSet(ReferenceViewSet):
    serializer_class = out.GridSerializer
    filterset_class = filters.GridFilter
    queryset = Grid.objects.order_by("station_id", "code")


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
