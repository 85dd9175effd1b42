"""The dashboard's periodic work: the open-case rollup after warning sweeps, the nightly rebuild."""

from __future__ import annotations

from django.conf import settings

from zhiguan.celery import app
from zhiguan.periodic import AtTimes


def _jurisdictions() -> list[int]:
    from zhiguan.tenancy.models import Jurisdiction

    return list(Jurisdiction.objects.values_list("pk", flat=True))


@app.task(name="dashboard.refresh_stock")
def refresh_stock() -> int:
    """Warning levels move in bulk without timeline events: recompute the open-case rollup."""
    from zhiguan.assessment.dashboard import live, rollups

    changed = 0
    for j in _jurisdictions():
        version = rollups.rebuild_stock(jurisdiction_id=j)
        if version is not None:
            changed += 1
            live.publish(jurisdiction_id=j, version=version)
    return changed


@app.task(name="dashboard.rebuild")
def rebuild() -> int:
    """Recompute every rollup from the cases (nightly): anything a missed signal left behind is gone."""
    from zhiguan.assessment.dashboard import live, rollups

    for j in _jurisdictions():
        version = rollups.rebuild_all(jurisdiction_id=j)
        live.publish(jurisdiction_id=j, version=version)
    return len(_jurisdictions())


app.add_periodic_task(
    settings.ZHIGUAN_CASE_SWEEP_SECONDS, app.signature("dashboard.refresh_stock"), name="dashboard-stock"
)
# Nightly at 03:30 (the district's time), never at start-up: an interval of a day ran the full rebuild
# whenever a server started, and on SQLite its write lock held the first registrations for 13 s
# (100,000 cases; 51 s of rebuild at 1,000,000 on PostgreSQL).
app.add_periodic_task(
    AtTimes(minute=30, hour=3, app=app), app.signature("dashboard.rebuild"), name="dashboard-rebuild"
)


@app.task(name="dashboard.slow_tiles")
def slow_tiles() -> int:
    """Hot issues and hot spots of every jurisdiction into the cache (too slow for a request)."""
    from zhiguan.assessment.dashboard import queries

    for j in _jurisdictions():
        queries.compute_slow_tiles(j)
    return len(_jurisdictions())


app.add_periodic_task(240.0, app.signature("dashboard.slow_tiles"), name="dashboard-slow-tiles")
