"""The notifications API under /api/notifications/: a user's inbox, its unread count, marking read.

Routed from ``cases.api.urls`` with the rest of /api/, so it shares the API's error shape,
pagination and schema.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.filters import BooleanFilter, IdFilter, MomentFilter, PagePagination
from notifications.models import Notification
from notifications.selectors import inbox_list_for, unread_count
from notifications.services import mark_read


class NotificationSerializer(serializers.ModelSerializer):
    """A notice rendered in the request's language (``notifications.kinds``)."""

    case_number = serializers.CharField(source="case.number", read_only=True, allow_null=True, default=None)
    title = serializers.CharField(source="rendered.title", read_only=True)
    body = serializers.CharField(source="rendered.body", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "case", "case_number", "kind", "title", "body", "created_at", "read_at"]


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="本次标为已读的条数")


class NotificationFilter(filters.FilterSet):
    unread = BooleanFilter(field_name="read_at", lookup_expr="isnull", label="仅未读（true）/仅已读（false）")
    kind = filters.CharFilter(max_length=30)
    case = IdFilter(field_name="case_id")
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Notification
        fields = ["unread", "kind", "case", "created_after"]


@extend_schema_view(get=extend_schema(summary="我的通知", tags=["通知"]))
class NotificationListView(generics.ListAPIView):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    pagination_class = PagePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return inbox_list_for(self.request.user)


class UnreadCountView(APIView):
    @extend_schema(summary="未读通知数", tags=["通知"], responses=UnreadCountSerializer)
    def get(self, request):
        return Response({"unread": unread_count(request.user)})


class NotificationReadView(APIView):
    @extend_schema(summary="标为已读", tags=["通知"], request=None, responses=NotificationSerializer)
    def post(self, request, pk: int):
        notification = get_object_or_404(inbox_list_for(request.user), pk=pk)
        mark_read(request.user, [notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    @extend_schema(summary="全部标为已读", tags=["通知"], request=None, responses=MarkedSerializer)
    def post(self, request):
        return Response({"marked": mark_read(request.user)})
