"""Batches of callbacks (docs/decisions/084-intake-performance.md): leased together, each row by one
batch only, posted concurrently, outcomes recorded only while the batch's lease holds."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.systems.test_outbox import _case_from_110, _run_on_commit, _submit
from zhiguan.intake.systems import services
from zhiguan.intake.systems.models import Callback

__all__ = ["_run_on_commit"]


def _outbox(world, police, n):
    for i in range(n):
        _submit(world, _case_from_110(police, f"BB{i}"))
    Callback.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1), lease_until=None)
    return list(Callback.objects.order_by("pk").values_list("pk", flat=True))


def test_two_claims_take_different_rows_oldest_first_and_count_an_attempt(world, police):
    ids = _outbox(world, police, 5)
    before = dict(Callback.objects.values_list("pk", "attempts"))
    token_a, first = services.claim_due(3)
    token_b, second = services.claim_due(3)
    assert token_a != token_b
    assert first == ids[:3] and second == ids[3:]
    assert services.claim_due(3)[1] == []  # all leased
    for row in Callback.objects.all():
        assert row.attempts == before[row.pk] + 1
        assert row.lease_token == (token_a if row.pk in first else token_b)


def test_a_batch_to_a_receiver_that_is_down_then_up_delivers_each_once(world, police, receiver):
    ids = _outbox(world, police, 6)
    failed = services.deliver_due(10)
    assert failed == {"failed": 6}
    rows = list(Callback.objects.filter(pk__in=ids))
    assert all(r.state == "pending" and r.lease_token == "" and r.last_error for r in rows)
    assert all(r.next_attempt_at > timezone.now() - timedelta(seconds=1) for r in rows)
    Callback.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    receiver.start()
    assert services.deliver_due(10, concurrency=4) == {"delivered": 6}
    assert services.deliver_due(10) == {}
    assert sorted(receiver.applied()) == sorted(Callback.objects.values_list("idempotency_key", flat=True))
    assert set(Callback.objects.values_list("last_http_status", flat=True)) == {200}


def test_a_batch_whose_lease_was_taken_over_changes_nothing(world, police, monkeypatch):
    _outbox(world, police, 2)
    monkeypatch.setattr(services, "_send", lambda row: (500, "HTTP 500"))
    real_max = services.max_attempts

    def taken_over_meanwhile():
        # While the batch was on the wire its lease expired and another worker took the rows.
        Callback.objects.update(lease_token="someone-else")
        return real_max()

    monkeypatch.setattr(services, "max_attempts", taken_over_meanwhile)
    assert services.deliver_due(10) == {}
    assert set(Callback.objects.values_list("lease_token", flat=True)) == {"someone-else"}
    assert not Callback.objects.filter(last_error="HTTP 500").exists()
