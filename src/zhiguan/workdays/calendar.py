"""The working-day calendar of one jurisdiction: pure computation over precomputed day arrays.

No database here. `WorkCalendar(overrides=..., declared_years=..., office_hours=...)` is built
directly by the bench and the property tests; `zhiguan.workdays.queries.get_calendar` loads those
three things from the database and caches the result per jurisdiction.

The counting rules (docs/decisions/010-workdays-deadline-rules.md):

- Working days: Monday to Friday, except the State Council's holidays, plus its adjusted working
  weekends (调休), from `chinese_calendar`; then the jurisdiction's overrides win.
- `add_working_days(start, n)`: the day of registration never counts (民法典 art. 201), whatever the
  hour and whether or not it is a working day; day 1 is the first working day after it; the
  deadline is the end of office hours (17:30 by default) of the Nth working day (art. 203).
- `add_working_hours(start, h)`: office time runs only inside office periods of working days; the
  deadline is the earliest moment by which `h` hours of office time have passed since `start`.
- `working_time_between` / `working_days_between` are the exact inverses:
  `working_days_between(a, b) >= n` iff `add_working_days(a, n).at <= b`, and likewise for hours.
- A year that neither the library nor an administrator has a table for counts weekends only,
  and every deadline whose span touches it carries the warning `holiday_table_missing`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import accumulate
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiguan.errors import InvalidInput

TZ = ZoneInfo("Asia/Shanghai")
# The arrays cover these years; the library starts in 2004, deadlines rarely run far ahead.
FIRST_YEAR = 2004
LAST_YEAR = 2040
_ORD0 = date(FIRST_YEAR, 1, 1).toordinal()
_NDAYS = date(LAST_YEAR, 12, 31).toordinal() - _ORD0 + 1
_US_PER_MIN = 60_000_000
_US_PER_HOUR = 60 * _US_PER_MIN
_MINUTES_PER_DAY = 1440

LIBRARY_YEARS: frozenset[int] = frozenset(d.year for d in chinese_calendar.holidays)
DEFAULT_OFFICE_HOURS: tuple[tuple[int, int], ...] = ((8 * 60 + 30, 12 * 60), (13 * 60 + 30, 17 * 60 + 30))
HOLIDAY, WORKDAY, WEEKEND = "holiday", "workday", "weekend"

# The library names holidays in English; these are the translatable forms shown to people.
LIBRARY_HOLIDAY_NAMES = {
    "New Year's Day": pgettext_lazy("holiday", "New Year's Day"),
    "Spring Festival": pgettext_lazy("holiday", "Spring Festival"),
    "Tomb-sweeping Day": pgettext_lazy("holiday", "Tomb-sweeping Day"),
    "Labour Day": pgettext_lazy("holiday", "Labour Day"),
    "Dragon Boat Festival": pgettext_lazy("holiday", "Dragon Boat Festival"),
    "National Day": pgettext_lazy("holiday", "National Day"),
    "Mid-autumn Festival": pgettext_lazy("holiday", "Mid-autumn Festival"),
    "Anti-Fascist 70th Day": pgettext_lazy("holiday", "Anti-Fascist 70th Day"),
}


@dataclass(frozen=True, slots=True)
class Override:
    """A jurisdiction's own status for one day: `kind` is "holiday" or "workday"."""

    day: date
    kind: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class SkippedDay:
    """A day passed over while counting: `kind` is "holiday" (with its name) or "weekend"."""

    day: date
    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class CalendarWarning:
    code: str
    year: int

    @property
    def message(self) -> str:
        return str(
            _("No holiday table for %(year)d: days in %(year)d are counted with weekends only.")
            % {"year": self.year}
        )

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "year": self.year}


@dataclass(slots=True, eq=False)
class Deadline:
    """When something is due, why, and what was skipped. `explanation` and `skipped` are built on access."""

    at: datetime
    warnings: list[CalendarWarning]
    start: datetime = field(repr=False)
    rule: str = field(repr=False)  # "working_days" | "working_hours"
    amount: int | timedelta = field(repr=False)
    first_index: int = field(repr=False)
    last_index: int = field(repr=False)
    calendar: WorkCalendar = field(repr=False)

    @property
    def skipped(self) -> list[SkippedDay]:
        return self.calendar.days_off(self.first_index, self.last_index)

    @property
    def explanation(self) -> str:
        from zhiguan.workdays.explain import explain

        return explain(self)


