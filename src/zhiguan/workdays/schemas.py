from datetime import date, datetime

from ninja import Field, Schema

from zhiguan.schemas import InputSchema


class PeriodSchema(Schema):
    start: str = Field(examples=["08:30"])
    end: str = Field(examples=["12:00"])


class PeriodIn(InputSchema):
    start: str = Field(max_length=8, examples=["08:30"])
    end: str = Field(max_length=8, examples=["12:00"])


class StatusOut(Schema):
    known_years: list[int]
    library_years: list[int]
    declared_years: list[int]
    checked_years: list[int]
    missing_years: list[int]
    office_hours: list[PeriodSchema]
    time_zone: str


class SkippedOut(Schema):
    date: date
    kind: str
    name: str


class WarningOut(Schema):
    code: str
    message: str
    year: int


class DeadlineOut(Schema):
    at: datetime
    explanation: str
    skipped: list[SkippedOut]
    warnings: list[WarningOut]


class BetweenOut(Schema):
    working_seconds: int
    working_hours: float
    working_days: int
    warnings: list[WarningOut]


class OverrideIn(InputSchema):
    kind: str = Field(max_length=16, examples=["holiday"])
    name: str = Field("", max_length=64)
    note: str = Field("", max_length=255)


class OverrideOut(Schema):
    date: date
    kind: str
    name: str
    note: str


class YearIn(InputSchema):
    note: str = Field("", max_length=255)


class YearOut(Schema):
    year: int
    note: str


class OfficeHoursIn(InputSchema):
    periods: list[PeriodIn] = Field(max_length=8)


class OfficeHoursOut(Schema):
    periods: list[PeriodSchema]
