"""The dashboard API over 1,000,000 cases (PostgreSQL; 100,000 on SQLite). Prints BENCH dashboard_p95_ms.

Bulk-loads the cases into a throwaway database with the demo district, builds the rollups once
(`rollups.rebuild_all`, timed: the nightly job), then times what GET /api/v1/dashboard does for a
leader — the snapshot and its validation into the response schema — for the whole district and
for random streets and communities (rollups) and grids (live reads over the grid's cases). Hot
issues and hot spots are read from the cache, as on a
real screen: they are computed by the periodic task `dashboard.slow_tiles` (timed on its own). ZHIGUAN_BENCH_CASES sets N.
"""

from __future__ import annotations

import os
import random
import time

from bench.casesdb import bulk_cases, is_postgres, setup_district, throwaway_database

CALLS = {"district": 40, "street": 30, "community": 15, "grid": 15}


def main() -> None:
    with throwaway_database() as url:
        n = int(os.environ.get("ZHIGUAN_BENCH_CASES", 1_000_000 if is_postgres(url) else 100_000))
        jurisdiction = setup_district()
        started = time.perf_counter()
        bulk_cases(jurisdiction, n)
        print(f"# {n} cases loaded in {time.perf_counter() - started:.0f} s", flush=True)
        _run(jurisdiction, n)


def _run(jurisdiction: object, n: int) -> None:
    from django.core.cache import cache

    from zhiguan.assessment.dashboard import queries, rollups
    from zhiguan.assessment.dashboard.models import OpenNow
    from zhiguan.assessment.dashboard.schemas import DashboardOut
    from zhiguan.geo.models import Area
    from zhiguan.org.models import User
    from zhiguan.org.permissions import Actor

    cache.clear()
    started = time.perf_counter()
    rollups.rebuild_all(jurisdiction_id=jurisdiction.pk)  # type: ignore[attr-defined]
    rows = sum(m.objects.count() for m in (*rollups.ROLLUPS, OpenNow))
    print(f"# full rollup rebuild: {time.perf_counter() - started:.1f} s, {rows} rollup rows", flush=True)

    actor = Actor.for_user(User.objects.get(username="leader"))
    assert actor is not None
    areas = {
        level: list(Area.objects.filter(jurisdiction=jurisdiction, level=level).values_list("id", flat=True))
        for level in ("street", "community", "grid")
    }
    rng = random.Random(13)

    def call(level: str) -> float:
        kwargs = {} if level == "district" else {f"{level}_id": rng.choice(areas[level])}
        t0 = time.perf_counter()
        DashboardOut.model_validate(queries.snapshot(actor, **kwargs)).model_dump_json()
        return time.perf_counter() - t0

    started = time.perf_counter()
    queries.compute_slow_tiles(jurisdiction.pk)  # type: ignore[attr-defined]
    print(f"# hot issues and Gi* (the periodic task, not a request): {time.perf_counter() - started:.1f} s")
    first = call("district")
    print(f"# first call: {first * 1000:.0f} ms", flush=True)
    for level in ("street", "community", "grid"):
        call(level)  # warm each kind once (hot issues are cached per viewer scope)
    timings: dict[str, list[float]] = {level: [] for level in CALLS}
    plan = [level for level, k in CALLS.items() for _ in range(k)]
    rng.shuffle(plan)
    for level in plan:
        timings[level].append(call(level))
    everything = sorted(t for ts in timings.values() for t in ts)
    for level, ts in timings.items():
        ts.sort()
        print(
            f"# {level}: p50 {ts[len(ts) // 2] * 1000:.1f} ms, p95 {ts[int(0.95 * (len(ts) - 1))] * 1000:.1f} ms",
            flush=True,
        )
    p95 = everything[int(0.95 * (len(everything) - 1))] * 1000
    print(f"# {len(everything)} snapshots over {n} cases", flush=True)
    print(f"BENCH dashboard_p95_ms {p95:.1f} ms", flush=True)


if __name__ == "__main__":
    main()
