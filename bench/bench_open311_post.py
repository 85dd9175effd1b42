"""Open311 `POST requests` per second, routing, deadlines and audit on, and its ratio to pgbench.

A real gunicorn server (a free localhost port, a throwaway database with the demo district) takes
form-encoded POST /open311/v2/requests.json from 8 keep-alive client threads with the demo
district's API key, each as FixMyStreet sends it (lat/long, contact, an attribute). Prints BENCH
open311_post_per_s and open311_post_p95_ms; on PostgreSQL also pgbench (`pgbench -i`, then `-T 10`
single-row INSERTs) on the same scratch database and BENCH open311_post_pgbench_ratio.
"""

from __future__ import annotations

import os
import random
import signal
from urllib.parse import urlencode

from bench import load
from bench.bench_cases_intake import _pgbench
from bench.casesdb import is_postgres, leaf_categories, random_points, setup_district, throwaway_database

CLIENTS = 8
WARMUP_S = 3.0
RUN_S = float(os.environ.get("ZHIGUAN_BENCH_SECONDS", "10"))


def main() -> None:
    # The limits are for the public; the bench is one client at full speed.
    os.environ["ZHIGUAN_OPEN311_RATE"] = os.environ["ZHIGUAN_OPEN311_KEY_RATE"] = "1000000/m"
    with throwaway_database() as url:
        jurisdiction = setup_district()
        from zhiguan.intake.open311.services import demo_key

        key = demo_key(jurisdiction)  # type: ignore[arg-type]
        forms = _forms(jurisdiction, key)
        port = load.free_port()
        server = load.serve(port)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}

        def make(k: int, i: int) -> tuple[str, str, bytes, dict[str, str], int]:
            return "POST", "/open311/v2/requests.json", forms[(k * 7919 + i) % len(forms)], headers, 201

        try:
            load.wait(port)
            load.run(port, make, WARMUP_S, CLIENTS)
            count, elapsed, latencies = load.run(port, make, RUN_S, CLIENTS)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        rate = count / elapsed
        p95 = load.p95_ms(latencies)
        print(
            f"# {count} Open311 requests in {elapsed:.1f} s, {CLIENTS} clients, {load.WORKERS} workers",
            flush=True,
        )
        print(f"BENCH open311_post_per_s {rate:.0f} requests/s", flush=True)
        print(f"BENCH open311_post_p95_ms {p95:.1f} ms", flush=True)
        if is_postgres(url):
            tps = _pgbench(url)
            print(f"# pgbench single-row INSERT on the scratch database: {tps:.0f} rows/s", flush=True)
            print(f"BENCH open311_post_pgbench_ratio {rate / tps:.4f} ratio", flush=True)


def _forms(jurisdiction: object, key: str, n: int = 2000) -> list[bytes]:
    from zhiguan.taxonomy.models import Category

    rng = random.Random(7)
    codes = dict(Category.objects.filter(pk__in=leaf_categories(jurisdiction)).values_list("pk", "code"))
    points = random_points(jurisdiction, n)
    return [
        urlencode(
            {
                "jurisdiction_id": jurisdiction.code,  # type: ignore[attr-defined]
                "api_key": key,
                "service_code": rng.choice(list(codes.values())),
                "lat": f"{lat:.6f}",
                "long": f"{lng:.6f}",
                "description": "title: 路灯不亮\n\ndetail: 小区门口路灯连续三晚不亮\n\nSubmitted via FixMyStreet",
                "first_name": "伟",
                "last_name": "李",
                "email": "citizen@example.cn",
                "phone": f"139{rng.randrange(10**8):08d}",
                "attribute[fixmystreet_id]": str(i),
            }
        ).encode()
        for i, (lng, lat) in enumerate(points)
    ]
