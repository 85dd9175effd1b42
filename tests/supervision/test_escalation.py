"""Automatic escalation of red stages to the lead department's leader: once per stage, after the delay."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from django.db import connection

from tests.cases.conftest import build_world
from tests.conftest import TEST_PASSWORD, is_postgres
from zhiguan.audit.models import AuditRecord
from zhiguan.cases import deadlines, tasks
from zhiguan.cases.models import CaseEvent
from zhiguan.org.services import create_person, update_department
from zhiguan.supervision import escalation
from zhiguan.supervision import tasks as supervision_tasks
from zhiguan.supervision.models import CaseEscalation
from zhiguan.workdays.calendar import TZ


def _appoint_cgj_leader(world):
    """城管局's leader, one of its own staff, appointed through org's service (once per world)."""
    if "cgj_leader" not in world.users:
        cgj = world.depts["CGJ"].pk
        leader = create_person(
            actor=world.system,
            username=f"cgj-leader-{world.jurisdiction.code}",
            full_name="CGJ leader",
            password=TEST_PASSWORD,
            role_codes=["handler"],
            department_id=cgj,
        )
        update_department(actor=world.system, department_id=cgj, leader_id=leader.pk, reason="任命")
        world.users["cgj_leader"] = leader
    return world.users["cgj_leader"]


def _late_case(world, *, start=datetime(2020, 1, 6, 9, tzinfo=TZ), actions=("submit", "dispatch")):
    _appoint_cgj_leader(world)
    case = world.walk(world.new_case(), *actions)
    deadlines.start_dispatch_stages(case, now=start)
    return case


def test_a_red_case_escalates_to_the_lead_leader_once_per_stage_however_often_the_sweep_runs(world):
    case = _late_case(world)
    swept = []
    for _ in range(2):
        tasks.sweep_warning_levels()
        swept.append(supervision_tasks.sweep())
    assert swept == [{"escalated": 2, "notices_flagged": 0}, {"escalated": 0, "notices_flagged": 0}]
    rows = list(CaseEscalation.objects.filter(case=case))
    assert sorted(r.stage for r in rows) == ["accept", "handle"]
    assert {r.leader_id for r in rows} == {world.users["cgj_leader"].pk}
    assert {r.department_id for r in rows} == {world.depts["CGJ"].pk}
    events = list(case.events.filter(action="escalate"))
    assert len(events) == 2
    assert all("leader" in e.note and "城管局" in e.note for e in events)
    assert events[0].from_status == events[0].to_status == "dispatched"
    # `cases.services.annotate_many` audits each annotation as `case.<action>`.
    assert AuditRecord.objects.filter(action="case.escalated").count() == 2
    timeline = world.api("dispatcher").get(f"cases/{case.number}/timeline").json()
    assert [e["action"] for e in timeline].count("escalate") == 2


def test_a_new_handling_stage_after_rework_may_escalate_again(world):
    case = _late_case(world, actions=("submit", "dispatch"))
    case = world.do(case, "accept")
    escalation.escalate_overdue()
    assert CaseEscalation.objects.filter(case=case, stage="handle").count() == 1
    case = world.walk(case, "reply", "feed_back", "verify_fail")
    case.deadlines.filter(stage="handle", active=True).update(due_at=datetime(2020, 2, 1, tzinfo=TZ))
    escalation.escalate_overdue()
    escalation.escalate_overdue()
    assert CaseEscalation.objects.filter(case=case, stage="handle").count() == 2


def test_suspended_and_closed_cases_do_not_escalate(world):
    suspended = _late_case(
        world, actions=("submit", "dispatch", "accept", "request_suspension", "approve_suspension")
    )
    suspended.deadlines.filter(stage="handle").update(paused_at=datetime(2020, 1, 7, tzinfo=TZ))
    suspended.deadlines.filter(stage="accept").update(active=False)
    assert escalation.escalate_overdue() == 0
    assert not CaseEscalation.objects.exists()


def test_escalation_waits_for_the_configured_working_hours_red(world, settings):
    settings.ZHIGUAN_CASE_ESCALATE_AFTER_HOURS = 8
    # Monday 2026-11-02 09:00: accept is due at 11:00 the same day.
    case = _late_case(world, start=datetime(2026, 11, 2, 9, tzinfo=TZ))
    assert escalation.escalate_overdue(now=datetime(2026, 11, 2, 15, tzinfo=TZ)) == 0
    # 11:00–12:00 and 13:30–17:30 on Monday, 08:30–12:00 on Tuesday: 8.5 working hours red.
    assert escalation.escalate_overdue(now=datetime(2026, 11, 3, 12, tzinfo=TZ)) == 1
    assert CaseEscalation.objects.get(case=case).stage == "accept"


def test_without_a_leader_the_escalation_is_still_recorded_and_says_so(world):
    case = world.walk(world.new_case(), "submit", "dispatch")
    deadlines.start_dispatch_stages(case, now=datetime(2020, 1, 6, 9, tzinfo=TZ))
    escalation.escalate_overdue()
    assert set(CaseEscalation.objects.values_list("leader_id", flat=True)) == {None}
    assert "none is set" in case.events.filter(action="escalate").first().note


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (real row locks)")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_escalate_each_stage_once(jurisdiction):
    world = build_world(jurisdiction)
    cases = [_late_case(world) for _ in range(3)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            escalation.escalate_overdue()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for case in cases:
        assert CaseEscalation.objects.filter(case=case).count() == 2
        assert CaseEvent.objects.filter(case=case, action="escalate").count() == 2


def test_supervisors_list_escalations_and_filter_them_by_department(world):
    case = _late_case(world)
    tasks.sweep_warning_levels()
    supervision_tasks.sweep()
    rows = world.api("supervisor").get("cases/supervision/escalations").json()
    assert {(r["case_number"], r["stage"]) for r in rows} == {
        (case.number, "accept"),
        (case.number, "handle"),
    }
    assert {r["department_name"] for r in rows} == {"城管局"}
    assert (
        world.api("supervisor")
        .get("cases/supervision/escalations", department_id=world.depts["CGJ"].pk + 10_000)
        .json()
        == []
    )


def test_the_supervision_sweep_is_scheduled_and_runs_as_a_celery_task(world):
    from django.conf import settings

    from zhiguan.celery import app

    entry = app.conf.beat_schedule["supervision-sweep"]
    assert entry["task"] == "supervision.sweep"
    assert entry["schedule"] == settings.ZHIGUAN_SUPERVISION_SWEEP_SECONDS
    case = _late_case(world)
    assert supervision_tasks.sweep.apply().get() == {"escalated": 2, "notices_flagged": 0}
    assert CaseEscalation.objects.filter(case=case).count() == 2
