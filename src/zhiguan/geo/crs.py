"""Coordinate conversions between WGS-84 (GPS), GCJ-02 (Amap, Tencent, phone maps) and BD-09 (Baidu).

GCJ-02 is WGS-84 plus a published, deterministic offset (a few hundred metres in Hangzhou) applied
inside mainland China only; BD-09 is a further rotation/offset of GCJ-02. Everything the platform
stores is WGS-84; conversions happen at the edges (import, locate, map output).

Every function accepts Python floats or numpy arrays (vectorised: bulk imports and benchmarks use
arrays of a million points) and returns the same kind it was given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import shapely
from django.utils.translation import gettext_lazy as _

from zhiguan.errors import InvalidInput

WGS84 = "wgs84"
GCJ02 = "gcj02"
BD09 = "bd09"
CRS_CHOICES = (WGS84, GCJ02, BD09)

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
# Mean Earth radius (IUGG) for haversine distances.
EARTH_RADIUS_M = 6371008.8

# Stop the iterative inverses once a step moves less than this (≈ 0.01 mm).
_TOLERANCE_DEG = 1e-10
_MAX_ITERATIONS = 30

Coord = TypeVar("Coord", float, np.ndarray)


def check_crs(crs: str) -> str:
    """The CRS name, or InvalidInput(code="unknown_crs")."""
    if crs not in CRS_CHOICES:
        raise InvalidInput(
            _("Unknown coordinate system; use wgs84, gcj02 or bd09."),
            code="unknown_crs",
            crs=crs,
            allowed=list(CRS_CHOICES),
        )
    return crs


def _as_arrays(lng: Any, lat: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    scalar = np.ndim(lng) == 0 and np.ndim(lat) == 0
    return np.asarray(lng, dtype=np.float64), np.asarray(lat, dtype=np.float64), scalar


def _out(lng: np.ndarray, lat: np.ndarray, scalar: bool) -> tuple[Any, Any]:
    if scalar:
        return float(lng), float(lat)
    return lng, lat


def out_of_china(lng: Any, lat: Any) -> Any:
    """True where the GCJ-02 offset is not applied (the rectangle used by the standard algorithm)."""
    lng, lat = np.asarray(lng), np.asarray(lat)
    return (lng < 72.004) | (lng > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lng: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (degrees) at WGS-84 (lng, lat); zero outside China."""
    x = lng - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x + common
    dlng += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlng += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlng = (dlng * 180.0) / (_A / sqrt_magic * np.cos(radlat) * np.pi)
    outside = out_of_china(lng, lat)
    return np.where(outside, 0.0, dlng), np.where(outside, 0.0, dlat)


def _wgs_to_gcj(lng: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlng, dlat = _offset(lng, lat)
    return lng + dlng, lat + dlat


def _gcj_to_wgs(lng: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # The offset varies slowly (its derivative is ~1e-3), so the fixed-point iteration
    # w ← w - (gcj(w) - g) gains two to three digits per step; the one-step "g - offset(g)"
    # approximation used by many libraries is only good to a metre or two.
    w_lng, w_lat = lng.copy(), lat.copy()
    for _step in range(_MAX_ITERATIONS):
        g_lng, g_lat = _wgs_to_gcj(w_lng, w_lat)
        d_lng, d_lat = g_lng - lng, g_lat - lat
        w_lng -= d_lng
        w_lat -= d_lat
        if np.all(np.abs(d_lng) < _TOLERANCE_DEG) and np.all(np.abs(d_lat) < _TOLERANCE_DEG):
            break
    return w_lng, w_lat


def _gcj_to_bd(lng: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sqrt(lng * lng + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lng) + 0.000003 * np.cos(lng * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd_to_gcj(lng: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Start from Baidu's published approximate inverse, then refine like the GCJ-02 inverse.
    x, y = lng - 0.0065, lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    g_lng, g_lat = z * np.cos(theta), z * np.sin(theta)
    for _step in range(_MAX_ITERATIONS):
        b_lng, b_lat = _gcj_to_bd(g_lng, g_lat)
        d_lng, d_lat = b_lng - lng, b_lat - lat
        g_lng = g_lng - d_lng
        g_lat = g_lat - d_lat
        if np.all(np.abs(d_lng) < _TOLERANCE_DEG) and np.all(np.abs(d_lat) < _TOLERANCE_DEG):
            break
    return g_lng, g_lat


def to_wgs84(lng: Any, lat: Any, crs: str) -> tuple[Any, Any]:
    """(lng, lat) given in `crs`, converted to WGS-84. Floats in, floats out; arrays in, arrays out."""
    check_crs(crs)
    x, y, scalar = _as_arrays(lng, lat)
    if crs == GCJ02:
        x, y = _gcj_to_wgs(x, y)
    elif crs == BD09:
        x, y = _gcj_to_wgs(*_bd_to_gcj(x, y))
    return _out(x, y, scalar)


def from_wgs84(lng: Any, lat: Any, crs: str) -> tuple[Any, Any]:
    """WGS-84 (lng, lat) converted to `crs`. Floats in, floats out; arrays in, arrays out."""
    check_crs(crs)
    x, y, scalar = _as_arrays(lng, lat)
    if crs == GCJ02:
        x, y = _wgs_to_gcj(x, y)
    elif crs == BD09:
        x, y = _gcj_to_bd(*_wgs_to_gcj(x, y))
    return _out(x, y, scalar)


def convert(lng: Any, lat: Any, *, src: str, dst: str) -> tuple[Any, Any]:
    """(lng, lat) from `src` to `dst`, through WGS-84."""
    check_crs(dst)
    if src == dst:
        check_crs(src)
        return lng, lat
    x, y = to_wgs84(lng, lat, src)
    return from_wgs84(x, y, dst)


G = TypeVar("G", bound=shapely.Geometry)


def _coords_fn(src: str, dst: str) -> Callable[[np.ndarray], np.ndarray]:
    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = convert(coords[:, 0], coords[:, 1], src=src, dst=dst)
        return np.column_stack([x, y])

    return fn


def transform_geometry(geometry: G, *, src: str, dst: str) -> G:
    """A shapely geometry (or array of geometries) with every vertex converted from `src` to `dst`.

    Vertices shared by neighbouring polygons convert identically, so a tessellation stays one.
    """
    check_crs(src)
    check_crs(dst)
    if src == dst:
        return geometry
    return shapely.transform(geometry, _coords_fn(src, dst))


def haversine_m(lng1: Any, lat1: Any, lng2: Any, lat2: Any) -> Any:
    """Great-circle distance in metres (vectorised)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lng2) - np.asarray(lng1))
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h))
