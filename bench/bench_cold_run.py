"""Cold `make run`: a fresh copy of the repository (no virtual environment, no database), with the
packages in pip's cache, timed until the first page answers. Prints BENCH cold_run_s."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="zhiguan-cold-") as tmp:
        copy = Path(tmp) / "zhiguan"
        files = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard"],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        for rel in files:
            src = REPO / rel
            if src.is_file():
                dst = copy / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_bytes(src.read_bytes())
        port = _free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "ZHIGUAN_VAR_DIR")
        }
        # The copy has no ../shared beside it; point the demo at the real data as a user would.
        data = REPO.parent / "shared" / "data"
        if data.is_dir():
            env["ZHIGUAN_DEMO_DATA"] = str(data)
        started = time.perf_counter()
        proc = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=copy,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = started + 900
            while time.perf_counter() < deadline:
                if proc.poll() is not None:
                    raise SystemExit(f"make run exited with {proc.returncode} before serving")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    time.sleep(0.5)
            else:
                raise SystemExit("no page within 900 s")
            print(f"BENCH cold_run_s {time.perf_counter() - started:.1f} s", flush=True)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
