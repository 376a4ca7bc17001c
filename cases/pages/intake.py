"""The intake desk (受理台, issue 11 item 1): a chief's queue of new reports, the most urgent
acceptance deadline first; the chosen report beside its possible duplicates, with the accept,
reject and merge forms of the case page (they post to ``cases:act`` and come back here)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from cases import action_forms, privacy, viewlog
from cases.access import scope_of
from cases.api.filters import CaseFilter
from cases.api.inputs import MAX_ID
from cases.paging import CappedPaginator
from cases.selectors import available_actions, duplicate_candidates
from cases.selectors_intake import intake_categories, intake_grids, intake_queue
from cases.views import CASES_PER_PAGE, FRAGMENT_HEADERS, OneChoice, deadline_rows

# The actions the desk offers on the chosen report (merge: one form per possible duplicate).
DESK_ACTIONS = ("accept", "reject")


class IntakeFilter(CaseFilter):
    """The API's case filters the desk offers: source, grid, category, urgency, one choice each."""

    SHOWN = {"source": _("来源"), "grid": _("网格"), "category": _("类别"), "urgency": _("紧急程度")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in set(self.filters) - set(self.SHOWN):
            del self.filters[name]
            self.form.fields.pop(name, None)
        options = {
            "grid": [(g.pk, str(g)) for g in intake_grids(user)],
            "category": [(c.pk, str(c)) for c in intake_categories()],
        }
        for name, label in self.SHOWN.items():
            field = self.form.fields[name]
            field.label = label
            if name in options:
                field.widget = forms.Select(choices=[("", _("全部")), *options[name]])
            else:
                field.widget = OneChoice(choices=[("", _("全部")), *field.choices])


class ChosenReport(forms.Form):
    case = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)


def _chosen(request: HttpRequest, queue) -> dict:
    """The report chosen with ``?case=``, beside its possible duplicates, with the desk's forms;
    nothing when none is chosen or it has left the queue (another chief took it)."""
    chosen = ChosenReport(request.GET)
    case_id = chosen.cleaned_data["case"] if chosen.is_valid() else None
    case = queue.filter(pk=case_id).first() if case_id else None
    if case is None:
        return {"chosen_errors": chosen.errors}
    user = request.user
    actions = available_actions(user, case)
    shown = privacy.visibility(user, case)
    if case.address:
        viewlog.record_views(user, [(case, shown.full & {privacy.P.ADDRESSES})], channel="page:intake")
    return {
        "case": case,
        "address": privacy.shown_address(case.address, shown),
        "duplicates": duplicate_candidates(case, viewer=user),
        "forms": [action_forms.action_form(key, case) for key in actions if key in DESK_ACTIONS],
        "may_merge": "merge" in actions,
    }


@login_required
@vary_on_headers(*FRAGMENT_HEADERS)
def intake_desk(request: HttpRequest) -> HttpResponse:
    """受理台, for a chief: the station's reports waiting for acceptance, filtered in place."""
    if not scope_of(request.user).chief_stations:
        raise PermissionDenied(_("受理台仅供站长使用"))
    queue = intake_queue(request.user)
    filterset = IntakeFilter(request.GET, queryset=queue, request=request, user=request.user)
    page = CappedPaginator(filterset.qs, CASES_PER_PAGE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("case", None)
    context = {
        "page": page,
        "rows": deadline_rows(page),
        "filter": filterset,
        "query": keep.urlencode(),  # a row's link keeps the filters
        "next": request.get_full_path(),  # where the desk's forms come back to
    }
    template = "cases/intake/desk.html"
    if request.htmx.target == "intake-list":
        template += "#intake-list"
    else:
        context.update(_chosen(request, queue))
    status = 400 if filterset.errors or context.get("chosen_errors") else 200
    return render(request, template, context, status=status)
