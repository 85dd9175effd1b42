"""/api/v1/workdays: calendar status, dry-run deadlines, overrides, declared years, office hours."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhiguan.org.permissions import require, restrict
from zhiguan.workdays import queries, services
from zhiguan.workdays.calendar import FIRST_YEAR, LAST_YEAR, Deadline
from zhiguan.workdays.models import HolidayOverride, YearTable
from zhiguan.workdays.schemas import (
    BetweenOut,
    DeadlineOut,
    OfficeHoursIn,
    OfficeHoursOut,
    OverrideIn,
    OverrideOut,
    StatusOut,
    YearIn,
    YearOut,
)

router = Router(tags=["workdays"])


def _deadline_out(deadline: Deadline) -> dict:
    return {
        "at": deadline.at,
        "explanation": deadline.explanation,
        "skipped": [{"date": s.day, "kind": s.kind, "name": s.name} for s in deadline.skipped],
        "warnings": [w.as_dict() for w in deadline.warnings],
    }


def _override_out(o: HolidayOverride) -> dict:
    return {"date": o.date, "kind": o.kind, "name": o.name, "note": o.note}


@router.get("/status", response=StatusOut, summary="Known and missing holiday tables, office hours")
def status(request: HttpRequest) -> dict:
    require(request.auth, "calendar.view")
    return queries.calendar_status(request.auth.jurisdiction.pk)


@router.get(
    "/deadline", response=DeadlineOut, summary="Dry run: the deadline N working days or H office hours later"
)
def deadline(
    request: HttpRequest, start: datetime, working_days: int | None = None, working_hours: float | None = None
) -> dict:
    require(request.auth, "calendar.view")
    result = services.deadline_for(
        jurisdiction_id=request.auth.jurisdiction.pk,
        start=start,
        working_days=working_days,
        working_hours=working_hours,
    )
    return _deadline_out(result)


@router.get(
    "/between", response=BetweenOut, summary="Office time and completed working days between two moments"
)
def between(request: HttpRequest, start: datetime, end: datetime) -> dict:
    require(request.auth, "calendar.view")
    calendar = queries.get_calendar(request.auth.jurisdiction.pk)
    office = calendar.working_time_between(start, end)
    return {
        "working_seconds": int(office.total_seconds()),
        "working_hours": office.total_seconds() / 3600,
        "working_days": calendar.working_days_between(start, end),
        "warnings": [w.as_dict() for w in calendar.span_warnings(start, end)],
    }


@router.get("/overrides", response=list[OverrideOut], summary="The jurisdiction's holiday overrides")
def list_overrides(
    request: HttpRequest, year: int | None = Query(None, ge=FIRST_YEAR, le=LAST_YEAR)
) -> list[dict]:
    qs = restrict(request.auth, HolidayOverride.objects.all(), "calendar.manage")
    if year is not None:
        qs = qs.filter(date__year=year)
    return [_override_out(o) for o in qs.order_by("date")]


@router.put("/overrides/{day}", response=OverrideOut, summary="Make a day a holiday or a working day")
def put_override(request: HttpRequest, day: str, payload: OverrideIn) -> dict:
    return _override_out(services.set_override(actor=request.auth, day=day, **payload.dict()))


@router.delete("/overrides/{day}", response={204: None}, summary="Remove a day's override")
def delete_override(request: HttpRequest, day: str) -> Status:
    services.remove_override(actor=request.auth, day=day)
    return Status(204, None)


@router.get("/years", response=list[YearOut], summary="Years whose table an administrator declared complete")
def list_years(request: HttpRequest) -> list[dict]:
    qs = restrict(request.auth, YearTable.objects.all(), "calendar.view")
    return [{"year": t.year, "note": t.note} for t in qs.order_by("year")]


@router.put("/years/{year}", response=YearOut, summary="Declare a year's holiday table complete")
def declare_year(request: HttpRequest, year: int, payload: YearIn) -> dict:
    table = services.declare_year_complete(actor=request.auth, year=year, note=payload.note)
    return {"year": table.year, "note": table.note}


@router.delete("/years/{year}", response={204: None}, summary="Withdraw a year's declaration")
def withdraw_year(request: HttpRequest, year: int) -> Status:
    services.withdraw_year_declaration(actor=request.auth, year=year)
    return Status(204, None)


@router.put("/office-hours", response=OfficeHoursOut, summary="Set the office periods of a working day")
def put_office_hours(request: HttpRequest, payload: OfficeHoursIn) -> dict:
    hours = services.set_office_hours(actor=request.auth, periods=[(p.start, p.end) for p in payload.periods])
    return {"periods": [{"start": a, "end": b} for a, b in hours.periods]}
