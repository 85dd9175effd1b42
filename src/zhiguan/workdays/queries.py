"""Reading a jurisdiction's calendar: the database-backed loader, its in-process cache, the status page.

Cache invalidation: every calendar write (services.py) replaces the jurisdiction's
`CalendarVersion.token` with a new random value in the same transaction. `get_calendar` reads
that one row by its unique key (one indexed query, well under a millisecond) and rebuilds only when
the token differs from the cached copy's, so an edit made on any app server is seen by every other
server at its next call, with no shared cache and no expiry delay. Rows written around the
services (raw SQL, bulk updates) are not seen until the next service write.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from zhiguan.audit.middleware import current_request
from zhiguan.workdays.calendar import LIBRARY_YEARS, Override, WorkCalendar
from zhiguan.workdays.models import CalendarVersion, HolidayOverride, OfficeHours, YearTable

_cache: dict[int, tuple[str, WorkCalendar]] = {}
_lock = threading.Lock()
# Within one HTTP request the token is read once per jurisdiction: (request id, {jurisdiction: calendar}).
_checked = threading.local()


def _token(jurisdiction_id: int) -> str:
    token = (
        CalendarVersion.objects.filter(jurisdiction_id=jurisdiction_id)
        .values_list("token", flat=True)
        .first()
    )
    return token or ""


def load_calendar(jurisdiction_id: int) -> WorkCalendar:
    """Build a jurisdiction's calendar from the library and its rows, bypassing the cache."""
    overrides = [
        Override(day=o["date"], kind=o["kind"], name=o["name"])
        for o in HolidayOverride.objects.filter(jurisdiction_id=jurisdiction_id).values(
            "date", "kind", "name"
        )
    ]
    years = YearTable.objects.filter(jurisdiction_id=jurisdiction_id).values_list("year", flat=True)
    hours = (
        OfficeHours.objects.filter(jurisdiction_id=jurisdiction_id).values_list("periods", flat=True).first()
    )
    kwargs: dict[str, Any] = {"overrides": overrides, "declared_years": list(years)}
    if hours:
        kwargs["office_hours"] = hours
    return WorkCalendar(**kwargs)


def get_calendar(jurisdiction_id: int) -> WorkCalendar:
    """The jurisdiction's calendar, rebuilt only when a write has changed its version token.

    The token is read at most once per jurisdiction and HTTP request (a request sees one calendar
    from start to end); outside a request, on every call.
    """
    ctx = current_request.get()
    if ctx is None:
        return _current_calendar(jurisdiction_id)
    seen: tuple[str, dict[int, WorkCalendar]] | None = getattr(_checked, "seen", None)
    if seen is None or seen[0] != ctx.request_id:
        seen = _checked.seen = (ctx.request_id, {})
    calendar = seen[1].get(jurisdiction_id)
    if calendar is None:
        calendar = seen[1][jurisdiction_id] = _current_calendar(jurisdiction_id)
    return calendar


@receiver(post_save, sender=CalendarVersion, dispatch_uid="workdays.calendar_changed_in_request")
def _forget_in_request(sender: Any, instance: CalendarVersion, **kwargs: Any) -> None:
    # A calendar write in this request: its next read sees the new version (read-your-writes).
    seen = getattr(_checked, "seen", None)
    if seen is not None:
        seen[1].pop(instance.jurisdiction_id, None)


def _current_calendar(jurisdiction_id: int) -> WorkCalendar:
    token = _token(jurisdiction_id)
    hit = _cache.get(jurisdiction_id)
    if hit is not None and hit[0] == token:
        return hit[1]
    with _lock:
        hit = _cache.get(jurisdiction_id)
        if hit is not None and hit[0] == token:
            return hit[1]
        # Read after the token: a write landing in between only causes one extra rebuild later.
        calendar = load_calendar(jurisdiction_id)
        _cache[jurisdiction_id] = (token, calendar)
        return calendar


def clear_cache() -> None:
    _cache.clear()
    _checked.__dict__.clear()


def missing_years(jurisdiction_id: int, years: Iterable[int]) -> list[int]:
    """Those of `years` whose holiday table is missing for this jurisdiction (weekends-only fallback)."""
    return get_calendar(jurisdiction_id).missing_years(years)


def actionable_years() -> list[int]:
    """The years an administrator must have a table for now: this one and the next."""
    year = timezone.localdate().year
    return [year, year + 1]


def calendar_status(jurisdiction_id: int) -> dict[str, Any]:
    """What the admin page shows: known and missing years, declared years, office hours."""
    calendar = get_calendar(jurisdiction_id)
    years = actionable_years()
    declared = sorted(
        YearTable.objects.filter(jurisdiction_id=jurisdiction_id).values_list("year", flat=True)
    )
    return {
        "known_years": sorted(calendar.known_years),
        "library_years": sorted(LIBRARY_YEARS),
        "declared_years": declared,
        "checked_years": years,
        "missing_years": calendar.missing_years(years),
        "office_hours": [{"start": a, "end": b} for a, b in calendar.office_hours],
        "time_zone": "Asia/Shanghai",
    }
