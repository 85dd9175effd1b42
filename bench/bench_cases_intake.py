"""Cases registered per second through the HTTP API, routing, deadlines and audit on.

A real gunicorn server (started here on a free localhost port, on a throwaway database with the
demo district) takes POST /api/v1/cases from 8 keep-alive client threads authenticated with the
token of an intake-channel client. Prints BENCH intake_cases_per_s and intake_p95_ms; on
PostgreSQL also pgbench's single-row INSERT rate on the same server (`-c 8 -j 2 -T 10`) and
BENCH intake_vs_pg_insert_ratio. Message texts are the real TipDM ones when present.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.casesdb import is_postgres, leaf_categories, random_points, setup_district, throwaway_database

CLIENTS = 8
WARMUP_S = 3.0
RUN_S = 10.0
WORKERS = int(os.environ.get("ZHIGUAN_BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("ZHIGUAN_BENCH_THREADS", "2"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    with throwaway_database() as url:
        jurisdiction = setup_district()
        token = _token(jurisdiction)
        bodies = _bodies(jurisdiction)
        port = _free_port()
        server = _serve(port)
        try:
            _wait(port)
            _load(port, token, bodies, WARMUP_S, "warm")
            count, elapsed, latencies = _load(port, token, bodies, RUN_S, "run")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        rate = count / elapsed
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
        print(
            f"# {count} cases in {elapsed:.1f} s, {CLIENTS} clients, {WORKERS} workers × {THREADS} threads",
            flush=True,
        )
        print(f"BENCH intake_cases_per_s {rate:.0f} cases/s", flush=True)
        print(f"BENCH intake_p95_ms {p95:.1f} ms", flush=True)
        if is_postgres(url):
            tps = _pgbench(url)
            print(f"# pgbench single-row INSERT: {tps:.0f} rows/s", flush=True)
            print(f"BENCH intake_vs_pg_insert_ratio {rate / tps:.4f} ratio", flush=True)


def _token(jurisdiction: object) -> str:
    from zhiguan.org.permissions import Actor
    from zhiguan.org.services import create_client, issue_token

    system = Actor.system(jurisdiction)  # type: ignore[arg-type]
    client = create_client(
        actor=system, name="市民App（压测）", kind="channel", scopes=["case.create", "case.view"]
    )
    return issue_token(actor=system, client_id=client.pk)[1]


def _bodies(jurisdiction: object, n: int = 5000) -> list[dict]:
    from zhiguan.demo import cases_content
    from zhiguan.demo.data import demo_data_dir

    rng = random.Random(5)
    texts = [m.text for m in cases_content.real_messages(demo_data_dir())]
    texts = texts or [m.text for m in cases_content.generated_messages(rng, 500, {})]
    categories = leaf_categories(jurisdiction)
    points = random_points(jurisdiction, n)
    return [
        {
            "request_type": "complaint",
            "channel": "app",
            "category_id": rng.choice(categories),
            "description": rng.choice(texts)[:2000],
            "reporters": [{"name": cases_content.person_name(rng), "phone": cases_content.mobile(rng)}],
            "lng": lng,
            "lat": lat,
            "address": "钱塘区",
        }
        for lng, lat in points
    ]


def _serve(port: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    return subprocess.Popen(
        [
            gunicorn,
            "zhiguan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "gthread",
            "--threads",
            str(THREADS),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        env={**os.environ, "ZHIGUAN_ALLOWED_HOSTS": "127.0.0.1,localhost"},
        start_new_session=True,
    )


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def _load(
    port: int, token: str, bodies: list[dict], seconds: float, tag: str
) -> tuple[int, float, list[float]]:
    """CLIENTS threads post cases for `seconds`: (cases created, elapsed, latencies in seconds)."""
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        mine, i = [], 0
        while time.perf_counter() < stop:
            body = dict(bodies[(k * 7919 + i) % len(bodies)], external_ref=f"{tag}-{k}-{i}")
            i += 1
            started = time.perf_counter()
            conn.request("POST", "/api/v1/cases", body=json.dumps(body), headers=headers)
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


def _pgbench(url: str) -> float:
    """pgbench's single-row INSERT rate (rows/s) on the same server, in its own scratch tables."""
    parts = urlparse(url)
    env = {**os.environ, "PGHOST": parts.hostname or "127.0.0.1", "PGPORT": str(parts.port or 5432)}
    env["PGUSER"] = parts.username or "postgres"
    if parts.password:
        env["PGPASSWORD"] = parts.password
    db = parts.path.lstrip("/")
    subprocess.run(["pgbench", "-i", "-q", "-s", "1", db], env=env, check=True, capture_output=True)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(
            "\\set aid random(1, 100000)\n"
            "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, 1, CURRENT_TIMESTAMP);\n"
        )
    try:
        out = subprocess.run(
            ["pgbench", "-n", "-c", "8", "-j", "2", "-T", "10", "-f", f.name, db],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        Path(f.name).unlink()
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out) or re.search(
        r"tps = ([\d.]+)", out
    )
    assert match, out
    return float(match.group(1))
