"""The notices pages: the bell's parts, the paged list of notices, and marking them read."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from cases.api.inputs import MAX_ID
from cases.paging import CappedPaginator
from cases.views import FRAGMENT_HEADERS
from governance.refusals import refused
from notifications.selectors import inbox_for
from notifications.services import mark_read

NOTICES_PER_PAGE = 20


@login_required
@require_GET
@vary_on_headers(*FRAGMENT_HEADERS)
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's unread count, or its dropdown when htmx asks for that part."""
    part = "menu" if request.htmx.target == "bell-menu" else "badge"
    return render(request, f"notifications/bell.html#{part}")


@login_required
@require_GET
@vary_on_headers(*FRAGMENT_HEADERS)
def notice_list(request: HttpRequest) -> HttpResponse:
    page = CappedPaginator(inbox_for(request.user), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    template = "notifications/notices.html"
    if request.htmx.target == "notice-list":
        template += "#list"
    return render(request, template, {"page": page})


class MarkReadForm(forms.Form):
    notice = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    all = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("notice") is None and not data.get("all"):
            raise forms.ValidationError(_("请指明要标为已读的通知"), code="required")
        return data


@login_required
@require_POST
def notice_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (``notice``) or all (``all``) read. htmx gets 204 and an event on which the
    bell and the list refresh themselves; a plain form goes back where it came from."""
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        return refused(request, form.errors)
    notice = form.cleaned_data["notice"]
    mark_read(request.user, None if form.cleaned_data["all"] else [notice])
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Trigger": "notices-changed"})
    target = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "notifications:list"
    return redirect(target)
