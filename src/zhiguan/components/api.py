"""Component-specific questions; the list, detail, history, import and export are the registries API
(`/registries/components/...`)."""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from zhiguan.components import queries
from zhiguan.components.schemas import ComponentOut, ComponentTypeOut, NearbyOut
from zhiguan.geo.crs import WGS84

router = Router(tags=["components"])


@router.get("/nearby", response=list[NearbyOut], summary="City components near a point, nearest first")
def nearby(
    request: HttpRequest,
    lng: float = Query(..., ge=-180, le=180),
    lat: float = Query(..., ge=-90, le=90),
    crs: str = Query(WGS84, max_length=16),
    radius: float = Query(30, gt=0, le=queries.MAX_RADIUS_M, description="metres"),
    category: str | None = Query(None, max_length=16, description="小类 0101 or 大类 01"),
    limit: int = Query(20, ge=1, le=queries.MAX_LIMIT),
) -> Any:
    found = queries.nearby(
        actor=request.auth,  # type: ignore[attr-defined]
        lng=lng,
        lat=lat,
        crs=crs,
        radius=radius,
        category=category,
        limit=limit,
    )
    return [{**queries.as_out(n.component), "distance_m": n.distance_m} for n in found]


@router.get("/by-code/{code}", response=ComponentOut, summary="The city component with this code")
def by_code(request: HttpRequest, code: str = Path(..., max_length=24)) -> Any:
    return queries.as_out(queries.by_code(actor=request.auth, code=code))  # type: ignore[attr-defined]


@router.get("/types", response=list[ComponentTypeOut], summary="The component types (部件小类) for pickers")
def types(request: HttpRequest) -> Any:
    return queries.component_types(actor=request.auth)  # type: ignore[attr-defined]
