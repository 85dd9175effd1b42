from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "zhiguan.assessment.dashboard"
    label = "dashboard"
    verbose_name = _("Operations dashboard")

    def ready(self) -> None:
        from zhiguan.assessment.dashboard import listeners

        listeners.connect()
