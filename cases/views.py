"""The pages: thin views over the selectors and the access gate (reads) and the services (writes)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from cases.access import access_case
from cases.api.filters import CaseFilter
from cases.models import Case
from cases.selectors import lands_on_reports, reports_of, step_deadline, with_step_due, work_list
from governance import clock

CASES_PER_PAGE = 20


class OneChoice(forms.SelectMultiple):
    """A single select on the page, read as the list the API's filter takes; "" (all) is none."""

    allow_multiple_selected = False

    def value_from_datadict(self, data, files, name):
        return [value for value in super().value_from_datadict(data, files, name) if value]


class WorkListFilter(CaseFilter):
    """The API's case filters; the page offers status and ladder, one choice each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("status", _("状态")), ("ladder", _("督办等级"))):
            field = self.form.fields[name]
            field.label = label
            field.widget = OneChoice(choices=[("", _("全部")), *field.choices])


def _rows(page) -> list:
    now = clock.now()
    return [(case, step_deadline(case, now=now)) for case in page]


# One URL answers a page or, to htmx, a fragment of it: a browser must not show a cached fragment
# for the page (going back to a filtered list after leaving it), hence Vary.
FRAGMENT_HEADERS = ("HX-Request", "HX-Target")


@login_required
@vary_on_headers(*FRAGMENT_HEADERS)
def home(request: HttpRequest) -> HttpResponse:
    """A grid worker lands on reporting and their own reports; everyone else on their work list.
    One view serves the page and, for htmx, the list part that filtering or paging changed."""
    if lands_on_reports(request.user):
        cases, filterset, template = reports_of(request.user), None, "cases/my_reports.html"
    else:
        filterset = WorkListFilter(request.GET, queryset=work_list(request.user), request=request)
        cases, template = filterset.qs, "cases/work_list.html"
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    if request.htmx.target == "case-list":
        template += "#case-list"
    status = 400 if filterset is not None and filterset.errors else 200
    return render(request, template, {"page": page, "rows": _rows(page), "filter": filterset}, status=status)


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """上报: the grid worker's report form (issue 10, item 3)."""
    return render(request, "cases/report.html")


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case page, through the one access gate (issue 10, item 6)."""
    case = access_case(request.user, case_id, queryset=with_step_due(Case.objects.all()))
    return render(request, "cases/case_detail.html", {"case": case, "deadline": step_deadline(case, now=clock.now())})


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
