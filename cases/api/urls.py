"""/api/ routes. Case actions and intake sources come from their registries."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from cases.api import views
from cases.api.actions import ACTIONS
from cases.api.errors import unknown_path
from cases.api.intake import SOURCES, intake_view
from governance.security import DocumentationReaders, documentation_page
from notifications import api as notifications

app_name = "api"

router = SimpleRouter()
router.register("categories", views.CategoryViewSet, basename="category")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("stations", views.StationViewSet, basename="station")
router.register("grids", views.GridViewSet, basename="grid")

case_urls = [
    path("", views.CaseDetailView.as_view(), name="case-detail"),
    path("dispatch-plan/", views.DispatchPlanView.as_view(), name="case-dispatch-plan"),
    path("events/", views.CaseEventsView.as_view(), name="case-events"),
    path("assignments/", views.CaseAssignmentsView.as_view(), name="case-assignments"),
    path("mediations/", views.CaseMediationsView.as_view(), name="case-mediations"),
    path("supervisions/", views.CaseSupervisionsView.as_view(), name="case-supervisions"),
    path("summonses/", views.CaseSummonsesView.as_view(), name="case-summonses"),
    path(
        "attachments/<int:attachment_id>/download/",
        views.AttachmentDownloadView.as_view(),
        name="case-attachment-download",
    ),
    *[path(f"{key}/", views.action_view(key, a).as_view(), name=f"case-{key}") for key, a in ACTIONS.items()],
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[DocumentationReaders]), name="schema"),
    path(
        "docs/",
        documentation_page(
            SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=[DocumentationReaders])
        ),
        name="docs",
    ),
    path(
        "redoc/",
        documentation_page(
            SpectacularRedocView.as_view(url_name="api:schema", permission_classes=[DocumentationReaders])
        ),
        name="redoc",
    ),
    path("me/", views.MeView.as_view(), name="me"),
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/<int:pk>/", include(case_urls)),
    path("notifications/", notifications.NotificationListView.as_view(), name="notification-list"),
    path("notifications/unread-count/", notifications.UnreadCountView.as_view(), name="notification-unread-count"),
    path("notifications/read-all/", notifications.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/<int:pk>/read/", notifications.NotificationReadView.as_view(), name="notification-read"),
    *[path(f"intake/{s.slug}/", intake_view(s).as_view(), name=f"intake-{s.slug}") for s in SOURCES.values()],
    path("", include(router.urls)),
    # Anything else under /api/ answers in the API's error shape, not Django's HTML page.
    re_path(r"^.*$", unknown_path),
]
