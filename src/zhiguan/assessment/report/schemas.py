"""The report's request body and response (names prefixed: unique in the OpenAPI)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from zhiguan.schemas import InputSchema


class ReportMonthlyIn(InputSchema):
    month: str = Field(description="The month, YYYY-MM (a month already begun)", max_length=7)


class ReportOut(Schema):
    id: int
    month: str
    scope_label: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    error: str
    total: int | None
    owner_name: str | None
    requested_at: datetime
    finished_at: datetime | None
    seconds: float | None
    pdf_url: str | None
    html_url: str | None
