from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportConfig(AppConfig):
    name = "zhiguan.assessment.report"
    label = "report"
    verbose_name = _("Monthly analysis report")