def parse_periods(value: Iterable[Sequence[object]]) -> tuple[tuple[int, int], ...]:
    """Office periods as minutes after midnight, validated: ordered, non-overlapping, within 00:00–24:00.

    Accepts pairs of "HH:MM" strings (24:00 allowed as an end) or of minute counts.
    """
    periods: list[tuple[int, int]] = []
    try:
        for pair in value:
            start, end = (_minutes(x) for x in pair)
            periods.append((start, end))
    except (TypeError, ValueError) as exc:
        raise _bad_hours(_("Write each period as a start and an end time, e.g. 08:30 and 12:00.")) from exc
    if not periods or len(periods) > 8:
        raise _bad_hours(_("Give between one and eight office periods."))
    previous_end = 0
    for start, end in periods:
        if not 0 <= start < end <= _MINUTES_PER_DAY:
            raise _bad_hours(_("Each period must start before it ends, within 00:00–24:00."))
        if start < previous_end:
            raise _bad_hours(_("Office periods must be in order and must not overlap."))
        previous_end = end
    return tuple(periods)


def _minutes(x: object) -> int:
    if isinstance(x, bool):
        raise ValueError(x)
    if isinstance(x, int):
        return x
    if not isinstance(x, str):
        raise ValueError(x)
    hours, minutes = x.strip().split(":")
    if len(minutes) != 2 or not (hours.isdigit() and minutes.isdigit()) or int(minutes) > 59:
        raise ValueError(x)
    total = int(hours) * 60 + int(minutes)
    if total > _MINUTES_PER_DAY:
        raise ValueError(x)
    return total


