"""The pages: thin views over the selectors and the access gate (reads) and the services (writes)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from cases import action_forms, privacy, viewlog
from cases.access import access_case
from cases.api.actions import ACTIONS
from cases.api.filters import CaseFilter
from cases.api.serializers import PartySerializer
from cases.forms import PartyFormSet, ReportForm
from cases.models import (
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    CaseEvent,
    MediationParticipant,
    MediationSession,
    Satisfaction,
    Supervision,
)
from cases.pages.mediation import MEDIATION_ACTIONS, mediation_panel
from cases.paging import PAGES_AHEAD, CappedPaginator
from cases.selectors import (
    case_detail_queryset,
    category_suggestion,
    lands_on_reports,
    report_grids,
    reports_of,
    step_deadline,
    timeline,
    with_step_due,
    work_list,
)
from cases.selectors_inbox import lands_on_inbox
from cases.selectors_intake import dispatch_panel, override_lines
from cases.services.intake import case_report_keyed
from cases.services.lifecycle import TRANSITIONS, LifecycleError
from cases.wording import reason_text
from governance import clock
from governance.throttles import account_wait

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

    def search_reads(self) -> int:
        # the page's rows and its count, which reads 50 pages ahead (cases.paging)
        return CASES_PER_PAGE * (PAGES_AHEAD + 1) + 1


def deadline_rows(page) -> list:
    """Each case of a page with its current step's deadline (one clock reading for the page)."""
    now = clock.now()
    return [(case, step_deadline(case, now=now)) for case in page]


def _report_rows(page) -> list:
    now = clock.now()
    return [(case, step_deadline(case, now=now), timeline(case)) for case in page]


# One URL answers a page or, to htmx, a fragment of it: a browser must not show a cached fragment
# for the page (going back to a filtered list after leaving it), hence Vary.
FRAGMENT_HEADERS = ("HX-Request", "HX-Target")
# The id prefix of an action form on a list row: done, the list refreshes instead of leaving.
LIST_ROW_TARGET = "row-"


@login_required
@vary_on_headers(*FRAGMENT_HEADERS)
def home(request: HttpRequest) -> HttpResponse:
    """A grid worker lands on reporting and their own reports; a department's handler, mediator or
    liaison officer on the inbox; everyone else on their work list (no extra query for the first).
    One view serves the page and, for htmx, the list part that filtering or paging changed."""
    if lands_on_reports(request.user):
        cases, filterset, template, rows = reports_of(request.user), None, "cases/my_reports.html", _report_rows
    elif lands_on_inbox(request.user):
        from cases.pages.inbox import inbox  # the inbox page builds on this module's constants

        return inbox(request)
    else:
        filterset = WorkListFilter(request.GET, queryset=work_list(request.user), request=request)
        cases, template, rows = filterset.qs, "cases/work_list.html", deadline_rows
    page = CappedPaginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    if request.htmx.target == "case-list":
        template += "#case-list"
    status = 400 if filterset is not None and filterset.errors else 200
    return render(request, template, {"page": page, "rows": rows(page), "filter": filterset}, status=status)


# The service's argument → the form's field, where they are named differently.
REPORT_FIELDS = {"files": "photos"}


