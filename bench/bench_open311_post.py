"""Open311 `POST requests` per second, routing, deadlines and audit on, and its ratio to pgbench.

A real gunicorn server (a free localhost port, a throwaway database with the demo district) takes
form-encoded POST /open311/v2/requests.json from 8 keep-alive client threads with the demo
district's API key, each as FixMyStreet sends it (lat/long, contact, an attribute). Prints BENCH
open311_post_per_s and open311_post_p95_ms; on PostgreSQL also pgbench (`pgbench -i`, then `-T 10`
single-row INSERTs) on the same scratch database and BENCH open311_post_pgbench_ratio.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import threading
import time
from urllib.parse import urlencode

from bench.bench_cases_intake import WORKERS, _free_port, _pgbench, _serve, _wait
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
        port = _free_port()
        server = _serve(port)
        try:
            _wait(port)
            _load(port, forms, WARMUP_S)
            count, elapsed, latencies = _load(port, forms, RUN_S)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        rate = count / elapsed
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
        print(
            f"# {count} Open311 requests in {elapsed:.1f} s, {CLIENTS} clients, {WORKERS} workers", flush=True
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


def _load(port: int, forms: list[bytes], seconds: float) -> tuple[int, float, list[float]]:
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        mine, i = [], 0
        while time.perf_counter() < stop:
            body = forms[(k * 7919 + i) % len(forms)]
            i += 1
            started = time.perf_counter()
            conn.request("POST", "/open311/v2/requests.json", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if response.status != 201:
                with lock:
                    errors.append(f"{response.status} {payload[:200]!r}")
                continue
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, first: {errors[0]}")
    return len(latencies), elapsed, latencies
