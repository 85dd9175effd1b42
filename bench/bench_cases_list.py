"""The case list with three filters over 1,000,000 cases (PostgreSQL; 100,000 on SQLite). Prints
BENCH case_list_p95_ms.

Bulk-loads the cases (COPY on PostgreSQL) into a throwaway database with the demo district, then
times the list path the API uses, `queries.page` (data scope, filters, total count, keyset page of
50), for random combinations of three filters: the first page and the three following ones.
"""

from __future__ import annotations

import os
import random
import time

from bench.casesdb import bulk_cases, is_postgres, setup_district, throwaway_database

COMBINATIONS = 60
PAGES = 4


def main() -> None:
    with throwaway_database() as url:
        n = int(os.environ.get("ZHIGUAN_BENCH_CASES", 1_000_000 if is_postgres(url) else 100_000))
        jurisdiction = setup_district()
        started = time.perf_counter()
        bulk_cases(jurisdiction, n)
        print(f"# {n} cases loaded in {time.perf_counter() - started:.0f} s", flush=True)
        _run(jurisdiction, n)


def _filters(jurisdiction: object, rng: random.Random) -> list[dict]:
    from zhiguan.cases.status import Status
    from zhiguan.geo.models import Area
    from zhiguan.taxonomy.models import Category

    streets = list(
        Area.objects.filter(jurisdiction=jurisdiction, level="street").values_list("id", flat=True)
    )
    level1 = list(Category.objects.filter(jurisdiction=jurisdiction, level=1).values_list("id", flat=True))
    choices = {
        "status": lambda: rng.sample(sorted(Status.values), rng.choice((1, 2))),
        "warning_level": lambda: rng.choice(["green", "yellow", "red"]),
        "street_id": lambda: rng.choice(streets),
        "category_id": lambda: rng.choice(level1),
        "channel": lambda: rng.choice(["hotline", "web", "app", "wechat", "inspector"]),
        "created_from": lambda: None,
    }
    out = []
    for _ in range(COMBINATIONS):
        names = rng.sample(sorted(choices), 3)
        f = {name: choices[name]() for name in names}
        if "created_from" in f:
            from django.utils import timezone

            f["created_from"] = timezone.localdate() - timezone.timedelta(days=rng.choice((7, 30, 90)))
        out.append(f)
    return out


def _run(jurisdiction: object, n: int) -> None:
    from zhiguan.cases import queries
    from zhiguan.org.models import User
    from zhiguan.org.permissions import Actor

    actor = Actor.for_user(User.objects.get(username="dispatcher"))
    assert actor is not None
    rng = random.Random(11)
    timings: list[float] = []
    estimates = 0
    worst: tuple[float, dict] = (0.0, {})
    for f in _filters(jurisdiction, rng):
        cursor = None
        for _page in range(PAGES):
            started = time.perf_counter()
            result = queries.page(actor, queries.CaseFilter(**f), cursor=cursor, limit=50)
            elapsed = time.perf_counter() - started
            timings.append(elapsed)
            worst = max(worst, (elapsed, f), key=lambda w: w[0])
            estimates += result["count_is_estimate"]
            cursor = result["next_cursor"]
            if cursor is None:
                break
    timings.sort()
    p50 = timings[len(timings) // 2] * 1000
    p95 = timings[int(0.95 * (len(timings) - 1))] * 1000
    print(
        f"# {len(timings)} pages over {n} cases: p50 {p50:.1f} ms, slowest {worst[0] * 1000:.0f} ms {worst[1]}; "
        f"{estimates} totals estimated (over {queries.EXACT_COUNT_LIMIT:,} matches)"
    )
    print(f"BENCH case_list_p95_ms {p95:.1f} ms", flush=True)
