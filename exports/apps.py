from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("数据导出")

    def ready(self) -> None:
        # Each app's ``exports`` module registers its kinds (cases.exports, dashboard.exports).
        autodiscover_modules("exports")
