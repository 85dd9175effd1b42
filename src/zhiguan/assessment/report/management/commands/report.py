"""`zhiguan report monthly YYYY-MM --jurisdiction CODE --out FILE.pdf [--html FILE.html] [--user NAME]`

The month's comprehensive analysis report (综合分析月报) as PDF (and HTML): the whole jurisdiction,
or, with --user, exactly what that person oversees. Bad input ends with one message in Chinese on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

_MSG = {
    "usage": "用法：zhiguan report monthly YYYY-MM --jurisdiction 区划代码 --out 报告.pdf [--html 报告.html] [--user 用户名]",
    "month": "月份应写成 YYYY-MM（例如 2026-10），且不能是尚未开始的月份，收到：{value}",
    "jurisdiction": "没有区划代码为 {value} 的辖区",
    "user": "辖区 {district} 中没有可查看督办数据的用户 {value}",
    "out": "无法写入文件：{path}",
}


class UsageError(Exception):
    def __init__(self, code: str, **kw: Any):
        super().__init__(_MSG[code].format(**kw))


class Command(BaseCommand):
    help = "The monthly comprehensive analysis report as PDF (and HTML)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb")
        monthly = sub.add_parser("monthly", help="one month's report")
        monthly.add_argument("month", nargs="?", help="YYYY-MM")
        monthly.add_argument("--jurisdiction", help="administrative code of the district, e.g. 330114")
        monthly.add_argument("--out", help="the PDF to write")
        monthly.add_argument("--html", help="also write the report as HTML")
        monthly.add_argument("--user", help="the report over what this person oversees (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._monthly(options)
        except UsageError as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(2)

    def _monthly(self, o: dict[str, Any]) -> None:
        from zhiguan.assessment.report import data, services
        from zhiguan.errors import DomainError
        from zhiguan.org.models import User
        from zhiguan.org.permissions import Actor
        from zhiguan.tenancy.models import Jurisdiction

        if o.get("verb") != "monthly" or not o.get("month") or not o.get("jurisdiction") or not o.get("out"):
            raise UsageError("usage")
        try:
            month = data.parse_month(o["month"])
        except DomainError as exc:
            raise UsageError("month", value=o["month"]) from exc
        jurisdiction = Jurisdiction.objects.filter(code=o["jurisdiction"].strip()).first()
        if jurisdiction is None:
            raise UsageError("jurisdiction", value=o["jurisdiction"])
        actor = Actor.system(jurisdiction)
        if o.get("user"):
            user = User.objects.filter(username=o["user"], jurisdiction=jurisdiction).first()
            reader = Actor.for_user(user) if user is not None else None
            if reader is None or not (reader.can(data.VIEW) and reader.can("case.view")):
                raise UsageError("user", district=jurisdiction.code, value=o["user"])
            actor = reader
        started = time.perf_counter()
        figures, page, pdf = services.build(actor, month)
        for path, content in ((o["out"], pdf), (o.get("html"), page.encode("utf-8"))):
            if not path:
                continue
            try:
                with open(path, "wb") as fh:
                    fh.write(content)
            except OSError as exc:
                raise UsageError("out", path=path) from exc
        self.stdout.write(
            f"{figures['scope']} {figures['month_label']}：受理 {figures['totals']['count']} 件；"
            f"已写入 {o['out']}（{len(pdf) // 1024} KB，{time.perf_counter() - started:.1f} 秒）\n"
        )
