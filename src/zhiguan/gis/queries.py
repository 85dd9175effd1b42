"""Reads of the geography database for the maps and the geocoder.

Base map (decision 069): `basemap_document` is one layer of the district's own base map in one map
box at one zoom, as the bytes sent (ETag, brotli and gzip forms), cached per jurisdiction, state of
the registries it is drawn from (their change tokens), layer, zoom and box snapped to the tile grid.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import shapely
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from zhiguan import delivery
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.geo import lookup
from zhiguan.geo.models import Area, AreaLevel
from zhiguan.geo.queries import GeoJsonDocument, label_point
from zhiguan.gis import basemap, tiles
from zhiguan.gis.models import Building, Poi, Road, Water
from zhiguan.org.permissions import Actor, require, restrict
from zhiguan.registries import versions
from zhiguan.tenancy.models import Jurisdiction

# ============================================================================================
# Base map (H4)
# ============================================================================================

# Raise when the document's shape changes, so that no cache serves the old one.
BASEMAP_VERSION = 1
BASEMAP_CACHE_SECONDS = 24 * 3600
VIEW = "registry.view"
# The registries (change tokens) each layer is drawn from; "areas" is geo's AreaSetVersion.
LAYER_SOURCES: dict[str, tuple[str, ...]] = {
    "roads": ("roads",),
    "water": ("water",),
    "buildings": ("buildings",),
    "labels": ("roads", "pois", "areas"),
}
_MODELS: dict[str, Any] = {"roads": Road, "water": Water, "buildings": Building, "pois": Poi}


def parse_bbox(text: str) -> basemap.Bbox:
    """ "minlng,minlat,maxlng,maxlat" (WGS-84) as four floats, or InvalidInput `invalid_bbox`."""
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        parts = []
    if (
        len(parts) != 4
        or not all(-180 <= parts[i] <= 180 and -90 <= parts[i + 1] <= 90 for i in (0, 2))
        or parts[0] > parts[2]
        or parts[1] > parts[3]
    ):
        raise InvalidInput(
            _("The map box must be four numbers: west, south, east, north (WGS-84)."),
            code="invalid_bbox",
            bbox=text[:100],
        )
    return parts[0], parts[1], parts[2], parts[3]


def _check(layer: str, zoom: int) -> None:
    if layer not in basemap.LAYER_MIN_ZOOM:
        raise InvalidInput(
            _("Unknown base map layer."), code="unknown_layer", layer=layer, allowed=list(basemap.LAYERS)
        )
    if not basemap.MIN_ZOOM <= zoom <= basemap.MAX_ZOOM:
        raise InvalidInput(
            _("The zoom must be between %(min)d and %(max)d.")
            % {"min": basemap.MIN_ZOOM, "max": basemap.MAX_ZOOM},
            code="invalid_zoom",
            zoom=zoom,
        )


def district_bbox(jurisdiction_id: int) -> basemap.Bbox | None:
    """The box of the district's outline (else of its streets), from the areas."""
    areas = Area.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
    boundaries = list(areas.filter(level=AreaLevel.DISTRICT).values_list("boundary", flat=True)[:1]) or list(
        areas.filter(level=AreaLevel.STREET).values_list("boundary", flat=True)
    )
    if not boundaries:
        return None
    bounds = shapely.total_bounds(shapely.from_wkb([bytes(b) for b in boundaries]))
    return (
        round(float(bounds[0]), 6),
        round(float(bounds[1]), 6),
        round(float(bounds[2]), 6),
        round(float(bounds[3]), 6),
    )


def _state(actor: Actor, registry: str) -> str:
    """The change token of one source; a registry never written through the pipeline (no token yet)
    falls back to its latest change and count."""
    jid = actor.jurisdiction.pk
    if registry == "areas":
        return lookup.current_token(jid)
    token = versions.current_token(jid, registry)
    if token:
        return token
    row = (
        _MODELS[registry]
        .objects.filter(jurisdiction_id=jid)
        .aggregate(latest=Max("updated_at"), n=Count("id"))
    )
    return f"{row['latest'].isoformat() if row['latest'] else '-'}:{row['n']}"


