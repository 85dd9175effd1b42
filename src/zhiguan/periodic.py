"""Periodic jobs in the embedded set-up, where no Celery beat and no broker run.

The schedule is the Celery app's beat schedule, which each app's `tasks.py` adds its entries to
(the same one `celery -A zhiguan beat` uses in production); Celery's own `schedule` objects decide
when an entry is due, and the task runs in this process.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from celery.schedules import crontab
from celery.schedules import schedule as every
from django.db import close_old_connections
from django.utils import timezone

from zhiguan.celery import app

logger = logging.getLogger(__name__)


class AtTimes(crontab):
    """A crontab (local time) the embedded scheduler can start from: a job counts as last run at
    start-up (`run_every` of zero), so it waits for its next time instead of running at once."""

    run_every = timedelta(0)


def _entries() -> list[tuple[str, str, every]]:
    out = []
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        sched = entry["schedule"]
        out.append((name, entry["task"], sched if hasattr(sched, "is_due") else every(float(sched))))
    return out


def run_due(last_run: dict[str, datetime]) -> float:
    """Run every entry that is due; returns the seconds until the next one is."""
    app.loader.import_default_modules()
    wait = 60.0
    for name, task_name, sched in _entries():
        due, next_in = sched.is_due(last_run.get(name, timezone.now() - sched.run_every))
        if due:
            close_old_connections()
            try:
                app.tasks[task_name].apply(throw=True)
            except Exception:
                logger.exception("periodic job %s failed", name)
            last_run[name] = timezone.now()
            close_old_connections()
        wait = min(wait, next_in)
    return max(wait, 1.0)


def start_in_thread(stop: threading.Event) -> threading.Thread:
    def loop() -> None:
        last_run: dict[str, datetime] = {}
        while not stop.is_set():
            stop.wait(run_due(last_run))

    thread = threading.Thread(target=loop, name="zhiguan-periodic", daemon=True)
    thread.start()
    return thread
