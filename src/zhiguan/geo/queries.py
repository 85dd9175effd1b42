"""Reads of the geography, every one through the actor's jurisdiction and the "geo.view" permission."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import shapely
import shapely.ops
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhiguan import delivery
from zhiguan.errors import InvalidInput
from zhiguan.geo import lookup, shapes
from zhiguan.geo.crs import WGS84, check_crs, transform_geometry
from zhiguan.geo.models import Area, AreaLevel
from zhiguan.geo.services import Location, locate
from zhiguan.org.permissions import Actor, require, restrict

LIST_FIELDS = [
    "id",
    "level",
    "code",
    "name",
    "parent_id",
    "centroid_lng",
    "centroid_lat",
    "area_m2",
    "source_crs",
    "source",
    "active",
]


# Levels the maps write names on (grids are too many and too small to label).
LABELLED_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY)
# About 10 m: finer costs time and moves a label by nothing anyone sees.
LABEL_TOLERANCE_DEG = 1e-4


def label_point(geometry: shapely.Geometry) -> shapely.Point:
    """Where a map writes an area's name: the point of its largest part farthest from every edge
    (a centroid can fall outside a bent street, or on its rim)."""
    parts = list(getattr(geometry, "geoms", [geometry]))
    largest = max(parts, key=lambda g: g.area)
    # Stored boundaries are valid polygons (the import checks), which is all polylabel needs.
    return shapely.ops.polylabel(largest, tolerance=LABEL_TOLERANCE_DEG)


# The outlines for drawing (simplified, rounded) or the stored boundaries (for editors).
DISPLAY, FULL = "display", "full"
DETAILS = (DISPLAY, FULL)


def _check_level(level: str | None) -> None:
    if level is not None and level not in AreaLevel.values:
        raise InvalidInput(
            _("Unknown area level."), code="unknown_level", level=level, allowed=list(AreaLevel.values)
        )


def areas(*, actor: Actor, level: str | None = None, parent_id: int | None = None) -> QuerySet[Area]:
    """The actor's areas (without boundaries), optionally of one level or under one parent."""
    _check_level(level)
    qs = restrict(actor, Area.objects.all(), "geo.view").filter(active=True)
    if level is not None:
        qs = qs.filter(level=level)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return qs.order_by("level", "code").only(*LIST_FIELDS)


def _check_detail(detail: str) -> None:
    if detail not in DETAILS:
        raise InvalidInput(
            _("Unknown level of detail."), code="unknown_detail", detail=detail, allowed=list(DETAILS)
        )


def areas_geojson(
    *, actor: Actor, level: str | None = None, crs: str = WGS84, detail: str = DISPLAY
) -> dict[str, Any]:
    """The actor's areas as a GeoJSON FeatureCollection, coordinates in `crs` (WGS-84 by default).

    `detail="display"` (the maps): outlines simplified per level and rounded to about 0.1 m
    (`shapes.for_display`), each still a valid polygon; `"full"` (editors): the stored boundaries.
    """
    _check_level(level)
    check_crs(crs)
    _check_detail(detail)
    qs = restrict(actor, Area.objects.all(), "geo.view").filter(active=True)
    if level is not None:
        qs = qs.filter(level=level)
    features = []
    for area in qs.order_by("level", "code"):
        wgs84 = shapely.from_wkb(bytes(area.boundary))
        if detail == FULL:
            geometry = transform_geometry(wgs84, src=WGS84, dst=crs)
        else:
            shown = shapes.for_display(wgs84, level=area.level)
            geometry = shapes.rounded(transform_geometry(shown, src=WGS84, dst=crs))
        properties: dict[str, Any] = {
            "id": area.pk,
            "level": area.level,
            "code": area.code,
            "name": area.name,
            "parent_id": area.parent_id,
        }
        if area.level in LABELLED_LEVELS:
            label = transform_geometry(label_point(wgs84), src=WGS84, dst=crs)
            properties["label"] = [round(label.x, 6), round(label.y, 6)]
        features.append(
            {
                "type": "Feature",
                "id": area.pk,
                "properties": properties,
                "geometry": shapely.geometry.mapping(geometry),
            }
        )
    return {"type": "FeatureCollection", "crs_name": crs, "detail": detail, "features": features}


