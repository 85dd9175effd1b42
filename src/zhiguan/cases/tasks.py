"""Background work on cases: the warning sweep (scheduled here) and the after-commit notification.

Other apps schedule their own periodic work from their own `tasks.py` (`supervision.tasks.sweep`:
escalation and overdue notices); the embedded scheduler (`zhiguan.periodic`) runs the same schedule.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zhiguan.cases import attachments, deadlines, events
from zhiguan.cases.models import Case, CaseDeadline, CaseTask, WarningLevel
from zhiguan.cases.models.work import TaskStatus
from zhiguan.cases.status import OPEN_STATUSES, Status
from zhiguan.celery import app
from zhiguan.workdays.calendar import WorkCalendar
from zhiguan.workdays.queries import get_calendar

SWEPT_STATUSES = sorted({*OPEN_STATUSES, Status.CLOSED})


@app.task(name="cases.case_changed")
def case_changed(case_id: int, event_id: int, action: str) -> None:
    """Tell the listeners of `events.case_changed` about one committed timeline event."""
    events.notify_case_changed(case_id=case_id, event_id=event_id, action=action)


@app.task(name="cases.cases_changed")
def cases_changed(changes: list[tuple[int, int, str]]) -> None:
    """The same for a batch (a sweep's escalations): one message, each event told in order."""
    for case_id, event_id, action in changes:
        events.notify_case_changed(case_id=case_id, event_id=event_id, action=action)


def _sweep_batch(after_id: int, batch_size: int) -> tuple[int, int, int]:
    """One batch in its own transaction: (rows seen, rows changed, last id).

    Three queries whatever the batch size: the case rows (SKIP LOCKED on PostgreSQL), their
    running stage rows, and one UPDATE per new level (at most three). Levels are computed in
    Python from the batch with `deadlines.level_of`, the same rule as after every move.
    """
    now = timezone.now()
    share = deadlines.yellow_share()
    with transaction.atomic():
        qs = Case.objects.filter(status__in=SWEPT_STATUSES, pk__gt=after_id).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            # Several workers share the sweep: each takes the rows nobody else holds.
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs.values_list("pk", "jurisdiction_id", "warning_level")[:batch_size])
        if not rows:
            return 0, 0, after_id
        running: dict[int, list[CaseDeadline]] = defaultdict(list)
        stages = CaseDeadline.objects.filter(case_id__in=[pk for pk, _j, _w in rows], active=True).only(
            "case_id", "started_at", "due_at", "paused_at"
        )
        for stage in stages:
            running[stage.case_id].append(stage)
        calendars: dict[int, WorkCalendar] = {}
        moves: dict[str, list[int]] = defaultdict(list)
        for pk, jurisdiction_id, old in rows:
            stage_rows = running.get(pk)
            if stage_rows:
                calendar = calendars.get(jurisdiction_id)
                if calendar is None:
                    calendar = calendars[jurisdiction_id] = get_calendar(jurisdiction_id)
                level = deadlines.level_of(stage_rows, now, calendar, share)
            else:
                level = WarningLevel.GREEN
            if level != old:
                moves[level].append(pk)
        for level, ids in moves.items():
            Case.objects.filter(pk__in=ids).update(warning_level=level)
    return len(rows), sum(len(ids) for ids in moves.values()), rows[-1][0]


def flag_late_tasks() -> None:
    """Tasks past their deadline are flagged late (and count against their own department)."""
    now = timezone.now()
    running = CaseTask.objects.exclude(case__status=Status.SUSPENDED)
    running.filter(status=TaskStatus.PENDING, accept_due__lt=now, accept_late=False).update(accept_late=True)
    pending_reply = [TaskStatus.PENDING, TaskStatus.ACCEPTED]
    running.filter(status__in=pending_reply, handle_due__lt=now, reply_late=False).update(reply_late=True)


@app.task(name="cases.sweep_warning_levels")
def sweep_warning_levels(batch_size: int = 2000) -> int:
    """Bring every open case's warning level (green / yellow / red) up to date; returns how many changed.

    Also flags late department tasks. Safe on several workers at once (SKIP LOCKED on PostgreSQL);
    also callable in-process.
    """
    flag_late_tasks()
    after_id, total = 0, 0
    while True:
        seen, changed, after_id = _sweep_batch(after_id, batch_size)
        total += changed
        if seen == 0:
            break
    return total


app.add_periodic_task(
    settings.ZHIGUAN_CASE_SWEEP_SECONDS,
    app.signature("cases.sweep_warning_levels"),
    name="cases-sweep-warnings",
)


@app.task(name="cases.purge_unbound_uploads")
def purge_unbound_uploads() -> int:
    """Uploads never bound to a case, and orphaned files, removed after a day."""
    return attachments.purge_unbound()


app.add_periodic_task(
    3600.0, app.signature("cases.purge_unbound_uploads"), name="cases-purge-unbound-uploads"
)
