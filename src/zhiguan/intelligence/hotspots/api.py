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


class HotspotEmergingParams(HotspotWindowParams):
    days: int = Field(default=180, ge=1, le=queries.MAX_DAYS)
    slice_days: int = Field(default=30, ge=1, le=queries.MAX_DAYS, description="length of one time slice")
    resolution: int = Field(default=8, ge=7, le=10)


class HotspotClusterParams(HotspotWindowParams):
    eps_m: float = Field(default=150, gt=0, le=5000, description="DBSCAN neighbourhood radius in metres")
    min_samples: int = Field(default=5, ge=2, le=1000, description="cases within eps_m that make a core")


class GeoGeometry(Schema):
    type: str = Field(description="Polygon or Point (GeoJSON, [lng, lat])")
    coordinates: list[Any]


class HotspotSliceOut(Schema):
    start: datetime
    end: datetime


class HotspotEmergingProps(Schema):
    cell: str = Field(description="H3 cell index")
    category: str = Field(
        description="new, intensifying, persistent, diminishing, sporadic or historical (ArcGIS-like)"
    )
    trend: str = Field(description="Mann-Kendall trend of the cell's Gi* z: increasing, decreasing, no trend")
    trend_p: float
    hot_share: float = Field(description="share of the slices in which the cell is a significant hot spot")
    z_last: float = Field(description="Gi* z in the last slice")
    counts: list[int] = Field(description="cases in the cell per slice, oldest first")
    total: int


class HotspotEmergingFeature(Schema):
    type: str = "Feature"
    id: str
    geometry: GeoGeometry
    properties: HotspotEmergingProps


class HotspotEmergingOut(Schema):
    type: str = "FeatureCollection"
    features: list[HotspotEmergingFeature]
    cases: int = Field(description="located cases in the slices")
    slices: list[HotspotSliceOut]


class HotspotClusterProps(Schema):
    rank: int
    count: int
    centroid: list[float] = Field(description="[lng, lat]")
    radius_m: float = Field(description="farthest case from the centroid")
    top_category: str
    top_category_count: int
    numbers: list[str] = Field(description="the newest cases of the cluster (at most 50)")
    case_ids: list[int] = Field(description="their ids, in the same order")


class HotspotClusterFeature(Schema):
    type: str = "Feature"
    id: int
    geometry: GeoGeometry
    properties: HotspotClusterProps


class HotspotClustersOut(Schema):
    type: str = "FeatureCollection"
    features: list[HotspotClusterFeature]
    cases: int = Field(description="located cases clustered")
    truncated: bool = Field(description="the window held more cases than are clustered (the newest are)")


class HotspotRecurringOut(Schema):
    place: str
    category: str
    count: int
    total: int
    start: datetime
    end: datetime
    numbers: list[str]


class HotspotIssueCaseOut(Schema):
    id: int
    number: str
    created_at: datetime
    excerpt: str


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
    case_ids: list[int] = Field(description="the ids of the cases in `numbers`, in the same order")
    cases: list[HotspotIssueCaseOut] = Field(description="the first 50 requests with time and excerpt")


@router.get("/gistar", summary="Getis-Ord Gi* hot and cold spots by H3 cell (GeoJSON)")
def gistar(request: ActorRequest, params: Query[HotspotGiParams]) -> dict[str, Any]:
    return services.gistar(request.auth, **params.dict())


@router.get(
    "/emerging",
    response=HotspotEmergingOut,
    summary="Emerging hot spots (新兴热点): Gi* per time slice and the trend of each cell (GeoJSON)",
)
def emerging(request: ActorRequest, params: Query[HotspotEmergingParams]) -> dict[str, Any]:
    return services.emerging(request.auth, **params.dict())


@router.get(
    "/clusters",
    response=HotspotClustersOut,
    summary="Case clusters (聚集区): DBSCAN over the window's case points (GeoJSON)",
)
def clusters(request: ActorRequest, params: Query[HotspotClusterParams]) -> dict[str, Any]:
    return services.clusters(request.auth, **params.dict())


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
