from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from zhiguan import delivery
from zhiguan.geo import queries, services
from zhiguan.geo.crs import WGS84
from zhiguan.geo.schemas import AddressCheckOut, AreaOut, GeoImportIn, GeoImportOut, LocationOut
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
    detail: str = Query(queries.DISPLAY, max_length=16, description="display (simplified) or full"),
) -> HttpResponse:
    document = queries.areas_geojson_document(actor=request.auth, level=level, crs=crs, detail=detail)  # type: ignore[attr-defined]
    # Asked again each time, answered 304 while the areas are unchanged; never kept by a shared proxy.
    return delivery.cacheable_response(
        request,
        body=document.body,
        etag=document.etag,
        encoded=document.encoded,
        cache_control="private, no-cache",
    )


@router.get("/locate", response=LocationOut, summary="The street, community and grid of a point")
def locate(
    request: HttpRequest, lng: float, lat: float, crs: str = Query(WGS84, max_length=16)
) -> services.Location:
    return services.locate_for(actor=request.auth, lng=lng, lat=lat, crs=crs)  # type: ignore[attr-defined]


@router.get(
    "/address-check",
    response=AddressCheckOut,
    summary="Do a typed address and a map point name the same street and community?",
)
def address_check(
    request: HttpRequest,
    lng: float,
    lat: float,
    text: str = Query("", max_length=255),
    crs: str = Query(WGS84, max_length=16),
) -> queries.AddressCheck:
    return queries.address_check(actor=request.auth, text=text, lng=lng, lat=lat, crs=crs)  # type: ignore[attr-defined]
