"""The sentence that tells a person how a deadline was reached, in the active language.

Built only when `Deadline.explanation` is read, so that computing deadlines stays fast. Each
clause is one translatable format string; the Chinese catalogue reorders the placeholders, e.g.
"{names} {first} to {last} off" → "{names} {first}至{last} 放假".
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from zhiguan.workdays.calendar import HOLIDAY, SkippedDay

if TYPE_CHECKING:
    from zhiguan.workdays.calendar import Deadline

WEEKDAYS = [
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def weekday(d: date) -> str:
    return str(WEEKDAYS[d.weekday()])


def month_day(d: date) -> str:
    # English "Oct 1"; the Chinese catalogue uses {month} instead: "10月1日".
    # xgettext:no-python-brace-format
    return pgettext("month and day", "{month_name} {day}").format(
        month=d.month, month_name=MONTHS[d.month - 1], day=d.day
    )


def _holiday_blocks(days: list[SkippedDay]) -> list[tuple[list[str], date, date]]:
    """Consecutive holidays as (names in order, first day, last day)."""
    blocks: list[tuple[list[str], date, date]] = []
    for s in days:
        if s.kind != HOLIDAY:
            continue
        if blocks and (s.day - blocks[-1][2]).days == 1:
            names, first, _last = blocks[-1]
            blocks[-1] = (names, first, s.day)
        else:
            blocks.append(([], s.day, s.day))
        if s.name and s.name not in blocks[-1][0]:
            blocks[-1][0].append(s.name)
    return blocks


def explain(deadline: Deadline) -> str:
    """E.g. "Registered on 2026-09-30 (Wed); National Day Oct 1 to Oct 7 off; ...; due by 17:30"."""
    cal = deadline.calendar
    start = deadline.start
    parts = [
        _("Registered on {date} ({weekday}) at {time}").format(
            date=start.date().isoformat(), weekday=weekday(start.date()), time=start.strftime("%H:%M")
        )
    ]
    separator = pgettext("list of names", ", ")
    for names, first, last in _holiday_blocks(deadline.skipped):
        label = separator.join(names) or _("Holiday")
        if first == last:
            parts.append(_("{names} {day} off").format(names=label, day=month_day(first)))
        else:
            parts.append(
                _("{names} {first} to {last} off").format(
                    names=label, first=month_day(first), last=month_day(last)
                )
            )
    for d, _name in cal.adjusted_working_days(deadline.first_index, deadline.last_index):
        parts.append(
            _("{day} ({weekday}) is an adjusted working day").format(day=month_day(d), weekday=weekday(d))
        )
    for year in cal.missing_years_between(deadline.first_index, deadline.last_index):
        parts.append(_("no holiday table for {year}, counted with weekends only").format(year=year))
    at = deadline.at
    if deadline.rule == "working_days":
        parts.append(
            _("working day {n} is {day} ({weekday}), due by {time}").format(
                n=deadline.amount,
                day=month_day(at.date()),
                weekday=weekday(at.date()),
                time=at.strftime("%H:%M"),
            )
        )
    else:
        hours = (
            deadline.amount.total_seconds() / 3600
            if not isinstance(deadline.amount, int)
            else deadline.amount
        )
        periods = pgettext("list of names", ", ").join(f"{a}–{b}" for a, b in cal.office_hours)
        parts.append(
            _("{hours} working hours within office hours {periods}, due {day} ({weekday}) at {time}").format(
                hours=f"{hours:g}",
                periods=periods,
                day=month_day(at.date()),
                weekday=weekday(at.date()),
                time=at.strftime("%H:%M"),
            )
        )
    return pgettext("clause separator", "; ").join(parts)
