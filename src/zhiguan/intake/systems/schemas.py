from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from zhiguan.schemas import Id, InputSchema, ParamsSchema

TheirField = Annotated[str, Field(max_length=128)]
OurCode = Annotated[str, Field(max_length=32)]


class SystemMappingIn(InputSchema):
    """Their field → ours, their category code → our category code, their status → ours."""

    fields: dict[TheirField, OurCode] = Field(default_factory=dict, max_length=64)
    categories: dict[TheirField, OurCode] = Field(default_factory=dict, max_length=2000)
    statuses: dict[TheirField, OurCode] = Field(default_factory=dict, max_length=64)
    request_type: str = Field("report", max_length=16)
    crs: str = Field("wgs84", max_length=8)
    urgent_values: list[TheirField] = Field(default_factory=list, max_length=16)


class SystemIn(InputSchema):
    code: str = Field(..., min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(..., min_length=1, max_length=64)
    kind: str = Field(..., max_length=16)
    callback_url: str = Field("", max_length=512)
    enabled: bool = True
    mapping: SystemMappingIn
    acting_user_id: Id | None = None


class CallbackCountsOut(Schema):
    pending: int = 0
    delivered: int = 0
    dead: int = 0


class SystemOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    callback_url: str
    enabled: bool
    mapping: dict[str, Any]
    inbound_url: str
    status_url: str
    acting_user_id: int | None = None
    acting_user_name: str = ""
    callbacks: CallbackCountsOut
    updated_at: datetime


class SystemSecretsOut(Schema):
    system: SystemOut
    inbound_secret: str  # shown once: only now, and after a rotation
    callback_secret: str


class CallbackParams(ParamsSchema):
    state: str | None = Field(None, max_length=16)
    system_id: Id | None = None
    before_id: Id | None = None
    limit: int = Field(50, ge=1, le=200)


class CallbackOut(Schema):
    id: int
    system_code: str
    system_name: str
    case_number: str
    idempotency_key: str
    status: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    last_http_status: int | None
    created_at: datetime
    delivered_at: datetime | None
    dead_at: datetime | None
    replays: int


class SystemChoiceOut(Schema):
    value: str
    label: str


class SystemOptionsOut(Schema):
    kinds: list[SystemChoiceOut]
    targets: list[str]
    required_targets: list[str]
    statuses: list[SystemChoiceOut]
    request_types: list[SystemChoiceOut]
    max_attempts: int


class InboundOut(Schema):
    case_number: str
    created: bool
    status: str


class InboundStatusOut(Schema):
    id: int
    system_code: str
    case_number: str
    their_status: str
    our_status: str
    action: str
    note: str
    outcome: str
    outcome_label: str
    detail: str
    from_status: str
    status: str  # the case's status after the update
    received_at: datetime


class InboundStatusParams(ParamsSchema):
    system_id: Id | None = None
    outcome: str | None = Field(None, max_length=16)
    limit: int = Field(50, ge=1, le=200)
