"""Query parameters and responses of /api/v1/forecasts (names prefixed: unique in the OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from zhiguan.schemas import ParamsSchema


class ForecastParams(ParamsSchema):
    freq: Literal["W", "M"] = "W"
    # total | category | street; empty: every series
    dimension: Literal["total", "category", "street"] | None = None


class ForecastWarningParams(ParamsSchema):
    status: Literal["open", "acknowledged"] | None = None
    limit: int = Field(100, ge=1, le=500)


class ForecastRunOut(Schema):
    freq: str
    horizon: int
    made_at: datetime
    data_as_of: date


class ForecastHistoryPoint(Schema):
    date: date
    count: int


class ForecastPoint(Schema):
    date: date
    value: float
    lower: float
    upper: float


class ForecastSeriesOut(Schema):
    dimension: str
    key: str
    name: str
    model: str
    mase: float | None
    mape: float | None
    snaive_mase: float | None
    snaive_mape: float | None
    wmean4_mase: float | None
    wmean4_mape: float | None
    beats_baseline: bool
    # why the forecast is to be read with care (empty when it beats the baseline)
    note: str
    total: int
    history: list[ForecastHistoryPoint]
    forecast: list[ForecastPoint]


class ForecastsOut(Schema):
    run: ForecastRunOut | None
    series: list[ForecastSeriesOut]


class ForecastRef(Schema):
    id: int
    name: str


class ForecastAlertCase(Schema):
    id: int
    number: str
    created_at: datetime
    status: str


class ForecastAlertOut(Schema):
    id: int
    category: ForecastRef
    area: ForecastRef
    first_day: date
    last_day: date
    observed: int
    expected: float
    ratio: float | None
    p_value: float
    status: str
    raised_at: datetime
    notified: int
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    case_count: int
    # the cases the reader may see (case.view), oldest first
    cases: list[ForecastAlertCase]
    can_acknowledge: bool
