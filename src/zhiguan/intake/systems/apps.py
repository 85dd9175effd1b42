from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SystemsConfig(AppConfig):
    name = "zhiguan.intake.systems"
    label = "systems"
    verbose_name = _("Integrated systems")

    def ready(self) -> None:
        from zhiguan.cases.events import case_event_recorded
        from zhiguan.intake.systems import services

        # In the case's own transaction: the outbox row commits or rolls back with the change.
        case_event_recorded.connect(services.on_case_event, dispatch_uid="systems.outbox")
