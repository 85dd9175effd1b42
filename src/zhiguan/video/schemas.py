from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from zhiguan.schemas import InputSchema, Moment


class VisibleCameraOut(Schema):
    """A camera that can see the point asked about."""

    id: int
    code: str
    name: str
    lng: float
    lat: float
    distance_m: float  # from the point to the camera
    bearing: float  # where the camera stands seen from the point, ° clockwise from north
    direction: float  # where the camera looks, ° clockwise from north
    fov: float
    range_m: float
    ptz: bool
    kind: str
    online: bool
    last_heartbeat_at: datetime | None
    stream_url: str | None  # only for who may see streams (registry.manage, video.view_stream)


class HeartbeatIn(InputSchema):
    code: str = Field(..., max_length=32)
    at: Moment | None = None


class HeartbeatsIn(InputSchema):
    beats: list[HeartbeatIn] = Field(..., max_length=5000)


class HeartbeatsOut(Schema):
    accepted: int
    unknown: list[str]
    came_online: int


class FeatureOut(Schema):
    type: str
    geometry: dict[str, Any]
    properties: dict[str, Any]


class StreamOut(Schema):
    id: int
    code: str
    name: str
    stream_url: str | None
