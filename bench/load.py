"""What the HTTP load benchmarks share: a free port, one gunicorn server on a throwaway database,
waiting for it, and one threaded keep-alive load loop (bench_open311_post, bench_cases_intake;
bench_intake_citizen_load takes its port here)."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable

WORKERS = int(os.environ.get("ZHIGUAN_BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("ZHIGUAN_BENCH_THREADS", "2"))

# (client number, request number) → (method, path, body, headers, the status that counts as done)
Request = Callable[[int, int], tuple[str, str, bytes, dict[str, str], int]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(port: int) -> subprocess.Popen:
    """gunicorn (gthread, WORKERS × THREADS, keep-alive) on 127.0.0.1:port in its own session."""
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


def wait(port: int, path: str = "/api/v1/openapi.json", timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def run(port: int, make: Request, seconds: float, clients: int = 8) -> tuple[int, float, list[float]]:
    """`clients` keep-alive threads send `make(k, i)` for `seconds`: (done, elapsed, latencies in s).
    Any answer other than the expected status fails the run (with the first such answer)."""
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, i = [], 0
        while time.perf_counter() < stop:
            method, path, body, headers, expected = make(k, i)
            i += 1
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if response.status != expected:
                with lock:
                    errors.append(f"{response.status} {payload[:200]!r}")
                continue
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, first: {errors[0]}")
    return len(latencies), elapsed, latencies


def p95_ms(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[int(0.95 * (len(ordered) - 1))] * 1000 if ordered else 0.0