def format_minutes(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def _bad_hours(message: str | Promise) -> InvalidInput:
    return InvalidInput(message, code="invalid_office_hours", field="periods")


def _naive() -> InvalidInput:
    return InvalidInput(
        _("Give a time with its time zone, e.g. 2026-09-30T10:00:00+08:00."),
        code="naive_datetime",
        field="start",
    )


def _out_of_range() -> InvalidInput:
    return InvalidInput(
        _("The calendar covers %(first)d to %(last)d only.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
        code="date_out_of_range",
    )


def day_index(day: date) -> int:
    """Position of `day` in the arrays; InvalidInput `date_out_of_range` outside FIRST_YEAR..LAST_YEAR."""
    i = day.toordinal() - _ORD0
    if not 0 <= i < _NDAYS:
        raise _out_of_range()
    return i


def index_date(i: int) -> date:
    return date.fromordinal(_ORD0 + i)


@cache
def _midnights() -> tuple[datetime, ...]:
    # Asia/Shanghai has had no daylight saving since 1991, so wall-clock arithmetic is exact.
    first = datetime(FIRST_YEAR, 1, 1, tzinfo=TZ)
    return tuple(first + timedelta(days=i) for i in range(_NDAYS))


@cache
def _library_days() -> tuple[bytes, dict[int, str], dict[int, str]]:
    """Working-day flags from the library, with holiday names and the names of adjusted working days."""
    work = bytearray((_ORD0 + i) % 7 not in (6, 0) for i in range(_NDAYS))  # ordinal % 7: 0 Sun, 6 Sat
    holiday_names: dict[int, str] = {}
    lieu_names: dict[int, str] = {}
    for d, holiday in chinese_calendar.holidays.items():
        i = d.toordinal() - _ORD0
        if 0 <= i < _NDAYS:
            work[i] = 0
            holiday_names[i] = str(getattr(holiday, "value", holiday))
    for d, holiday in chinese_calendar.workdays.items():
        i = d.toordinal() - _ORD0
        if 0 <= i < _NDAYS:
            work[i] = 1
            lieu_names[i] = str(getattr(holiday, "value", holiday))
    return bytes(work), holiday_names, lieu_names


def hours_to_us(hours: float | int | Decimal | timedelta) -> int:
    """A positive amount of working time, as whole microseconds; InvalidInput `invalid_working_hours` otherwise."""
    if isinstance(hours, timedelta):
        us = hours // timedelta(microseconds=1)
    elif isinstance(hours, (int, float, Decimal)) and not isinstance(hours, bool):
        try:
            amount = Decimal(str(hours))
        except InvalidOperation:
            amount = Decimal("NaN")
        us = int(amount * _US_PER_HOUR) if amount.is_finite() else 0
    else:
        us = 0
    if us <= 0:
        raise InvalidInput(
            _("Give a positive number of working hours."), code="invalid_working_hours", field="working_hours"
        )
    return us


class WorkCalendar:
    """Working days and office hours of one jurisdiction, from 2004 to 2040, in Asia/Shanghai."""

    def __init__(
        self,
        *,
        overrides: Iterable[Override] = (),
        declared_years: Iterable[int] = (),
        office_hours: Iterable[Sequence[object]] = DEFAULT_OFFICE_HOURS,
    ) -> None:
        self.periods = parse_periods(office_hours)
        base, holiday_names, lieu_names = _library_days()
        work = bytearray(base)
        self._holiday_names = dict(holiday_names)
        self._lieu_names = dict(lieu_names)
        for o in overrides:
            i = day_index(o.day)
            if o.kind == HOLIDAY:
                work[i] = 0
                self._holiday_names[i] = o.name or self._holiday_names.get(i) or self._lieu_names.get(i, "")
                self._lieu_names.pop(i, None)
            elif o.kind == WORKDAY:
                work[i] = 1
                self._lieu_names[i] = o.name or self._lieu_names.get(i) or self._holiday_names.get(i, "")
                self._holiday_names.pop(i, None)
            else:
                raise InvalidInput(_("Unknown override kind."), code="invalid_kind", field="kind")
        self.known_years = frozenset(
            LIBRARY_YEARS | {y for y in declared_years if FIRST_YEAR <= y <= LAST_YEAR}
        )
        self._work = bytes(work)
        self._cum = [0, *accumulate(work)]  # _cum[i]: working days before day i
        self._work_idx = [i for i in range(_NDAYS) if work[i]]
        self._nwork = len(self._work_idx)
        missing = [index_date(i).year not in self.known_years for i in range(_NDAYS)]
        self._missing_cum = [0, *accumulate(missing)]
        self._open_us = [(a * _US_PER_MIN, b * _US_PER_MIN) for a, b in self.periods]
        self._close_us = self._open_us[-1][1]
        self._daily_us = sum(b - a for a, b in self._open_us)
        # With a period ending at 24:00 the close of a day is the next day's 00:00, which then
        # still belongs to the day that closes (keeps add(add(s, a), b) == add(s, a + b)).
        self._closes_at_midnight = self._close_us == _MINUTES_PER_DAY * _US_PER_MIN
        midnights = _midnights()
        self._midnights = midnights
        close = timedelta(microseconds=self._close_us)
        # The deadline of "N working days" is always some working day's close: precompute them all.
        self._close_at = [midnights[i] + close for i in self._work_idx]

    @property
    def working_day(self) -> timedelta:
        """The office time of one working day (to express office time in working days)."""
        return timedelta(microseconds=self._daily_us)

    # -- the adders and their inverses -------------------------------------------------------

    def add_working_days(self, start: datetime, n: int) -> Deadline:
        """The end of office hours of the Nth working day after the day of `start` (n >= 1)."""
        try:
            offset = start.utcoffset()
        except AttributeError:
            raise _naive() from None
        if offset is None:
            raise _naive()
        if type(n) is not int or n < 1:
            raise InvalidInput(
                _("Give a whole number of working days, at least 1."),
                code="invalid_working_days",
                field="working_days",
            )
        local = start.astimezone(TZ)
        i = local.toordinal() - _ORD0
        if self._closes_at_midnight and not (local.hour or local.minute or local.second or local.microsecond):
            i -= 1  # 24:00 of the day before, which is the day this moment closes
        if not 0 <= i < _NDAYS:
            raise _out_of_range()
        k = self._cum[i + 1] + n - 1
        if k >= self._nwork:
            raise _out_of_range()
        end = self._work_idx[k]
        mc = self._missing_cum
        warnings = self._warnings(i, end) if mc[end + 1] != mc[i] else []
        return Deadline(self._close_at[k], warnings, local, "working_days", n, i, end, self)

    def add_working_hours(self, start: datetime, hours: float | int | Decimal | timedelta) -> Deadline:
        """The earliest moment by which `hours` of office time have passed since `start` (hours > 0)."""
        us = hours_to_us(hours)
        i, tod = self._split(start)
        k, rest = divmod(self._office_us(i, tod) + us, self._daily_us)
        if rest == 0:
            # Exactly a whole number of office days: due at the close of the last one, not next morning.
            k -= 1
            rest = self._daily_us
        if k >= self._nwork:
            raise _out_of_range()
        end = self._work_idx[k]
        at = self._midnights[end] + timedelta(microseconds=self._time_at(rest))
        warnings = self._warnings(i, end) if self._missing_cum[end + 1] != self._missing_cum[i] else []
        return Deadline(
            at, warnings, start.astimezone(TZ), "working_hours", timedelta(microseconds=us), i, end, self
        )

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Office time from `a` to `b` (negative when `b` is earlier)."""
        ia, ta = self._split(a)
        ib, tb = self._split(b)
        return timedelta(microseconds=self._office_us(ib, tb) - self._office_us(ia, ta))

    def working_days_between(self, a: datetime, b: datetime) -> int:
        """Working days after the day of `a` whose office hours have ended by `b` (negative when `b` < `a`)."""
        if b < a:
            return -self.working_days_between(b, a)
        ia, ta = self._split(a)
        if self._closes_at_midnight and ta == 0:
            ia -= 1  # as in add_working_days: 00:00 is 24:00 of the day before
        ib, tb = self._split(b)
        if ib <= ia:
            return 0
        closed_today = 1 if self._work[ib] and tb >= self._close_us else 0
        return self._cum[ib] - self._cum[ia + 1] + closed_today

    # -- questions about days ------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        return bool(self._work[day_index(day)])

    def is_office_time(self, moment: datetime) -> bool:
        """True inside an office period of a working day (both ends included)."""
        i, tod = self._split(moment)
        if self._closes_at_midnight and tod == 0 and i > 0 and self._work[i - 1]:
            return True
        return bool(self._work[i]) and any(a <= tod <= b for a, b in self._open_us)

    def missing_years(self, years: Iterable[int]) -> list[int]:
        """Those of `years` that have no holiday table (neither in the library nor declared)."""
        return sorted({y for y in years if y not in self.known_years})

    def span_warnings(self, a: datetime, b: datetime) -> list[CalendarWarning]:
        """The `holiday_table_missing` warnings for a span between two moments, in either order."""
        ia, ib = sorted((self._split(a)[0], self._split(b)[0]))
        return self._warnings(ia, ib)

    def days_off(self, first: int, last: int) -> list[SkippedDay]:
        """Non-working days between two day indices (inclusive), holidays with their names."""
        out = []
        for i in range(first, last + 1):
            if not self._work[i]:
                name = self._holiday_names.get(i)
                if name is None:
                    out.append(SkippedDay(index_date(i), WEEKEND, ""))
                else:
                    out.append(SkippedDay(index_date(i), HOLIDAY, str(LIBRARY_HOLIDAY_NAMES.get(name, name))))
        return out

    def adjusted_working_days(self, first: int, last: int) -> list[tuple[date, str]]:
        """Weekend days between two indices (inclusive) that are working days (调休), with the holiday's name."""
        out = []
        for i in range(first, last + 1):
            d = index_date(i)
            if self._work[i] and d.weekday() >= 5:
                name = self._lieu_names.get(i, "")
                out.append((d, str(LIBRARY_HOLIDAY_NAMES.get(name, name))))
        return out

    def missing_years_between(self, first: int, last: int) -> list[int]:
        return self.missing_years(range(index_date(first).year, index_date(last).year + 1))

    @property
    def office_hours(self) -> list[tuple[str, str]]:
        return [(format_minutes(a), format_minutes(b)) for a, b in self.periods]

    # -- internals -----------------------------------------------------------------------------

    def _split(self, moment: datetime) -> tuple[int, int]:
        """(day index, microseconds since local midnight) of an aware moment."""
        try:
            offset = moment.utcoffset()
        except AttributeError:
            raise _naive() from None
        if offset is None:
            raise _naive()
        local = moment.astimezone(TZ)
        i = local.toordinal() - _ORD0
        if not 0 <= i < _NDAYS:
            raise _out_of_range()
        tod = ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond
        return i, tod

    def _office_us(self, i: int, tod: int) -> int:
        """Office time from the start of the arrays to (day i, time of day tod)."""
        total = self._cum[i] * self._daily_us
        if self._work[i]:
            for a, b in self._open_us:
                if tod <= a:
                    break
                total += min(tod, b) - a
        return total

    def _time_at(self, rest: int) -> int:
        """The earliest time of day by which `rest` (0 < rest <= daily office time) has passed."""
        done = 0
        for a, b in self._open_us:
            if rest <= done + (b - a):
                return a + rest - done
            done += b - a
        raise AssertionError("rest exceeds a day's office time")

    def _warnings(self, first: int, last: int) -> list[CalendarWarning]:
        return [CalendarWarning("holiday_table_missing", y) for y in self.missing_years_between(first, last)]
