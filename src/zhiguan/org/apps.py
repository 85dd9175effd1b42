from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "zhiguan.org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from zhiguan.org.services import ensure_builtin_roles

        def _seed(sender: AppConfig, **kwargs: object) -> None:
            if sender.name == self.name:
                ensure_builtin_roles(using=str(kwargs.get("using", "default")))

        post_migrate.connect(_seed, dispatch_uid="zhiguan.org.builtin_roles", weak=False)
