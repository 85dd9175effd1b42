from datetime import datetime, time
from typing import Annotated, Any

from ninja import Field, Schema

from zhiguan.schemas import Clock, Code, Id, InputSchema, Moment, ParamsSchema

DESCRIPTION_MAX = 5000


class ReporterIn(InputSchema):
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=18)


class CaseIn(InputSchema):
    request_type: Code
    channel: Code
    # May be left out when a component is named: the case is then of the component's type.
    category_id: Id | None = None
    description: str = Field(min_length=1, max_length=DESCRIPTION_MAX)
    reporters: list[ReporterIn] = Field(min_length=1, max_length=20)
    lng: float | None = None
    lat: float | None = None
    crs: Code = "wgs84"
    address: str = Field("", max_length=255)
    external_ref: str = Field("", max_length=64)
    urgency: Code = "normal"
    attachment_ids: list[Id] = Field(default_factory=list, max_length=20)
    # The city component (城市部件) the case is about: its id or its code (docs/decisions/074).
    component: Id | Annotated[str, Field(max_length=32)] | None = None


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
    # Who verifies it on site (assigned by grid duty or by the dispatcher); None: nobody yet.
    verifier_id: int | None = None
    verifier_name: str | None = None
    reporters: list[ReporterOut]
    tasks: list[TaskOut]
    deadlines: list[CaseDeadlineOut]
    allowed_actions: list[str]
    # The city component (城市部件) the case is about (docs/decisions/074).
    component: "ComponentBriefOut | None" = None


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
    published: bool = False


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


class CaseRevealIn(InputSchema):
    reason: str = Field(min_length=1, max_length=255)


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class AreaCountOut(Schema):
    area_id: int
    code: str
    name: str
    count: int
    yellow: int
    red: int


class StatusCountOut(Schema):
    status: str
    count: int


class CategoryCountOut(Schema):
    category_id: int
    name: str
    count: int
    yellow: int
    red: int


class DryRunIn(InputSchema):
    category_id: Id
    request_type: Code = "complaint"
    channel: Code = "hotline"
    urgency: Code = "normal"
    description: str = Field("", max_length=DESCRIPTION_MAX)
    lng: float | None = None
    lat: float | None = None
    crs: Code = "wgs84"
    # Instead of a point: a street, community or grid the case would lie in.
    area_id: Id | None = None
    at: Moment | None = None
    # A case about this city component (its point when no point is given).
    component: Id | Annotated[str, Field(max_length=32)] | None = None


class RuleIn(InputSchema):
    name: str = Field(min_length=1, max_length=128)
    position: int = 100
    category_id: Id | None = None
    area_id: Id | None = None
    request_types: list[Code] = Field(default_factory=list, max_length=20)
    channels: list[Code] = Field(default_factory=list, max_length=20)
    urgencies: list[Code] = Field(default_factory=list, max_length=20)
    keywords: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=100)
    polygon: dict[str, Any] | None = None
    day_kind: str = Field("", max_length=12)
    office_time: str = Field("", max_length=4)
    time_from: Clock | None = None
    time_to: Clock | None = None
    # "department" (lead_department_id leads) or "component_owner" (the component's 权属单位 leads,
    # optionally only the owners in owner_ids; a case without a component falls through).
    target: Code = "department"
    owner_ids: list[Id] = Field(default_factory=list, max_length=50)
    lead_department_id: Id | None = None
    co_handler_ids: list[Id] = Field(default_factory=list, max_length=20)
    deadline_profile_id: Id | None = None
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
    target: str
    owner_ids: list[int]
    lead_department_id: int | None
    co_handler_ids: list[int]
    deadline_profile_id: int | None
    created_at: datetime


class RuleTrialOut(Schema):
    """A rule a dry run tried: the conditions that held and the first that did not (null: it matched)."""

    rule_key: int
    rule_version: int
    name: str
    position: int
    lead_department_name: str
    held: list[str]
    failed: str | None


class RouteOut(Schema):
    """Where a case would go (a dry run): the lead, the rule, why, and the rules tried on the way."""

    lead_department_id: int | None
    lead_department_name: str | None
    co_handler_ids: list[int]
    rule_id: int | None
    rule_key: int | None
    rule_version: int | None
    reason: str
    street_id: int | None
    community_id: int | None
    grid_id: int | None
    trials: list[RuleTrialOut]


class RuleOrderIn(InputSchema):
    keys: list[Annotated[int, Field(ge=1)]] = Field(max_length=1000)


class RuleRetireIn(InputSchema):
    reason: str = Field("", max_length=255)


class SuggestionParams(ParamsSchema):
    # The case numbers (repeated: ?number=A&number=B); more than queries.SUGGESTIONS_MAX is refused.
    number: list[Annotated[str, Field(max_length=32)]] = Field(min_length=1, max_length=1000)


class RouteSuggestionOut(Schema):
    """Where the routing rules would send a case now: the dispatch queue's suggestion column."""

    number: str
    lead_department_id: int | None
    lead_department_name: str | None
    rule_key: int | None
    rule_name: str | None
    reason: str


class StageDueOut(Schema):
    """A stage deadline a dispatch would set: when, how much working time, and how it was counted."""

    due_at: datetime
    # "working_hours" or "working_days": which of the two amounts below is set.
    rule: str
    working_hours: float | None
    working_days: int | None
    explanation: str
    warnings: list[dict[str, Any]]


class DispatchPreviewOut(Schema):
    lead_department_id: int | None
    lead_department_name: str | None
    rule_key: int | None
    rule_name: str | None
    reason: str
    urgency: str
    # None when the profile has no acceptance stage (consultations).
    accept: StageDueOut | None
    handle: StageDueOut


# ---- cases about a city component (docs/decisions/074) -----------------------------------------


class ComponentBriefOut(Schema):
    id: int
    code: str
    name: str
    type_name: str
    owner_id: int
    owner_name: str
    state: str
    state_label: str
    retired: bool
    lng: float | None
    lat: float | None


class ComponentChangeIn(InputSchema):
    # Its id or its code; null clears it.
    component: Id | Annotated[str, Field(max_length=32)] | None = None
    note: str = Field("", max_length=500)


class ComponentCaseOut(Schema):
    number: str
    status: str
    status_label: str
    category_name: str
    lead_department_name: str | None
    description: str
    created_at: datetime
    closed_at: datetime | None
    # The citizen's verdict at callback (满意/基本满意/不满意…), empty before.
    callback_result: str


class ComponentHistoryOut(Schema):
    component: ComponentBriefOut
    # Cases in the last `days` days, and whether that is a recurring problem (≥ min_cases).
    recent: int
    recurring: bool
    days: int
    min_cases: int
    items: list[ComponentCaseOut]


class RecurringParams(ParamsSchema):
    days: int = Field(90, ge=1, le=3660)
    min_cases: int = Field(3, ge=1, le=10000)


class RecurringComponentOut(Schema):
    component: ComponentBriefOut
    count: int
    open_count: int
    last_case_number: str
    last_case_at: datetime
    last_case_status: str


CaseOut.model_rebuild()
