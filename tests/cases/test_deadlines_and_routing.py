"""Stage deadlines (holidays, suspension, extensions), warning levels, the sweep, and routing rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import translation

from tests.conftest import assert_error
from zhiguan.cases import deadlines, routing, tasks
from zhiguan.cases.errors import ExtensionLimit
from zhiguan.cases.models import Case, CaseEvent
from zhiguan.cases.models.work import Stage
from zhiguan.workdays.calendar import TZ, WorkCalendar


def test_handling_deadline_skips_national_day_and_counts_the_adjusted_saturday(world):
    case = world.walk(world.new_case(), "submit", "dispatch")
    with translation.override("en"):
        deadlines.start_dispatch_stages(case, now=datetime(2026, 9, 30, 10, tzinfo=TZ))
    handle = case.deadlines.get(stage=Stage.HANDLE, active=True)
    assert handle.due_at == datetime(2026, 10, 13, 17, 30, tzinfo=TZ)
    assert "National Day" in handle.explanation
    accept = case.deadlines.get(stage=Stage.ACCEPT, active=True)
    assert accept.due_at == datetime(2026, 9, 30, 12, tzinfo=TZ)


def test_urgent_cases_get_the_urgent_limits(world):
    case = world.walk(world.new_case(urgency="urgent"), "submit", "dispatch")
    deadlines.start_dispatch_stages(case, now=datetime(2026, 9, 30, 10, tzinfo=TZ))
    assert case.deadlines.get(stage=Stage.HANDLE, active=True).due_at == datetime(
        2026, 10, 9, 17, 30, tzinfo=TZ
    )


def test_suspension_stops_the_clock_and_resume_moves_the_deadline_by_the_working_time_suspended(world):
    case = world.walk(world.new_case(), "submit", "dispatch", "accept")
    deadlines.start_dispatch_stages(case, now=datetime(2026, 11, 2, 9, tzinfo=TZ))
    before = case.deadlines.get(stage=Stage.HANDLE, active=True).due_at
    deadlines.pause_handle(case, at=datetime(2026, 11, 3, 9, tzinfo=TZ))
    paused, after = deadlines.resume_handle(case, at=datetime(2026, 11, 4, 9, tzinfo=TZ))
    assert paused == timedelta(hours=7.5)
    assert after == WorkCalendar().add_working_hours(before, timedelta(hours=7.5)).at
    assert set(case.tasks.values_list("handle_due", flat=True)) == {after}


def test_suspension_through_the_workflow_pauses_the_handling_stage(world):
    case = world.walk(
        world.new_case(), "submit", "dispatch", "accept", "request_suspension", "approve_suspension"
    )
    assert case.deadlines.get(stage=Stage.HANDLE, active=True).paused_at is not None
    case = world.do(case, "resume")
    assert case.deadlines.get(stage=Stage.HANDLE, active=True).paused_at is None
    assert case.suspensions.get().resumed_at is not None


def test_extensions_move_the_deadline_until_the_limit(world):
    case = world.walk(world.new_case(), "submit", "dispatch", "accept")
    due = case.deadlines.get(stage=Stage.HANDLE, active=True).due_at
    case = world.walk(case, "request_extension", "approve_extension")
    moved = case.deadlines.get(stage=Stage.HANDLE, active=True).due_at
    assert moved == WorkCalendar().add_working_days(due, 3).at
    assert case.extension_count == 1 and case.extension_days == 3
    events = CaseEvent.objects.count()
    with pytest.raises(ExtensionLimit):
        world.do(case, "request_extension", working_days=28)
    assert CaseEvent.objects.count() == events and Case.objects.get(pk=case.pk).status == "in_progress"
    case = world.walk(case, "request_extension", "approve_extension")
    api = world.api("lead")
    r = api.post(f"cases/{case.number}/actions/request_extension", {"working_days": 1, "reason": "再延期"})
    err = assert_error(r, 422, "extension_limit")
    assert err["details"]["max_extensions"] == 2
    assert Case.objects.get(pk=case.pk).extension_count == 2 and CaseEvent.objects.count() == events + 2


def test_warning_level_turns_yellow_at_three_quarters_and_red_after_the_deadline(world, settings):
    case = world.walk(world.new_case(), "submit", "dispatch", "accept")
    deadlines.start_dispatch_stages(case, now=datetime(2026, 11, 2, 8, 30, tzinfo=TZ))
    deadlines.complete_stage(case, Stage.ACCEPT, at=datetime(2026, 11, 2, 9, tzinfo=TZ))
    # Handle: 5 working days after Mon 2 Nov (which does not count), due Mon 9 Nov 17:30: 45 office hours.
    assert deadlines.warning_level_at(case, datetime(2026, 11, 6, 9, tzinfo=TZ)) == "green"
    assert deadlines.warning_level_at(case, datetime(2026, 11, 9, 9, tzinfo=TZ)) == "yellow"
    assert deadlines.warning_level_at(case, datetime(2026, 11, 10, 9, tzinfo=TZ)) == "red"
    settings.ZHIGUAN_CASE_YELLOW_SHARE = 0.9
    assert deadlines.warning_level_at(case, datetime(2026, 11, 9, 9, tzinfo=TZ)) == "green"


def test_sweep_updates_warning_levels_and_flags_late_co_handlers(world):
    case = world.walk(world.new_case(), "submit", "dispatch")
    deadlines.start_dispatch_stages(case, now=datetime(2020, 1, 6, 9, tzinfo=TZ))
    case.tasks.update(
        accept_due=datetime(2020, 1, 6, 11, tzinfo=TZ), handle_due=datetime(2020, 1, 10, tzinfo=TZ)
    )
    assert tasks.sweep_warning_levels.apply(kwargs={"batch_size": 1}).get() == 1
    assert Case.objects.get(pk=case.pk).warning_level == "red"
    co = case.tasks.get(role="co")
    assert co.accept_late and co.reply_late
    assert tasks.sweep_warning_levels() == 0


def test_routing_rule_wins_over_the_category_default_and_dispatched_cases_keep_their_version(world):
    admin = world.actor("supervisor")
    rule = routing.create_rule(
        actor=admin,
        name="金沙占道归街道",
        category_id=world.category.parent_id,
        area_id=world.areas["330114002"].pk,
        lead_department_id=world.depts["330114002"].pk,
        co_handler_ids=[world.depts["CGJ"].pk],
        keywords=["占道"],
    )
    api = world.api("dispatcher")
    body = {"category_id": world.category.pk, "description": "占道经营", "lng": 120.36, "lat": 30.26}
    r = api.post("cases/routing/dry-run", body)
    assert r.json()["rule_key"] == rule.key and r.json()["lead_department_id"] == world.depts["330114002"].pk
    other = api.post("cases/routing/dry-run", body | {"description": "噪音"}).json()
    assert other["rule_id"] is None and other["lead_department_id"] == world.depts["CGJ"].pk
    case = world.walk(world.new_case(), "submit")
    case = world.do(case, "dispatch", lead_department_id=None, co_handler_ids=None)
    assert case.routing_rule_id == rule.pk and case.lead_department_id == world.depts["330114002"].pk
    revised = routing.revise_rule(
        actor=admin,
        key=rule.key,
        name="改归城管",
        lead_department_id=world.depts["JTJ"].pk,
        category_id=world.category.pk,
    )
    assert revised.version == 2
    case.refresh_from_db()
    assert case.routing_rule_id == rule.pk and case.routing_rule.version == 1
    assert api.post("cases/routing/dry-run", body).json()["rule_version"] == 2
    assert_error(world.api("lead").post("cases/routing/dry-run", body), 403, "forbidden")


def test_a_suspension_without_working_time_in_between_leaves_the_deadline_unchanged(world):
    case = world.walk(world.new_case(), "submit", "dispatch", "accept")
    deadlines.start_dispatch_stages(case, now=datetime(2026, 11, 2, 9, tzinfo=TZ))
    before = case.deadlines.get(stage=Stage.HANDLE, active=True).due_at
    # Paused and resumed within the lunch break: no office time passed.
    deadlines.pause_handle(case, at=datetime(2026, 11, 3, 12, 10, tzinfo=TZ))
    paused, after = deadlines.resume_handle(case, at=datetime(2026, 11, 3, 13, tzinfo=TZ))
    assert (paused, after) == (timedelta(0), before)
    assert case.deadlines.get(stage=Stage.HANDLE, active=True).paused_at is None


def test_the_extension_limits_are_the_settings_of_the_moment(world, settings):
    settings.ZHIGUAN_CASE_MAX_EXTENSIONS = 1
    case = world.walk(
        world.new_case(), "submit", "dispatch", "accept", "request_extension", "approve_extension"
    )
    with pytest.raises(ExtensionLimit) as refused:
        world.do(case, "request_extension", working_days=1)
    assert refused.value.details["max_extensions"] == 1
    settings.ZHIGUAN_CASE_MAX_EXTENSIONS = 3
    settings.ZHIGUAN_CASE_MAX_EXTENSION_DAYS = 4
    with pytest.raises(ExtensionLimit):
        world.do(case, "request_extension", working_days=2)
    case = world.do(case, "request_extension", working_days=1)
    assert Case.objects.get(pk=case.pk).status == "extension_requested"