@dataclass(frozen=True)
class GeoJsonDocument:
    """`areas_geojson` as the bytes sent: with its ETag and its brotli and gzip forms."""

    body: bytes
    etag: str
    encoded: dict[str, bytes]


# Bumped when the document's shape changes, so a shared cache (database, Redis) holds no old one.
DOCUMENT_VERSION = 1
# A day at most; in practice a document is replaced as soon as an area changes (the key says so).
DOCUMENT_CACHE_SECONDS = 24 * 3600


def areas_geojson_document(
    *, actor: Actor, level: str | None = None, crs: str = WGS84, detail: str = DISPLAY
) -> GeoJsonDocument:
    """`areas_geojson` from the shared cache, built once per jurisdiction, level, CRS and detail for
    each state of the areas (the import's version token, the latest change and the count), so that
    every app server and every visitor gets the same bytes and the same ETag until an area changes.

    Areas carry no data scope (every person of the jurisdiction sees them all), so the document of
    a jurisdiction is shared by all its actors; the permission is still checked for each.
    """
    _check_level(level)
    check_crs(crs)
    _check_detail(detail)
    qs = restrict(actor, Area.objects.all(), "geo.view")
    state = qs.aggregate(latest=Max("updated_at"), count=Count("id"))
    latest = state["latest"].isoformat() if state["latest"] else "-"
    token = lookup.current_token(actor.jurisdiction.pk)
    tolerances = ",".join(f"{k}={v:g}" for k, v in sorted(shapes.DISPLAY_TOLERANCE_DEG.items()))
    key = (
        "geo:areas.geojson:"
        + hashlib.sha256(
            f"{DOCUMENT_VERSION}|{tolerances}|{shapes.DISPLAY_DECIMALS}|{actor.jurisdiction.pk}|{level}"
            f"|{crs}|{detail}|{token}|{latest}|{state['count']}".encode()
        ).hexdigest()
    )
    document = cache.get(key)
    if not isinstance(document, GeoJsonDocument):
        payload = areas_geojson(actor=actor, level=level, crs=crs, detail=detail)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        document = GeoJsonDocument(
            body=body, etag=f'W/"{hashlib.sha256(body).hexdigest()[:32]}"', encoded=delivery.compressed(body)
        )
        cache.set(key, document, DOCUMENT_CACHE_SECONDS)
    return document


@dataclass(frozen=True)
class NamedArea:
    id: int
    level: str
    code: str
    name: str
    matched: str


@dataclass(frozen=True)
class AddressCheck:
    """Whether an address and a map point agree on the street and community."""

    agrees: bool
    named: list[NamedArea]
    located: Location
    message: str


def _names(areas: list[NamedArea]) -> str:
    return pgettext("list of names", ", ").join(a.name for a in areas)


def address_check(*, actor: Actor, text: str, lng: float, lat: float, crs: str = WGS84) -> AddressCheck:
    """Compare the streets and communities an address names (下沙 for 下沙街道 too) with the point.

    Guarantees: `agrees` is False only when the text names a street (or a community) and the point
    lies in none of the named streets (or communities); a community named counts for its street
    too. A text naming no place agrees. A point outside the district raises OutsideJurisdiction.
    """
    require(actor, "geo.view")
    jid = actor.jurisdiction.pk
    located = locate(jurisdiction_id=jid, lng=lng, lat=lat, crs=crs)
    mentions = lookup.get_index(jid).named_in(text or "")
    named = [NamedArea(m.area.id, m.level, m.area.code, m.area.name, m.matched) for m in mentions]
    streets = [a for a in named if a.level == AreaLevel.STREET]
    communities = [a for a in named if a.level == AreaLevel.COMMUNITY]
    parents = set(
        restrict(actor, Area.objects.all(), "geo.view")
        .filter(pk__in=[a.id for a in communities])
        .values_list("parent_id", flat=True)
    )
    street_ids = {a.id for a in streets} | parents
    message = ""
    if street_ids and located.street_id not in street_ids:
        message = _("The address names %(named)s, but the point lies in %(located)s: please check.") % {
            "named": _names(streets or communities),
            "located": located.street_name or _("no street"),
        }
    elif communities and located.community_id not in {a.id for a in communities}:
        message = _("The address names %(named)s, but the point lies in %(located)s: please check.") % {
            "named": _names(communities),
            "located": located.community_name or _("no community"),
        }
    return AddressCheck(agrees=not message, named=named, located=located, message=message)
