"""Status callbacks to an integrated system that is down for the first half of the run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h2 .venv/bin/python -m bench systems_outbox

A throwaway database with the demo district, a 110 system whose callback URL is a real receiver
process (tests/systems/receiver.py) on a free local port, cases registered through the system's
signed inbound path, and 10,000 callbacks in the outbox (a few hundred written by real status
changes in the change's transaction, the rest inserted as those rows are). Four worker threads run
the sweep's own code (`services.deliver_due`: batches leased with SKIP LOCKED, posted 16 at a time
over the pooled session, back-off included) until the outbox is empty. The receiver is down until every callback has failed once (the first half), then
started. Prints the seconds to drain, the deliveries, and the keys the receiver applied twice (0).
ZHIGUAN_BENCH_CALLBACKS changes the count.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.casesdb import is_postgres, setup_district, throwaway_database

RECEIVER = Path(__file__).resolve().parent.parent / "tests" / "systems" / "receiver.py"
WORKERS = 4


def main() -> None:
    os.environ["ZHIGUAN_SYSTEMS_BACKOFF_SECONDS"] = "1"
    os.environ["ZHIGUAN_SYSTEMS_BACKOFF_MAX_SECONDS"] = "4"
    os.environ["ZHIGUAN_SYSTEMS_MAX_ATTEMPTS"] = "1000"
    os.environ["ZHIGUAN_SYSTEMS_TIMEOUT_SECONDS"] = "5"
    with throwaway_database() as url:
        jurisdiction = setup_district()
        n = int(os.environ.get("ZHIGUAN_BENCH_CALLBACKS", 10_000))
        print(f"# {'PostgreSQL' if is_postgres(url) else 'SQLite'}, {n} callbacks", flush=True)
        _run(jurisdiction, n)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(jurisdiction: object, n: int) -> None:
    from django.db import close_old_connections, connection

    from zhiguan.cases import services as cases
    from zhiguan.cases.models import CaseEvent
    from zhiguan.intake.systems import services, signing
    from zhiguan.intake.systems.models import Callback, CallbackState
    from zhiguan.org.models import User
    from zhiguan.org.permissions import Actor
    from zhiguan.taxonomy.models import Category

    port, tmp = _port(), Path(tempfile.mkdtemp(prefix="zhiguan-receiver-"))
    admin = Actor.system(jurisdiction)  # type: ignore[arg-type]
    leaf = Category.objects.filter(jurisdiction=jurisdiction, level=3, retired_at__isnull=True).first()
    assert leaf is not None
    mapping = {
        "fields": {"id": "external_id", "text": "description", "type": "category", "addr": "address"},
        "categories": {"A01": leaf.code},
        "statuses": {"20": "to_dispatch"},
    }
    system, _ = services.save_system(
        actor=admin,
        data=services.SystemInput(
            code="110",
            name="110社会联动",
            kind="police_110",
            callback_url=f"http://127.0.0.1:{port}/callback",
            mapping=mapping,
        ),
    )
    # Real cases through the signed inbound path, and real status changes while the receiver is down.
    real = min(200, n)
    made = []
    for i in range(real):
        body = json.dumps(
            {"id": f"B{i}", "text": "压测：路口占道经营", "type": "A01", "addr": "测试路1号"}
        ).encode()
        ts = str(int(time.time()))
        case, _created, _s = services.receive(
            jurisdiction_code=system.jurisdiction.code,
            code="110",
            timestamp=ts,
            signature=signing.sign(system.inbound_secret, ts, body),
            body=body,
        )
        made.append(case)
    operator = Actor.for_user(
        User.objects.filter(jurisdiction=jurisdiction, roles__code="intake_operator").first()
    )
    assert operator is not None
    for case in made:
        cases.perform(actor=operator, case_id=case.pk, action="submit")
    # The rest of the outbox: more callbacks of those cases, as the listener writes them.
    rows = []
    events = list(CaseEvent.objects.filter(case__in=made, action="submit").select_related("case"))
    for i in range(n - Callback.objects.count()):
        ev = events[i % len(events)]
        key = f"bench-{i}"
        rows.append(
            Callback(
                system=system,
                case=ev.case,
                event=ev,
                idempotency_key=key,
                payload=services.callback_payload(system, ev.case, ev, key),
            )
        )
    Callback.objects.bulk_create(rows, batch_size=2000)
    total = Callback.objects.count()
    print(f"# outbox: {total} callbacks ({real} from real status changes)", flush=True)

    attempted = threading.Event()
    stop = threading.Event()

    def worker() -> None:
        try:
            while not stop.is_set():
                if not services.deliver_due(services.BATCH):
                    time.sleep(0.05)
        finally:
            connection.close()

    receiver = None
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    # Down until every callback has failed at least once.
    while Callback.objects.filter(attempts=0).exists():
        time.sleep(0.1)
    attempted.set()
    down_s = time.perf_counter() - started
    receiver = subprocess.Popen([sys.executable, str(RECEIVER), str(port), str(tmp), "ok"])
    while not list(tmp.glob("ready-*")):
        time.sleep(0.02)
    while Callback.objects.exclude(state=CallbackState.DELIVERED).exclude(state=CallbackState.DEAD).exists():
        time.sleep(0.1)
    drain_s = time.perf_counter() - started
    stop.set()
    for t in threads:
        t.join(10)
    receiver.send_signal(signal.SIGTERM)
    receiver.wait(5)
    close_old_connections()
    delivered = Callback.objects.filter(state=CallbackState.DELIVERED).count()
    dead = Callback.objects.filter(state=CallbackState.DEAD).count()
    applied = (tmp / "applied.log").read_text().split()
    hits = (tmp / "hits.log").read_text().split()
    duplicates = len(applied) - len(set(applied))
    keys = set(Callback.objects.values_list("idempotency_key", flat=True))
    print(f"BENCH systems_outbox_drain_s {drain_s:.1f} s")
    print(f"BENCH systems_outbox_down_s {down_s:.1f} s")
    print(f"BENCH systems_outbox_delivered {delivered} count")
    print(f"BENCH systems_outbox_dead {dead} count")
    print(f"BENCH systems_outbox_lost {len(keys - set(applied))} count")
    print(f"BENCH systems_outbox_duplicates {duplicates} count")
    print(f"BENCH systems_outbox_wire_requests {len(hits)} count")
