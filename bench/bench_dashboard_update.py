"""A change reaching an open dashboard: p95 seconds from a case change to the SSE event at a client.
Prints BENCH dashboard_update_s.

A throwaway database (PostgreSQL when DATABASE_URL says so; ZHIGUAN_BENCH_CASES cases already in
it, default 1,000,000 on PostgreSQL and 100,000 on SQLite), a Redis of its own (redis-server on a
free port) and a real app server (`zhiguan serve`) reading it. A client holds the event stream
`/api/v1/dashboard/stream` open as the leader (reconnecting with Last-Event-ID when the server ends
it); this process registers cases as the intake operator, each in its own transaction — the
`case_changed` listener rebuilds that day's rollups and publishes the new version on Redis — and
times from just before each registration to the `change` event arriving at the client.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from bench.casesdb import (
    bulk_cases,
    is_postgres,
    leaf_categories,
    random_points,
    setup_district,
    throwaway_database,
)

CHANGES = int(os.environ.get("ZHIGUAN_BENCH_CHANGES", "40"))
PASSWORD = "Zhiguan@2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("redis-server is needed (the fan-out between app servers)")
    redis_port = _free_port()
    redis = subprocess.Popen(
        [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    os.environ["ZHIGUAN_REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    os.environ["ZHIGUAN_TASKS_IN_PROCESS"] = "true"
    os.environ["ZHIGUAN_FIRST_MODEL"] = "false"  # no classifier training beside the measurement
    try:
        with throwaway_database() as url:
            n = int(os.environ.get("ZHIGUAN_BENCH_CASES", 1_000_000 if is_postgres(url) else 100_000))
            jurisdiction = setup_district()
            started = time.perf_counter()
            bulk_cases(jurisdiction, n)
            print(f"# {n} cases loaded in {time.perf_counter() - started:.0f} s", flush=True)
            from zhiguan.assessment.dashboard import rollups

            rollups.rebuild_all(jurisdiction_id=jurisdiction.pk)  # type: ignore[attr-defined]
            from django.db import connections

            connections.close_all()
            _run(jurisdiction, url)
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def _login(base: str) -> tuple[str, str]:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps({"username": "leader", "password": PASSWORD}).encode()
    req = urllib.request.Request(
        f"{base}/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    with opener.open(req, timeout=20) as response:
        assert response.status == 200
    return "; ".join(f"{c.name}={c.value}" for c in jar), base


def _listen(port: int, cookie: str, heard: queue.Queue[tuple[float, int]], stop: threading.Event) -> None:
    last = ""
    while not stop.is_set():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": cookie, "Accept": "text/event-stream"}
        if last:
            headers["Last-Event-ID"] = last
        conn.request("GET", "/api/v1/dashboard/stream", headers=headers)
        response = conn.getresponse()
        while not stop.is_set():
            line = response.readline()
            if not line:
                break
            text = line.decode().strip()
            if text.startswith("id: "):
                last = text[4:]
                heard.put((time.perf_counter(), int(last)))
        conn.close()


def _run(jurisdiction: object, url: str) -> None:
    from zhiguan.cases import services
    from zhiguan.org.models import User
    from zhiguan.org.permissions import Actor

    port = _free_port()
    var = Path(os.environ["ZHIGUAN_VAR_DIR"])
    log = (var / "server.log").open("w")
    zhiguan = str(Path(sys.executable).with_name("zhiguan"))
    server = subprocess.Popen(
        [zhiguan, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, "DATABASE_URL": url, "ZHIGUAN_LOGIN_RATE": "1000/m"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        try:
            with urllib.request.urlopen(f"{base}/console/login", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start; see {var / 'server.log'}") from None
            time.sleep(0.3)
    stop = threading.Event()
    heard: queue.Queue[tuple[float, int]] = queue.Queue()
    try:
        cookie, _ = _login(base)
        threading.Thread(target=_listen, args=(port, cookie, heard, stop), daemon=True).start()
        heard.get(timeout=30)  # the stream's first event: the version it opened on
        actor = Actor.for_user(User.objects.get(username="operator"))
        assert actor is not None
        categories = leaf_categories(jurisdiction)
        points = random_points(jurisdiction, CHANGES)
        rng = random.Random(3)
        delays: list[float] = []
        for lng, lat in points:
            while not heard.empty():
                heard.get_nowait()
            t0 = time.perf_counter()
            services.register(
                actor=actor,
                request_type="complaint",
                channel="hotline",
                category_id=rng.choice(categories),
                description="路灯不亮，夜间行人看不清路",
                reporters=[{"name": "测试市民", "phone": "13800001111"}],
                lng=lng,
                lat=lat,
                address="钱塘区",
            )
            registered = time.perf_counter() - t0
            at, _version = heard.get(timeout=30)
            delays.append(at - t0)
            if delays[-1] > 2:
                print(
                    f"# change {len(delays)}: {delays[-1]:.2f} s (registering {registered:.2f} s)", flush=True
                )
            time.sleep(rng.uniform(0.2, 0.6))
        delays.sort()
        p50, p95 = delays[len(delays) // 2], delays[int(0.95 * (len(delays) - 1))]
        print(f"# {len(delays)} changes: p50 {p50:.3f} s, slowest {delays[-1]:.3f} s", flush=True)
        print(f"BENCH dashboard_update_s {p95:.3f} s", flush=True)
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


if __name__ == "__main__":
    main()
