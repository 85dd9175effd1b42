"""Join the labelled pair ids back to the 附件3 texts: the PAIRS.csv `zhiguan duplicates score-pairs` takes.

    .venv/bin/python bench/data/duplicates_fj3/build_pairs.py --output /tmp/pairs_in.csv [--half tune|test|all]

Reads pairs.csv (next to this file: pair_id,a_id,b_id,label,kind) and
../shared/data/tipdm2020_c/csv/fj3_hot_issue_4326.csv (or $ZHIGUAN_DEMO_DATA/…) and writes
pair_id,a_title,a_text,a_time,b_title,b_text,b_time (times as the source gives them,
`YYYY/M/D H:MM:SS`, a few `YYYY-MM-DD HH:MM:SS`). The texts stay outside the repository.
Halves: `tune` = odd pair numbers (p0001, p0003, …), `test` = even ones; the scorer's weights were
fitted on `tune` only (docs/decisions/082-duplicates.md).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAIRS = HERE / "pairs.csv"
COLUMNS = ["pair_id", "a_title", "a_text", "a_time", "b_title", "b_text", "b_time"]


def source() -> Path | None:
    """附件3 in the shared data, or None when it is absent."""
    for root in (os.environ.get("ZHIGUAN_DEMO_DATA"), str(HERE.parents[3] / "shared" / "data")):
        if root:
            path = Path(root) / "tipdm2020_c" / "csv" / "fj3_hot_issue_4326.csv"
            if path.exists():
                return path
    return None


def in_half(pair_id: str, half: str) -> bool:
    number = int(pair_id.lstrip("p"))
    return half == "all" or (half == "tune") == (number % 2 == 1)


def labelled(half: str = "all") -> list[dict[str, str]]:
    """The labelled pairs (pair_id, a_id, b_id, label, kind) of one half."""
    with PAIRS.open(encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if in_half(row["pair_id"], half)]


def pair_rows(half: str = "all", data: Path | None = None) -> list[dict[str, str]]:
    """The CLI's input rows for the labelled pairs of one half."""
    path = data or source()
    if path is None:
        raise FileNotFoundError("找不到 附件3：../shared/data/tipdm2020_c/csv/fj3_hot_issue_4326.csv")
    with path.open(encoding="utf-8-sig") as f:
        messages = {r["留言编号"]: r for r in csv.DictReader(f)}
    rows = []
    for pair in labelled(half):
        a, b = messages[pair["a_id"]], messages[pair["b_id"]]
        rows.append(
            {
                "pair_id": pair["pair_id"],
                "a_title": a["留言主题"],
                "a_text": a["留言详情"],
                "a_time": a["留言时间"],
                "b_title": b["留言主题"],
                "b_text": b["留言详情"],
                "b_time": b["留言时间"],
            }
        )
    return rows


def write(rows: list[dict[str, str]], output: str | Path) -> None:
    with open(output, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", required=True)
    parser.add_argument("--half", choices=["tune", "test", "all"], default="all")
    args = parser.parse_args()
    try:
        rows = pair_rows(args.half)
    except FileNotFoundError as exc:
        sys.exit(str(exc))
    write(rows, args.output)
    print(f"{len(rows)} pairs written to {args.output}")


if __name__ == "__main__":
    main()
