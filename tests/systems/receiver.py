"""A stand-in for an integrated system's callback endpoint, run as its own process by the tests and
the benchmark: `python receiver.py PORT DIR [ok|hang|fail]`.

Every request that arrives is appended to DIR/hits.log (the transport); the application logic
applies each Idempotency-Key once, appending it to DIR/applied.log, which survives a restart (so a
key delivered again after the receiver came back is recognised). `hang` records the hit, then never
answers (a worker killed mid-delivery); `fail` answers 500.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PORT, DIR, MODE = int(sys.argv[1]), Path(sys.argv[2]), (sys.argv[3] if len(sys.argv) > 3 else "ok")
SECRET = os.environ.get("RECEIVER_SECRET", "")
LOCK = threading.Lock()
APPLIED_FILE = DIR / "applied.log"
APPLIED = set(APPLIED_FILE.read_text().split()) if APPLIED_FILE.exists() else set()
HITS = open(DIR / "hits.log", "a", buffering=1)  # noqa: SIM115
APPLIED_OUT = open(APPLIED_FILE, "a", buffering=1)  # noqa: SIM115


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        key = self.headers.get("Idempotency-Key", "")
        with LOCK:
            HITS.write(key + "\n")
        if MODE == "hang":
            time.sleep(3600)
        if SECRET:
            ts = self.headers.get("X-Zhiguan-Timestamp", "")
            want = (
                "sha256=" + hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
            )
            if not hmac.compare_digest(want, self.headers.get("X-Zhiguan-Signature", "")):
                self._answer(401)
                return
        if MODE == "fail":
            self._answer(500)
            return
        with LOCK:
            if key not in APPLIED:  # the application logic: once per key
                APPLIED.add(key)
                APPLIED_OUT.write(key + "\n")
        self._answer(200)

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


ThreadingHTTPServer.daemon_threads = True
server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
(DIR / f"ready-{os.getpid()}").write_text("ok")
server.serve_forever()
