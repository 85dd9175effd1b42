"""`zhiguan hotissues`: the hot-issue list (热点问题) from a CSV of messages, without server or database.

  zhiguan hotissues --input FILE.csv --output OUT.csv [--top N] [--window-days D] [--min-size K]

Input: the 附件3 layout (留言编号,留言用户,留言主题,留言时间,留言详情,反对数,点赞数) or the English
id,user,title,time,text,dislikes,likes (user, dislikes and likes optional). Times as
`YYYY/M/D H:MM:SS` or ISO 8601. Output: rank,heat,title,place,start,end,size,reporters,ids
(ids separated by ';'),support,growth, hottest first; the top N are printed.
Bad input ends with one message in Chinese on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import csv
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

_MSG = {
    "no_file": "找不到输入文件：{path}",
    "encoding": "输入文件不是 UTF-8 编码的 CSV：{path}",
    "columns": "输入文件缺少列：{cols}（附件3 格式：留言编号,留言用户,留言主题,留言时间,留言详情,反对数,点赞数；"
    "或 id,user,title,time,text,dislikes,likes）",
    "empty": "输入文件没有数据行：{path}",
    "empty_id": "第 {row} 行的留言编号为空",
    "empty_text": "第 {row} 行的主题和详情都为空",
    "time": "第 {row} 行的时间无法识别：{value}（应为 2019/2/28 11:25:05 或 ISO 8601）",
    "number": "第 {row} 行的{col}不是非负整数：{value}",
    "window": "--window-days 必须大于 0",
    "top": "--top 和 --min-size 必须是正整数",
    "now": "--now 无法识别：{value}",
    "output": "无法写入输出文件：{path}",
}

# canonical name -> accepted headers (附件3 first)
_COLUMNS = {
    "id": ("留言编号", "id"),
    "user": ("留言用户", "user"),
    "title": ("留言主题", "title"),
    "time": ("留言时间", "time"),
    "text": ("留言详情", "text"),
    "dislikes": ("反对数", "dislikes"),
    "likes": ("点赞数", "likes"),
}
_REQUIRED = ("id", "title", "time", "text")
_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


class UsageError(Exception):
    def __init__(self, code: str, **kw: Any):
        super().__init__(_MSG[code].format(**kw))


def parse_time(value: str) -> datetime | None:
    value = value.strip()
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt)  # noqa: DTZ007 -- Asia/Shanghai wall time, kept naive
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=None) if parsed.tzinfo else parsed  # local wall time, as the others


def _count(value: str, row: int, col: str) -> int:
    text = value.strip() or "0"
    try:
        number = float(text)
    except ValueError:
        raise UsageError("number", row=row, col=col, value=value) from None
    if number < 0 or number != int(number):
        raise UsageError("number", row=row, col=col, value=value)
    return int(number)


def read_messages(path: str) -> list[Any]:
    from zhiguan.intelligence.hotspots.hotissues import Message

    file = Path(path)
    if not file.is_file():
        raise UsageError("no_file", path=path)
    try:
        with file.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = [(c or "").strip() for c in reader.fieldnames or []]
            lower = {c.lower(): c for c in fields}
            header: dict[str, str] = {}
            for name, options in _COLUMNS.items():
                for option in options:
                    if option in fields or option in lower:
                        header[name] = option if option in fields else lower[option]
                        break
            missing = [_COLUMNS[c][0] for c in _REQUIRED if c not in header]
            if missing:
                raise UsageError("columns", cols="、".join(missing))
            raw = [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UsageError("encoding", path=path) from exc
    if not raw:
        raise UsageError("empty", path=path)
    messages = []
    for i, row in enumerate(raw, start=2):

        def get(name: str, row: dict[str, str] = row) -> str:
            return row.get(header[name], "") if name in header else ""

        rid = get("id").strip()
        if not rid:
            raise UsageError("empty_id", row=i)
        title, text = get("title").strip(), get("text").strip()
        if not title and not text:
            raise UsageError("empty_text", row=i)
        when = parse_time(get("time"))
        if when is None:
            raise UsageError("time", row=i, value=get("time"))
        messages.append(
            Message(
                id=rid,
                title=title,
                text=text,
                time=when,
                user=get("user").strip(),
                likes=_count(get("likes"), i, "点赞数"),
                dislikes=_count(get("dislikes"), i, "反对数"),
            )
        )
    return messages


class Command(BaseCommand):
    help = "Group messages about the same matter and rank the groups by heat (no database needed)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--top", type=int, default=10, help="groups printed (the CSV holds all)")
        parser.add_argument(
            "--window-days", type=float, default=60.0, help="largest gap between linked messages"
        )
        parser.add_argument("--min-size", type=int, default=2, help="smallest group listed")
        parser.add_argument("--now", default="", help="reference time of growth (default: the last message)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._run(options)
        except UsageError as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(2)

    def _run(self, options: dict[str, Any]) -> None:
        from zhiguan.intelligence.hotspots.hotissues import hot_issues

        if not options["window_days"] > 0:
            raise UsageError("window")
        if options["top"] < 1 or options["min_size"] < 1:
            raise UsageError("top")
        now = None
        if options["now"]:
            now = parse_time(options["now"])
            if now is None:
                raise UsageError("now", value=options["now"])
        messages = read_messages(options["input"])
        started = time.monotonic()
        issues = hot_issues(
            messages, window_days=options["window_days"], min_size=options["min_size"], now=now
        )
        seconds = time.monotonic() - started
        try:
            with open(options["output"], "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(
                    [
                        "rank",
                        "heat",
                        "title",
                        "place",
                        "start",
                        "end",
                        "size",
                        "reporters",
                        "ids",
                        "support",
                        "growth",
                    ]
                )
                for h in issues:
                    writer.writerow(
                        [
                            h.rank,
                            f"{h.heat:.4f}",
                            h.title,
                            h.place,
                            h.start.isoformat(sep=" "),
                            h.end.isoformat(sep=" "),
                            h.size,
                            h.reporters,
                            ";".join(h.ids),
                            h.support,
                            f"{h.growth:.3f}",
                        ]
                    )
        except OSError as exc:
            raise UsageError("output", path=options["output"]) from exc
        out = self.stdout
        out.write(
            f"{len(messages)} 条留言，{len(issues)} 个热点问题（{seconds:.1f} 秒），写入 {options['output']}"
        )
        for h in issues[: options["top"]]:
            out.write(
                f"{h.rank}\t热度 {h.heat:.2f}\t{h.title}\t{h.place}\t"
                f"{h.start:%Y-%m-%d}~{h.end:%Y-%m-%d}\t{h.size} 条/{h.reporters} 人\t点赞净数 {h.support}"
            )
