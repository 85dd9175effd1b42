"""Forecasts weekly (Monday 02:00) and monthly (the 1st, 03:00), the warning scan daily at 06:00 (local time).

The embedded scheduler (`zhiguan.periodic`) runs the same schedule as `celery -A zhiguan beat`.
"""

from __future__ import annotations

from zhiguan.celery import app
from zhiguan.periodic import AtTimes


def _jurisdictions() -> list:
    from zhiguan.tenancy.models import Jurisdiction

    return list(Jurisdiction.objects.filter(active=True).order_by("code"))


@app.task(name="forecasts.refresh")
def refresh(freq: str) -> int:
    """Refresh the forecasts of `freq` (W or M) of every active jurisdiction; returns the series written."""
    from zhiguan.assessment.forecasts import services

    return sum(services.refresh(jurisdiction=j, freq=freq).series.count() for j in _jurisdictions())


@app.task(name="forecasts.scan_warnings")
def scan_warnings() -> int:
    """The nightly early-warning scan of every active jurisdiction; returns the alerts raised."""
    from zhiguan.assessment.forecasts import services

    return sum(len(services.scan_warnings(jurisdiction=j)) for j in _jurisdictions())


app.add_periodic_task(
    AtTimes(minute=0, hour=2, day_of_week=1, app=app),
    app.signature("forecasts.refresh", args=("W",)),
    name="forecasts-weekly",
)
app.add_periodic_task(
    AtTimes(minute=0, hour=3, day_of_month=1, app=app),
    app.signature("forecasts.refresh", args=("M",)),
    name="forecasts-monthly",
)
app.add_periodic_task(
    AtTimes(minute=0, hour=6, app=app), app.signature("forecasts.scan_warnings"), name="forecasts-warnings"
)