def _show_refusal(form: ReportForm, refused: LifecycleError) -> None:
    """The service's reason beside the field it names, or above the form."""
    for name, messages in refused.errors.items() or [(None, [refused.message])]:
        name = REPORT_FIELDS.get(name, name)
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
    with what was typed and the reason beside each field (400, or 403 from the service; 429 over
    the account's API rate, which counts these posts too). To htmx,
    the category the keyword rules suggest for the text typed so far."""
    if request.htmx.target == "suggestion":
        # The text typed so far, cut at the lengths the form accepts: a query string is no way round them.
        title = request.GET.get("title", "")[:TITLE_MAX_LENGTH]
        suggestion = category_suggestion(title, request.GET.get("description", "")[:TEXT_MAX_LENGTH])
        return render(request, "cases/report.html#suggestion", {"suggestion": suggestion})
    grids = report_grids(request.user)
    if request.method != "POST":
        return _report_page(request, ReportForm(grids=grids), PartyFormSet(prefix="parties"))
    form = ReportForm(request.POST, request.FILES, grids=grids)
    parties = PartyFormSet(request.POST, prefix="parties")
    if wait := account_wait(request):  # the account's API rate holds here too
        form.add_error(None, _("提交过于频繁，这次没有上报：请在 %(wait)d 秒后再提交") % {"wait": wait})
        response = _report_page(request, form, parties, status=429)
        response["Retry-After"] = str(wait)
        return response
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


# The case page reads the API's detail rows and, besides, the timeline, mediation rounds and
# supervisions: one query each, however many rows (the page's query count is pinned in a test).
CASE_PAGE_ROWS = (
    Prefetch("events", CaseEvent.objects.select_related("actor").order_by("pk")),
    Prefetch(
        "mediations",
        MediationSession.objects.select_related("agreement_document")
        .prefetch_related(Prefetch("participants", MediationParticipant.objects.order_by("pk")))
        .order_by("round_no"),
    ),
    Prefetch(
        "supervisions",
        Supervision.objects.select_related("assignment__department", "responded_by").order_by("created_at", "pk"),
    ),
)

# Lines of the timeline the transition table does not name.
EVENT_LABELS = {"report": _("上报")}


def _approved(payload: dict):
    return {True: _("已同意"), False: _("不同意")}.get(payload.get("approved"))


def _satisfaction(payload: dict):
    return Satisfaction(payload["result"]).label if payload.get("result") in Satisfaction.values else None


# What an event came to, read from its payload, for the lines that say it beside their label: the
# department that asked reads a refusal from the timeline, not only from the note; the reporter
# reads the answer they gave.
EVENT_OUTCOMES = {
    "decide_return": _approved,
    "decide_extension": _approved,
    "decide_hold": _approved,
    "feedback": _satisfaction,
}


def _label(event):
    label = TRANSITIONS[event.action].label if event.action in TRANSITIONS else EVENT_LABELS.get(event.action)
    outcome = EVENT_OUTCOMES[event.action](event.payload) if event.action in EVENT_OUTCOMES else None
    if outcome:
        return _("%(action)s：%(outcome)s") % {"action": label, "outcome": outcome}
    return label


def _timeline(case, shown: privacy.Visibility) -> list[tuple]:
    """(event, label, actor shown): each event with what it came to (``EVENT_OUTCOMES``); a
    confidential reporter is not named to a department."""
    return [
        (event, _label(event), None if privacy.hides_actor(event, shown) else event.actor)
        for event in case.events.all()
    ]


def _personal_data(case, shown: privacy.Visibility) -> dict:
    """The page's personal data as this viewer may see it (cases.privacy): each party as the API
    shows it, the reporter, the address, mediation participants, and which files are withheld."""
    parties = case.parties.all()
    return {
        "parties": zip(parties, PartySerializer(parties, many=True, context={"visibility": shown}).data, strict=True),
        "reporter": privacy.shown_reporter(case, shown),
        "address": privacy.shown_address(case.address, shown),
        "attachments": [(f, privacy.shows_people(f) and privacy.P.PHOTOS not in shown) for f in case.attachments.all()],
        "shown": shown,
    }


def _case_page(
    request: HttpRequest, case_id: int, refused: action_forms.ActionForm | None = None, status=200, back: str = ""
):
    """The case page through the one gate; ``refused`` takes its action's place, open, as sent
    (with ``back``, the page it came from, to return to when done)."""
    queryset = with_step_due(case_detail_queryset().prefetch_related(*CASE_PAGE_ROWS))
    case = access_case(request.user, case_id, queryset=queryset)
    shown = privacy.visibility(request.user, case)
    forms = action_forms.forms_for(request.user, case)
    if refused is not None:
        # first, open, as sent: also when the action is no longer available (a stale page)
        forms = [refused, *(form for form in forms if form.key != refused.key)]
    # An accepted case: the 4+X plan with its own dispatch forms (cases/pages/intake.py's partial).
    dispatching = dispatch_panel(request.user, case, available=[form.key for form in forms], now=clock.now())
    dispatch_form = next((form for form in forms if form.key == "dispatch"), None)
    if dispatching is not None:
        forms = [form for form in forms if form.key != "dispatch"]
    # Joint mediation: the rounds with their own forms (cases/pages/mediation.py).
    mediating = mediation_panel(
        case,
        available=[form.key for form in forms],
        refused=refused if refused is not None and refused.key in MEDIATION_ACTIONS else None,
        sent=request.POST,
        shown=shown,
    )
    forms = [form for form in forms if form.key not in MEDIATION_ACTIONS]
    context = {
        "case": case,
        "deadline": step_deadline(case, now=clock.now()),
        "reasons": [reason_text(r) for r in (case.dispatch_plan or {}).get("reasons", [])],
        **_personal_data(case, shown),
        "timeline": _timeline(case, shown),
        "forms": forms,
        "next": back,
        "dispatching": dispatching,
        "dispatch_form": dispatch_form,  # refused: its message, and what was sent
        "sent": request.POST,
        "override": override_lines(case.dispatch_override),
        "mediating": mediating,
    }
    response = render(request, "cases/case_detail.html", context, status=status)
    viewlog.record_views(request.user, [(case, shown)], channel="page:case")
    return response


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case page (issue 10, item 6): what the case is, where it stands, who did what, and a
    small form for each action the user may take now."""
    return _case_page(request, case_id)


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """One action from the case page: the API's input serializer and service (``ACTIONS``).
    Done: back to ``next`` (a page of this site that sent the form: the intake desk), else the
    case page; for a form on a list row (htmx target ``row-…``), 204 with the ``case-acted`` event:
    the list refreshes in place. Refused: the form again with the input and the reason; htmx swaps
    just the form."""
    case = access_case(request.user, case_id)
    if action not in ACTIONS:
        raise Http404
    refused = action_forms.act(request.user, case, action, request.POST, request.FILES)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""  # a page of this site that sent the form (the intake desk), else the case page
    if refused is None:
        if (request.htmx.target or "").startswith(LIST_ROW_TARGET):
            return HttpResponse(status=204, headers={"HX-Trigger": "case-acted"})
        url = back or reverse("cases:case", args=[case.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        context = {"case": case, "form": refused, "next": back}
        return render(request, "cases/case_detail.html#action-form", context, status=refused.status)
    return _case_page(request, case.pk, refused, status=refused.status, back=back)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
