"""`zhiguan import_history`: closed cases from the district's previous system, from a CSV.

  zhiguan import_history --jurisdiction 330114 --source 旧12345系统 --input CASES.csv

Columns: legacy_number, request_type, channel, category, description, registered_at, closed_at
(required); lng, lat (WGS-84), address, lead_department, callback_result (optional). `category` is
a category's code, its full name ("城市管理 / 市容环境 / 占道经营") or a leaf name found once;
`lead_department` a department's code or name. Times are `YYYY-MM-DD HH:MM[:SS]` (or ISO 8601),
in the platform's time zone unless they carry their own. All or nothing, in batches of
`history.MAX_BATCH`: a bad row stops the import with its line number and nothing of its batch is
written; a second run of the same file skips what came in before (docs/decisions/093).
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone, translation

from zhiguan.cases import services
from zhiguan.cases.history import MAX_BATCH, HistoricalCase
from zhiguan.csvio import ROW, CsvError, read_rows
from zhiguan.errors import DomainError
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor
from zhiguan.taxonomy.models import Category
from zhiguan.tenancy.models import Jurisdiction

NEED = ("legacy_number", "request_type", "channel", "category", "description", "registered_at", "closed_at")


class RowError(Exception):
    pass


_LOCAL_TIME = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _time(text: str, line: str, column: str) -> datetime:
    value = text.strip()
    try:
        if match := _LOCAL_TIME.match(value):
            y, mo, d, h, mi, sec = (int(part or 0) for part in match.groups())
            moment = datetime(y, mo, d, h, mi, sec, tzinfo=timezone.get_current_timezone())
        else:
            moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise RowError(f"第 {line} 行的 {column} 无法识别：{text!r}（应为 YYYY-MM-DD HH:MM）") from exc
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _number(text: str, line: str, column: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise RowError(f"第 {line} 行的 {column} 不是数字：{text!r}") from exc


class Lookup:
    """Categories and departments of the jurisdiction by every name a file may use for them."""

    def __init__(self, jurisdiction: Jurisdiction):
        self.categories: dict[str, int | None] = {}
        for pk, code, name, path in Category.objects.filter(
            jurisdiction=jurisdiction, retired_at__isnull=True
        ).values_list("pk", "code", "name", "path_name"):
            for key in (code, path):
                if key:
                    self.categories[key] = pk
            # A plain name counts only when it names one category.
            self.categories[f"name:{name}"] = None if f"name:{name}" in self.categories else pk
        self.departments: dict[str, int] = {}
        for pk, code, name in Department.objects.filter(jurisdiction=jurisdiction).values_list(
            "pk", "code", "name"
        ):
            self.departments[code] = pk
            self.departments.setdefault(name, pk)

    def category(self, text: str, line: str) -> int:
        key = text.strip()
        pk = self.categories.get(key) or self.categories.get(key.replace("/", " / ").replace("  ", " "))
        pk = pk or self.categories.get(f"name:{key}")
        if pk is None:
            raise RowError(f"第 {line} 行的类别找不到或不唯一：{text!r}（请用类别编码或完整名称）")
        return pk

    def department(self, text: str, line: str) -> int | None:
        if not text.strip():
            return None
        pk = self.departments.get(text.strip())
        if pk is None:
            raise RowError(f"第 {line} 行的主办部门找不到：{text!r}")
        return pk


def to_records(rows: list[dict[str, str]], lookup: Lookup) -> list[HistoricalCase]:
    out = []
    for row in rows:
        line = row[ROW]
        out.append(
            HistoricalCase(
                legacy_number=row["legacy_number"].strip(),
                request_type=row["request_type"].strip(),
                channel=row["channel"].strip(),
                category_id=lookup.category(row["category"], line),
                description=row["description"],
                registered_at=_time(row["registered_at"], line, "registered_at"),
                closed_at=_time(row["closed_at"], line, "closed_at"),
                lng=_number(row.get("lng", ""), line, "lng"),
                lat=_number(row.get("lat", ""), line, "lat"),
                address=row.get("address", ""),
                lead_department_id=lookup.department(row.get("lead_department", ""), line),
                callback_result=row.get("callback_result", "").strip(),
            )
        )
    return out


class Command(BaseCommand):
    help = "Import closed cases from the district's previous system (CSV); see docs/decisions/093."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jurisdiction", required=True, help="district code, e.g. 330114")
        parser.add_argument("--source", required=True, help="name of the previous system")
        parser.add_argument("--input", required=True, help="CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        try:
            self._run(options)
        except (CsvError, RowError) as exc:
            self.stderr.write(str(exc))
            sys.exit(2)

    def _run(self, options: dict[str, Any]) -> None:
        jurisdiction = Jurisdiction.objects.filter(code=options["jurisdiction"].strip()).first()
        if jurisdiction is None:
            raise RowError(f"找不到辖区：{options['jurisdiction']}")
        rows = read_rows(options["input"], need=NEED)
        records = to_records(rows, Lookup(jurisdiction))
        actor = Actor.system(jurisdiction)
        imported = skipped = 0
        for start in range(0, len(records), MAX_BATCH):
            batch = records[start : start + MAX_BATCH]
            try:
                done = services.import_history(actor=actor, records=batch, source=options["source"])
            except DomainError as exc:
                raise RowError(_where(exc, rows, start)) from exc
            imported, skipped = imported + done["imported"], skipped + done["skipped"]
        self.stdout.write(f"导入 {imported} 件，跳过已导入的 {skipped} 件（来源：{options['source']}）")


def _where(exc: DomainError, rows: list[dict[str, str]], start: int) -> str:
    """The service's message, with the file's line number instead of the batch index."""
    field = str(exc.details.get("field", ""))
    if field.startswith("records["):
        index = int(field[len("records[") : field.index("]")])
        column = field.split("].", 1)[1] if "]." in field else ""
        return f"第 {rows[start + index][ROW]} 行{f'（{column}）' if column else ''}：{exc.message}"
    return str(exc.message)
