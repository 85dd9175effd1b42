"""Properties of the counting rules that must hold for every start, amount and office-hours table."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from zhiguan.workdays.calendar import TZ, WorkCalendar

CAL = WorkCalendar()
SPLIT_DAY = WorkCalendar(office_hours=[("07:00", "09:15"), ("10:00", "10:45"), ("19:00", "24:00")])
CALENDARS = st.sampled_from([CAL, SPLIT_DAY])

starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 6, 30), timezones=st.just(TZ))
days = st.integers(min_value=1, max_value=60)
minutes = st.integers(min_value=1, max_value=60 * 200)

fast = settings(max_examples=150, deadline=None)


@fast
@given(cal=CALENDARS, a=starts, b=starts, n=days)
def test_a_later_start_never_gives_an_earlier_deadline(cal, a, b, n):
    a, b = sorted((a, b))
    assert cal.add_working_days(a, n).at <= cal.add_working_days(b, n).at
    assert cal.add_working_hours(a, n).at <= cal.add_working_hours(b, n).at


@fast
@given(cal=CALENDARS, s=starts, n=days)
def test_more_days_give_a_later_deadline(cal, s, n):
    assert cal.add_working_days(s, n).at < cal.add_working_days(s, n + 1).at


@fast
@given(cal=CALENDARS, s=starts, a=days, b=days)
def test_adding_working_days_twice_is_adding_their_sum(cal, s, a, b):
    once = cal.add_working_days(s, a + b).at
    assert cal.add_working_days(cal.add_working_days(s, a).at, b).at == once


@fast
@given(cal=CALENDARS, s=starts, a=minutes, b=minutes)
def test_adding_working_hours_twice_is_adding_their_sum(cal, s, a, b):
    first = cal.add_working_hours(s, timedelta(minutes=a)).at
    assert (
        cal.add_working_hours(first, timedelta(minutes=b)).at
        == cal.add_working_hours(s, timedelta(minutes=a + b)).at
    )


@fast
@given(cal=CALENDARS, s=starts, n=days, probe=st.integers(min_value=0, max_value=120 * 86400))
def test_working_days_between_is_the_exact_inverse_of_adding(cal, s, n, probe):
    due = cal.add_working_days(s, n).at
    assert cal.working_days_between(s, due) == n
    assert cal.working_days_between(s, due - timedelta(microseconds=1)) == n - 1
    b = s + timedelta(seconds=probe)
    assert (cal.working_days_between(s, b) >= n) == (due <= b)


@fast
@given(cal=CALENDARS, s=starts, m=minutes, probe=st.integers(min_value=0, max_value=120 * 86400))
def test_working_time_between_is_the_exact_inverse_of_adding(cal, s, m, probe):
    amount = timedelta(minutes=m)
    due = cal.add_working_hours(s, amount).at
    assert cal.working_time_between(s, due) == amount
    b = s + timedelta(seconds=probe)
    assert (cal.working_time_between(s, b) >= amount) == (due <= b)


@fast
@given(cal=CALENDARS, s=starts, n=days, m=minutes)
def test_deadlines_fall_on_working_days_inside_office_hours(cal, s, n, m):
    for deadline in (cal.add_working_days(s, n), cal.add_working_hours(s, timedelta(minutes=m))):
        assert deadline.at > s
        assert cal.is_office_time(deadline.at)
        # A close at 24:00 is the next day's 00:00; the working day is the one that just ended.
        assert cal.is_working_day((deadline.at - timedelta(microseconds=1)).date())


@fast
@given(
    s=st.datetimes(min_value=datetime(2028, 1, 1), max_value=datetime(2034, 12, 1), timezones=st.just(TZ)),
    n=days,
)
def test_years_without_a_table_count_monday_to_friday_and_say_so(s, n):
    day, counted = s.date(), 0
    while counted < n:
        day += timedelta(days=1)
        counted += day.weekday() < 5
    deadline = CAL.add_working_days(s, n)
    assert deadline.at.date() == day
    assert [w.year for w in deadline.warnings] == list(range(s.year, day.year + 1))


@fast
@given(
    s=st.datetimes(min_value=datetime(2026, 6, 1), max_value=datetime(2027, 1, 31), timezones=st.just(TZ)),
    n=days,
)
def test_the_missing_year_warning_appears_exactly_when_the_span_reaches_2027(s, n):
    deadline = CAL.add_working_days(s, n)
    assert bool(deadline.warnings) == (deadline.at.year >= 2027)
