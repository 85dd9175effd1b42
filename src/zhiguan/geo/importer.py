"""Checks behind `services.import_geojson`: turn a FeatureCollection into validated drafts.

Every check raises InvalidInput with a stable code and the offending feature's index and code
in `details`, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely import STRtree

from zhiguan.errors import InvalidInput
from zhiguan.geo.crs import WGS84, transform_geometry
from zhiguan.geo.models import PARENT_LEVEL, Area, AreaLevel
from zhiguan.geo.shapes import LocalProjection, check_valid, feature_polygon, parse_features

# Two areas of one level may share borders; an overlap larger than this is an error, unless it
# is thinner than OVERLAP_MIN_WIDTH_M on average (2 x area / perimeter): that is one border drawn
# twice with different vertices, e.g. after converting from GCJ-02, which bends edges slightly.
OVERLAP_TOLERANCE_M2 = 1.0
OVERLAP_MIN_WIDTH_M = 0.1
# A child may stick out of its parent (or the district) by this much: boundaries drawn from
# different sources rarely agree to the metre.
CONTAINMENT_TOLERANCE_M = 20.0


@dataclass
class Draft:
    index: int
    code: str
    name: str
    geometry: shapely.Geometry  # WGS-84
    parent_code: str | None = None
    parent: Area | None = field(default=None, repr=False)


def _property(props: dict[str, Any], name: str, *, index: int, code: str = "") -> str:
    value = props.get(name)
    text = str(value).strip() if value is not None else ""
    if not text:
        raise InvalidInput(
            _("Feature %(index)d has no value for the property %(property)s.")
            % {"index": index, "property": name},
            code="missing_property",
            index=index,
            feature_code=code,
            property=name,
        )
    return text


def read_drafts(
    geojson: dict | str,
    *,
    crs: str,
    code_property: str,
    name_property: str,
    parent_code_property: str | None,
) -> list[Draft]:
    """Parse, check and convert every feature to WGS-84."""
    drafts: list[Draft] = []
    seen: dict[str, int] = {}
    for index, feature in enumerate(parse_features(geojson)):
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise InvalidInput(
                _("Feature %(index)d has no properties.") % {"index": index},
                code="invalid_geojson",
                index=index,
            )
        code = _property(props, code_property, index=index)
        name = _property(props, name_property, index=index, code=code)
        if code in seen:
            raise InvalidInput(
                _("Features %(first)d and %(index)d have the same code %(code)s.")
                % {"first": seen[code], "index": index, "code": code},
                code="duplicate_code",
                index=index,
                first_index=seen[code],
                feature_code=code,
            )
        seen[code] = index
        parent_code = (
            _property(props, parent_code_property, index=index, code=code) if parent_code_property else None
        )
        geometry = feature_polygon(feature, index=index, code=code)
        geometry = transform_geometry(geometry, src=crs, dst=WGS84)
        check_valid(geometry, index=index, code=code)
        drafts.append(Draft(index, code, name[:64], geometry, parent_code))
    return drafts


def check_no_overlap(drafts: list[Draft], stored: list[Area], *, level: str, proj: LocalProjection) -> None:
    """Refuse areas of one level overlapping each other, or overlapping stored areas of that level."""
    if level == AreaLevel.DISTRICT:
        return
    items: list[tuple[Draft | Area, shapely.Geometry]] = [(d, d.geometry) for d in drafts]
    items += [(a, shapely.from_wkb(bytes(a.boundary))) for a in stored]
    geoms = proj.to_metres(np.array([g for _, g in items], dtype=object))
    left, right = STRtree(geoms).query(geoms[: len(drafts)], predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return
    overlaps = shapely.intersection(geoms[left], geoms[right])
    areas = shapely.area(overlaps)
    widths = 2 * areas / np.maximum(shapely.length(overlaps), 1e-9)
    bad = np.flatnonzero((areas > OVERLAP_TOLERANCE_M2) & (widths > OVERLAP_MIN_WIDTH_M))
    if len(bad) == 0:
        return
    i, j = int(left[bad[0]]), int(right[bad[0]])
    first, other = items[i][0], items[j][0]
    assert isinstance(first, Draft)
    stored_other = isinstance(other, Area)
    raise InvalidInput(
        _("Area %(code)s overlaps %(other)s by %(m2).0f m².")
        % {"code": first.code, "other": other.code, "m2": areas[bad[0]]},
        code="overlapping_grids" if level == AreaLevel.GRID else "overlapping_areas",
        index=first.index,
        feature_code=first.code,
        other_code=other.code,
        other_index=None if stored_other else other.index,  # type: ignore[union-attr]
        other_stored=stored_other,
        overlap_m2=round(float(areas[bad[0]]), 1),
    )


class Container:
    """A stored area that others must lie within, buffered by the tolerance, in metres."""

    def __init__(self, area: Area, proj: LocalProjection):
        self.area = area
        self.proj = proj
        self.geometry = shapely.from_wkb(bytes(area.boundary))
        self.buffered = proj.to_metres(self.geometry).buffer(CONTAINMENT_TOLERANCE_M)
        shapely.prepare(self.buffered)

    def holds(self, geometry_m: shapely.Geometry) -> bool:
        return bool(self.buffered.contains(geometry_m))


def outside_error(draft_code: str, index: int | None, container: Area | None) -> InvalidInput:
    if container is None or container.level == AreaLevel.DISTRICT:
        message = _("Area %(code)s lies outside the jurisdiction's district boundary.") % {"code": draft_code}
    else:
        message = _("Area %(code)s is not inside its parent %(parent)s.") % {
            "code": draft_code,
            "parent": container.code,
        }
    return InvalidInput(
        message,
        code="outside_jurisdiction",
        index=index,
        feature_code=draft_code,
        container_code=container.code if container else None,
        container_level=container.level if container else None,
    )


def parent_candidates(jurisdiction_id: int, level: str) -> tuple[str | None, list[Area]]:
    """The nearest level above `level` that has areas, and those areas."""
    parent_level = PARENT_LEVEL[level]
    while parent_level is not None:
        areas = list(Area.objects.filter(jurisdiction_id=jurisdiction_id, level=parent_level, active=True))
        if areas:
            return parent_level, areas
        parent_level = PARENT_LEVEL[parent_level]
    return None, []


def assign_parents(drafts: list[Draft], parents: list[Area], *, by_code: bool) -> None:
    """Set each draft's parent: by the declared parent code, or the parent it overlaps most."""
    by_code_map = {a.code: a for a in parents}
    geoms = np.array([shapely.from_wkb(bytes(a.boundary)) for a in parents], dtype=object)
    tree = STRtree(geoms)
    for draft in drafts:
        if by_code:
            draft.parent = by_code_map.get(draft.parent_code or "")
            if draft.parent is None:
                raise InvalidInput(
                    _("Feature %(index)d names a parent %(parent)s that does not exist.")
                    % {"index": draft.index, "parent": draft.parent_code},
                    code="unknown_parent",
                    index=draft.index,
                    feature_code=draft.code,
                    parent_code=draft.parent_code,
                )
            continue
        hits = tree.query(draft.geometry, predicate="intersects")
        if len(hits) == 0:
            raise InvalidInput(
                _("Area %(code)s lies in no area of the level above it.") % {"code": draft.code},
                code="outside_jurisdiction",
                index=draft.index,
                feature_code=draft.code,
                container_level=parents[0].level,
            )
        overlaps = shapely.area(shapely.intersection(geoms[hits], draft.geometry))
        draft.parent = parents[int(hits[int(np.argmax(overlaps))])]
