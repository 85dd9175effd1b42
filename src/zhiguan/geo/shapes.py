"""Geometry helpers shared by import, lookup and the demo: GeoJSON parsing and metric measures.

Boundaries are stored in degrees (WGS-84); areas, buffers and overlap tolerances are in metres,
computed in a local equirectangular projection. Over a district (≤ 100 km across) its scale
error is below 0.2 %, far inside the tolerances used (1 m², 20 m).
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _

from zhiguan.errors import InvalidInput

METRES_PER_DEGREE = math.pi / 180.0 * 6371008.8
POLYGON_TYPES = ("Polygon", "MultiPolygon")


class LocalProjection:
    """Degrees → metres around a reference point (equirectangular)."""

    def __init__(self, lng0: float, lat0: float):
        self.lng0, self.lat0 = lng0, lat0
        self.k_lat = METRES_PER_DEGREE
        self.k_lng = METRES_PER_DEGREE * math.cos(math.radians(lat0))

    @classmethod
    def around(cls, geometry: shapely.Geometry) -> LocalProjection:
        c = geometry.centroid
        return cls(c.x, c.y)

    def to_metres(self, geometry: Any) -> Any:
        k_lng, k_lat, lng0, lat0 = self.k_lng, self.k_lat, self.lng0, self.lat0
        return shapely.transform(
            geometry, lambda c: np.column_stack([(c[:, 0] - lng0) * k_lng, (c[:, 1] - lat0) * k_lat])
        )


def area_m2(geometry: shapely.Geometry) -> float:
    """Area in square metres of a WGS-84 geometry."""
    return float(LocalProjection.around(geometry).to_metres(geometry).area)


def parse_features(geojson: dict | str) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection (dict or JSON text), or InvalidInput(invalid_geojson)."""
    if isinstance(geojson, str):
        try:
            geojson = json.loads(geojson)
        except ValueError as exc:
            raise InvalidInput(
                _("The GeoJSON text cannot be parsed."), code="invalid_geojson", reason=str(exc)
            ) from exc
    if not isinstance(geojson, dict) or geojson.get("type") != "FeatureCollection":
        raise InvalidInput(_("The GeoJSON must be a FeatureCollection."), code="invalid_geojson")
    features = geojson.get("features")
    if not isinstance(features, list) or not features:
        raise InvalidInput(_("The FeatureCollection has no features."), code="invalid_geojson")
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InvalidInput(
                _("Feature %(index)d is not a GeoJSON Feature.") % {"index": index},
                code="invalid_geojson",
                index=index,
            )
    return features


def feature_polygon(feature: dict[str, Any], *, index: int, code: str) -> shapely.Geometry:
    """The (Multi)Polygon of a feature, checked for validity, or InvalidInput.

    Codes: invalid_geojson (not a polygon, unreadable coordinates), self_intersection,
    invalid_geometry (any other reason shapely gives).
    """
    raw = feature.get("geometry")
    gtype = raw.get("type") if isinstance(raw, dict) else None
    if gtype not in POLYGON_TYPES:
        raise InvalidInput(
            _("Feature %(index)d (%(code)s) is not a Polygon or MultiPolygon.")
            % {"index": index, "code": code},
            code="invalid_geojson",
            index=index,
            feature_code=code,
            geometry_type=gtype,
        )
    try:
        geometry = shapely.geometry.shape(raw)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise InvalidInput(
            _("Feature %(index)d (%(code)s) has unreadable coordinates.") % {"index": index, "code": code},
            code="invalid_geojson",
            index=index,
            feature_code=code,
            reason=str(exc),
        ) from exc
    check_valid(geometry, index=index, code=code)
    return geometry


def check_valid(geometry: shapely.Geometry, *, index: int, code: str) -> None:
    """InvalidInput(self_intersection | invalid_geometry) unless the geometry is a valid, non-empty lng/lat shape."""
    reason = None
    if geometry.is_empty:
        reason = "Empty geometry"
    elif not np.all(np.isfinite(geometry.bounds)):
        reason = "Invalid Coordinate"
    else:
        minx, miny, maxx, maxy = geometry.bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            reason = "Coordinates out of longitude/latitude range"
        elif not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
    if reason is None:
        return
    error_code = "self_intersection" if "self-intersection" in reason.lower() else "invalid_geometry"
    raise InvalidInput(
        _("Feature %(index)d (%(code)s) has an invalid shape: %(reason)s.")
        % {"index": index, "code": code, "reason": reason},
        code=error_code,
        index=index,
        feature_code=code,
        reason=reason,
    )


# Outlines drawn on a map need far fewer points than the stored boundaries: the lookup keeps
# using the full ones. Tolerances in degrees (1e-5° ≈ 1.1 m here), for the zoom each level is
# looked at on a phone: a district whole (≈ 75 m a pixel), streets and communities at district
# to street zoom, grids when zoomed in to a few metres a pixel. Decision 067 has the sizes.
DISPLAY_TOLERANCE_DEG = {"district": 1e-4, "street": 5e-5, "community": 5e-5, "grid": 2e-5}
# Six decimals of a degree ≈ 0.1 m: nothing anyone sees, a third of a float's digits.
DISPLAY_DECIMALS = 6


def rounded(geometry: shapely.Geometry, decimals: int = DISPLAY_DECIMALS) -> shapely.Geometry:
    """The geometry with its coordinates rounded to `decimals` places; unrounded in the rare case
    where rounding would make a valid shape invalid (two vertices a hair apart collapsing)."""
    result = shapely.transform(geometry, lambda c: np.round(c, decimals))
    return result if result.is_valid or not geometry.is_valid else geometry


def for_display(geometry: shapely.Geometry, *, level: str) -> shapely.Geometry:
    """A lighter outline of a stored boundary for drawing (WGS-84 in and out, not rounded).

    Guarantees a valid, non-empty (Multi)Polygon: simplified with the level's tolerance keeping
    its topology (no ring crosses itself or vanishes), else the boundary unchanged.
    """
    tolerance = DISPLAY_TOLERANCE_DEG.get(level)
    if tolerance is None:
        return geometry
    simpler = geometry.simplify(tolerance, preserve_topology=True)
    if simpler.is_empty or not simpler.is_valid or simpler.geom_type not in POLYGON_TYPES:
        return geometry
    return simpler
