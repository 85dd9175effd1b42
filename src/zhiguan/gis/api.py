"""The geography endpoints, at /api/v1/gis/: the district's own base map and its tile file (H4),
geocoding (below)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from ninja import Path, Query, Router

from zhiguan import delivery
from zhiguan.gis import basemap, queries, tiles
from zhiguan.gis.schemas import BasemapManifestOut, GeocodeOut, ReverseGeocodeOut
from zhiguan.throttling import AnonThrottle

router = Router(tags=["gis"])

# ============================================================================================
# Base map (H4)
# ============================================================================================


@router.get(
    "/basemap", response=BasemapManifestOut, summary="The base map: layers, zooms, district box, background"
)
def basemap_manifest(request: HttpRequest) -> Any:
    return queries.basemap_manifest(actor=request.auth)  # type: ignore[attr-defined]


@router.get(
    "/basemap/{layer}",
    response=dict,
    summary="One base map layer (roads, water, buildings, labels) in a map box as GeoJSON",
)
def basemap_layer(
    request: HttpRequest,
    layer: str = Path(..., max_length=16),
    bbox: str = Query(..., max_length=120, description="minlng,minlat,maxlng,maxlat (WGS-84)"),
    zoom: int = Query(..., ge=basemap.MIN_ZOOM, le=basemap.MAX_ZOOM),
) -> HttpResponse:
    document = queries.basemap_document(
        actor=request.auth,  # type: ignore[attr-defined]
        layer=layer,
        bbox=queries.parse_bbox(bbox),
        zoom=zoom,
    )
    # Asked again each time, answered 304 while the registries are unchanged; never kept by a proxy.
    return delivery.cacheable_response(
        request,
        body=document.body,
        etag=document.etag,
        encoded=document.encoded,
        cache_control="private, no-cache",
        content_type="application/geo+json; charset=utf-8",
    )


@router.get(
    "/public/basemap/{layer}",
    auth=None,
    throttle=[AnonThrottle("ZHIGUAN_PUBLIC_MAP_RATE", scope="public-map")],
    response=dict,
    summary="One base map layer for the citizen portal's map (no log-in)",
)
def public_basemap_layer(
    request: HttpRequest,
    layer: str = Path(..., max_length=16),
    jurisdiction: str = Query(..., max_length=6),
    bbox: str = Query(..., max_length=120),
    zoom: int = Query(..., ge=basemap.MIN_ZOOM, le=basemap.MAX_ZOOM),
) -> HttpResponse:
    document = queries.public_basemap_document(
        jurisdiction_code=jurisdiction, layer=layer, bbox=queries.parse_bbox(bbox), zoom=zoom
    )
    # A phone keeps a layer five minutes, then asks again and is answered 304 while unchanged.
    return delivery.cacheable_response(
        request,
        body=document.body,
        etag=document.etag,
        encoded=document.encoded,
        cache_control="public, max-age=300",
        content_type="application/geo+json; charset=utf-8",
    )


@router.get("/tiles/{z}/{x}/{y}", response=dict, summary="A tile of the base map file (ZHIGUAN_BASEMAP_FILE)")
def basemap_tile(
    request: HttpRequest, z: int = Path(..., ge=0, le=30), x: int = Path(..., ge=0), y: int = Path(..., ge=0)
) -> HttpResponse:
    found = tiles.tile(z, x, y)
    cache_control = "private, max-age=86400, stale-while-revalidate=604800"
    not_modified = get_conditional_response(request, etag=found.etag)
    response = (
        not_modified
        if not_modified is not None
        else HttpResponse(found.data, content_type=found.content_type)
    )
    if not_modified is None and found.encoding:
        response["Content-Encoding"] = found.encoding
    response["ETag"] = found.etag
    response["Cache-Control"] = cache_control
    return response


# ============================================================================================
# Geocoding (H5)
# ============================================================================================


@router.get(
    "/geocode", response=GeocodeOut, summary="Address words → the standard address, POI, crossing or road"
)
def geocode(
    request: HttpRequest,
    q: str = Query(..., max_length=200),
    limit: int = Query(5, ge=1, le=10),
) -> Any:
    return queries.geocode(actor=request.auth, q=q, limit=limit)  # type: ignore[attr-defined]


@router.get("/reverse-geocode", response=ReverseGeocodeOut, summary="A point → the nearest standard address")
def reverse_geocode(
    request: HttpRequest,
    lng: float = Query(..., ge=-180, le=180),
    lat: float = Query(..., ge=-90, le=90),
    crs: str = Query("wgs84", max_length=16),
) -> Any:
    return queries.reverse_geocode(actor=request.auth, lng=lng, lat=lat, crs=crs)  # type: ignore[attr-defined]
