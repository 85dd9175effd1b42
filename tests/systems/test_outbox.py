"""Status callbacks: written with the change, delivered at least once to a real receiver process that
is down, up, failing or hanging, never applied twice per idempotency key, dead letters replayed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.conftest import assert_error, is_postgres
from tests.systems.conftest import event, send
from zhiguan.cases import services as cases
from zhiguan.cases.models import Case
from zhiguan.intake.systems import services, tasks
from zhiguan.intake.systems.models import Callback

COMMITS = {}


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks):
    # The tests run in a transaction that never commits: run what would run after each commit.
    COMMITS["capture"] = django_capture_on_commit_callbacks


def committed():
    return COMMITS["capture"](execute=True)


def _case_from_110(police, event_id="JJ1"):
    with committed():
        number = send(Client(), police, event(event_id)).json()["case_number"]
    return Case.objects.get(number=number)


def _submit(world, case):
    with committed():
        return cases.perform(actor=world.actor("operator"), case_id=case.pk, action="submit")


def _dispatch(world, case):
    with committed():
        return cases.perform(
            actor=world.actor("dispatcher"),
            case_id=case.pk,
            action="dispatch",
            **world.payload("dispatch", case),
        )


def test_each_status_change_is_delivered_with_their_status_code_and_an_idempotency_key(
    world, police, receiver
):
    receiver.start()
    case = _case_from_110(police)
    _dispatch(world, _submit(world, case))
    rows = list(Callback.objects.order_by("pk"))
    assert [r.state for r in rows] == ["delivered", "delivered"]
    assert [r.payload["status"] for r in rows] == ["20", "30"]  # their codes, from the mapping
    assert rows[0].payload["external_id"] == "JJ1" and rows[0].payload["case_number"] == case.number
    assert receiver.applied() == [r.idempotency_key for r in rows]


def test_the_callback_row_is_written_in_the_changes_transaction(world, police, receiver, monkeypatch):
    monkeypatch.setattr(tasks.deliver_callback, "delay", lambda *a: None)
    case = _case_from_110(police)
    with pytest.raises(RuntimeError), transaction.atomic():
        _submit(world, case)
        assert Callback.objects.filter(case=case).count() == 1  # there before the commit
        raise RuntimeError("the change fails after its event")
    assert Callback.objects.count() == 0  # and gone with it
    assert Case.objects.get(pk=case.pk).status == "registered"


def test_cases_of_other_channels_and_annotations_send_nothing(world, police, receiver):
    receiver.start()
    case = world.new_case()
    _submit(world, case)
    assert Callback.objects.count() == 0


def test_a_receiver_that_is_down_then_up_gets_everything_once(world, police, receiver):
    # Down: the first attempts fail, nothing is lost.
    made = [_case_from_110(police, f"JJ{i}") for i in range(5)]
    for case in made:
        _submit(world, case)
    assert Callback.objects.filter(state="pending", attempts=1).count() == 5
    tasks.sweep_callbacks()
    assert Callback.objects.filter(state="pending", attempts=2).count() == 5
    # Up again: the sweep delivers every one.
    receiver.start()
    result = tasks.sweep_callbacks()
    assert result["delivered"] == 5
    assert Callback.objects.filter(state="delivered").count() == 5
    assert sorted(receiver.applied()) == sorted(Callback.objects.values_list("idempotency_key", flat=True))
    assert tasks.sweep_callbacks().get("delivered", 0) == 0  # nothing twice


def test_failing_answers_are_retried_with_backoff_then_dead_and_replayed(world, police, receiver, settings):
    settings.ZHIGUAN_SYSTEMS_BACKOFF_SECONDS = 3600
    receiver.start("fail")
    case = _case_from_110(police)
    _submit(world, case)
    row = Callback.objects.get()
    assert row.state == "pending" and row.last_http_status == 500
    assert row.next_attempt_at > timezone.now()  # backing off: the sweep leaves it
    assert tasks.sweep_callbacks().get("failed", 0) == 0
    settings.ZHIGUAN_SYSTEMS_BACKOFF_SECONDS = 0
    Callback.objects.update(next_attempt_at=timezone.now())  # the hour has passed
    for _ in range(5):
        tasks.sweep_callbacks()
    row.refresh_from_db()
    assert row.state == "dead" and row.attempts == 4 and row.dead_at is not None
    admin = world.api("admin")
    dead = admin.get("systems/callbacks", state="dead").json()
    assert [d["id"] for d in dead] == [row.pk] and dead[0]["last_error"] == "HTTP 500"
    receiver.start("ok")
    with committed():
        replayed = admin.post(f"systems/callbacks/{row.pk}/replay", {})
    assert replayed.status_code == 200, replayed.content
    assert replayed.json()["replays"] == 1
    row.refresh_from_db()
    assert row.state == "delivered"
    assert receiver.applied() == [row.idempotency_key]
    assert_error(admin.post(f"systems/callbacks/{row.pk}/replay", {}), 409, "not_dead")


def test_the_backoff_grows_and_is_jittered():
    with override(ZHIGUAN_SYSTEMS_BACKOFF_SECONDS=10, ZHIGUAN_SYSTEMS_BACKOFF_MAX_SECONDS=3600):
        waits = {n: [services.backoff(n) for _ in range(200)] for n in (1, 4, 12)}
    assert all(0 <= w <= 10 for w in waits[1])
    assert max(waits[4]) > 10 and all(w <= 80 for w in waits[4])
    assert all(w <= 3600 for w in waits[12]) and len(set(waits[12])) > 100


def override(**values):
    from django.test import override_settings

    return override_settings(**values)


def test_an_expired_lease_is_taken_back_by_the_sweep_and_a_late_worker_changes_nothing(
    world, police, receiver, monkeypatch
):
    monkeypatch.setattr(tasks.deliver_callback, "delay", lambda *a: None)
    _submit(world, _case_from_110(police))
    row = Callback.objects.get()
    receiver.start()
    # A worker takes the row and dies before answering: its lease holds the row.
    dead_token = services.claim(row.pk)
    assert dead_token
    monkeypatch.undo()
    assert tasks.sweep_callbacks().get("delivered", 0) == 0
    # The lease runs out: the sweep delivers it.
    Callback.objects.filter(pk=row.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert tasks.sweep_callbacks()["delivered"] == 1
    # The late worker's outcome is not written over the delivered row.
    assert Callback.objects.filter(pk=row.pk, lease_token=dead_token).update(state="dead") == 0
    row.refresh_from_db()
    assert row.state == "delivered" and row.attempts == 2


WORKER = """
import django, sys
django.setup()
from zhiguan.intake.systems import services
print(services.deliver(int(sys.argv[1])).outcome, flush=True)
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_nothing_and_applies_nothing_twice(
    world, police, receiver, monkeypatch
):
    if not is_postgres():
        pytest.skip("the worker process needs the same database: PostgreSQL")
    monkeypatch.setattr(tasks.deliver_callback, "delay", lambda *a: None)
    _submit(world, _case_from_110(police))
    row = Callback.objects.get()
    receiver.start("hang")
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "ZHIGUAN_SYSTEMS_LEASE_SECONDS": "2"}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(row.pk)], env=env)
    deadline = time.monotonic() + 30
    while row.idempotency_key not in receiver.hits():
        assert time.monotonic() < deadline, "the worker never reached the receiver"
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)  # mid-delivery: the request is out, no answer yet
    worker.wait(5)
    row.refresh_from_db()
    assert row.state == "pending" and row.attempts == 1 and row.lease_until is not None
    receiver.start("ok")
    monkeypatch.undo()
    assert tasks.sweep_callbacks().get("delivered", 0) == 0  # the lease still holds
    time.sleep(max(0.0, (row.lease_until - timezone.now()).total_seconds()) + 0.2)
    assert tasks.sweep_callbacks()["delivered"] == 1
    row.refresh_from_db()
    assert row.state == "delivered"
    assert receiver.hits().count(row.idempotency_key) == 2  # delivered twice on the wire...
    assert receiver.applied() == [row.idempotency_key]  # ...applied once