def _active_in(actor: Actor, model: Any, bbox: basemap.Bbox) -> QuerySet[Any]:
    """Active records of `model` whose bounding box meets `bbox` (the indexed prefilter)."""
    min_lng, min_lat, max_lng, max_lat = bbox
    return restrict(actor, model.objects.all(), VIEW).filter(
        retired_at__isnull=True,
        max_lng__gte=min_lng,
        min_lng__lte=max_lng,
        max_lat__gte=min_lat,
        min_lat__lte=max_lat,
    )


def _roads(actor: Actor, bbox: basemap.Bbox, zoom: int) -> list[tuple[str, str, shapely.Geometry]]:
    rows = _active_in(actor, Road, bbox).filter(road_class__in=basemap.road_classes_at(zoom))
    box = shapely.box(*bbox)
    out = []
    for name, road_class, wkb in rows.values_list("name", "road_class", "geometry").order_by("code"):
        geometry = shapely.from_wkb(bytes(wkb))
        if shapely.intersects(geometry, box):
            out.append((name, road_class, geometry))
    return out


def _roads_layer(actor: Actor, bbox: basemap.Bbox, zoom: int) -> list[dict[str, Any]]:
    order = list(basemap.ROAD_MIN_ZOOM)
    rows = sorted(_roads(actor, bbox, zoom), key=lambda r: -order.index(r[1]) if r[1] in order else 0)
    # Minor roads first, so that a major road is drawn over the crossing.
    return [
        basemap.feature(basemap.shown(g, zoom), {"name": name, "road_class": road_class})
        for name, road_class, g in rows
    ]


def _water_layer(actor: Actor, bbox: basemap.Bbox, zoom: int) -> list[dict[str, Any]]:
    box = shapely.box(*bbox)
    out = []
    for name, kind, wkb in (
        _active_in(actor, Water, bbox).values_list("name", "kind", "geometry").order_by("code")
    ):
        geometry = shapely.from_wkb(bytes(wkb))
        if shapely.intersects(geometry, box) and basemap.big_enough(geometry, zoom):
            out.append(basemap.feature(basemap.shown(geometry, zoom), {"name": name, "kind": kind}))
    return out


def _buildings_layer(actor: Actor, bbox: basemap.Bbox, zoom: int) -> list[dict[str, Any]]:
    box = shapely.box(*bbox)
    out = []
    rows = _active_in(actor, Building, bbox).values_list("name", "floors", "use", "geometry").order_by("code")
    for name, floors, use, wkb in rows:
        geometry = shapely.from_wkb(bytes(wkb))
        if shapely.intersects(geometry, box):
            out.append(
                basemap.feature(basemap.shown(geometry, zoom), {"name": name, "floors": floors, "use": use})
            )
    return out


def _labels_layer(actor: Actor, bbox: basemap.Bbox, zoom: int) -> list[dict[str, Any]]:
    min_lng, min_lat, max_lng, max_lat = bbox
    out: list[dict[str, Any]] = []
    levels = [lv for lv, z in basemap.AREA_LABEL_MIN_ZOOM.items() if zoom >= z]
    areas = restrict(actor, Area.objects.all(), "geo.view").filter(active=True, level__in=levels)
    box = shapely.box(*bbox)
    for name, level, wkb in areas.values_list("name", "level", "boundary").order_by("level", "code"):
        point = label_point(shapely.from_wkb(bytes(wkb)))
        if shapely.intersects(point, box):
            out.append(basemap.label(point, name, level, zoom))
    kinds = [k for k, z in basemap.POI_LABEL_MIN_ZOOM.items() if zoom >= z]
    if kinds:
        pois = restrict(actor, Poi.objects.all(), VIEW).filter(
            Q(retired_at__isnull=True),
            kind__in=kinds,
            lng__gte=min_lng,
            lng__lte=max_lng,
            lat__gte=min_lat,
            lat__lte=max_lat,
        )
        for name, kind, lng, lat in pois.values_list("name", "kind", "lng", "lat").order_by("code"):
            if lng is not None and lat is not None:
                out.append(basemap.label(shapely.Point(lng, lat), name, kind, zoom))
    out.extend(basemap.road_labels(_roads(actor, bbox, zoom), zoom, bbox))
    out.sort(key=lambda f: -f["properties"]["rank"])
    return out


_BUILDERS = {
    "roads": _roads_layer,
    "water": _water_layer,
    "buildings": _buildings_layer,
    "labels": _labels_layer,
}


