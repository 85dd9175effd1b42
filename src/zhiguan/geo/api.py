from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from zhiguan.geo import queries, services
from zhiguan.geo.crs import WGS84
from zhiguan.geo.schemas import AreaOut, GeoImportIn, GeoImportOut, LocationOut
from zhiguan.schemas import MAX_ID

router = Router(tags=["geo"])


@router.post("/import", response=GeoImportOut, summary="Import streets, communities or grids from GeoJSON")
def import_areas(request: HttpRequest, payload: GeoImportIn) -> services.ImportResult:
    return services.import_geojson(actor=request.auth, **payload.model_dump())  # type: ignore[attr-defined]


@router.get("/areas", response=list[AreaOut], summary="List areas (without boundaries)")
def list_areas(
    request: HttpRequest,
    level: str | None = Query(None, max_length=16),
    parent_id: int | None = Query(None, ge=1, le=MAX_ID),
) -> Any:
    # Evaluated here, so that a database error surfaces as one (not inside response serialisation).
    return list(queries.areas(actor=request.auth, level=level, parent_id=parent_id))  # type: ignore[attr-defined]


@router.get("/areas.geojson", response=dict, summary="Areas as a GeoJSON FeatureCollection (for the map)")
def areas_geojson(
    request: HttpRequest,
    level: str | None = Query(None, max_length=16),
    crs: str = Query(WGS84, max_length=16),
) -> dict:
    return queries.areas_geojson(actor=request.auth, level=level, crs=crs)  # type: ignore[attr-defined]


@router.get("/locate", response=LocationOut, summary="The street, community and grid of a point")
def locate(
    request: HttpRequest, lng: float, lat: float, crs: str = Query(WGS84, max_length=16)
) -> services.Location:
    return services.locate_for(actor=request.auth, lng=lng, lat=lat, crs=crs)  # type: ignore[attr-defined]
