from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComponentsConfig(AppConfig):
    name = "zhiguan.components"
    verbose_name = _("City components")

    def ready(self) -> None:
        from zhiguan.components import registry  # noqa: F401  (registers the `components` spec)
