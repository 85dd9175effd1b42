"""Hot issues on 附件3 (issue 12, docs/decisions/083).

    .venv/bin/python -m bench hotspots_hotissues

Runs the grouping and heat ranking of `zhiguan hotissues` on
`../shared/data/tipdm2020_c/csv/fj3_hot_issue_4326.csv` (or $ZHIGUAN_DEMO_DATA/...) and prints
  BENCH hotissues_fj3_s        grouping + ranking 4,326 messages (CSV reading excluded)
  BENCH hotissues_fj3_groups   groups of at least 2 messages
  BENCH hotissues_fj3_grouped  share of the messages that are in such a group
No database is used.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def _data() -> Path | None:
    for root in (
        os.environ.get("ZHIGUAN_DEMO_DATA"),
        Path(__file__).resolve().parents[2] / "shared" / "data",
    ):
        path = Path(root) / "tipdm2020_c" / "csv" / "fj3_hot_issue_4326.csv" if root else None
        if path and path.exists():
            return path
    return None


def main() -> None:
    path = _data()
    if path is None:
        print("# hotissues: ../shared/data/tipdm2020_c/csv/fj3_hot_issue_4326.csv is absent; skipped")
        return
    from zhiguan.intelligence.hotspots.hotissues import hot_issues
    from zhiguan.intelligence.hotspots.management.commands.hotissues import read_messages

    messages = read_messages(str(path))
    started = time.perf_counter()
    issues = hot_issues(messages)
    seconds = time.perf_counter() - started
    grouped = sum(h.size for h in issues)
    print(f"BENCH hotissues_fj3_s {seconds:.2f} s")
    print(f"BENCH hotissues_fj3_groups {len(issues)} groups")
    print(f"BENCH hotissues_fj3_grouped {grouped / len(messages):.3f} share")


if __name__ == "__main__":
    main()
