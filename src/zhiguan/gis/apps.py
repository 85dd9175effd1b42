from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GisConfig(AppConfig):
    name = "zhiguan.gis"
    verbose_name = _("Geography database")

    def ready(self) -> None:
        from zhiguan.gis import registry  # noqa: F401  (registers the five geography registries)
