"""Handling limits in working hours (the 数字城管 handling standards, decision 060)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiguan.cases import deadlines
from zhiguan.cases.models import Case
from zhiguan.cases.models.work import Stage
from zhiguan.taxonomy.services import create_category, create_profile, update_profile
from zhiguan.workdays.calendar import TZ
from zhiguan.workdays.queries import get_calendar


def _profile(system, **hours):
    return create_profile(
        actor=system,
        code=f"P{len(hours)}{'-'.join(str(v) for v in hours.values())}",
        name="井盖",
        accept_hours=1,
        handle_days=3,
        callback_days=1,
        urgent_accept_hours=0.5,
        urgent_handle_days=1,
        **hours,
    )


def _case(system, profile, urgency="normal"):
    cat = create_category(actor=system, name=f"井盖{profile.code}{urgency}", deadline_profile_id=profile.pk)
    return Case(jurisdiction=system.jurisdiction, category=cat, urgency=urgency)


@pytest.mark.parametrize(
    ("now", "hours", "urgent_hours", "urgency", "due"),
    [
        # Monday 2026-03-02 09:00 + 6 office hours: 3 h to noon, 3 h from 13:30.
        (datetime(2026, 3, 2, 9), 6, None, "normal", datetime(2026, 3, 2, 16, 30)),
        (datetime(2026, 3, 2, 9), 6, 2, "urgent", datetime(2026, 3, 2, 11)),
        # Urgent without its own hours: the normal hours, not urgent_handle_days.
        (datetime(2026, 3, 2, 9), 6, None, "urgent", datetime(2026, 3, 2, 16, 30)),
        # Friday 17:00 + 6 h: half an hour on Friday, the rest on Monday.
        (datetime(2026, 3, 6, 17), 6, None, "normal", datetime(2026, 3, 9, 15, 30)),
        # Registered on a Sunday: the clock starts Monday 08:30.
        (datetime(2026, 3, 8, 10), 2, None, "normal", datetime(2026, 3, 9, 10, 30)),
        # 30 September 2026 16:00 + 4 h: 1.5 h that day, then the National Day holiday (to 7 October;
        # Saturday 10 October is the adjusted working day, but 8 October comes first).
        (datetime(2026, 9, 30, 16), 4, None, "normal", datetime(2026, 10, 8, 11)),
    ],
)
def test_handling_limit_in_working_hours(system, now, hours, urgent_hours, urgency, due):
    profile = _profile(system, handle_hours=hours, urgent_handle_hours=urgent_hours)
    accept, handle = deadlines.dispatch_deadlines(_case(system, profile, urgency), now=now.replace(tzinfo=TZ))
    assert handle.at == due.replace(tzinfo=TZ)
    assert accept is not None  # the acceptance stage is unchanged


def test_profiles_without_hours_keep_working_days(system):
    profile = _profile(system)
    normal = _case(system, profile)
    limit = deadlines.handle_limit(normal)
    assert (limit.days, limit.hours) == (3, None)
    urgent = deadlines.handle_limit(_case(system, profile, "urgent"))
    assert (urgent.days, urgent.hours) == (1, None)
    _accept, handle = deadlines.dispatch_deadlines(normal, now=datetime(2026, 3, 2, 9, tzinfo=TZ))
    assert handle.at == datetime(2026, 3, 5, 17, 30, tzinfo=TZ)


def test_urgent_hours_alone_apply_to_urgent_cases_only(system):
    profile = _profile(system, urgent_handle_hours=4)
    assert deadlines.handle_limit(_case(system, profile, "urgent")).hours == Decimal(4)
    assert deadlines.handle_limit(_case(system, profile)).days == 3


def test_dispatch_through_the_workflow_records_the_hour_limit_and_rework_restarts_it(world):
    update_profile(actor=world.system, profile_id=world.profile.pk, handle_hours=Decimal("6"))
    case = world.walk(world.new_case(), "submit", "dispatch")
    now = datetime(2026, 3, 2, 9, tzinfo=TZ)
    deadlines.start_dispatch_stages(case, now=now)
    handle = case.deadlines.get(stage=Stage.HANDLE, active=True)
    assert handle.due_at == datetime(2026, 3, 2, 16, 30, tzinfo=TZ)
    again = deadlines.restart_handle(case, now=datetime(2026, 3, 3, 14, tzinfo=TZ))
    # Tuesday 14:00 + 6 h: 3.5 h to 17:30, 2.5 h on Wednesday from 08:30.
    assert again.due_at == datetime(2026, 3, 4, 11, tzinfo=TZ)
    # Clearing the hours goes back to working days.
    update_profile(actor=world.system, profile_id=world.profile.pk, handle_hours=None)
    case.refresh_from_db()
    assert deadlines.handle_limit(case).hours is None


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=TZ)
)
hour_limits = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("200"), places=2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(now=moments, a=hour_limits, b=hour_limits)
def test_hour_deadlines_fall_in_office_time_of_a_working_day_and_grow_with_the_hours(jurisdiction, now, a, b):
    from zhiguan.workdays.services import deadline_for

    calendar = get_calendar(jurisdiction.pk)
    short, long_ = sorted([a, b])
    first = deadline_for(jurisdiction_id=jurisdiction.pk, start=now, working_hours=short).at
    second = deadline_for(jurisdiction_id=jurisdiction.pk, start=now, working_hours=long_).at
    assert calendar.is_office_time(first) and calendar.is_working_day(first.astimezone(TZ).date())
    assert first <= second
    # Exactly the office time asked for has passed by the deadline.
    assert calendar.working_time_between(now, first) == timedelta(hours=float(short))
