"""Request and response shapes of supervision; `NoticeFilter` is also what `queries.notices` takes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from zhiguan.schemas import Code, Id, InputSchema, Moment, ParamsSchema


class NoticeIn(InputSchema):
    department_id: Id
    case_numbers: list[Annotated[str, Field(max_length=32)]] = Field(min_length=1, max_length=100)
    level: Code
    text: str = Field(min_length=1, max_length=2000)
    due_at: Moment | None = None
    working_days: int | None = None


class NoticeAnswerIn(InputSchema):
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


class NoticeFilter(ParamsSchema):
    """Which notices: every field narrows the list. Open: not answered; overdue: open and past due."""

    department_id: int | None = None
    level: str | None = Field(None, max_length=16)
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


class EscalationOut(Schema):
    case_number: str
    case_status: str
    stage: str
    department_id: int | None
    department_name: str | None
    leader_name: str | None
    due_at: datetime
    escalated_at: datetime
