"""Reads of the geography, every one through the actor's jurisdiction and the "geo.view" permission."""

from __future__ import annotations

from typing import Any

import shapely
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhiguan.errors import InvalidInput
from zhiguan.geo.crs import WGS84, check_crs, transform_geometry
from zhiguan.geo.models import Area, AreaLevel
from zhiguan.org.permissions import Actor, restrict

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


def areas_geojson(*, actor: Actor, level: str | None = None, crs: str = WGS84) -> dict[str, Any]:
    """The actor's areas as a GeoJSON FeatureCollection, coordinates in `crs` (WGS-84 by default)."""
    _check_level(level)
    check_crs(crs)
    qs = restrict(actor, Area.objects.all(), "geo.view").filter(active=True)
    if level is not None:
        qs = qs.filter(level=level)
    features = []
    for area in qs.order_by("level", "code"):
        geometry = transform_geometry(shapely.from_wkb(bytes(area.boundary)), src=WGS84, dst=crs)
        features.append(
            {
                "type": "Feature",
                "id": area.pk,
                "properties": {
                    "id": area.pk,
                    "level": area.level,
                    "code": area.code,
                    "name": area.name,
                    "parent_id": area.parent_id,
                },
                "geometry": shapely.geometry.mapping(geometry),
            }
        )
    return {"type": "FeatureCollection", "crs_name": crs, "features": features}
