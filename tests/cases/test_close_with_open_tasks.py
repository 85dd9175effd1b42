"""Closing a case whose co-handlers have not replied is refused, naming them (docs/decisions/064)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases import services, workflow
from zhiguan.cases.errors import GuardFailed
from zhiguan.cases.models import Case, CaseEvent, CaseTask
from zhiguan.cases.models.work import OPEN_TASK_STATUSES, TaskRole
from zhiguan.cases.status import OPEN_STATUSES, Status
from zhiguan.errors import DomainError

TO_VERIFIED = ["submit", "dispatch", "accept", "reply", "feed_back", "verify_pass"]


def _verified_with_two_co_handlers(world):
    case = world.walk(world.new_case(), "submit")
    case = world.do(case, "dispatch", co_handler_ids=[world.depts["HBJ"].pk, world.depts["JTJ"].pk])
    return world.walk(case, "accept", "reply", "feed_back", "verify_pass")


def test_closing_with_open_co_handler_tasks_is_refused_naming_them_and_changes_nothing(world):
    case = _verified_with_two_co_handlers(world)
    world.do(case, "accept_co")  # 环保局 accepted but has not replied; 交通局 has not even accepted
    case = Case.objects.get(pk=case.pk)
    events, audits = CaseEvent.objects.count(), AuditRecord.objects.count()
    with pytest.raises(GuardFailed) as info:
        world.do(case, "close")
    assert info.value.code == "open_co_handler_tasks"
    assert info.value.details["departments"] == ["环保局", "交通局"]
    assert "环保局、交通局" in str(info.value.message)
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.version, after.closed_at) == ("verified", case.version, None)
    assert (CaseEvent.objects.count(), AuditRecord.objects.count()) == (events, audits)


def test_the_console_is_told_which_departments_are_still_open(world):
    case = _verified_with_two_co_handlers(world)
    r = world.api("dispatcher").post(f"cases/{case.number}/actions/close", {})
    error = assert_error(r, 409, "open_co_handler_tasks")
    assert error["details"]["departments"] == ["环保局", "交通局"]
    assert "环保局" in error["message"]
    # The button stays: the dispatcher clicks it and reads who is open, rather than wondering where it went.
    assert "close" in services.allowed_actions(actor=world.actor("dispatcher"), case=case)


def test_co_handlers_reply_after_the_feedback_and_then_the_case_closes(world):
    case = world.walk(world.new_case(), *TO_VERIFIED[:-1])
    assert case.status == "to_verify"
    case = world.walk(case, "accept_co", "reply_co")  # at verification time
    case = world.do(case, "verify_pass")
    case = world.do(case, "close")
    assert case.status == "closed"
    assert not CaseTask.objects.filter(case=case, status__in=OPEN_TASK_STATUSES).exists()


def test_a_co_handler_can_still_reply_while_the_case_waits_to_be_closed(world):
    case = world.walk(world.new_case(), *TO_VERIFIED)
    assert "accept_co" in services.allowed_actions(actor=world.actor("co"), case=case)
    case = world.walk(case, "accept_co", "reply_co", "close")
    assert case.status == "closed"


def test_a_case_without_co_handlers_closes_as_before(world):
    case = world.walk(world.new_case(), "submit")
    case = world.do(case, "dispatch", co_handler_ids=[])
    case = world.walk(case, "accept", "reply", "feed_back", "verify_pass", "close")
    assert case.status == "closed"


# Every action of the table, tried at random points of a case's life (refused ones change nothing).
_HAPPY = ["submit", "dispatch", "accept", "reply", "feed_back", "verify_pass", "close", "callback"]
_CLOSED = set(Status.values) - set(OPEN_STATUSES)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    inserted=st.lists(st.tuples(st.integers(0, len(_HAPPY)), st.sampled_from(workflow.ACTIONS)), max_size=12),
    co=st.sampled_from([[], ["HBJ"], ["HBJ", "JTJ"]]),
)
def test_a_closed_case_never_has_an_open_task(world, inserted, co):
    steps = list(_HAPPY)
    for position, action in sorted(inserted, key=lambda p: p[0], reverse=True):
        steps.insert(position, action)
    case = world.new_case()
    for action in steps:
        extra = {"co_handler_ids": [world.depts[c].pk for c in co]} if action == "dispatch" else {}
        for by in (None, "other"):  # the second co-handler (交通局) is "other"
            try:
                case = (
                    world.do(case, action, by=by, **extra) if by is None or action.endswith("_co") else case
                )
            except DomainError:
                case = Case.objects.get(pk=case.pk)
        if case.status in _CLOSED:
            open_tasks = CaseTask.objects.filter(case=case, status__in=OPEN_TASK_STATUSES)
            assert not open_tasks.exists(), (case.status, steps, list(open_tasks.values("role", "status")))
        if case.status == Status.CLOSED:
            assert (
                not CaseTask.objects.filter(case=case, role=TaskRole.CO, replied_at__isnull=True)
                .exclude(status="cancelled")
                .exists()
            )
