from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassificationConfig(AppConfig):
    name = "zhiguan.intelligence.classification"
    label = "classification"
    verbose_name = _("Text classification")

    def ready(self) -> None:
        from zhiguan.cases.events import case_changed
        from zhiguan.intelligence.classification import services, tasks  # noqa: F401  (the task registers)

        # The active model's prediction on every registered case, after the registration commits.
        case_changed.connect(services.on_case_changed, dispatch_uid="classification.suggest_on_register")
