"""`zhiguan duplicates score-pairs`: duplicate scores for pairs of requests, without server or database.

  zhiguan duplicates score-pairs --input PAIRS.csv --output OUT.csv
      columns pair_id,a_title,a_text,a_time,b_title,b_text,b_time (times `YYYY/M/D H:MM:SS`,
      Asia/Shanghai; `YYYY-MM-DD`, no seconds or no time of day are accepted too);
      writes pair_id,score,duplicate (duplicate 1 when score >= the default threshold, else 0).

Bad input ends with one message in Chinese on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import csv
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandParser

from zhiguan.intelligence.duplicates.scoring import DEFAULT_CONFIG, Request, score_pair

COLUMNS = ("pair_id", "a_title", "a_text", "a_time", "b_title", "b_text", "b_time")
SHANGHAI = ZoneInfo("Asia/Shanghai")
_TIME = re.compile(r"^\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?\s*$")

# Messages of this command are Chinese first: it runs without a request (no language negotiation).
_MSG = {
    "no_file": "找不到输入文件：{path}",
    "encoding": "输入文件不是 UTF-8 编码的 CSV：{path}",
    "columns": "输入文件缺少列：{cols}（需要 {need}）",
    "empty": "输入文件没有数据行：{path}",
    "pair_id": "第 {row} 行的 pair_id 为空",
    "time": "第 {row} 行的 {col} 无法识别：“{value}”（应为 YYYY/M/D H:MM:SS）",
    "no_text": "第 {row} 行的 {side} 标题和内容都为空",
    "output": "无法写入输出文件：{path}",
}


class UsageError(Exception):
    def __init__(self, code: str, **kw: Any):
        super().__init__(_MSG[code].format(**kw))


def parse_time(value: str) -> datetime | None:
    """`2019/2/28 11:25:05` (Asia/Shanghai) as an aware datetime; None when it is not one."""
    m = _TIME.match(value or "")
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI)
    except ValueError:
        return None


def read_pairs(path: str) -> list[tuple[str, Request, Request]]:
    file = Path(path)
    if not file.is_file():
        raise UsageError("no_file", path=path)
    try:
        with file.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = [c.strip() for c in reader.fieldnames or []]
            missing = [c for c in COLUMNS if c not in fields]
            if missing:
                raise UsageError("columns", cols=", ".join(missing), need=",".join(COLUMNS))
            rows = [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UsageError("encoding", path=path) from exc
    if not rows:
        raise UsageError("empty", path=path)
    pairs = []
    for i, row in enumerate(rows, start=2):
        if not row["pair_id"].strip():
            raise UsageError("pair_id", row=i)
        sides = []
        for side in ("a", "b"):
            col = f"{side}_time"
            when = parse_time(row[col])
            if when is None and row[col].strip():
                raise UsageError("time", row=i, col=col, value=row[col].strip()[:40])
            if not (row[f"{side}_title"].strip() or row[f"{side}_text"].strip()):
                raise UsageError("no_text", row=i, side=side.upper())
            sides.append(Request(title=row[f"{side}_title"], text=row[f"{side}_text"], time=when))
        pairs.append((row["pair_id"].strip(), sides[0], sides[1]))
    return pairs


class Command(BaseCommand):
    help = "Score pairs of requests as duplicates from a CSV (no database needed)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        score = sub.add_parser(
            "score-pairs", help="pair_id,score,duplicate for pair_id,a_title,a_text,a_time,…"
        )
        score.add_argument("--input", required=True)
        score.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._score_pairs(options)
        except UsageError as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(2)

    def _score_pairs(self, options: dict[str, Any]) -> None:
        pairs = read_pairs(options["input"])
        started = time.monotonic()
        matches = [(pair_id, score_pair(a, b, DEFAULT_CONFIG)) for pair_id, a, b in pairs]
        try:
            with open(options["output"], "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["pair_id", "score", "duplicate"])
                for pair_id, match in matches:
                    writer.writerow([pair_id, f"{match.score:.4f}", int(match.duplicate)])
        except OSError as exc:
            raise UsageError("output", path=options["output"]) from exc
        seconds = time.monotonic() - started
        dups = sum(m.duplicate for _p, m in matches)
        self.stdout.write(
            f"{len(matches)} pairs scored, {dups} duplicates at threshold {DEFAULT_CONFIG.threshold} "
            f"({seconds:.1f} s), written to {options['output']}"
        )
