from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhiguan.audit.services import archive_before


class Command(BaseCommand):
    help = "Move audit records older than a date into a gzip JSON-lines file (retention)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--before", required=True, help="YYYY-MM-DD (Asia/Shanghai)")
        parser.add_argument("--to", required=True, help="archive file, e.g. audit-2025.jsonl.gz")

    def handle(self, *args: Any, before: str, to: str, **options: Any) -> None:
        try:
            day = date.fromisoformat(before)
        except ValueError as exc:
            raise CommandError("--before takes a date YYYY-MM-DD") from exc
        path = Path(to)
        if path.exists():
            raise CommandError(f"{path} exists; choose a new file")
        count = archive_before(before=timezone.make_aware(datetime.combine(day, time.min)), path=path)
        self.stdout.write(f"archived {count} audit records to {path}")
