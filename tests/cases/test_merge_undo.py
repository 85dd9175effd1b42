"""Undoing a merge (docs/decisions/087): a supervisor gives a merged request back its own life —
back to where it was before the merge when that was before dispatch, else back to dispatch — with
the timeline and audit on both cases; nothing else may, and a refused undo changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.cases.conftest import PATHS
from zhiguan.audit.models import AuditRecord
from zhiguan.cases import effects, workflow
from zhiguan.cases.errors import GuardFailed
from zhiguan.cases.models import Case
from zhiguan.cases.models.work import TaskStatus
from zhiguan.cases.status import OPEN_STATUSES, Status
from zhiguan.errors import Forbidden, NotFound

OPEN = sorted(OPEN_STATUSES)


def _merged(world, status: str) -> tuple[Case, Case]:
    dup = world.case_in(status)
    target = world.new_case(description="同一处占道经营 已受理的那件")
    dup = world.do(dup, "merge", into=target.number, note="重复反映")
    return dup, target


@pytest.mark.parametrize("status", OPEN)
def test_an_unmerged_request_goes_back_before_dispatch_or_to_dispatch(world, status):
    dup, target = _merged(world, status)
    assert dup.status == "merged"
    dup = world.do(dup, "unmerge", by="supervisor", note="不是同一问题")
    expected = status if status in ("registered", "to_dispatch") else "to_dispatch"
    assert dup.status == expected
    dup.refresh_from_db()
    assert dup.merged_into_id is None and dup.closed_at is None
    event = dup.events.order_by("-seq").first()
    assert event.action == "unmerge" and event.from_status == "merged" and event.to_status == expected
    assert event.payload["status_before_merge"] == status and event.payload["from"] == target.number
    # The case it had joined says so on its own timeline, both times, and in the audit log.
    assert list(target.events.filter(action__startswith="merge_").values_list("action", flat=True)) == [
        "merge_received",
        "merge_undone",
    ]
    assert AuditRecord.objects.filter(action="case.unmerge", object_id=str(dup.pk)).exists()
    assert AuditRecord.objects.filter(action="case.merge_undone", object_id=str(target.pk)).exists()
    # Tasks cancelled by the merge stay cancelled; a case back at dispatch has no lead any more.
    assert not dup.tasks.exclude(status=TaskStatus.CANCELLED).exists()
    if expected == "to_dispatch":
        assert dup.lead_department_id is None


def test_a_request_back_at_dispatch_is_dispatched_again_with_new_deadlines(world):
    dup, _target = _merged(world, "in_progress")
    dup = world.do(dup, "unmerge", by="supervisor", note="误合并")
    dup = world.do(dup, "dispatch")
    assert dup.status == "dispatched"
    assert dup.tasks.exclude(status=TaskStatus.CANCELLED).count() == 2  # lead + co-handler again
    assert dup.deadlines.filter(active=True).exists()


@pytest.mark.parametrize("by", ["operator", "dispatcher", "lead", "inspector"])
def test_only_a_supervisor_undoes_a_merge(world, by):
    dup, _target = _merged(world, "to_dispatch")
    with pytest.raises((Forbidden, NotFound)):  # a handler does not even see it
        world.do(dup, "unmerge", by=by, note="试图撤销")
    dup.refresh_from_db()
    assert dup.status == "merged" and dup.merged_into_id is not None


def test_undo_needs_a_reason_and_a_merged_request(world):
    dup, _target = _merged(world, "to_dispatch")
    api = world.api("supervisor")
    r = api.post(f"cases/{dup.number}/actions/unmerge", {})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
    open_case = world.new_case()
    r = api.post(f"cases/{open_case.number}/actions/unmerge", {"note": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    r = api.post(f"cases/{dup.number}/actions/unmerge", {"note": "不是同一问题"})
    assert r.status_code == 200 and r.json()["status"] == "to_dispatch"
    assert r.json()["merged_into"] is None


def test_undo_is_refused_with_a_stable_code_when_the_target_is_gone(world):
    dup, _target = _merged(world, "to_dispatch")
    Case.objects.filter(pk=dup.pk).update(merged_into=None)  # a record from before merges kept their target
    before = dup.events.count()
    with pytest.raises(GuardFailed) as exc:
        world.do(dup, "unmerge", by="supervisor", note="撤销")
    assert exc.value.code == "merge_target_missing"
    dup.refresh_from_db()
    assert dup.status == "merged" and dup.events.count() == before
    assert "unmerge" not in world.api("supervisor").get(f"cases/{dup.number}").json()["allowed_actions"]


def test_the_supervisor_sees_undo_among_the_allowed_actions(world):
    dup, _target = _merged(world, "registered")
    assert "unmerge" in world.api("supervisor").get(f"cases/{dup.number}").json()["allowed_actions"]
    assert "unmerge" not in world.api("dispatcher").get(f"cases/{dup.number}").json()["allowed_actions"]


@given(st.sampled_from(sorted(Status.values)))
def test_where_an_unmerged_request_goes_is_always_before_dispatch(before):
    after = effects.status_after_unmerge(before)
    assert after in ("registered", "to_dispatch")
    if before in ("registered", "to_dispatch"):
        assert after == before
    # Wherever it goes, the table lets it continue from there.
    assert workflow.transitions_from(after)


def test_the_table_rows_of_merging():
    for status in OPEN:
        assert workflow.lookup(status, "merge").next_status == "merged"
    row = workflow.lookup("merged", "unmerge")
    assert row.roles == ("supervisor",) and row.guard is not None
    assert set(row.next_statuses) == {"to_dispatch", "registered"}
    assert workflow.lookup("merged", "callback").next_status == "merged"
    assert "merge_received" in workflow.ANNOTATIONS and "merge_undone" in workflow.ANNOTATIONS
    assert set(PATHS) >= set(OPEN)
