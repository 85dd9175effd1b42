"""The one way a command-line tool reads its CSV input: UTF-8 (with or without BOM), a header row.

`read_rows(path, need=…)` returns the data rows as dicts keyed by the lower-cased, stripped column
names, with the 1-based line number of each row (`ROW` key), blank lines skipped. Every failure is a
`CsvError` whose message is one Chinese line a person can act on (the file is missing, not UTF-8,
not CSV, lacks columns, has no data); the tools print it and exit with code 2.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROW = "__row__"

_MSG = {
    "no_file": "找不到输入文件：{path}",
    "encoding": "输入文件不是 UTF-8 编码的 CSV：{path}",
    "columns": "输入文件缺少列：{cols}（需要 {need}）",
    "empty": "输入文件没有数据行：{path}",
}


class CsvError(Exception):
    def __init__(self, code: str, **kw: object):
        self.code = code
        super().__init__(_MSG[code].format(**kw))


def read_rows(path: str | Path, *, need: tuple[str, ...]) -> list[dict[str, str]]:
    """The data rows of the CSV at `path`, which must have at least the columns `need`."""
    file = Path(path)
    if not file.is_file():
        raise CsvError("no_file", path=path)
    rows: list[dict[str, str]] = []
    try:
        with file.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = [(c or "").strip().lower() for c in reader.fieldnames or []]
            missing = [c for c in need if c not in fields]
            if missing:
                raise CsvError("columns", cols=", ".join(missing), need=", ".join(need))
            for line, raw in enumerate(reader, start=2):
                rec = {
                    (k or "").strip().lower(): (v or "") for k, v in raw.items() if isinstance(v, str | None)
                }
                if not any(v.strip() for v in rec.values()):
                    continue
                rec[ROW] = str(line)
                rows.append(rec)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CsvError("encoding", path=path) from exc
    if not rows:
        raise CsvError("empty", path=path)
    return rows
