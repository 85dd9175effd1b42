"""Background work of classification: training a recorded model version (never in a request)."""

from __future__ import annotations

from zhiguan.celery import app


@app.task(name="classification.train_version")
def train_version(version_id: int) -> str:
    from zhiguan.intelligence.classification import services

    return str(services.train_version(version_id).state)