@dataclass(frozen=True)
class BasemapDocument(GeoJsonDocument):
    features: int = 0


def basemap_document(*, actor: Actor, layer: str, bbox: basemap.Bbox, zoom: int) -> BasemapDocument:
    """One layer of the base map in the (snapped) box at `zoom`, from the shared cache.

    Registry records carry no data scope for viewing (everyone of the jurisdiction sees the whole
    base map), so the document of a jurisdiction is shared by its actors; the permission is still
    checked for each."""
    _check(layer, zoom)
    require(actor, VIEW)
    snapped = basemap.snap_bbox(bbox, zoom, clip=district_bbox(actor.jurisdiction.pk))
    if snapped.tiles > basemap.MAX_TILES:
        raise InvalidInput(
            _("The map box is too large for this zoom; zoom in or ask for a smaller box."),
            code="bbox_too_large",
            tiles=snapped.tiles,
            max_tiles=basemap.MAX_TILES,
        )
    states = "|".join(_state(actor, r) for r in LAYER_SOURCES[layer])
    key = (
        "gis:basemap:"
        + hashlib.sha256(
            f"{BASEMAP_VERSION}|{actor.jurisdiction.pk}|{layer}|{zoom}|{snapped.bbox}|{states}".encode()
        ).hexdigest()
    )
    document = cache.get(key)
    if not isinstance(document, BasemapDocument):
        features = _BUILDERS[layer](actor, snapped.bbox, zoom) if basemap.layer_shown(layer, zoom) else []
        payload = basemap.collection(layer, zoom, snapped.bbox, features)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        document = BasemapDocument(
            body=body,
            etag=f'W/"{hashlib.sha256(body).hexdigest()[:32]}"',
            encoded=delivery.compressed(body),
            features=len(features),
        )
        cache.set(key, document, BASEMAP_CACHE_SECONDS)
    return document


def public_basemap_document(
    *, jurisdiction_code: str, layer: str, bbox: basemap.Bbox, zoom: int
) -> BasemapDocument:
    """The same layer for the citizen portal's map: roads, water, buildings and names are public
    geography (nothing of a case or a person is in them)."""
    jurisdiction = Jurisdiction.objects.filter(code=jurisdiction_code, active=True).first()
    if jurisdiction is None:
        raise NotFound(_("No such district on this platform."), field="jurisdiction")
    return basemap_document(actor=Actor.system(jurisdiction), layer=layer, bbox=bbox, zoom=zoom)


def basemap_manifest(*, actor: Actor) -> dict[str, Any]:
    """What a map needs to draw the base map: the layers and their zooms, the district's box, and
    which background there is (the surveying department's tile file, an intranet tile service)."""
    require(actor, VIEW)
    archive = tiles.describe()
    return {
        "layers": [{"key": k, "min_zoom": z} for k, z in basemap.LAYER_MIN_ZOOM.items()],
        "road_min_zoom": basemap.ROAD_MIN_ZOOM,
        "bbox": district_bbox(actor.jurisdiction.pk),
        "tile_file": archive,
        "tile_url": tiles.tile_url_setting(),
        "background": tiles.background(archive),
    }


# ============================================================================================
# Geocoding (H5)
# ============================================================================================


def _flat(areas: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(areas)


def geocode(*, actor: Actor, q: str, limit: int = 5) -> dict[str, Any]:
    """Address words → the best standard address, POI, crossing or road, in the actor's jurisdiction."""
    from dataclasses import asdict

    from zhiguan.gis import geocode as geocoder

    require(actor, "geo.view")
    found = geocoder.geocode(jurisdiction_id=actor.jurisdiction.pk, text=q, limit=limit)
    return {
        "matched": asdict(found.matched),
        "score": found.score,
        **_flat(found.areas),
        "candidates": [asdict(m) for m in found.candidates],
    }


def reverse_geocode(*, actor: Actor, lng: float, lat: float, crs: str) -> dict[str, Any]:
    """A point → the nearest door or building standard address, with its distance in metres."""
    from dataclasses import asdict

    from zhiguan.gis import geocode as geocoder

    require(actor, "geo.view")
    found = geocoder.reverse_geocode(jurisdiction_id=actor.jurisdiction.pk, lng=lng, lat=lat, crs=crs)
    out = asdict(found)
    out.update(out.pop("areas"))
    return out
