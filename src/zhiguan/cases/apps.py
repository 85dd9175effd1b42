from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zhiguan.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Connects the after-commit listeners (the rating link sent at closure).
        from zhiguan.cases import citizen  # noqa: F401
