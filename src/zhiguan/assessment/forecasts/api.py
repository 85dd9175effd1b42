"""HTTP API of forecasts and early warning, at /api/v1/forecasts."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from zhiguan.assessment.forecasts import queries, services
from zhiguan.assessment.forecasts.schemas import (
    ForecastAlertOut,
    ForecastParams,
    ForecastsOut,
    ForecastWarningParams,
)
from zhiguan.org.auth import ActorRequest
from zhiguan.schemas import Id

router = Router(tags=["forecasts"])


@router.get(
    "",
    response=ForecastsOut,
    summary="Weekly or monthly volume forecasts (预测) with their 80 % band and back-test against the baselines",
)
def forecasts(request: ActorRequest, params: Query[ForecastParams]) -> dict[str, Any]:
    return queries.forecasts(request.auth, freq=params.freq, dimension=params.dimension)


@router.get(
    "/warnings", response=list[ForecastAlertOut], summary="Early-warning alerts (预警) with their cases"
)
def warnings(request: ActorRequest, params: Query[ForecastWarningParams]) -> list[dict[str, Any]]:
    return queries.alerts(request.auth, status=params.status, limit=params.limit)


@router.post(
    "/warnings/{alert_id}/acknowledge", response=ForecastAlertOut, summary="Acknowledge an alert (supervisor)"
)
def acknowledge(request: ActorRequest, alert_id: Id) -> dict[str, Any]:
    services.acknowledge(actor=request.auth, alert_id=alert_id)
    return queries.alert(request.auth, alert_id)
