from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkstationConfig(AppConfig):
    name = "workstation"
    verbose_name = _("工作站与人员")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from governance.sessions import note_sign_in
        from workstation import calendar, tokens

        calendar.connect_signals()
        tokens.connect_signals()
        user_logged_in.connect(note_sign_in, dispatch_uid="idle-session-sign-in")
