"""Open311 `GET requests` with a 90-day window over 1,000,000 cases (PostgreSQL; 100,000 on SQLite;
ZHIGUAN_BENCH_CASES to scale). Prints BENCH open311_get_requests_p95_ms (target < 100 ms).

Bulk-loads the cases (COPY on PostgreSQL) spread over a year into a throwaway database with the
demo district, then times the whole endpoint (Django's test client: parameters, query, XML or
JSON written) for random 90-day windows, with and without status / service_code filters, the
default window, page 2 and the extensions: the first 1,000 of each.
"""

from __future__ import annotations

import os
import random
import time

from bench.casesdb import bulk_cases, is_postgres, leaf_categories, setup_district, throwaway_database

CALLS = int(os.environ.get("ZHIGUAN_BENCH_CALLS", "80"))


def main() -> None:
    os.environ["ZHIGUAN_OPEN311_RATE"] = "1000000/m"
    with throwaway_database() as url:
        n = int(os.environ.get("ZHIGUAN_BENCH_CASES", 1_000_000 if is_postgres(url) else 100_000))
        jurisdiction = setup_district()
        started = time.perf_counter()
        bulk_cases(jurisdiction, n)
        print(f"# {n} cases loaded in {time.perf_counter() - started:.0f} s", flush=True)
        _run(jurisdiction, n)


def _calls(jurisdiction: object, rng: random.Random) -> list[tuple[str, dict[str, str]]]:
    from django.utils import timezone

    from zhiguan.taxonomy.models import Category

    codes = list(Category.objects.filter(pk__in=leaf_categories(jurisdiction)).values_list("code", flat=True))
    now = timezone.now()
    out = []
    for i in range(CALLS):
        end = now - timezone.timedelta(days=rng.uniform(0, 270))
        params = {
            "jurisdiction_id": jurisdiction.code,  # type: ignore[attr-defined]
            "start_date": (end - timezone.timedelta(days=90)).isoformat(),
            "end_date": end.isoformat(),
        }
        kind = i % 6
        if kind == 1:
            params["status"] = rng.choice(["open", "closed"])
        elif kind == 2:
            params["service_code"] = ",".join(rng.sample(codes, min(3, len(codes))))
        elif kind == 3:
            params = {"jurisdiction_id": params["jurisdiction_id"]}  # the default: the last 90 days
        elif kind == 4:
            params["page"] = "2"
        elif kind == 5:
            params["extensions"] = "true"
        out.append((rng.choice(["xml", "json"]), params))
    return out


def _run(jurisdiction: object, n: int) -> None:
    from django.test import Client

    client = Client()
    rng = random.Random(13)
    calls = _calls(jurisdiction, rng)
    for fmt, params in calls[:3]:  # warm the caches and the connection
        client.get(f"/open311/v2/requests.{fmt}", params)
    timings: list[float] = []
    worst: tuple[float, dict] = (0.0, {})
    rows = 0
    for fmt, params in calls:
        started = time.perf_counter()
        response = client.get(f"/open311/v2/requests.{fmt}", params)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content[:300]
        rows += (
            response.content.count(b"<request>")
            if fmt == "xml"
            else response.content.count(b'"service_request_id"')
        )
        timings.append(elapsed)
        worst = max(worst, (elapsed, params), key=lambda w: w[0])
    timings.sort()
    p50 = timings[len(timings) // 2] * 1000
    p95 = timings[int(0.95 * (len(timings) - 1))] * 1000
    print(
        f"# {len(timings)} calls over {n} cases, {rows / len(timings):.0f} requests per answer: "
        f"p50 {p50:.1f} ms, slowest {worst[0] * 1000:.0f} ms {worst[1]}",
        flush=True,
    )
    print(f"BENCH open311_get_requests_p95_ms {p95:.1f} ms", flush=True)
