"""Reading forecasts and alerts (supervision.view), always through the data scope."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zhiguan.assessment.forecasts.models import (
    AlertStatus,
    ForecastRun,
    ForecastSeries,
    WarningAlert,
)
from zhiguan.cases.queries import visible_cases
from zhiguan.errors import NotFound
from zhiguan.org.permissions import Actor, restrict

VIEW = "supervision.view"
ACK = "supervision.issue"


def _note(row: ForecastSeries) -> str:
    if row.beats_baseline:
        return ""
    return _(
        "Not better than the seasonal-naive baseline on the back-test: read this forecast as "
        "a rough guide only."
    )


def _series(row: ForecastSeries) -> dict[str, Any]:
    return {
        "dimension": row.dimension,
        "key": row.key,
        "name": row.name,
        "model": row.model,
        "mase": row.mase,
        "mape": row.mape,
        "snaive_mase": row.snaive_mase,
        "snaive_mape": row.snaive_mape,
        "wmean4_mase": row.wmean4_mase,
        "wmean4_mape": row.wmean4_mape,
        "beats_baseline": row.beats_baseline,
        "note": _note(row),
        "total": row.total,
        "history": [{"date": d, "count": c} for d, c in row.history],
        "forecast": [{"date": d, "value": v, "lower": lo, "upper": hi} for d, v, lo, hi in row.points],
    }


def forecasts(actor: Actor, *, freq: str, dimension: str | None = None) -> dict[str, Any]:
    """The latest run of `freq` with its series (of one dimension, or all), the district's total first,
    then by cases in the history shown; `run` is None before the first refresh."""
    run = (
        restrict(actor, ForecastRun.objects.all(), VIEW).filter(freq=freq).order_by("-made_at", "-id").first()
    )
    if run is None:
        return {"run": None, "series": []}
    rows = restrict(actor, ForecastSeries.objects.filter(run=run), VIEW)
    if dimension:
        rows = rows.filter(dimension=dimension)
    order = {"total": 0, "category": 1, "street": 2}
    ordered = sorted(rows, key=lambda r: (order.get(r.dimension, 9), -r.total, r.key))
    return {
        "run": {
            "freq": run.freq,
            "horizon": run.horizon,
            "made_at": run.made_at,
            "data_as_of": run.data_as_of,
        },
        "series": [_series(r) for r in ordered],
    }


def alerts(
    actor: Actor, *, status: str | None = None, limit: int = 100, alert_id: int | None = None
) -> list[dict[str, Any]]:
    """Alerts, newest rise first, with their cases: numbers for the cases the actor may see."""
    qs = restrict(actor, WarningAlert.objects.all(), VIEW).select_related(
        "category", "area", "acknowledged_by"
    )
    if status:
        qs = qs.filter(status=status)
    if alert_id is not None:
        qs = qs.filter(pk=alert_id)
    found = list(qs.order_by("-last_day", "-id")[:limit])
    ids = {pk for a in found for pk in a.case_ids}
    cases: dict[int, Any] = {}
    if ids and actor.can("case.view"):
        cases = {
            c["pk"]: c
            for c in visible_cases(actor).filter(pk__in=ids).values("pk", "number", "created_at", "status")
        }
    out = []
    for a in found:
        out.append(
            {
                "id": a.pk,
                "category": {"id": a.category_id, "name": a.category.name},
                "area": {"id": a.area_id, "name": a.area.name},
                "first_day": a.first_day,
                "last_day": a.last_day,
                "observed": a.observed,
                "expected": round(a.expected, 1),
                "ratio": round(a.observed / a.expected, 1) if a.expected > 0 else None,
                "p_value": a.p_value,
                "status": a.status,
                "raised_at": a.raised_at,
                "notified": a.notified,
                "acknowledged_by": str(a.acknowledged_by) if a.acknowledged_by else None,
                "acknowledged_at": a.acknowledged_at,
                "case_count": len(a.case_ids),
                "cases": [
                    {
                        "id": pk,
                        "number": cases[pk]["number"],
                        "created_at": cases[pk]["created_at"],
                        "status": cases[pk]["status"],
                    }
                    for pk in a.case_ids
                    if pk in cases
                ],
                "can_acknowledge": a.status == AlertStatus.OPEN and actor.can(ACK),
            }
        )
    return out


def alert(actor: Actor, alert_id: int) -> dict[str, Any]:
    """One alert as `alerts` shows it (after acknowledging); 404 outside the scope."""
    found = alerts(actor, alert_id=alert_id, limit=1)
    if not found:
        raise NotFound()
    return found[0]
