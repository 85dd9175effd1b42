from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # The database cache (shared rate limits of the embedded set-up) lives in its own table.
    call_command("createcachetable", database=using, verbosity=0)


class TenancyConfig(AppConfig):
    name = "zhiguan.tenancy"
    verbose_name = _("Jurisdictions")

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="zhiguan.createcachetable")
