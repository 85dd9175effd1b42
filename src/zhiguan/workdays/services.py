"""All writes to the working-day calendar, and the one function the case workflow calls for deadlines.

Every write requires "calendar.manage", writes its audit record, and replaces the jurisdiction's
calendar version token so that every app server rebuilds its cached calendar (see queries.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.org.permissions import Actor, require
from zhiguan.workdays.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    LIBRARY_YEARS,
    Deadline,
    format_minutes,
    parse_periods,
)
from zhiguan.workdays.models import CalendarVersion, HolidayOverride, OfficeHours, OverrideKind, YearTable
from zhiguan.workdays.queries import get_calendar

OVERRIDE_FIELDS = ["date", "kind", "name", "note"]


def parse_day(value: date | str, field: str = "date") -> date:
    """A calendar date within the covered years; InvalidInput `invalid_date` otherwise."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None  # type: ignore[assignment]
    if not isinstance(value, date) or not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(
            _("Give a date as YYYY-MM-DD between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="invalid_date",
            field=field,
        )
    return value


def _check_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            _("Give a year between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="invalid_year",
            field="year",
        )
    return year


def _bump(jurisdiction_id: int) -> None:
    CalendarVersion.objects.update_or_create(
        jurisdiction_id=jurisdiction_id, defaults={"token": uuid.uuid4().hex}
    )


@transaction.atomic
def set_override(
    *, actor: Actor, day: date | str, kind: str, name: str = "", note: str = ""
) -> HolidayOverride:
    """Make `day` a holiday or a working day for the actor's jurisdiction (creating or replacing its override).

    Takes effect on every app server at the next deadline computed.
    """
    require(actor, "calendar.manage")
    day = parse_day(day)
    if kind not in OverrideKind.values:
        raise InvalidInput(
            _("The kind is either holiday or workday."),
            code="invalid_kind",
            field="kind",
            allowed=list(OverrideKind.values),
        )
    name, note = name.strip(), note.strip()
    if len(name) > 64 or len(note) > 255:
        raise InvalidInput(
            _("The name or the note is too long."),
            code="too_long",
            field="name" if len(name) > 64 else "note",
        )
    override = (
        HolidayOverride.objects.select_for_update().filter(jurisdiction=actor.jurisdiction, date=day).first()
    )
    before = audit.snapshot(override, OVERRIDE_FIELDS) if override else None
    if override is None:
        override = HolidayOverride(jurisdiction=actor.jurisdiction, date=day)
    override.kind, override.name, override.note = kind, name, note
    override.save()
    _bump(actor.jurisdiction.pk)
    audit.record(
        actor=actor,
        action="calendar.override_set",
        target=override,
        before=before,
        after=audit.snapshot(override, OVERRIDE_FIELDS),
    )
    return override


@transaction.atomic
def remove_override(*, actor: Actor, day: date | str) -> None:
    """Remove the override of `day`, which returns to the library's status (or weekends only). NotFound if none."""
    require(actor, "calendar.manage")
    day = parse_day(day)
    override = (
        HolidayOverride.objects.select_for_update().filter(jurisdiction=actor.jurisdiction, date=day).first()
    )
    if override is None:
        raise NotFound()
    before = audit.snapshot(override, OVERRIDE_FIELDS)
    audit.record(actor=actor, action="calendar.override_removed", target=override, before=before)
    override.delete()
    _bump(actor.jurisdiction.pk)


@transaction.atomic
def declare_year_complete(*, actor: Actor, year: int, note: str = "") -> YearTable:
    """Declare that the overrides now hold the whole holiday table of `year`, ending its weekends-only fallback.

    For a year the library does not know, at least one holiday override must be entered first, so
    that an empty table cannot be declared by mistake. Declaring twice changes nothing.
    """
    require(actor, "calendar.manage")
    _check_year(year)
    existing = YearTable.objects.filter(jurisdiction=actor.jurisdiction, year=year).first()
    if existing is not None:
        return existing
    has_holidays = HolidayOverride.objects.filter(
        jurisdiction=actor.jurisdiction, date__year=year, kind=OverrideKind.HOLIDAY
    ).exists()
    if year not in LIBRARY_YEARS and not has_holidays:
        raise InvalidInput(
            _("Enter the holidays of %(year)d under Holiday overrides before declaring its table complete.")
            % {"year": year},
            code="year_table_empty",
            field="year",
        )
    table = YearTable.objects.create(
        jurisdiction=actor.jurisdiction, year=year, declared_by=actor.user, note=note.strip()[:255]
    )
    _bump(actor.jurisdiction.pk)
    audit.record(
        actor=actor, action="calendar.year_declared", target=table, after={"year": year, "note": table.note}
    )
    return table


@transaction.atomic
def withdraw_year_declaration(*, actor: Actor, year: int) -> None:
    """Withdraw a year's declaration: the year falls back to weekends only (and warns) unless the library knows it."""
    require(actor, "calendar.manage")
    _check_year(year)
    table = YearTable.objects.filter(jurisdiction=actor.jurisdiction, year=year).first()
    if table is None:
        raise NotFound()
    audit.record(actor=actor, action="calendar.year_withdrawn", target=table, before={"year": year})
    table.delete()
    _bump(actor.jurisdiction.pk)


@transaction.atomic
def set_office_hours(*, actor: Actor, periods: Sequence[Sequence[object]]) -> OfficeHours:
    """Set the jurisdiction's office periods ("HH:MM" pairs, ordered, non-overlapping, within 00:00–24:00)."""
    require(actor, "calendar.manage")
    normalised = [[format_minutes(a), format_minutes(b)] for a, b in parse_periods(periods)]
    hours = OfficeHours.objects.select_for_update().filter(jurisdiction=actor.jurisdiction).first()
    before = {"periods": hours.periods} if hours else None
    if hours is None:
        hours = OfficeHours(jurisdiction=actor.jurisdiction)
    hours.periods = normalised
    hours.save()
    _bump(actor.jurisdiction.pk)
    audit.record(
        actor=actor,
        action="calendar.office_hours_set",
        target=hours,
        before=before,
        after={"periods": normalised},
    )
    return hours


def deadline_for(
    *,
    jurisdiction_id: int,
    start: datetime,
    working_days: int | None = None,
    working_hours: float | int | Decimal | timedelta | None = None,
) -> Deadline:
    """The deadline `working_days` working days or `working_hours` office hours after `start` (exactly one).

    Never silent about a missing holiday table: see `Deadline.warnings`.
    """
    if (working_days is None) == (working_hours is None):
        raise InvalidInput(_("Give either working days or working hours."), code="invalid_deadline_spec")
    calendar = get_calendar(jurisdiction_id)
    if working_days is not None:
        return calendar.add_working_days(start, working_days)
    assert working_hours is not None
    return calendar.add_working_hours(start, working_hours)
