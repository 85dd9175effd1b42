from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "zhiguan.intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from zhiguan.cases.events import case_changed
        from zhiguan.intake import citizen

        # After a closure commits, the reporter's rating link is issued (and sent by the SMS adapter).
        case_changed.connect(citizen.issue_link_at_close, dispatch_uid="intake.citizen.callback_link")
        # ... and texted to the reporter through the notifications outbox.
        citizen.callback_link_issued.connect(citizen.text_rating_link, dispatch_uid="intake.citizen.sms")
