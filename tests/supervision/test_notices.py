"""Supervision notices (督办单): issue, answer, refusals, bad input, the overdue sweep, the board."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases import deadlines, tasks
from zhiguan.cases.models import CaseEvent
from zhiguan.supervision import tasks as supervision_tasks
from zhiguan.supervision.models import SupervisionNotice
from zhiguan.workdays.calendar import TZ
from zhiguan.workdays.services import deadline_for


def _notice_body(world, case, **overrides):
    return {
        "department_id": world.depts["CGJ"].pk,
        "case_numbers": [case.number],
        "level": "key",
        "text": "该案已临近时限，请于期限内办结并书面答复",
        "working_days": 3,
    } | overrides


def _counts():
    return SupervisionNotice.objects.count(), CaseEvent.objects.count(), AuditRecord.objects.count()


def test_supervisor_issues_a_notice_in_working_days_and_the_lead_department_answers_it_once(world):
    case = world.walk(world.new_case(), "submit", "dispatch")
    r = world.api("supervisor").post("cases/supervision/notices", _notice_body(world, case))
    assert r.status_code == 201, r.content
    notice = r.json()
    expected = deadline_for(
        jurisdiction_id=world.jurisdiction.pk,
        start=SupervisionNotice.objects.get().issued_at,
        working_days=3,
    )
    assert datetime.fromisoformat(notice["due_at"]) == expected.at
    assert notice["due_explanation"] == expected.explanation
    assert (notice["level"], notice["case_numbers"], notice["overdue"]) == ("key", [case.number], False)
    issued = case.events.get(action="supervise")
    assert issued.from_status == issued.to_status == "dispatched"
    assert issued.payload["notice_id"] == notice["id"] and issued.role == "supervisor"
    assert AuditRecord.objects.filter(action="supervision.notice_issued").count() == 1

    lead = world.api("lead")
    assert [n["id"] for n in lead.get("cases/supervision/notices").json()] == [notice["id"]]
    answered = lead.post(f"cases/supervision/notices/{notice['id']}/answer", {"text": "已安排专人现场整治"})
    assert answered.status_code == 200, answered.content
    assert answered.json()["answered_at"] and answered.json()["answered_late"] is False
    assert case.events.filter(action="supervision_answer").count() == 1
    again = lead.post(f"cases/supervision/notices/{notice['id']}/answer", {"text": "再次答复"})
    assert_error(again, 409, "already_answered")
    assert case.events.filter(action="supervision_answer").count() == 1
    assert AuditRecord.objects.filter(action="supervision.notice_answered").count() == 1


def test_a_notice_may_name_several_cases_and_each_gets_the_event(world):
    cases = [world.walk(world.new_case(), "submit", "dispatch") for _ in range(2)]
    due = (timezone.now() + timedelta(days=2)).isoformat()
    body = _notice_body(
        world, cases[0], case_numbers=[c.number for c in cases], working_days=None, due_at=due
    )
    r = world.api("supervisor").post("cases/supervision/notices", body)
    assert r.status_code == 201, r.content
    assert sorted(r.json()["case_numbers"]) == sorted(c.number for c in cases)
    assert CaseEvent.objects.filter(action="supervise").count() == 2


def test_other_departments_do_not_see_or_answer_the_notice_and_roles_without_the_grant_are_refused(world):
    case = world.walk(world.new_case(), "submit", "dispatch")
    notice = world.api("supervisor").post("cases/supervision/notices", _notice_body(world, case)).json()
    other = world.api("other")
    assert other.get("cases/supervision/notices").json() == []
    assert_error(other.get(f"cases/supervision/notices/{notice['id']}"), 404, "not_found")
    assert_error(
        other.post(f"cases/supervision/notices/{notice['id']}/answer", {"text": "x"}), 404, "not_found"
    )
    for name in ("operator", "dispatcher", "lead", "leader"):
        r = world.api(name).post("cases/supervision/notices", _notice_body(world, case))
        assert_error(r, 403, "forbidden")
    for name in ("supervisor", "leader", "dispatcher"):
        r = world.api(name).post(f"cases/supervision/notices/{notice['id']}/answer", {"text": "x"})
        assert_error(r, 403, "forbidden")
    assert_error(world.api("inspector").get("cases/supervision/notices"), 403, "forbidden")
    assert SupervisionNotice.objects.get().answered_at is None


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"working_days": None, "due_at": "2020-01-01T10:00:00+08:00"}, "invalid_due"),
        ({"due_at": "2099-01-01T10:00:00+08:00"}, "invalid_input"),
        ({"working_days": 0}, "invalid_input"),
        ({"level": "urgent"}, "invalid_input"),
        ({"text": "   "}, "invalid_input"),
        ({"department_key": "JTJ"}, "not_handling_department"),
        ({"case_numbers": ["330114-20200101-99999"]}, "unknown_case"),
    ],
)
def test_bad_notices_are_refused_and_change_nothing(world, overrides, code):
    case = world.walk(world.new_case(), "submit", "dispatch")
    if "department_key" in overrides:
        overrides = {"department_id": world.depts[overrides.pop("department_key")].pk}
    before = _counts()
    r = world.api("supervisor").post("cases/supervision/notices", _notice_body(world, case, **overrides))
    assert_error(r, 422, code)
    assert _counts() == before


def test_closed_cases_are_not_supervised(world):
    case = world.case_in("closed")
    before = _counts()
    r = world.api("supervisor").post("cases/supervision/notices", _notice_body(world, case))
    assert_error(r, 422, "case_not_open")
    assert _counts() == before


def test_the_sweep_flags_an_unanswered_overdue_notice_once_and_the_list_filters_find_it(world):
    cases = [world.walk(world.new_case(), "submit", "dispatch") for _ in range(2)]
    supervisor = world.api("supervisor")
    late = supervisor.post("cases/supervision/notices", _notice_body(world, cases[0])).json()
    fresh = supervisor.post(
        "cases/supervision/notices", _notice_body(world, cases[1], department_id=world.depts["HBJ"].pk)
    ).json()
    # The answer date passes.
    SupervisionNotice.objects.filter(pk=late["id"]).update(due_at=timezone.now() - timedelta(hours=1))
    for _ in range(2):
        tasks.sweep_warning_levels()
        supervision_tasks.sweep()
    assert cases[0].events.filter(action="supervision_overdue").count() == 1
    assert SupervisionNotice.objects.get(pk=late["id"]).overdue_flagged_at is not None
    assert AuditRecord.objects.filter(action="supervision.notice_overdue").count() == 1

    def ids(**params):
        r = supervisor.get("cases/supervision/notices", **params)
        assert r.status_code == 200, r.content
        return [n["id"] for n in r.json()]

    assert ids(overdue="true") == [late["id"]]
    assert ids(overdue="false") == [fresh["id"]]
    assert ids(department_id=world.depts["HBJ"].pk) == [fresh["id"]]
    assert set(ids(open="true")) == {late["id"], fresh["id"]}
    answered = world.api("lead").post(f"cases/supervision/notices/{late['id']}/answer", {"text": "迟复"})
    assert answered.json()["answered_late"] is True
    assert ids(open="true") == [fresh["id"]] and ids(open="false") == [late["id"]]
    assert ids(case_number=cases[1].number) == [fresh["id"]]


def test_the_board_counts_yellow_and_red_cases_and_open_notices_per_department(world):
    red = world.walk(world.new_case(), "submit", "dispatch")
    deadlines.start_dispatch_stages(red, now=datetime(2020, 1, 6, 9, tzinfo=TZ))
    world.walk(world.new_case(), "submit", "dispatch")
    to_street = world.walk(world.new_case(), "submit")
    world.do(to_street, "dispatch", lead_department_id=world.depts["330114002"].pk, co_handler_ids=[])
    tasks.sweep_warning_levels()
    world.api("supervisor").post("cases/supervision/notices", _notice_body(world, red))
    board = world.api("leader").get("cases/supervision/board")
    assert board.status_code == 200, board.content
    rows = {r["department_name"]: r for r in board.json()}
    assert rows["城管局"] | {} == {
        "department_id": world.depts["CGJ"].pk,
        "department_name": "城管局",
        "yellow": 0,
        "red": 1,
        "open_notices": 1,
        "overdue_notices": 0,
    }
    assert "下沙街道" not in rows
    assert world.api("other").get("cases/supervision/board").json() == []
    assert_error(world.api("operator").get("cases/supervision/board"), 403, "forbidden")
