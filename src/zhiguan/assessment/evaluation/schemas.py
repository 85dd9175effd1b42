"""Request bodies and responses of the evaluation API (names prefixed: unique in the OpenAPI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from zhiguan.schemas import Id, InputSchema, ParamsSchema

Month = Field(..., pattern=r"^\d{4}-\d{1,2}$", max_length=7, description="YYYY-MM")


class EvaluationIndicatorOut(Schema):
    code: str
    name: str
    kind: str
    duty: str
    numerator: str
    denominator: str | None
    better: str
    exclusions: str
    working_days: str
    unit: str


class EvaluationItem(InputSchema):
    indicator: str = Field(max_length=64)
    weight: float = Field(gt=0, le=100)
    transform: Literal["rate", "complement", "penalty"] = "rate"
    per: float | None = Field(default=None, gt=0, le=100)


class EvaluationGradeIn(InputSchema):
    letter: str = Field(min_length=1, max_length=4)
    floor: float = Field(ge=0, le=100)


class EvaluationSchemeIn(InputSchema):
    valid_from: str = Month
    items: list[EvaluationItem] = Field(min_length=1, max_length=30)
    grades: list[EvaluationGradeIn] | None = Field(default=None, min_length=1, max_length=10)
    min_sample: int = Field(default=5, ge=1, le=10000)
    note: str = Field(default="", max_length=2000)


class EvaluationSchemeOut(Schema):
    version: int
    valid_from: str | None
    items: list[dict[str, Any]]
    grades: list[list[Any]]
    min_sample: int
    note: str
    created_by: str = ""
    created_at: datetime | None = None


class EvaluationSchemesOut(Schema):
    default: EvaluationSchemeOut
    versions: list[EvaluationSchemeOut]


class EvaluationMonthParams(ParamsSchema):
    version: int | None = Field(default=None, ge=1, le=10000)
    live: bool = False


class EvaluationExportParams(EvaluationMonthParams):
    format: Literal["xlsx", "pdf"] = "xlsx"


class EvaluationValue(Schema):
    value: float | None
    num: int
    den: int | None


class EvaluationRow(Schema):
    department_id: int
    department: str
    kind: str
    sample: int
    ranked: bool
    rank: int | None
    score: float
    grade: str
    points: dict[str, float]
    values: dict[str, EvaluationValue]


class EvaluationVersion(Schema):
    version: int
    published_at: datetime
    published_by: str
    reason: str


class EvaluationMonthOut(Schema):
    month: str
    status: Literal["draft", "published"]
    version: int | None
    data_as_of: datetime
    published_at: datetime | None
    published_by: str
    reason: str
    scheme: EvaluationSchemeOut
    rows: list[EvaluationRow]
    roles: dict[str, Any]
    versions: list[EvaluationVersion]


class EvaluationPublishIn(InputSchema):
    reason: str = Field(default="", max_length=2000)


class EvaluationDrillParams(EvaluationMonthParams):
    department_id: Id
    indicator: str = Field(max_length=64)
    part: Literal["numerator", "denominator"] = "numerator"


class EvaluationDrillCase(Schema):
    id: int
    number: str
    category: str
    status: str
    status_label: str
    lead_department: str
    created_at: datetime
    closed_at: datetime | None
    handling_days: float | None
    description: str


class EvaluationDrillOut(Schema):
    indicator: EvaluationIndicatorOut
    part: str
    total: int
    visible: int
    cases: list[EvaluationDrillCase]
