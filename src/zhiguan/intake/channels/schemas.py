"""The machine channels' request and answer shapes (every input a strict InputSchema/ParamsSchema)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from zhiguan.schemas import InputSchema, Moment, ParamsSchema

# What a telephony system calls a call, a camera analytics system an event, a sensor an alarm.
ExternalId = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")


class CallEventIn(InputSchema):
    """One event of the hotline bridge: a call started or ended at an agent's extension."""

    event: Literal["started", "ended"]
    call_id: str = ExternalId
    line: str = Field(
        min_length=1, max_length=32, description="the line dialled: 12345 or a department hotline"
    )
    caller: str = Field(min_length=3, max_length=20, pattern=r"^\+?[0-9\-]+$")
    agent_extension: str = Field("", max_length=16)
    recording_ref: str = Field("", max_length=255)
    at: Moment | None = None


class CallOut(Schema):
    call_id: str
    line: str
    caller: str
    agent_extension: str
    recording_ref: str
    state: str
    started_at: datetime
    ended_at: datetime | None
    created: bool = False


class CurrentCallParams(ParamsSchema):
    extension: str = Field(min_length=1, max_length=16)


class CallLinkIn(InputSchema):
    number: str = Field(min_length=1, max_length=32)


class HistoryParams(ParamsSchema):
    limit: int = Field(20, ge=1, le=100)


class CallerCaseOut(Schema):
    number: str
    request_type: str
    channel: str
    status: str
    category_name: str
    description: str
    created_at: datetime
    closed_at: datetime | None
    callback_result: str


class CallerHistoryOut(Schema):
    phone: str
    total: int
    open: int
    dissatisfied: int
    calls: int
    last_call_at: datetime | None
    cases: list[CallerCaseOut]


class VideoEventIn(ParamsSchema):
    """A camera analytics or drone event (multipart form; the snapshot file as `snapshot`)."""

    event_id: str = ExternalId
    event_type: str = Field(min_length=1, max_length=64)
    occurred_at: Moment
    camera_code: str = Field("", max_length=20, description="GB/T 28181 code of a registered camera")
    drone_id: str = Field("", max_length=64)
    flight_id: str = Field("", max_length=64)
    lng: float | None = Field(None, ge=-180, le=180, description="WGS-84; drone events only")
    lat: float | None = Field(None, ge=-90, le=90)
    description: str = Field("", max_length=2000)
    snapshot_url: str = Field("", max_length=500, pattern=r"^(https?://\S+)?$")


class RegisteredOut(Schema):
    number: str
    status: str
    created: bool


class AlarmIn(InputSchema):
    """A sensor or smart-module alarm; the same `alarm_id` again updates or clears it."""

    alarm_id: str = ExternalId
    device_id: str = Field(min_length=1, max_length=64)
    alarm_type: str = Field(min_length=1, max_length=64)
    level: int = Field(ge=1, le=4, description="1 most severe … 4; levels 1-2 make urgent cases")
    occurred_at: Moment
    state: Literal["active", "cleared"] = "active"
    lng: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    component: str | None = Field(None, max_length=32, description="the city component the device is on")
    description: str = Field("", max_length=2000)


class AlarmOut(Schema):
    number: str
    alarm_id: str
    state: str
    created: bool


class OriginOut(Schema):
    number: str
    channel: str
    external_ref: str
    kind: str
    event_type: str = ""
    camera_code: str = ""
    camera_name: str = ""
    drone_id: str = ""
    flight_id: str = ""
    device_id: str = ""
    alarm_type: str = ""
    alarm_state: str = ""
    line: str = ""
    call_id: str = ""
    recording_ref: str = ""


class MappingIn(InputSchema):
    source: Literal["video", "drone", "alarm"]
    event_type: str = Field(min_length=1, max_length=64)
    category_id: int | None = Field(None, ge=1, le=2**63 - 1, description="null: back to the default")


class MappingOut(Schema):
    source: str
    event_type: str
    category_id: int | None
    category_name: str
    configured: bool


class OptOutOut(Schema):
    id: int
    channel: str
    address: str  # masked
    created_at: datetime


class OptOutIn(InputSchema):
    phone: str = Field(..., min_length=1, max_length=32)
    note: str = Field("", max_length=255)


class OptOutParams(ParamsSchema):
    channel: Literal["sms", "wechat"] | None = None
    number: str | None = Field(None, max_length=32)
    limit: int = Field(100, ge=1, le=500)
