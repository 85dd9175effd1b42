from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from zhiguan.schemas import Code, Id, InputSchema

# Numbers are not bounded here on purpose: the service rejects them with the stable code
# `invalid_profile`, which a client can act on, rather than a generic validation error.


class ProfileOut(Schema):
    id: int
    code: str
    name: str
    accept_hours: float
    handle_days: int
    callback_days: int
    urgent_accept_hours: float
    urgent_handle_days: int
    # When set, the handling limit in working hours (replaces handle_days / urgent_handle_days).
    handle_hours: float | None
    urgent_handle_hours: float | None
    filing_condition: str
    closing_condition: str
    source: str
    active: bool


class ProfileIn(InputSchema):
    code: str = Field(max_length=32)
    name: str = Field(max_length=64)
    accept_hours: float
    handle_days: int
    callback_days: int
    urgent_accept_hours: float | None = None
    urgent_handle_days: int | None = None
    handle_hours: float | None = None
    urgent_handle_hours: float | None = None
    filing_condition: str = Field("", max_length=2000)
    closing_condition: str = Field("", max_length=2000)
    source: str = Field("", max_length=255)


class ProfilePatch(InputSchema):
    """Only the fields sent are changed; null clears an hour limit (back to working days)."""

    name: str | None = Field(None, max_length=64)
    accept_hours: float | None = None
    handle_days: int | None = None
    callback_days: int | None = None
    urgent_accept_hours: float | None = None
    urgent_handle_days: int | None = None
    handle_hours: float | None = None
    urgent_handle_hours: float | None = None
    filing_condition: str | None = Field(None, max_length=2000)
    closing_condition: str | None = Field(None, max_length=2000)
    source: str | None = Field(None, max_length=255)
    active: bool | None = None


class CategoryOut(Schema):
    id: int
    parent_id: int | None
    level: int
    code: str
    name: str
    path_name: str
    pinyin_initials: str
    pinyin_words: str
    scheme: str
    priority: str
    default_lead_department_id: int | None
    deadline_profile_id: int | None
    sort_order: int
    retired: bool
    retired_at: datetime | None


class DepartmentRef(Schema):
    id: int
    code: str
    name: str


class CategoryDetail(CategoryOut):
    effective_profile: ProfileOut | None
    effective_lead_department: DepartmentRef | None


class CategoryNode(Schema):
    id: int
    code: str
    name: str
    level: int
    retired: bool
    children: list[CategoryNode]


class SearchHit(Schema):
    id: int
    parent_id: int | None
    level: int
    code: str
    name: str
    path_name: str
    pinyin_initials: str
    pinyin_words: str
    pinyin_full: str
    # One entry per character of the name: its syllable, or the character itself ("" for punctuation).
    pinyin_syllables: list[str]
    scheme: str
    is_leaf: bool


class CategoryIn(InputSchema):
    name: str = Field(max_length=64)
    parent_id: Id | None = None
    code: str | None = Field(None, max_length=32)
    default_lead_department_id: Id | None = None
    priority: Code = "normal"
    deadline_profile_id: Id | None = None
    sort_order: int | None = None


class CategoryPatch(InputSchema):
    """Only the fields sent are changed; null clears the lead department or the profile."""

    name: str | None = Field(None, max_length=64)
    parent_id: Id | None = None
    default_lead_department_id: Id | None = None
    priority: Code | None = None
    deadline_profile_id: Id | None = None
    sort_order: int | None = None


class ReasonIn(InputSchema):
    reason: str = Field("", max_length=255)


class ImportOut(Schema):
    rows: int
    level1: int
    level2: int
    level3: int
    existing: int
    skipped_retired: int
    unmatched_lead_codes: int
