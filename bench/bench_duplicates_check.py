"""One duplicate check (`intelligence.duplicates.services.check`) over 1,000,000 cases in PostgreSQL
(100,000 on SQLite; ZHIGUAN_BENCH_CASES to scale, ZHIGUAN_BENCH_CALLS for the number of checks).
Prints BENCH duplicates_check_p95_ms (target < 20 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python -m bench duplicates_check

Bulk-loads the cases (`casesdb.bulk_cases`, COPY on PostgreSQL) spread over a year into a throwaway
database with the demo district, gives each a random point of the district (with its H3 cells) and
one of a few dozen descriptions, then times the whole check as the intake screen calls it: the
candidates of the H3 ring (open and recent cases, at most 200), their reporters' phones and the
scoring of each, for requests at random points with fresh text (jieba runs on it).
"""

from __future__ import annotations

import os
import random
import time

from bench.casesdb import bulk_cases, is_postgres, random_points, setup_district, throwaway_database

CALLS = int(os.environ.get("ZHIGUAN_BENCH_CALLS", "200"))

PLACES = ["幸福小区", "人民路", "滨江花园", "东风村", "建设路", "翠湖苑", "和平街", "光明小区"]
PROBLEMS = [
    "路灯不亮，晚上出行不安全",
    "垃圾堆放多日无人清运，气味难闻",
    "下水道堵塞，污水外溢",
    "夜间施工噪音扰民",
    "人行道破损，老人容易摔倒",
    "违章停车堵塞消防通道",
    "小区门口占道经营",
    "井盖缺失存在安全隐患",
]


def _text(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)}{rng.randint(1, 40)}号附近{rng.choice(PROBLEMS)}，请尽快处理。"


def main() -> None:
    with throwaway_database() as url:
        n = int(os.environ.get("ZHIGUAN_BENCH_CASES", 1_000_000 if is_postgres(url) else 100_000))
        jurisdiction = setup_district()
        started = time.perf_counter()
        bulk_cases(jurisdiction, n)
        _place(jurisdiction, n)
        print(f"# {n} cases loaded and placed in {time.perf_counter() - started:.0f} s", flush=True)
        _run(jurisdiction, n)


def _place(jurisdiction: object, n: int) -> None:
    """A point (and its H3 cells) and a description for every bulk-loaded case."""
    import h3
    from django.db import connection

    from zhiguan.cases.models import Case

    rng = random.Random(5)
    texts = [_text(rng) for _ in range(64)]
    points = random_points(jurisdiction, n, seed=11)
    ids = list(Case.objects.order_by("id").values_list("id", flat=True))
    table = Case._meta.db_table
    rows = [
        (pk, lng, lat, h3.latlng_to_cell(lat, lng, 7), h3.latlng_to_cell(lat, lng, 9), texts[pk % 64])
        for pk, (lng, lat) in zip(ids, points, strict=False)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMP TABLE bench_place (id bigint, lng float8, lat float8, r7 text, r9 text, d text)"
            )
            with cursor.cursor.copy("COPY bench_place FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            cursor.execute(
                f"UPDATE {table} c SET lng = p.lng, lat = p.lat, h3_r7 = p.r7, h3_r9 = p.r9, "
                "description = p.d FROM bench_place p WHERE c.id = p.id"
            )
            cursor.execute(f"ANALYZE {table}")
        else:
            cursor.executemany(
                f"UPDATE {table} SET lng = %s, lat = %s, h3_r7 = %s, h3_r9 = %s, description = %s WHERE id = %s",
                [(lng, lat, r7, r9, d, pk) for pk, lng, lat, r7, r9, d in rows],
            )
            cursor.execute("ANALYZE")


def _run(jurisdiction: object, n: int) -> None:
    from zhiguan.intelligence.duplicates import queries, services
    from zhiguan.org.permissions import Actor

    actor = Actor.system(jurisdiction)  # type: ignore[arg-type]
    rng = random.Random(17)
    points = random_points(jurisdiction, CALLS + 5, seed=23)
    calls = [(_text(rng) + f"（第{i}次反映）", lng, lat) for i, (lng, lat) in enumerate(points)]
    for text, lng, lat in calls[:5]:  # warm the caches and the connection
        services.check(actor, text=text, lng=lng, lat=lat)
    timings: list[float] = []
    seen = 0
    for text, lng, lat in calls[5:]:
        started = time.perf_counter()
        found = services.check(actor, text=text, lng=lng, lat=lat)
        timings.append(time.perf_counter() - started)
        seen += len(found)
    sample = calls[5]
    cands = len(queries.candidates(actor, lng=sample[1], lat=sample[2], category_id=None))
    # The candidates' query alone (the rest is scoring), for the same requests.
    reads: list[float] = []
    for _, lng, lat in calls[5:]:
        started = time.perf_counter()
        queries.candidates(actor, lng=lng, lat=lat, category_id=None)
        reads.append(time.perf_counter() - started)
    reads.sort()
    print(f"# candidates query alone: p95 {reads[int(0.95 * (len(reads) - 1))] * 1000:.1f} ms", flush=True)
    timings.sort()
    p50 = timings[len(timings) // 2] * 1000
    p95 = timings[int(0.95 * (len(timings) - 1))] * 1000
    print(
        f"# {len(timings)} checks over {n} cases ({cands} candidates at the first point, "
        f"{seen / len(timings):.1f} shown per check): p50 {p50:.1f} ms, max {timings[-1] * 1000:.0f} ms",
        flush=True,
    )
    print(f"BENCH duplicates_check_p95_ms {p95:.1f} ms", flush=True)


if __name__ == "__main__":
    main()
