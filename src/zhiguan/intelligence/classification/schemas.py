"""Request and response shapes of classification (`/api/v1/classification/`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from zhiguan.schemas import InputSchema


class ClassificationSuggestIn(InputSchema):
    text: str = Field(max_length=4000)


class ScoredCategory(Schema):
    id: int
    code: str
    name: str
    confidence: float


class ScoredDepartment(Schema):
    id: int
    name: str
    confidence: float


class ClassificationSuggestionOut(Schema):
    model_version: int | None
    threshold: float
    confident: bool
    categories: list[ScoredCategory]
    departments: list[ScoredDepartment]


class ClassifierVersionOut(Schema):
    id: int
    version: int
    state: str
    active: bool
    source: str
    summary: dict[str, Any]
    error: str
    created_at: datetime
    finished_at: datetime | None
    activated_at: datetime | None


class ThresholdIn(InputSchema):
    threshold: float = Field(ge=0, le=1)


class ClassifierSettingsOut(Schema):
    threshold: float


class ClassifierMonthOut(Schema):
    """One month of one model version on the cases it saw (`queries.online_performance`)."""

    month: str
    version: int | None
    suggested: int
    confident: int
    agreed_at_intake: int
    right_now: int
    confident_right_now: int
    corrected: int
