"""`zhiguan forecast predict`: volume forecasts from a CSV of counts, without server or database.

  zhiguan forecast predict --input HISTORY.csv --freq D|W|M --horizon H --output OUT.csv [--backtest BT.csv]
      input columns date, series, count (one or many series; rows of one date and series are summed,
      missing periods inside a series count as zero); writes date, series, forecast, lower, upper
      (an 80 % interval) for the H periods after each series' own last date. Prints, per series, the
      model chosen by the rolling-origin back-test beside the seasonal-naive baseline; --backtest also
      writes those figures as CSV.

Weekly input whose dates share one weekday keeps that weekday as the label; other weekly input is summed
into ISO weeks labelled by their Monday. Monthly labels follow the input: first days, last days, or one
fixed day of the month; mixed days are summed by month and labelled by the first day.

Bad input ends with one message in Chinese on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import csv
import math
import os
import sys
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhiguan.csvio import ROW, CsvError, read_rows

# Messages of this command are Chinese first: it runs without a request (no language negotiation).
_MSG = {
    "usage": "用法：zhiguan forecast predict --input 历史.csv --freq D|W|M --horizon 期数 --output 输出.csv",
    "missing": "缺少参数 {arg}",
    "freq": "--freq 只能是 D（日）、W（周）或 M（月），收到：{value}",
    "horizon": "--horizon 应为 1 到 {most} 之间的整数，收到：{value}",
    "date": "第 {row} 行的日期无法识别：{value!r}（应为 YYYY-MM-DD）",
    "count": "第 {row} 行的 count 不是数字：{value!r}",
    "negative": "第 {row} 行的 count 为负数：{value!r}",
    "output": "无法写入输出文件：{path}",
}
MAX_HORIZON = {"D": 3660, "W": 520, "M": 120}


class UsageError(Exception):
    def __init__(self, code: str, **kw: Any):
        super().__init__(_MSG[code].format(**kw))


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD (also YYYY/M/D, YYYYMMDD, or a timestamp whose date comes first); None when not a date."""
    head = text.strip().split("T")[0].split(" ")[0].replace("/", "-")
    parts = head.split("-")
    try:
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(head) == 8 and head.isdigit():
            return date(int(head[:4]), int(head[4:6]), int(head[6:]))
    except ValueError:
        return None
    return None


def parse_count(text: str, row: int) -> float:
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError as exc:
        raise UsageError("count", row=row, value=text) from exc
    if not math.isfinite(value):
        raise UsageError("count", row=row, value=text)
    if value < 0:
        raise UsageError("negative", row=row, value=text)
    return value


def read_history(path: str) -> dict[str, tuple[list[date], list[float]]]:
    """Rows of the input grouped by series, in the order the series first appear."""
    groups: dict[str, tuple[list[date], list[float]]] = {}
    for rec in read_rows(path, need=("date", "count")):
        row = rec[ROW]
        day = parse_date(rec.get("date", ""))
        if day is None:
            raise UsageError("date", row=row, value=rec.get("date", ""))
        count = parse_count(rec.get("count", ""), int(row))
        dates, counts = groups.setdefault(rec.get("series", "").strip(), ([], []))
        dates.append(day)
        counts.append(count)
    return groups


class Command(BaseCommand):
    help = "Forecast count series from a CSV (date, series, count) with an 80% interval (no database needed)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb")
        predict = sub.add_parser("predict", help="forecast the H periods after each series' last date")
        # plain strings, checked below: argparse's own messages would be English
        predict.add_argument("--input")
        predict.add_argument("--freq")
        predict.add_argument("--horizon")
        predict.add_argument("--output")
        predict.add_argument("--backtest", help="also write the back-test figures per series to this CSV")
        predict.add_argument("--workers", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options.get("verb") != "predict":
                raise UsageError("usage")
            self._predict(options)
        except (UsageError, CsvError) as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(2)

    def _predict(self, options: dict[str, Any]) -> None:
        from zhiguan.assessment.forecast import ForecastError, forecast_many, prepare

        for arg in ("input", "freq", "horizon", "output"):
            if not options.get(arg):
                raise UsageError("missing", arg=f"--{arg}")
        freq = str(options["freq"]).strip().upper()
        if freq not in MAX_HORIZON:
            raise UsageError("freq", value=options["freq"])
        try:
            horizon = int(str(options["horizon"]).strip())
        except ValueError as exc:
            raise UsageError("horizon", most=MAX_HORIZON[freq], value=options["horizon"]) from exc
        if not 1 <= horizon <= MAX_HORIZON[freq]:
            raise UsageError("horizon", most=MAX_HORIZON[freq], value=options["horizon"])
        groups = read_history(options["input"])
        started = time.monotonic()
        try:
            named = {name: prepare(dates, counts, freq) for name, (dates, counts) in groups.items()}
        except ForecastError as exc:  # pragma: no cover - prepare only fails on empty input, caught above
            raise UsageError("empty", path=options["input"]) from exc
        workers = (
            int(options["workers"]) if str(options.get("workers") or "").isdigit() else (os.cpu_count() or 1)
        )
        results = forecast_many(named, horizon, workers=max(1, min(workers, 8)))
        try:
            with open(options["output"], "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["date", "series", "forecast", "lower", "upper"])
                for name, fc in results.items():
                    for day, mean, low, high in zip(fc.labels, fc.mean, fc.lower, fc.upper, strict=True):
                        writer.writerow([day.isoformat(), name, f"{mean:.3f}", f"{low:.3f}", f"{high:.3f}"])
            if options.get("backtest"):
                self._write_backtest(options["backtest"], results)
        except OSError as exc:
            raise UsageError("output", path=options["output"]) from exc
        out = self.stdout
        losing = 0
        for name, fc in results.items():
            chosen = fc.scores.get(fc.model, {})
            base = fc.scores.get("snaive", {})
            line = (
                f"{name or '(全部)'}：模型 {fc.model}，回测 MASE {chosen.get('mase', float('nan')):.3f}"
                f"（季节性朴素 {base.get('mase', float('nan')):.3f}）"
            )
            if not fc.beats_baseline:
                losing += 1
                line += "，注意：未优于季节性朴素基线"
            out.write(line)
        seconds = time.monotonic() - started
        out.write(
            f"{len(results)} 个序列、每个 {horizon} 期的预测已写入 {options['output']}（{seconds:.1f} 秒）"
            + (f"；{losing} 个序列未优于基线" if losing else "")
        )

    @staticmethod
    def _write_backtest(path: str, results: dict[str, Any]) -> None:
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(
                ["series", "model", "mase", "mape", "snaive_mase", "snaive_mape", "wmean4_mase", "beats"]
            )
            for name, fc in results.items():
                chosen, base = fc.scores.get(fc.model, {}), fc.scores.get("snaive", {})
                writer.writerow(
                    [
                        name,
                        fc.model,
                        f"{chosen.get('mase', float('nan')):.4f}",
                        f"{chosen.get('mape', float('nan')):.2f}",
                        f"{base.get('mase', float('nan')):.4f}",
                        f"{base.get('mape', float('nan')):.2f}",
                        f"{fc.scores.get('wmean4', {}).get('mase', float('nan')):.4f}",
                        "yes" if fc.beats_baseline else "no",
                    ]
                )
