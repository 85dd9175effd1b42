from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuplicatesConfig(AppConfig):
    name = "zhiguan.intelligence.duplicates"
    label = "duplicates"
    verbose_name = _("Duplicate detection")

    def ready(self) -> None:
        from zhiguan.cases.events import case_changed
        from zhiguan.intelligence.duplicates import services

        # Automatic merging (off by default) of a new request, after its registration commits.
        case_changed.connect(services.auto_merge_on_register, dispatch_uid="duplicates.auto_merge")
