"""The pages: thin views over the selectors and the access gate (reads) and the services (writes)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from cases.access import access_case
from cases.api.filters import CaseFilter
from cases.forms import PartyFormSet, ReportForm
from cases.models import Case
from cases.selectors import (
    category_suggestion,
    lands_on_reports,
    report_grids,
    reports_of,
    step_deadline,
    timeline,
    with_step_due,
    work_list,
)
from cases.services.intake import case_report_keyed
from cases.services.lifecycle import LifecycleError
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


def _report_rows(page) -> list:
    now = clock.now()
    return [(case, step_deadline(case, now=now), timeline(case)) for case in page]


# One URL answers a page or, to htmx, a fragment of it: a browser must not show a cached fragment
# for the page (going back to a filtered list after leaving it), hence Vary.
FRAGMENT_HEADERS = ("HX-Request", "HX-Target")


@login_required
@vary_on_headers(*FRAGMENT_HEADERS)
def home(request: HttpRequest) -> HttpResponse:
    """A grid worker lands on reporting and their own reports; everyone else on their work list.
    One view serves the page and, for htmx, the list part that filtering or paging changed."""
    if lands_on_reports(request.user):
        cases, filterset, template, rows = reports_of(request.user), None, "cases/my_reports.html", _report_rows
    else:
        filterset = WorkListFilter(request.GET, queryset=work_list(request.user), request=request)
        cases, template, rows = filterset.qs, "cases/work_list.html", _rows
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    if request.htmx.target == "case-list":
        template += "#case-list"
    status = 400 if filterset is not None and filterset.errors else 200
    return render(request, template, {"page": page, "rows": rows(page), "filter": filterset}, status=status)


def _show_refusal(form: ReportForm, refused: LifecycleError) -> None:
    """The service's reason beside the field it names, or above the form."""
    for name, messages in refused.errors.items() or [(None, [refused.message])]:
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def _report_page(request, form: ReportForm, parties, *, status: int = 200) -> HttpResponse:
    typed = form.data.get("title", ""), form.data.get("description", "")
    suggestion = category_suggestion(*typed) if any(typed) else None
    context = {"form": form, "parties": parties, "suggestion": suggestion}
    return render(request, "cases/report.html", context, status=status)


@login_required
@vary_on_headers(*FRAGMENT_HEADERS)
def report(request: HttpRequest) -> HttpResponse:
    """上报. A valid form is filed by the service the API uses, once per form key (a double tap
    or a resend from the phone's queue answers with the same case); a refused one is shown again
    with what was typed and the reason beside each field (400, or 403 from the service). To htmx,
    the category the keyword rules suggest for the text typed so far."""
    if request.htmx.target == "suggestion":
        suggestion = category_suggestion(request.GET.get("title", ""), request.GET.get("description", ""))
        return render(request, "cases/report.html#suggestion", {"suggestion": suggestion})
    grids = report_grids(request.user)
    if request.method != "POST":
        return _report_page(request, ReportForm(grids=grids), PartyFormSet(prefix="parties"))
    form = ReportForm(request.POST, request.FILES, grids=grids)
    parties = PartyFormSet(request.POST, prefix="parties")
    if not (form.is_valid() and parties.is_valid()):
        return _report_page(request, form, parties, status=400)
    fields = dict(form.cleaned_data)
    try:
        case, _created = case_report_keyed(
            actor=request.user,
            station=fields["grid"].station,
            files=fields.pop("photos"),
            parties=parties.parties(),
            **fields,
        )
    except LifecycleError as refused:
        _show_refusal(form, refused)
        return _report_page(request, form, parties, status=refused.status_code)
    return redirect("cases:case", case.pk)


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
