"""The dashboard's query parameters and its one response (names prefixed: unique in the OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema

from zhiguan.schemas import Id, ParamsSchema


class DashboardParams(ParamsSchema):
    """Which area the tiles follow: a street, a community or a grid (the deepest named wins)."""

    street_id: Id | None = None
    community_id: Id | None = None
    grid_id: Id | None = None


class DashboardStreamParams(ParamsSchema):
    # The version the screen shows: a higher one is announced at once (a reconnect misses nothing).
    version: int | None = None


class DashboardAreaRef(Schema):
    level: str
    id: int
    name: str


class DashboardArea(Schema):
    level: str
    id: int | None
    name: str
    trail: list[DashboardAreaRef]


class DashboardCount(Schema):
    code: str
    label: str
    count: int


class DashboardRequests(Schema):
    total: int
    by_channel: list[DashboardCount]
    by_type: list[DashboardCount]


class DashboardOpen(Schema):
    total: int
    green: int
    yellow: int
    red: int


class DashboardDepartment(Schema):
    department_id: int
    name: str
    open: int
    yellow: int
    red: int


class DashboardSatisfaction(Schema):
    rated: int
    satisfied: int
    pct: float | None


class DashboardShare(Schema):
    count: int
    of: int
    pct: float | None


class DashboardDuplicates(Schema):
    count: int
    source: str


class DashboardTrendMonth(Schema):
    month: str
    count: int
    last_year: int


class DashboardTrend(Schema):
    months: list[DashboardTrendMonth]
    month_to_date: int
    previous_month_to_date: int
    last_year_month_to_date: int
    mom_pct: float | None
    yoy_pct: float | None


class DashboardChildArea(Schema):
    id: int
    level: str
    code: str
    name: str
    lat: float
    lng: float
    month: int
    open: int
    red: int


class DashboardHotIssue(Schema):
    rank: int
    title: str
    place: str
    size: int
    heat: float
    numbers: list[str]


class DashboardHotSpot(Schema):
    lat: float
    lng: float
    count: int
    bin: int


class DashboardVitals(Schema):
    status: str
    tiles: list[dict[str, Any]]


class DashboardOut(Schema):
    version: int
    data_as_of: datetime
    today: date
    month_from: date
    source: str
    area: DashboardArea
    requests_today: DashboardRequests
    requests_month: DashboardRequests
    open: DashboardOpen
    departments: list[DashboardDepartment]
    satisfaction: DashboardSatisfaction
    answered_at_intake: DashboardShare
    cohandled: DashboardShare
    duplicates_avoided: DashboardDuplicates
    trend: DashboardTrend
    areas: list[DashboardChildArea]
    hot_issues: list[DashboardHotIssue]
    hot_spots: list[DashboardHotSpot]
    vital_signs: DashboardVitals
