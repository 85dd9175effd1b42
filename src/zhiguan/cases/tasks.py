"""Background work on cases: the sweep (warning levels, escalation, overdue notices) and the after-commit hook."""

from __future__ import annotations

from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from zhiguan.cases import deadlines
from zhiguan.cases.models import Case, CaseTask
from zhiguan.cases.workflow import OPEN_STATUSES, Status
from zhiguan.celery import app

# Sent after a case change has committed: listeners (notifications, integrations) receive ids only.
case_changed_signal = Signal()

SWEPT_STATUSES = sorted({*OPEN_STATUSES, Status.CLOSED})


@app.task(name="cases.case_changed")
def case_changed(case_id: int, event_id: int) -> None:
    case_changed_signal.send(sender=Case, case_id=case_id, event_id=event_id)


def _sweep_batch(after_id: int, batch_size: int) -> tuple[int, int, int]:
    """One batch in its own transaction: (rows seen, rows changed, last id)."""
    now = timezone.now()
    with transaction.atomic():
        qs = Case.objects.filter(status__in=SWEPT_STATUSES, pk__gt=after_id).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            # Several workers share the sweep: each takes the rows nobody else holds.
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs[:batch_size])
        changed = sum(deadlines.refresh_warning_level(case, now=now) for case in rows)
    return len(rows), changed, rows[-1].pk if rows else after_id


def flag_late_tasks() -> None:
    """Tasks past their deadline are flagged late (and count against their own department)."""
    now = timezone.now()
    running = CaseTask.objects.exclude(case__status=Status.SUSPENDED)
    running.filter(status="pending", accept_due__lt=now, accept_late=False).update(accept_late=True)
    running.filter(status__in=["pending", "accepted"], handle_due__lt=now, reply_late=False).update(
        reply_late=True
    )


@app.task(name="cases.sweep_warning_levels")
def sweep_warning_levels(batch_size: int = 500) -> int:
    """Bring every open case's warning level (green / yellow / red) up to date; returns how many changed.

    Then escalates red stages to the lead department's leader (once per stage) and flags overdue
    supervision notices (once each). Safe on several workers at once (SKIP LOCKED on PostgreSQL);
    also callable in-process.
    """
    from zhiguan.cases import escalation, supervision

    flag_late_tasks()
    after_id, total = 0, 0
    while True:
        seen, changed, after_id = _sweep_batch(after_id, batch_size)
        total += changed
        if seen < batch_size:
            break
    escalation.escalate_overdue()
    supervision.flag_overdue_notices()
    return total
