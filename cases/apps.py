from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("案件办理")

    def ready(self):
        from cases import access, deadlines
        from cases.api import inputs

        access.connect_signals()
        inputs.connect_signals()
        deadlines.connect_signals()
