"""Cameras in the cases' small district (tests/cases: 330114, departments CGJ, HBJ …)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.cases.conftest import INSIDE, World, build_world
from zhiguan.geo.shapes import METRES_PER_DEGREE
from zhiguan.registries.spec import RowContext
from zhiguan.video import coverage, registry
from zhiguan.video.models import Camera, VideoDevice

CAMERA_CODE = "33011400081326{:06d}"
DEVICE_CODE = "33011400081186{:06d}"


def near(east_m: float, north_m: float, at: tuple[float, float] = INSIDE) -> tuple[float, float]:
    k_lng = METRES_PER_DEGREE * math.cos(math.radians(at[1]))
    return at[0] + east_m / k_lng, at[1] + north_m / METRES_PER_DEGREE


@pytest.fixture
def world(jurisdiction: Any) -> World:
    coverage.forget()
    return build_world(jurisdiction)


def ctx(actor: Any) -> RowContext:
    return RowContext(actor=actor, jurisdiction_id=actor.jurisdiction.pk, crs="wgs84", line=0)


def add_device(actor: Any, serial: int, owner: str = "CGJ", **row: Any) -> VideoDevice:
    row = {"code": DEVICE_CODE.format(serial), "name": f"NVR-{serial}", "owner": owner, **row}
    c = ctx(actor)
    assert registry.validate_device(row, c) == []
    return VideoDevice.objects.create(
        jurisdiction_id=actor.jurisdiction.pk, **registry.prepare_device(row, c)
    )


def add_camera(actor: Any, serial: int, east: float, north: float, **row: Any) -> Camera:
    """A camera through the spec's checks and preparation, saved by the video service (token bumped)."""
    from zhiguan.video import services

    lng, lat = near(east, north)
    row = {
        "code": CAMERA_CODE.format(serial),
        "name": f"摄像头{serial}",
        "lng": lng,
        "lat": lat,
        "owner": "CGJ",
        **row,
    }
    c = ctx(actor)
    assert registry.validate_camera(row, c) == []
    values = registry.prepare_camera(row, c)
    for key in ("geometry", "min_lng", "min_lat", "max_lng", "max_lat"):
        values.pop(key)
    return services.save_camera(actor=actor, values=values)
