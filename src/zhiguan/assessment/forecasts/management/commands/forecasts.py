"""`zhiguan forecasts refresh --jurisdiction 330114 [--freq W|M]`: forecast the weekly and/or monthly
case counts (district, level-1 categories, streets) and store them for 预测预警;
`zhiguan forecasts warn --jurisdiction 330114`: run the early-warning scan now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhiguan.assessment.forecasts import services
from zhiguan.tenancy.models import Jurisdiction


class Command(BaseCommand):
    help = "Forecasts and early warning: refresh the stored forecasts, or scan for unusual rises."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="forecast the case counts and store them")
        refresh.add_argument("--jurisdiction", required=True, help="administrative code, e.g. 330114")
        refresh.add_argument(
            "--freq", choices=["W", "M"], help="W (8 weeks ahead) or M (3 months); both if absent"
        )
        warn = sub.add_parser("warn", help="scan the daily counts for unusual rises and raise alerts")
        warn.add_argument("--jurisdiction", required=True, help="administrative code, e.g. 330114")

    def handle(self, *args: Any, action: str, jurisdiction: str, **options: Any) -> None:
        found = Jurisdiction.objects.filter(code=jurisdiction).first()
        if found is None:
            raise CommandError(f"没有行政区划代码为 {jurisdiction} 的辖区")
        if action == "warn":
            raised = services.scan_warnings(jurisdiction=found)
            self.stdout.write(f"新预警 {len(raised)} 条")
            for alert in raised:
                self.stdout.write(f"  #{alert.pk} {services.alert_text(alert)}")
            return
        for freq in [options["freq"]] if options.get("freq") else ["W", "M"]:
            run = services.refresh(jurisdiction=found, freq=freq)
            rows = list(run.series.all())
            losing = sum(1 for r in rows if not r.beats_baseline)
            self.stdout.write(
                f"{freq}: {len(rows)} 条序列，数据截至 {run.data_as_of}，用时 {run.seconds:.1f} 秒；"
                f"{losing} 条未优于季节性朴素基线"
            )
            for r in rows:
                if r.dimension == "total":
                    self.stdout.write(
                        f"  全区：模型 {r.model} MASE {r.mase} / 季节性朴素 {r.snaive_mase} / 近期均值 {r.wmean4_mase}"
                    )
