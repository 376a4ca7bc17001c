"""The chief's decisions (审批) and the supervision board (督办台): issue 11, items 3 and 4.

Reads through ``cases.selectors_oversight`` (the access gate, narrowed to what the user
oversees); every approve, refuse and 挂牌督办 is a form of ``cases.action_forms`` posting to the
one action view, ``cases:act``.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from cases.action_forms import action_form, decision_form
from cases.api.filters import CaseFilter
from cases.paging import CappedPaginator
from cases.selectors import step_deadline, timeline
from cases.selectors_oversight import (
    BOARD_RUNGS,
    board_cases,
    board_choices,
    board_rows,
    decision_cases,
    department_counts,
    rung_counts,
    with_decisions,
)
from cases.views import CASES_PER_PAGE, FRAGMENT_HEADERS, OneChoice
from governance import clock

# The board's filters, in the order shown: the API's case filters of these names.
BOARD_FILTERS = {"ladder": _("督办等级"), "department": _("部门"), "category": _("类别"), "grid": _("网格")}


class BoardFilter(CaseFilter):
    """The API's case filters the board offers, each a select of what the user oversees."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in set(self.filters) - set(BOARD_FILTERS):
            del self.filters[name]
        choices = board_choices(self.request.user)
        for name, label in BOARD_FILTERS.items():
            field = self.form.fields[name]
            field.label = label
            if name == "ladder":
                rungs = [(value, text) for value, text in field.choices if value in BOARD_RUNGS]
                field.widget = OneChoice(choices=[("", _("全部")), *rungs])
            else:
                field.widget = forms.Select(choices=[("", _("全部")), *((row.pk, str(row)) for row in choices[name])])


@login_required
@vary_on_headers(*FRAGMENT_HEADERS)
def decisions(request: HttpRequest) -> HttpResponse:
    """审批: the pending return, extension and hold requests of the chief's stations, by case, each
    with the department's reason, the case's latest events and a form to approve or refuse."""
    page = CappedPaginator(decision_cases(request.user), CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        (case, timeline(case), [(request_, decision_form(key, case, request_)) for key, request_ in case.pending])
        for case in with_decisions(list(page.object_list))
    ]
    template = "cases/oversight/decisions.html"
    if request.htmx.target == "decision-list":
        template += "#decision-list"
    # a decision taken comes back to this list, for the next request (the forms' ``next``)
    return render(request, template, {"page": page, "rows": rows, "next": request.get_full_path()})


@login_required
@vary_on_headers(*FRAGMENT_HEADERS)
def board(request: HttpRequest) -> HttpResponse:
    """督办台: the open cases on the ladder that the user oversees (a chief their station's, a
    leader the district's), filtered in place, with counts per rung and per department and a
    挂牌督办 form on each row."""
    overseen = board_cases(request.user)
    filterset = BoardFilter(request.GET, queryset=overseen, request=request)
    page = CappedPaginator(filterset.qs, CASES_PER_PAGE).get_page(request.GET.get("page"))
    now = clock.now()
    context = {
        "filter": filterset,
        "page": page,
        "rows": [
            (case, step_deadline(case, now=now), action_form("supervise", case, suffix=str(case.pk)))
            for case in board_rows(page.object_list)
        ],
        "rungs": rung_counts(overseen),
        "departments": department_counts(overseen),
    }
    template = "cases/oversight/board.html"
    if request.htmx.target == "board-list":
        template += "#board-list"
    return render(request, template, context, status=400 if filterset.errors else 200)
