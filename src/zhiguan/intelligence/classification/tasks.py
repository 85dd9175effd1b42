"""Background work of classification: training a recorded model version (never in a request)."""

from __future__ import annotations

import threading

from zhiguan.celery import app
from zhiguan.periodic import AtTimes


@app.task(name="classification.train_version")
def train_version(version_id: int) -> str:
    from zhiguan.intelligence.classification import services

    return str(services.train_version(version_id).state)


@app.task(name="classification.retrain_due")
def retrain_due() -> int:
    """Sunday night: a new version where enough cases were closed or corrected since the last one."""
    from zhiguan.intelligence.classification import services

    return len(services.retrain_due())


_first_running = threading.Lock()


def _first_models() -> int:
    from django.db import close_old_connections

    from zhiguan.intelligence.classification import services

    if not _first_running.acquire(blocking=False):
        return 0
    try:
        return len(services.first_models())
    finally:
        _first_running.release()
        close_old_connections()


@app.task(name="classification.first_model")
def first_model() -> int:
    """Hourly: a first model where a jurisdiction has enough closed cases and none yet.

    In the embedded set-up tasks run in the caller's thread: the training (minutes for the demo's
    14,000 cases) gets a thread of its own, so that the periodic sweeps are not held up by it."""
    if app.conf.task_always_eager:
        threading.Thread(target=_first_models, name="zhiguan-first-model", daemon=True).start()
        return 0
    return _first_models()


@app.task(name="classification.sweep_stuck")
def sweep_stuck() -> int:
    from zhiguan.intelligence.classification import services

    return services.sweep_stuck_training()


app.add_periodic_task(
    AtTimes(minute=30, hour=2, day_of_week=0, app=app),
    app.signature("classification.retrain_due"),
    name="classification-weekly-retrain",
)
app.add_periodic_task(900.0, app.signature("classification.sweep_stuck"), name="classification-sweep-stuck")
app.add_periodic_task(3600.0, app.signature("classification.first_model"), name="classification-first-model")
