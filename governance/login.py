"""Login's edges, by django-axes' rules.

- ``locked_out`` (``AXES_LOCKOUT_CALLABLE``): the answer to a locked-out login — the login page's
  frame with the reason, in the user's language, as 429 Too Many Requests.
- ``PasswordChangeView``: Django's, but the old password is checked by ``authenticate()``, so a
  wrong one counts as a failed login and a locked account (or address) cannot try at all;
  otherwise a stolen session could guess the password without limit.
"""

from django import forms
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


class CountedPasswordChangeForm(PasswordChangeForm):
    def __init__(self, user, *args, request: HttpRequest, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        # axes counts a failure (and refuses a locked account) like a login; its middleware then
        # answers the lockout page.
        credentials = {"username": self.user.get_username(), "password": old_password}
        if auth.authenticate(self.request, **credentials) is None:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = CountedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
