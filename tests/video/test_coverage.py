"""The view sector and "which cameras see this point" (pure, no database)."""

from __future__ import annotations

import math

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiguan.geo.shapes import METRES_PER_DEGREE
from zhiguan.video.coverage import CameraIndex, sector

LNG, LAT = 120.33, 30.30


def offset(metres_east: float, metres_north: float) -> tuple[float, float]:
    k_lng = METRES_PER_DEGREE * math.cos(math.radians(LAT))
    return LNG + metres_east / k_lng, LAT + metres_north / METRES_PER_DEGREE


def index(*cams: dict) -> CameraIndex:
    defaults = {"direction": 0.0, "fov": 60.0, "range_m": 80.0, "ptz": False}
    rows = [{**defaults, **c} for c in cams]
    return CameraIndex(
        np.arange(1, len(rows) + 1),
        [r["lng"] for r in rows],
        [r["lat"] for r in rows],
        [r["direction"] for r in rows],
        [r["fov"] for r in rows],
        [r["range_m"] for r in rows],
        [r["ptz"] for r in rows],
    )


def test_a_camera_looking_north_sees_in_front_not_behind_nor_beside():
    ix = index({"lng": LNG, "lat": LAT, "direction": 0, "fov": 60, "range_m": 80})
    assert [s.camera_id for s in ix.visible_from(*offset(0, 50))] == [1]  # 50 m ahead
    assert ix.visible_from(*offset(0, -50)) == []  # 50 m behind
    assert ix.visible_from(*offset(50, 10)) == []  # to the east, outside ±30°
    assert [s.camera_id for s in ix.visible_from(*offset(20, 50))] == [1]  # 22° off the axis


def test_range_limits_what_is_seen():
    ix = index({"lng": LNG, "lat": LAT, "direction": 90, "fov": 40, "range_m": 100})
    assert ix.visible_from(*offset(99, 0))
    assert ix.visible_from(*offset(101, 0)) == []


def test_a_ptz_dome_sees_all_around_within_range():
    ix = index({"lng": LNG, "lat": LAT, "direction": 0, "fov": 50, "range_m": 60, "ptz": True})
    for east, north in ((0, -50), (50, 0), (-40, -30), (0, 59)):
        assert ix.visible_from(*offset(east, north)), (east, north)
    assert ix.visible_from(*offset(0, -61)) == []


def test_direction_wraps_through_north():
    ix = index({"lng": LNG, "lat": LAT, "direction": 350, "fov": 50})
    assert ix.visible_from(*offset(10, 50))  # bearing ≈ 11°, 21° from 350° (half-angle 25°)


def test_nearest_first_with_distance_and_bearing_from_the_point():
    p = offset(0, 0)
    far = {"lng": offset(0, -70)[0], "lat": offset(0, -70)[1], "direction": 0}  # south, looking north
    near = {"lng": offset(30, 0)[0], "lat": offset(30, 0)[1], "direction": 270}  # east, looking west
    ix = index(far, near, {"lng": offset(0, 40)[0], "lat": offset(0, 40)[1], "direction": 0})  # looks away
    seen = ix.visible_from(*p)
    assert [s.camera_id for s in seen] == [2, 1]
    assert abs(seen[0].distance_m - 30) < 0.5 and abs(seen[0].bearing - 90) < 0.5  # the camera is east
    assert abs(seen[1].distance_m - 70) < 0.5 and abs(seen[1].bearing - 180) < 0.5
    assert [s.camera_id for s in ix.visible_from(*p, limit=1)] == [2]


def test_sector_polygon_agrees_with_the_index():
    poly = sector(LNG, LAT, 45, 60, 80)
    assert poly.is_valid
    assert poly.contains(shapely.Point(*offset(30, 30)))
    assert not poly.contains(shapely.Point(*offset(-30, -30)))
    circle = sector(LNG, LAT, 45, 60, 80, ptz=True)
    assert circle.contains(shapely.Point(*offset(-30, -30)))


@settings(max_examples=60, deadline=None)
@given(
    direction=st.floats(0, 359.9),
    fov=st.floats(10, 170),
    range_m=st.floats(20, 300),
    east=st.floats(-320, 320),
    north=st.floats(-320, 320),
)
def test_index_and_polygon_agree_away_from_the_edges(direction, fov, range_m, east, north):
    dist = math.hypot(east, north)
    off_axis = abs((math.degrees(math.atan2(east, north)) - direction + 180) % 360 - 180)
    if abs(dist - range_m) < 2 or abs(off_axis - fov / 2) < 2 or dist < 2:
        return  # on an edge: the polygon's arc is a chord approximation
    p = offset(east, north)
    seen = bool(
        index({"lng": LNG, "lat": LAT, "direction": direction, "fov": fov, "range_m": range_m}).visible_from(
            *p
        )
    )
    assert seen == sector(LNG, LAT, direction, fov, range_m).contains(shapely.Point(*p))
