"""Who sees which case, who may do what, idempotent creation, reveals, and bad input changing nothing."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case, CaseEvent, CaseReporter

from .conftest import EAST


def _body(world, **overrides):
    return {
        "request_type": "complaint",
        "channel": "app",
        "category_id": world.category.pk,
        "description": "路灯不亮",
        "reporters": [{"name": "赵六", "phone": "13700002222"}],
    } | overrides


def test_same_external_reference_or_idempotency_key_returns_the_first_case(world):
    api = world.api("operator")
    first = api.post("cases", _body(world, external_ref="APP-1"))
    again = api.post("cases", _body(world, external_ref="APP-1", description="重复提交"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    api.headers["Idempotency-Key"] = "k-123"
    one, two = api.post("cases", _body(world)), api.post("cases", _body(world))
    assert (one.status_code, two.status_code) == (201, 200) and one.json()["number"] == two.json()["number"]
    assert Case.objects.count() == 2 and CaseEvent.objects.count() == 2 and CaseReporter.objects.count() == 2


def test_numbers_are_sequential_per_day_and_never_reused(world):
    numbers = [world.new_case().number for _ in range(3)]
    assert [n[-5:] for n in numbers] == ["00001", "00002", "00003"]
    assert len({n[:15] for n in numbers}) == 1


def test_handler_sees_only_cases_of_their_department_and_others_get_404(world):
    case = world.walk(world.new_case(), "submit", "dispatch")
    for name in ("lead", "co", "dispatcher", "supervisor", "operator", "leader", "street"):
        assert world.api(name).get(f"cases/{case.number}").status_code == 200, name
    other = world.api("other")
    assert_error(other.get(f"cases/{case.number}"), 404, "not_found")
    assert_error(other.post(f"cases/{case.number}/actions/accept", {}), 404, "not_found")
    assert_error(other.get(f"cases/{case.number}/timeline"), 404, "not_found")
    assert other.get("cases").json()["total"] == 0
    assert world.api("lead").get("cases").json()["total"] == 1


def test_street_staff_see_cases_in_their_street_only(world):
    world.new_case()
    east = world.new_case(lng=EAST[0], lat=EAST[1])
    street = world.api("street")
    assert street.get("cases").json()["total"] == 1
    assert_error(street.get(f"cases/{east.number}"), 404, "not_found")


def test_inspector_sees_cases_they_reported_or_verify(world):
    own = world.new_case(by="inspector", channel="inspector")
    assigned = world.walk(
        world.new_case(), *["submit", "dispatch", "accept", "reply", "feed_back", "assign_inspector"]
    )
    unrelated = world.new_case()
    inspector, other_inspector = world.api("inspector"), world.api("inspector2")
    assert {c["number"] for c in inspector.get("cases").json()["items"]} == {own.number, assigned.number}
    assert_error(inspector.get(f"cases/{unrelated.number}"), 404, "not_found")
    assert_error(other_inspector.get(f"cases/{assigned.number}"), 404, "not_found")
    assert inspector.get(f"cases/{assigned.number}/allowed-actions").json() == ["verify_fail", "verify_pass"]


def test_roles_not_in_the_table_are_refused_with_forbidden_and_nothing_changes(world):
    case = world.walk(world.new_case(), "submit", "dispatch")
    events = CaseEvent.objects.count()
    assert_error(world.api("dispatcher").post(f"cases/{case.number}/actions/accept", {}), 403, "forbidden")
    assert_error(world.api("co").post(f"cases/{case.number}/actions/accept", {}), 403, "not_your_task")
    assert_error(world.api("leader").post(f"cases/{case.number}/actions/accept", {}), 403, "forbidden")
    assert_error(
        world.api("operator").post(f"cases/{case.number}/actions/close", {}), 409, "invalid_transition"
    )
    assert_error(world.api("operator").post(f"cases/{case.number}/actions/fly", {}), 422, "unknown_action")
    assert CaseEvent.objects.count() == events
    assert Case.objects.get(pk=case.pk).version == case.version


def test_stale_expected_version_is_a_conflict_with_the_current_state(world):
    case = world.walk(world.new_case(), "submit")
    api = world.api("dispatcher")
    err = assert_error(
        api.post(f"cases/{case.number}/actions/dispatch", {"expected_version": case.version - 1}),
        409,
        "conflict",
    )
    assert err["details"] == {"status": "to_dispatch", "version": case.version}
    ok = api.post(f"cases/{case.number}/actions/dispatch", {"expected_version": case.version})
    assert ok.status_code == 200 and ok.json()["version"] == case.version + 1


def test_reveal_shows_reporters_to_allowed_roles_and_is_audited(world):
    case = world.walk(world.new_case(), "submit", "dispatch")
    err = assert_error(
        world.api("lead").post(f"cases/{case.number}/reporters/reveal", {"reason": "x"}), 403, "forbidden"
    )
    assert err["details"]["action"] == "case.reveal"
    r = world.api("operator").post(f"cases/{case.number}/reporters/reveal", {"reason": "回访联系市民"})
    assert r.json() == [{"name": "王小明", "phone": "13812345678", "id_number": "330104199001011234"}]
    record = AuditRecord.objects.get(action="case.reporters_revealed")
    assert record.note == "回访联系市民" and record.object_id == str(case.pk)
    masked = world.api("operator").get(f"cases/{case.number}").json()["reporters"][0]
    assert masked == {"name": "王**", "phone": "138****5678", "id_number": "330***********1234"}


def test_merge_as_duplicate_closes_the_case_into_an_open_one(world):
    target = world.walk(world.new_case(), "submit")
    dup = world.new_case(description="同一地点占道经营")
    api = world.api("dispatcher")
    assert_error(api.post(f"cases/{dup.number}/actions/merge", {"into": dup.number}), 422, "invalid_input")
    r = api.post(f"cases/{dup.number}/actions/merge", {"into": target.number, "note": "重复"})
    assert r.json()["status"] == "merged" and r.json()["merged_into"] == target.number
    closed = world.case_in("answered")
    assert_error(
        api.post(f"cases/{target.number}/actions/merge", {"into": closed.number}), 422, "invalid_input"
    )


@pytest.mark.parametrize("role", ["operator", "dispatcher", "leader"])
def test_list_filters_and_keyset_pages(world, role):
    for i in range(5):
        world.new_case(description=f"第{i}件 噪音")
    world.new_case(description="井盖缺失", request_type="report")
    api = world.api(role)
    page1 = api.get("cases", limit=4).json()
    assert page1["total"] == 6 and len(page1["items"]) == 4 and page1["next_cursor"]
    page2 = api.get("cases", limit=4, cursor=page1["next_cursor"]).json()
    assert len(page2["items"]) == 2 and page2["next_cursor"] is None
    seen = [c["number"] for c in page1["items"] + page2["items"]]
    assert len(set(seen)) == 6 and seen == sorted(seen, reverse=True)
    assert api.get("cases", q="井盖").json()["total"] == 1
    assert api.get("cases", request_type="report").json()["total"] == 1
    assert api.get("cases", category_id=world.category.parent.parent_id).json()["total"] == 6
    assert api.get("cases", street_id=world.areas["330114002"].pk).json()["total"] == 6
    assert_error(api.get("cases", cursor="!!!"), 422, "invalid_cursor")


def test_export_as_csv_and_excel_without_personal_data(world):
    world.new_case()
    api = world.api("dispatcher")
    csv = api.get("cases/export", format="csv")
    assert csv.status_code == 200 and "13812345678" not in csv.content.decode("utf-8-sig")
    assert "占道经营" in csv.content.decode("utf-8-sig")
    xlsx = api.get("cases/export", format="xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert_error(world.api("operator").get("cases/export"), 403, "forbidden")
