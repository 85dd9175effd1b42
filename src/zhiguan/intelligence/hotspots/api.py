"""HTTP API of hot spots and hot issues, at /api/v1/hotspots/: GeoJSON and lists for the map."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Query, Router, Schema

from zhiguan.intelligence.hotspots import queries, services
from zhiguan.org.auth import ActorRequest
from zhiguan.schemas import Id, ParamsSchema

router = Router(tags=["hotspots"])


class HotspotWindowParams(ParamsSchema):
    days: int = Field(default=90, ge=1, le=queries.MAX_DAYS)
    category_id: Id | None = None


class HotspotGiParams(HotspotWindowParams):
    # Resolution 8 (cells ≈ 0.7 km²): at 9 a district of a few hundred cases a month leaves nearly
    # every cell empty and nothing survives the FDR correction over thousands of cells.
    resolution: int = Field(default=8, ge=7, le=10)
    permutations: int = Field(default=999, ge=0, le=9999)


class HotspotRecurringParams(HotspotWindowParams):
    window_days: int = Field(default=30, ge=1, le=366)
    min_count: int = Field(default=3, ge=2, le=1000)


class HotspotRecurringOut(Schema):
    place: str
    category: str
    count: int
    total: int
    start: datetime
    end: datetime
    numbers: list[str]


class HotspotHotIssueOut(Schema):
    rank: int
    heat: float
    title: str
    place: str
    start: datetime
    end: datetime
    size: int
    reporters: int
    numbers: list[str]


@router.get("/gistar", summary="Getis-Ord Gi* hot and cold spots by H3 cell (GeoJSON)")
def gistar(request: ActorRequest, params: Query[HotspotGiParams]) -> dict[str, Any]:
    return services.gistar(request.auth, **params.dict())


@router.get(
    "/recurring",
    response=list[HotspotRecurringOut],
    summary="Recurring problems (高频诉求) by component or grid",
)
def recurring(request: ActorRequest, params: Query[HotspotRecurringParams]) -> list[dict[str, Any]]:
    return services.recurring(request.auth, **params.dict())


@router.get(
    "/hot-issues",
    response=list[HotspotHotIssueOut],
    summary="Hot issues (热点问题): requests about the same matter, hottest first",
)
def hot_issues(request: ActorRequest, params: Query[HotspotWindowParams]) -> list[dict[str, Any]]:
    return services.hot_issues(request.auth, **params.dict())
