"""Cases registered per second through the HTTP API, routing, deadlines and audit on.

A real gunicorn server (started here on a free localhost port, on a throwaway database with the
demo district) takes POST /api/v1/cases from 8 keep-alive client threads authenticated with the
token of an intake-channel client. Prints BENCH intake_cases_per_s and intake_p95_ms; on
PostgreSQL also pgbench's single-row INSERT rate on the same server (`-c 8 -j 2 -T 10`) and
BENCH intake_vs_pg_insert_ratio. Message texts are the real TipDM ones when present.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from bench import load
from bench.casesdb import is_postgres, leaf_categories, random_points, setup_district, throwaway_database

CLIENTS = 8
WARMUP_S = 3.0
RUN_S = 10.0
WORKERS, THREADS = load.WORKERS, load.THREADS


def main() -> None:
    with throwaway_database() as url:
        jurisdiction = setup_district()
        token = _token(jurisdiction)
        bodies = _bodies(jurisdiction)
        port = load.free_port()
        server = load.serve(port)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def maker(tag: str) -> load.Request:
            def make(k: int, i: int) -> tuple[str, str, bytes, dict[str, str], int]:
                body = dict(bodies[(k * 7919 + i) % len(bodies)], external_ref=f"{tag}-{k}-{i}")
                return "POST", "/api/v1/cases", json.dumps(body).encode(), headers, 201

            return make

        try:
            load.wait(port)
            load.run(port, maker("warm"), WARMUP_S, CLIENTS)
            count, elapsed, latencies = load.run(port, maker("run"), RUN_S, CLIENTS)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        rate = count / elapsed
        p95 = load.p95_ms(latencies)
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
