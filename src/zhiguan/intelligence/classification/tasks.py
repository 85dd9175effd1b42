"""Background work of classification: training a recorded model version (never in a request)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


_first_process: subprocess.Popen[bytes] | None = None


@app.task(name="classification.first_model")
def first_model() -> int:
    """Hourly: a first model where a jurisdiction has enough closed cases and none yet.

    In the embedded set-up tasks run in the caller's process: training (minutes for the demo's
    14,000 cases, CPU-bound) would hold the web server's interpreter, so it runs as its own
    low-priority process (`zhiguan first_model`), one at a time."""
    global _first_process
    from django.conf import settings

    if not settings.ZHIGUAN_FIRST_MODEL:
        return 0
    if app.conf.task_always_eager:
        if _first_process is not None and _first_process.poll() is None:
            return 0  # still training
        zhiguan = Path(sys.executable).with_name("zhiguan")
        command = [str(zhiguan)] if zhiguan.exists() else [sys.executable, "-m", "zhiguan.cli"]
        _first_process = subprocess.Popen(
            [*command, "first_model"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=lambda: os.nice(15),
        )
        return 0
    from zhiguan.intelligence.classification import services

    return len(services.first_models())


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
