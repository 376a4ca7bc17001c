from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkstationConfig(AppConfig):
    name = "workstation"
    verbose_name = _("工作站与人员")

    def ready(self) -> None:
        from workstation import calendar, tokens

        calendar.connect_signals()
        tokens.connect_signals()
