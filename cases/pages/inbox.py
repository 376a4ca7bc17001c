"""The department inbox (部门待办, issue 11 item 5): a handler's, mediator's or liaison officer's
home. Tabs by the step each of the department's assignments is at, with counts and countdowns;
signing from the list; the summonses waiting on a liaison officer. Reads through
``cases.selectors_inbox``; every action posts to ``cases:act``."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from cases import action_forms
from cases.models import Summons
from cases.paging import CappedPaginator
from cases.selectors_inbox import INBOX_TABS, assignment_deadline, inbox_counts, inbox_rows, liaison_summonses
from cases.views import CASES_PER_PAGE, FRAGMENT_HEADERS
from governance import clock

# What a liaison officer may do to a summons in each state, as the action registry names it.
SUMMONS_ACTIONS = {
    Summons.Status.SENT: ("acknowledge_summons",),
    Summons.Status.ACKNOWLEDGED: ("record_arrival",),
}


class TabForm(forms.Form):
    tab = forms.ChoiceField(
        label=_("标签页"), required=False, choices=[(key, t.label) for key, t in INBOX_TABS.items()]
    )


def _button(key: str) -> action_forms.ActionForm:
    """An action with nothing to type: its button."""
    return action_forms.ActionForm(key=key, fields=[], expected_status=None)


@login_required
@vary_on_headers(*FRAGMENT_HEADERS)
def inbox(request: HttpRequest) -> HttpResponse:
    """One view serves the page and, to htmx, the tabs with the list (switching tabs, paging, and
    refreshing after a row was signed: ``case-acted``)."""
    form = TabForm(request.GET)
    valid = form.is_valid()
    tab = (valid and form.cleaned_data["tab"]) or "pending"
    now = clock.now()
    page = CappedPaginator(inbox_rows(request.user, tab), CASES_PER_PAGE).get_page(request.GET.get("page"))
    sign = _button("sign") if tab == "pending" else None
    context = {
        "form": form,
        "tab": tab,
        "tabs": [
            (key, t.label, count)
            for (key, t), count in zip(INBOX_TABS.items(), inbox_counts(request.user).values(), strict=True)
        ],
        "page": page,
        "rows": [(a, assignment_deadline(a, now=now)) for a in page],
        "sign": sign,
        "summonses": [
            (s, [_button(key) for key in SUMMONS_ACTIONS[s.status]]) for s in liaison_summonses(request.user)
        ],
    }
    template = "cases/inbox/inbox.html"
    if request.htmx.target == "inbox":
        template += "#inbox"
    return render(request, template, context, status=200 if valid else 400)
