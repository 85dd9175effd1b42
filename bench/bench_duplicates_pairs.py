"""Duplicate detection on the hand-labelled 附件3 pairs (issue 12, docs/decisions/082).

    .venv/bin/python -m bench duplicates

Joins bench/data/duplicates_fj3/pairs.csv back to ../shared/data/tipdm2020_c/csv/fj3_hot_issue_4326.csv
(or $ZHIGUAN_DEMO_DATA/…), runs `zhiguan duplicates score-pairs` on them in a fresh process (no
database: an unreachable DATABASE_URL), and prints at the default threshold
  BENCH duplicates_precision / _recall / _f1              all pairs
  BENCH duplicates_test_precision / _recall / _f1         the held-out half (even pair numbers)
  BENCH duplicates_tune_precision / _recall / _f1         the tuning half the weights were fitted on
  BENCH duplicates_score_p95_ms     one pair scored from cold text (jieba included), p95 of 200
  BENCH duplicates_check50_p95_ms   one new request (never seen: jieba runs on it) against 50
                                    candidates featurised before, p95 of 100
  BENCH duplicates_check50_cpu_p95_ms      the same in CPU time of this process (a shared,
                                    loaded machine inflates the wall-clock figure)
  BENCH duplicates_check50_compare_p95_ms  the same once the new request is featurised too (the
                                    console re-checks as the operator types)
  BENCH duplicates_check50_cold_p95_ms  the same with the 50 candidates never seen before
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "data" / "duplicates_fj3"))


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def _prf(rows: list[tuple[int, int]]) -> tuple[float, float, float]:
    tp = sum(1 for y, p in rows if y and p)
    fp = sum(1 for y, p in rows if not y and p)
    fn = sum(1 for y, p in rows if y and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    import build_pairs

    if build_pairs.source() is None:
        print("# duplicates: ../shared/data/tipdm2020_c/csv/fj3_hot_issue_4326.csv is absent; skipped")
        return
    rows = build_pairs.pair_rows("all")
    labels = {r["pair_id"]: int(r["label"]) for r in build_pairs.labelled("all")}
    with tempfile.TemporaryDirectory() as tmp:
        pairs, out = Path(tmp) / "pairs.csv", Path(tmp) / "out.csv"
        build_pairs.write(rows, pairs)
        env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "zhiguan.cli",
                "duplicates",
                "score-pairs",
                "--input",
                str(pairs),
                "--output",
                str(out),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        print(f"BENCH duplicates_cli_s {time.perf_counter() - started:.2f} s", flush=True)
        with out.open(encoding="utf-8") as f:
            predicted = {r["pair_id"]: int(r["duplicate"]) for r in csv.DictReader(f)}
    for prefix, half in (("", "all"), ("test_", "test"), ("tune_", "tune")):
        judged = [(labels[p], predicted[p]) for p in labels if build_pairs.in_half(p, half)]
        precision, recall, f1 = _prf(judged)
        print(f"BENCH duplicates_{prefix}precision {precision:.4f} ratio")
        print(f"BENCH duplicates_{prefix}recall {recall:.4f} ratio")
        print(f"BENCH duplicates_{prefix}f1 {f1:.4f} ratio", flush=True)

    from zhiguan.intelligence.duplicates import scoring
    from zhiguan.intelligence.duplicates.management.commands.duplicates import parse_time

    def request(title: str, text: str, when: str, salt: str = "") -> scoring.Request:
        # `salt` makes the text new to the caches: the cold path, jieba included.
        return scoring.Request(title=title, text=f"{text}{salt}", time=parse_time(when))

    scoring.score_pair(
        request("预热", "预热", "2019/1/1 0:00:00"), request("预热", "预热", "2019/1/1 0:00:00")
    )
    one = []
    for i, r in enumerate(rows[:200]):
        a = request(r["a_title"], r["a_text"], r["a_time"], f" 冷{i}")
        b = request(r["b_title"], r["b_text"], r["b_time"], f" 冷{i}")
        t = time.perf_counter()
        scoring.score_pair(a, b)
        one.append((time.perf_counter() - t) * 1000)
    print(f"BENCH duplicates_score_p95_ms {_p95(one):.2f} ms", flush=True)

    messages = [(r["a_title"], r["a_text"], r["a_time"]) for r in rows] + [
        (r["b_title"], r["b_text"], r["b_time"]) for r in rows
    ]
    rnd = random.Random(0)
    warm, warm_cpu, compare, cold = [], [], [], []
    for i in range(100):
        chosen = rnd.sample(messages, 51)
        new = request(*chosen[0], f" 新{i}")
        candidates = [request(*m) for m in chosen[1:]]
        for c in candidates:
            scoring.prepare(c)  # as the platform does when it loads a neighbourhood's cases
        t, cpu = time.perf_counter(), time.process_time()
        scoring.score_candidates(new, candidates)
        warm.append((time.perf_counter() - t) * 1000)
        warm_cpu.append((time.process_time() - cpu) * 1000)
        t = time.perf_counter()
        scoring.score_candidates(new, candidates)  # the new request featurised already (typing)
        compare.append((time.perf_counter() - t) * 1000)
        fresh = [request(*m, f" 旧{i}") for m in chosen[1:]]
        t = time.perf_counter()
        scoring.score_candidates(request(*chosen[0], f" 另{i}"), fresh)
        cold.append((time.perf_counter() - t) * 1000)
    print(f"BENCH duplicates_check50_p95_ms {_p95(warm):.2f} ms")
    print(f"BENCH duplicates_check50_cpu_p95_ms {_p95(warm_cpu):.2f} ms")
    print(f"BENCH duplicates_check50_compare_p95_ms {_p95(compare):.2f} ms")
    print(f"BENCH duplicates_check50_cold_p95_ms {_p95(cold):.2f} ms", flush=True)


if __name__ == "__main__":
    main()
