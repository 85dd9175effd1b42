"""Table tests with real dates from the State Council's 2026 table (as shipped in chinesecalendar)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from zhiguan.errors import InvalidInput
from zhiguan.workdays.calendar import LIBRARY_YEARS, Override, WorkCalendar

from .conftest import at

CAL = WorkCalendar()


def test_library_table_for_2026_is_the_one_these_tests_assume():
    assert 2026 in LIBRARY_YEARS and 2027 not in LIBRARY_YEARS
    assert not CAL.is_working_day(date(2026, 10, 1)) and not CAL.is_working_day(date(2026, 10, 7))
    assert CAL.is_working_day(date(2026, 10, 10))  # Saturday, adjusted working day
    assert CAL.is_working_day(date(2026, 9, 20))  # Sunday, adjusted working day
    assert not CAL.is_working_day(date(2026, 10, 11))  # ordinary Sunday


@pytest.mark.parametrize(
    ("registered", "n", "due"),
    [
        # National Day 2026: Oct 1–7 off, Sat Oct 10 works, Sun Oct 11 is off.
        ("2026-09-30 10:00", 1, "2026-10-08 17:30"),
        ("2026-09-30 10:00", 2, "2026-10-09 17:30"),
        ("2026-09-30 10:00", 3, "2026-10-10 17:30"),
        ("2026-09-30 10:00", 4, "2026-10-12 17:30"),
        ("2026-09-28 09:00", 10, "2026-10-16 17:30"),
        # Registered on a holiday: counting starts on the first working day after it.
        ("2026-10-03 10:00", 1, "2026-10-08 17:30"),
        ("2026-10-07 23:59", 1, "2026-10-08 17:30"),
        # The day of registration never counts, whatever the hour.
        ("2026-09-29 00:00", 1, "2026-09-30 17:30"),
        ("2026-09-29 17:30", 1, "2026-09-30 17:30"),
        ("2026-09-29 23:00", 1, "2026-09-30 17:30"),
        # Mid-autumn Sep 25–27 off; Sunday Sep 20 works.
        ("2026-09-24 15:00", 1, "2026-09-28 17:30"),
        ("2026-09-18 15:00", 1, "2026-09-20 17:30"),
        # Spring Festival 2026: Feb 15–23 off, Saturdays Feb 14 and Feb 28 work.
        ("2026-02-13 11:00", 1, "2026-02-14 17:30"),
        ("2026-02-13 11:00", 2, "2026-02-24 17:30"),
        ("2026-02-12 11:00", 3, "2026-02-24 17:30"),
        ("2026-02-25 11:00", 3, "2026-02-28 17:30"),
        # An ordinary weekend.
        ("2026-11-27 16:00", 1, "2026-11-30 17:30"),
    ],
)
def test_working_days_follow_the_2026_table(registered, n, due):
    deadline = CAL.add_working_days(at(registered), n)
    assert deadline.at == at(due)
    assert deadline.warnings == []
    assert CAL.working_days_between(at(registered), deadline.at) == n


@pytest.mark.parametrize(
    ("registered", "hours", "due"),
    [
        ("2026-11-27 17:00", 1.5, "2026-11-30 09:30"),
        ("2026-11-27 17:00", 2, "2026-11-30 10:00"),
        (
            "2026-11-27 17:30",
            7.5,
            "2026-11-30 17:30",
        ),  # a whole office day ends at its close, not next morning
        ("2026-11-26 23:00", 1, "2026-11-27 09:30"),
        ("2026-11-26 07:00", 1, "2026-11-26 09:30"),
        ("2026-11-26 11:00", 1, "2026-11-26 12:00"),
        ("2026-11-26 11:30", 1, "2026-11-26 14:00"),
        ("2026-11-26 12:30", 0.5, "2026-11-26 14:00"),
        ("2026-09-30 16:30", 2, "2026-10-08 09:30"),
        ("2026-10-03 10:00", 1, "2026-10-08 09:30"),
        ("2026-10-09 17:00", 1, "2026-10-10 09:00"),  # adjusted working Saturday
    ],
)
def test_working_hours_honour_office_hours_and_holidays(registered, hours, due):
    deadline = CAL.add_working_hours(at(registered), hours)
    assert deadline.at == at(due)
    assert CAL.working_time_between(at(registered), deadline.at) == timedelta(hours=hours)


def test_start_in_another_time_zone_is_read_as_shanghai_time():
    # 15:30 UTC on Sep 29 is 23:30 in Shanghai, still Sep 29.
    assert CAL.add_working_days(datetime(2026, 9, 29, 15, 30, tzinfo=UTC), 1).at == at("2026-09-30 17:30")
    # 16:30 UTC is already Sep 30 00:30 in Shanghai.
    assert CAL.add_working_days(datetime(2026, 9, 29, 16, 30, tzinfo=UTC), 1).at == at("2026-10-08 17:30")


def test_working_days_between_counts_only_days_whose_office_hours_ended():
    start = at("2026-09-30 10:00")
    assert CAL.working_days_between(start, at("2026-10-10 17:29")) == 2
    assert CAL.working_days_between(start, at("2026-10-10 17:30")) == 3
    assert CAL.working_days_between(start, at("2026-09-30 18:00")) == 0
    assert CAL.working_days_between(at("2026-10-10 17:30"), start) == -3


def test_skipped_days_name_the_holidays_and_the_weekends():
    skipped = CAL.add_working_days(at("2026-09-30 10:00"), 4).skipped
    assert [(s.day.isoformat(), s.kind) for s in skipped][:1] == [("2026-10-01", "holiday")]
    for language, name in (("en", "National Day"), ("zh-hans", "国庆节")):
        with translation.override(language):
            again = CAL.add_working_days(at("2026-09-30 10:00"), 4).skipped
            assert {s.name for s in again if s.kind == "holiday"} == {name}
    assert [s.day for s in skipped if s.kind == "weekend"] == [date(2026, 10, 11)]


def test_explanation_names_holidays_adjusted_days_and_closing_time():
    with translation.override("en"):
        text = CAL.add_working_days(at("2026-09-30 10:00"), 3).explanation
    assert text == (
        "Registered on 2026-09-30 (Wed) at 10:00; National Day Oct 1 to Oct 7 off; "
        "Oct 10 (Sat) is an adjusted working day; working day 3 is Oct 10 (Sat), due by 17:30"
    )


def test_explanation_of_working_hours_names_office_hours():
    with translation.override("en"):
        text = CAL.add_working_hours(at("2026-11-27 17:00"), 2).explanation
    assert "08:30–12:00, 13:30–17:30" in text and text.endswith("due Nov 30 (Mon) at 10:00")


@pytest.mark.parametrize(
    ("registered", "n", "years"),
    [
        ("2026-12-21 10:00", 5, []),  # due Dec 28
        ("2026-12-30 10:00", 1, []),  # due Dec 31
        ("2026-12-31 10:00", 1, [2027]),  # Jan 1 2027 counts as a working day: no table says otherwise
        ("2026-12-28 10:00", 5, [2027]),
        ("2027-03-01 10:00", 1, [2027]),
        ("2027-12-30 10:00", 3, [2027, 2028]),
    ],
)
def test_missing_holiday_table_is_announced_on_every_deadline_touching_it(registered, n, years):
    deadline = CAL.add_working_days(at(registered), n)
    assert [w.year for w in deadline.warnings] == years
    assert all(w.code == "holiday_table_missing" for w in deadline.warnings)
    with translation.override("en"):
        for w in deadline.warnings:
            assert str(w.year) in w.message
            assert f"no holiday table for {w.year}" in deadline.explanation
    hours = CAL.add_working_hours(at(registered), 8 * n)
    assert [w.year for w in hours.warnings] == years


def test_weekends_only_fallback_treats_new_year_2027_as_a_working_day():
    assert CAL.add_working_days(at("2026-12-31 10:00"), 1).at == at("2027-01-01 17:30")


def test_declared_year_with_overrides_is_known_and_counts_its_holidays():
    cal = WorkCalendar(overrides=[Override(date(2027, 1, 1), "holiday", "元旦")], declared_years=[2027])
    deadline = cal.add_working_days(at("2026-12-31 10:00"), 1)
    assert deadline.at == at("2027-01-04 17:30") and deadline.warnings == []
    assert cal.missing_years([2026, 2027, 2028]) == [2028]


def test_overrides_replace_the_library_status_of_a_day():
    cal = WorkCalendar(
        overrides=[
            Override(date(2026, 12, 1), "holiday", "Local holiday"),
            Override(date(2026, 10, 11), "workday"),
        ]
    )
    assert cal.add_working_days(at("2026-11-30 10:00"), 1).at == at("2026-12-02 17:30")
    assert cal.add_working_days(at("2026-09-30 10:00"), 4).at == at("2026-10-11 17:30")
    assert [s.name for s in cal.add_working_days(at("2026-11-30 10:00"), 1).skipped] == ["Local holiday"]


def test_custom_office_hours_move_the_closing_time():
    cal = WorkCalendar(office_hours=[("09:00", "12:00"), ("14:00", "18:00")])
    assert cal.add_working_days(at("2026-11-26 10:00"), 1).at == at("2026-11-27 18:00")
    assert cal.add_working_hours(at("2026-11-26 17:00"), 2).at == at("2026-11-27 10:00")


def test_office_hours_may_end_at_midnight():
    cal = WorkCalendar(office_hours=[("00:00", "24:00")])
    deadline = cal.add_working_days(at("2026-11-26 10:00"), 1)
    assert deadline.at == at("2026-11-28 00:00")
    assert cal.working_days_between(at("2026-11-26 10:00"), deadline.at) == 1
    assert cal.add_working_hours(at("2026-11-27 23:00"), 2).at == at("2026-11-30 01:00")
    # 00:00 is 24:00 of the day before: registered then, the Friday is the day of registration.
    assert cal.add_working_days(at("2026-11-28 00:00"), 1).at == at("2026-12-01 00:00")


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: CAL.add_working_days(datetime(2026, 9, 30, 10, 0), 1), "naive_datetime"),
        (lambda: CAL.add_working_days(date(2026, 9, 30), 1), "naive_datetime"),
        (lambda: CAL.add_working_days(at("2026-09-30 10:00"), 0), "invalid_working_days"),
        (lambda: CAL.add_working_days(at("2026-09-30 10:00"), 1.5), "invalid_working_days"),
        (lambda: CAL.add_working_hours(at("2026-09-30 10:00"), 0), "invalid_working_hours"),
        (lambda: CAL.add_working_hours(at("2026-09-30 10:00"), float("nan")), "invalid_working_hours"),
        (lambda: CAL.add_working_hours(at("2026-09-30 10:00"), -1), "invalid_working_hours"),
        (lambda: CAL.add_working_days(at("2003-12-31 10:00"), 1), "date_out_of_range"),
        (lambda: CAL.add_working_days(at("2040-12-20 10:00"), 30), "date_out_of_range"),
        (lambda: CAL.working_time_between(datetime(2026, 9, 30), at("2026-10-01 10:00")), "naive_datetime"),
        (lambda: WorkCalendar(office_hours=[("13:30", "17:30"), ("08:30", "12:00")]), "invalid_office_hours"),
        (lambda: WorkCalendar(office_hours=[("08:30", "12:00"), ("11:00", "17:30")]), "invalid_office_hours"),
        (lambda: WorkCalendar(office_hours=[("08:30", "08:30")]), "invalid_office_hours"),
        (lambda: WorkCalendar(office_hours=[("08:30", "24:30")]), "invalid_office_hours"),
        (lambda: WorkCalendar(office_hours=[("8h", "12:00")]), "invalid_office_hours"),
        (lambda: WorkCalendar(office_hours=[]), "invalid_office_hours"),
    ],
)
def test_bad_input_is_refused_with_a_stable_code(call, code):
    with pytest.raises(InvalidInput) as info:
        call()
    assert info.value.code == code
