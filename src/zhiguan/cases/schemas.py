from datetime import date, datetime, time
from typing import Any

from ninja import Field, Schema


class ReporterIn(Schema):
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=18)


class CaseIn(Schema):
    request_type: str
    channel: str
    category_id: int
    description: str = Field(min_length=1, max_length=5000)
    reporters: list[ReporterIn] = Field(min_length=1, max_length=20)
    lng: float | None = None
    lat: float | None = None
    crs: str = "wgs84"
    address: str = Field("", max_length=255)
    external_ref: str = Field("", max_length=64)
    urgency: str = "normal"
    attachment_ids: list[int] = []


class ReporterOut(Schema):
    name: str
    phone: str
    id_number: str


class TaskOut(Schema):
    department_id: int
    department_name: str
    role: str
    status: str
    accept_due: datetime | None
    handle_due: datetime | None
    accepted_at: datetime | None
    replied_at: datetime | None
    reply: str
    accept_late: bool
    reply_late: bool


class CaseDeadlineOut(Schema):
    stage: str
    started_at: datetime
    due_at: datetime
    explanation: str
    warnings: list[dict[str, Any]]
    active: bool
    paused_at: datetime | None
    completed_at: datetime | None
    met: bool | None


class CaseSummaryOut(Schema):
    number: str
    status: str
    version: int
    request_type: str
    channel: str
    urgency: str
    warning_level: str
    category_id: int
    category_name: str
    lead_department_id: int | None
    lead_department_name: str | None
    street_id: int | None
    grid_id: int | None
    address: str
    description: str
    created_at: datetime
    lng: float | None
    lat: float | None
    # The earliest running stage deadline; None when no clock runs (and in the full case view,
    # which lists every deadline instead).
    next_due_at: datetime | None = None


class CaseOut(CaseSummaryOut):
    external_ref: str
    community_id: int | None
    h3_r9: str
    routing_rule_id: int | None
    routing_rule_version: int | None
    routing_reason: str
    callback_result: str
    merged_into: str | None
    return_count: int
    rework_count: int
    reopen_count: int
    extension_count: int
    extension_days: int
    closed_at: datetime | None
    reporters: list[ReporterOut]
    tasks: list[TaskOut]
    deadlines: list[CaseDeadlineOut]
    allowed_actions: list[str]


class CasePage(Schema):
    items: list[CaseSummaryOut]
    total: int
    # True when `total` is the database's estimate (more than queries.EXACT_COUNT_LIMIT matches).
    count_is_estimate: bool = False
    next_cursor: str | None


class EventAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class EventOut(Schema):
    seq: int
    at: datetime
    actor: str
    role: str
    action: str
    from_status: str
    to_status: str
    note: str
    payload: dict[str, Any]
    attachment_ids: list[int]
    attachments: list[EventAttachmentOut]


class CaseRevealIn(Schema):
    reason: str = Field(min_length=1, max_length=255)


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class CaseListFilter(Schema):
    status: list[str] | None = None
    warning_level: str | None = None
    department_id: int | None = None
    category_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None
    grid_id: int | None = None
    channel: str | None = None
    request_type: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    q: str | None = Field(None, max_length=100)


class DryRunIn(Schema):
    category_id: int
    request_type: str = "complaint"
    channel: str = "hotline"
    urgency: str = "normal"
    description: str = ""
    lng: float | None = None
    lat: float | None = None
    crs: str = "wgs84"
    at: datetime | None = None


class RouteOut(Schema):
    lead_department_id: int | None
    lead_department_name: str | None
    co_handler_ids: list[int]
    rule_id: int | None
    rule_key: int | None
    rule_version: int | None
    reason: str


class RuleIn(Schema):
    name: str = Field(min_length=1, max_length=128)
    position: int = 100
    category_id: int | None = None
    area_id: int | None = None
    request_types: list[str] = []
    channels: list[str] = []
    urgencies: list[str] = []
    keywords: list[str] = []
    polygon: dict[str, Any] | None = None
    day_kind: str = ""
    office_time: str = ""
    time_from: time | None = None
    time_to: time | None = None
    lead_department_id: int
    co_handler_ids: list[int] = []
    deadline_profile_id: int | None = None
    retired: bool = False


class RuleOut(Schema):
    id: int
    key: int
    version: int
    current: bool
    retired: bool
    position: int
    name: str
    category_id: int | None
    area_id: int | None
    request_types: list[str]
    channels: list[str]
    urgencies: list[str]
    keywords: list[str]
    polygon: dict[str, Any] | None
    day_kind: str
    office_time: str
    time_from: time | None
    time_to: time | None
    lead_department_id: int
    co_handler_ids: list[int]
    deadline_profile_id: int | None


class NoticeIn(Schema):
    department_id: int
    case_numbers: list[str] = Field(min_length=1, max_length=100)
    level: str
    text: str = Field(min_length=1, max_length=2000)
    due_at: datetime | None = None
    working_days: int | None = None


class NoticeAnswerIn(Schema):
    text: str = Field(min_length=1, max_length=2000)


class NoticeOut(Schema):
    id: int
    department_id: int
    department_name: str
    case_numbers: list[str]
    level: str
    text: str
    issued_by: str
    issued_at: datetime
    due_at: datetime
    due_explanation: str
    answer: str
    answered_at: datetime | None
    answered_late: bool
    overdue: bool


class NoticeFilterIn(Schema):
    department_id: int | None = None
    level: str | None = None
    open: bool | None = None
    overdue: bool | None = None
    case_number: str | None = Field(None, max_length=32)


class BoardRowOut(Schema):
    department_id: int
    department_name: str
    yellow: int
    red: int
    open_notices: int
    overdue_notices: int


class FollowIn(Schema):
    number: str = Field(min_length=1, max_length=32)
    phone_last4: str = Field(pattern=r"^\d{4}$")


class PublicStepOut(Schema):
    at: datetime
    action: str
    status: str


class PublicCaseOut(Schema):
    number: str
    status: str
    request_type: str
    category_name: str
    created_at: datetime
    closed_at: datetime | None
    timeline: list[PublicStepOut]
    reply: str
    callback_result: str
    can_rate: bool


class RatingIn(Schema):
    result: str
    comment: str = Field("", max_length=500)
    number: str | None = Field(None, max_length=32)
    phone_last4: str | None = Field(None, pattern=r"^\d{4}$")
    token: str | None = Field(None, max_length=512)


class RatingOut(Schema):
    number: str
    status: str
    callback_result: str


class CallbackLinkOut(Schema):
    token: str
