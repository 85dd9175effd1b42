"""`zhiguan open311 issue-key --jurisdiction 330114 --name fixmystreet`: prints a new API key (shown
once; only its hash is stored). `zhiguan open311 list-keys` lists the keys by name and prefix."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhiguan.errors import DomainError
from zhiguan.intake.open311 import services
from zhiguan.intake.open311.models import Open311Key


class Command(BaseCommand):
    help = "Open311 GeoReport v2: issue and list the API keys of clients."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue-key", help="issue a new API key for a client in a jurisdiction")
        issue.add_argument("--jurisdiction", required=True, help="administrative code, e.g. 330114")
        issue.add_argument("--name", required=True, help="the client, e.g. fixmystreet")
        sub.add_parser("list-keys", help="list the keys (name, prefix, jurisdiction, last used)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list-keys":
            for k in Open311Key.objects.select_related("jurisdiction").order_by("jurisdiction__code", "name"):
                used = k.last_used_at.isoformat() if k.last_used_at else "-"
                self.stdout.write(f"{k.jurisdiction.code}  {k.name:<24} o311_{k.prefix}_…  {used}")
            return
        try:
            _row, key = services.issue_key(jurisdiction_code=options["jurisdiction"], name=options["name"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(key)
