"""What a camera sees: its sector polygon, and the cameras that can see a point (decision 073).

A camera at a point looking `direction` degrees clockwise from north with a field of view of `fov`
degrees sees the sector of radius `range_m` between direction ± fov/2; a PTZ dome turns, so it sees
the whole disk. Geometry is computed in a local metric projection around the camera
(`geo.shapes.LocalProjection`: equirectangular, exact to centimetres over a few hundred metres).

"Which cameras can see this point" is answered from an in-memory index per jurisdiction (numpy
arrays of positions and optics), rebuilt when the `cameras` registry's change token changes
(`registries.versions`: every camera write bumps it; heartbeats do not — online state is read live
from the database for the few cameras found).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from zhiguan.geo.shapes import METRES_PER_DEGREE

REGISTRY = "cameras"
_ARC_STEP_DEG = 5.0


def sector_metres(direction: float, fov: float, range_m: float, ptz: bool = False) -> shapely.Polygon:
    """The sector in metres around the camera at (0, 0), y to the north, x to the east."""
    r = max(float(range_m), 0.1)
    if ptz or fov >= 360:
        return shapely.Point(0, 0).buffer(r, quad_segs=18)
    half = max(float(fov), 0.1) / 2
    steps = max(2, math.ceil(2 * half / _ARC_STEP_DEG))
    angles = np.radians(np.linspace(direction - half, direction + half, steps + 1))
    arc = np.column_stack([r * np.sin(angles), r * np.cos(angles)])
    return shapely.Polygon([(0.0, 0.0), *arc.tolist()])


def sector(
    lng: float, lat: float, direction: float, fov: float, range_m: float, ptz: bool = False
) -> shapely.Polygon:
    """The sector as a WGS-84 polygon (lng, lat)."""
    k_lat = METRES_PER_DEGREE
    k_lng = METRES_PER_DEGREE * math.cos(math.radians(lat))
    local = sector_metres(direction, fov, range_m, ptz)
    return shapely.transform(local, lambda c: np.column_stack([lng + c[:, 0] / k_lng, lat + c[:, 1] / k_lat]))


def sector_wkb(
    lng: float, lat: float, direction: float, fov: float, range_m: float, ptz: bool = False
) -> tuple[bytes, tuple[float, float, float, float]]:
    poly = sector(lng, lat, direction, fov, range_m, ptz)
    min_lng, min_lat, max_lng, max_lat = (float(v) for v in poly.bounds)
    return shapely.to_wkb(poly), (min_lng, min_lat, max_lng, max_lat)


def angle_diff(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """The smallest absolute difference of two azimuths in degrees (0–180)."""
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


@dataclass(frozen=True)
class Seen:
    camera_id: int
    distance_m: float
    bearing: float  # azimuth from the point to the camera, ° clockwise from north


class CameraIndex:
    """Positions and optics of a jurisdiction's active cameras, as arrays."""

    def __init__(
        self,
        ids: np.ndarray,
        lng: np.ndarray,
        lat: np.ndarray,
        direction: np.ndarray,
        fov: np.ndarray,
        range_m: np.ndarray,
        ptz: np.ndarray,
    ):
        self.ids = np.asarray(ids, dtype=np.int64)
        self.lng = np.asarray(lng, dtype=float)
        self.lat = np.asarray(lat, dtype=float)
        self.direction = np.asarray(direction, dtype=float)
        self.half_fov = np.asarray(fov, dtype=float) / 2
        self.range_m = np.asarray(range_m, dtype=float)
        self.all_round = np.asarray(ptz, dtype=bool) | (self.half_fov >= 180)
        self.max_range = float(self.range_m.max()) if len(self.ids) else 0.0

    def __len__(self) -> int:
        return len(self.ids)

    def visible_from(self, lng: float, lat: float, limit: int | None = None) -> list[Seen]:
        """Cameras that see (lng, lat): within range and inside the sector (any way for PTZ), nearest first."""
        if not len(self.ids):
            return []
        k_lat = METRES_PER_DEGREE
        k_lng = METRES_PER_DEGREE * math.cos(math.radians(lat))
        # Box prefilter on the widest range, then the exact range and angle tests on the few left.
        dlng, dlat = self.max_range / k_lng, self.max_range / k_lat
        near = np.flatnonzero((np.abs(self.lng - lng) <= dlng) & (np.abs(self.lat - lat) <= dlat))
        if not len(near):
            return []
        ex = (lng - self.lng[near]) * k_lng  # camera → point, metres east
        ey = (lat - self.lat[near]) * k_lat  # metres north
        dist = np.hypot(ex, ey)
        to_point = np.degrees(np.arctan2(ex, ey)) % 360.0
        inside = (dist <= self.range_m[near]) & (
            self.all_round[near]
            | (dist < 0.5)
            | (angle_diff(to_point, self.direction[near]) <= self.half_fov[near])
        )
        keep = np.flatnonzero(inside)
        keep = keep[np.argsort(dist[keep], kind="stable")]
        if limit is not None:
            keep = keep[:limit]
        return [
            Seen(
                int(self.ids[near[i]]),
                round(float(dist[i]), 1),
                round(float((to_point[i] + 180.0) % 360.0), 1),
            )
            for i in keep
        ]


_lock = threading.Lock()
_INDEXES: dict[int, tuple[str, CameraIndex]] = {}


def build_index(jurisdiction_id: int) -> CameraIndex:
    from zhiguan.video.models import Camera

    rows = list(
        Camera.objects.filter(jurisdiction_id=jurisdiction_id, retired_at__isnull=True, lng__isnull=False)
        .order_by("pk")
        .values_list("pk", "lng", "lat", "direction", "fov", "range_m", "ptz")
    )
    cols: list[Any] = list(zip(*rows, strict=True)) if rows else [()] * 7
    return CameraIndex(*(np.array(c) for c in cols))


def _token(jurisdiction_id: int) -> str:
    """`registries.versions.current_token` in one plain statement: it is read on every question."""
    from django.db import connection

    from zhiguan.registries.models import RegistryVersion

    table = RegistryVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT token FROM {table} WHERE jurisdiction_id = %s AND registry = %s",
            [jurisdiction_id, REGISTRY],
        )
        row = cursor.fetchone()
    return row[0] if row else ""


def index_for(jurisdiction_id: int) -> CameraIndex:
    """The jurisdiction's index, rebuilt when the `cameras` change token moved."""
    token = _token(jurisdiction_id)
    cached = _INDEXES.get(jurisdiction_id)
    if cached is not None and cached[0] == token:
        return cached[1]
    with _lock:
        index = build_index(jurisdiction_id)
        _INDEXES[jurisdiction_id] = (token, index)
    return index


def forget() -> None:
    """Drop every cached index (tests)."""
    _INDEXES.clear()
