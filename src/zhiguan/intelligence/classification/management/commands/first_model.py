"""`zhiguan first_model`: train a first classifier for each district that has enough closed cases and none yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Train a first classifier where a district has enough closed cases and no model yet."

    def handle(self, *args: Any, **options: Any) -> None:
        from zhiguan.intelligence.classification import services

        started = services.first_models()
        for version in started:
            version.refresh_from_db()
            self.stdout.write(f"{version.jurisdiction.code} v{version.version}: {version.state}")
