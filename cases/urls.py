from django.urls import path

from cases import views
from cases.pages import inbox, intake, oversight

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/<slug:action>/", views.case_action, name="act"),
    path("healthz", views.healthz, name="healthz"),
    path("intake/", intake.intake_desk, name="intake"),
    path("decisions/", oversight.decisions, name="decisions"),
    path("board/", oversight.board, name="board"),
    path("inbox/", inbox.inbox, name="inbox"),
]
