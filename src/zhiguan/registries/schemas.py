"""Shapes of the generic registries API (`/api/v1/registries/...`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from zhiguan.schemas import InputSchema, ParamsSchema


class ChoiceOut(Schema):
    value: str
    label: str


class ColumnOut(Schema):
    field: str
    header: str
    kind: str
    required: bool
    max_length: int | None = None
    choices: list[ChoiceOut] | None = None
    help: str = ""
    example: str = ""


class RegistryOut(Schema):
    key: str
    title: str
    geometry: str
    natural_key: list[str]
    columns: list[ColumnOut]
    filters: list[str]
    search_fields: list[str]
    count: int
    can_manage: bool
    last_import_at: datetime | None = None


class RecordOut(Schema):
    id: int
    key: str
    values: dict[str, Any]
    labels: dict[str, str | None]
    lng: float | None = None
    lat: float | None = None
    geometry: dict[str, Any] | None = None
    retired_at: datetime | None = None
    retired_reason: str = ""
    updated_at: datetime | None = None


class RecordPageOut(Schema):
    items: list[RecordOut]
    next: str | None = None


class FieldChangeOut(Schema):
    field: str
    header: str
    before: Any = None
    after: Any = None


class HistoryOut(Schema):
    at: datetime
    by: str | None = None
    kind: str
    source: str
    changes: list[FieldChangeOut]


class RecordIn(InputSchema):
    values: dict[str, Any] = Field(default_factory=dict)
    crs: str = Field("wgs84", max_length=8)


class RetireIn(InputSchema):
    reason: str = Field("", max_length=255)


class ImportParams(ParamsSchema):
    """The form fields that come with an uploaded file."""

    mode: str = Field("partial", max_length=16, description="partial (bad rows refused) or all_or_nothing")
    crs: str = Field("wgs84", max_length=8, description="wgs84, gcj02 or bd09")


class RowProblemOut(Schema):
    line: int
    column: str
    header: str
    code: str
    message: str


class RegistryImportOut(Schema):
    id: str
    registry: str
    file_name: str
    file_format: str
    crs: str
    mode: str
    status: str
    rows: int
    created: int
    updated: int
    unchanged: int
    refused: int
    errors: list[RowProblemOut]
    error_count: int
    report_url: str | None = None
    by: str = ""
    at: datetime
