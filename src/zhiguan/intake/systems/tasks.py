"""Delivery of status callbacks: one task per callback, and the sweep that picks up the rest.

`deliver_callback` makes one attempt (`services.deliver`). With a Celery worker a failed attempt is
retried by Celery after the back-off the row records; in-process (the embedded default) it is left
to the sweep, so that a request that changed a case never waits on a system that is down. The
sweep also takes back rows whose worker died mid-delivery: their lease has expired.
"""

from __future__ import annotations

import os
from typing import Any

from django.utils import timezone

from zhiguan.celery import app
from zhiguan.intake.systems import services


@app.task(name="systems.deliver_callback", bind=True, acks_late=True, max_retries=None)
def deliver_callback(self: Any, callback_id: int) -> str:
    attempt = services.deliver(callback_id)
    if attempt.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=attempt.retry_in)
    return attempt.outcome


@app.task(name="systems.sweep_callbacks")
def sweep_callbacks(limit: int = 500) -> dict[str, int]:
    """Every due callback once (in-process: delivered here; with a worker: queued), and old nonces."""
    counts: dict[str, int] = {}
    if app.conf.task_always_eager:
        # In-process: batches claimed together and posted concurrently (services.deliver_due).
        left, started = limit, timezone.now()
        while left > 0:
            done = services.deliver_due(min(left, services.BATCH), due_by=started)
            if not done:
                break
            for key, n in done.items():
                counts[key] = counts.get(key, 0) + n
            left -= sum(done.values())
    else:
        for callback_id in services.due(limit):
            deliver_callback.delay(callback_id)
            counts["queued"] = counts.get("queued", 0) + 1
    counts["nonces_pruned"] = services.prune_nonces()
    return counts


app.add_periodic_task(
    int(os.environ.get("ZHIGUAN_SYSTEMS_SWEEP_SECONDS", "15")),
    app.signature("systems.sweep_callbacks"),
    name="systems-sweep-callbacks",
)
