from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo station: its data, the demo accounts' API tokens and ``manage.py seed_demo``."""

    name = "demo"
    verbose_name = _("演示数据")
