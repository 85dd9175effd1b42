"""The case list filtered by a reporter's phone: the intake console's "this caller's earlier cases"."""

from __future__ import annotations

from tests.conftest import assert_error


def test_reporter_phone_lists_that_callers_cases_newest_first(world):
    first = world.new_case(reporters=[{"name": "张三", "phone": "13700001234"}], description="路灯不亮")
    other = world.new_case(reporters=[{"name": "李四", "phone": "13700009999"}], description="井盖缺失")
    second = world.new_case(
        reporters=[{"name": "王五", "phone": "13800000000"}, {"name": "张三", "phone": "13700001234"}],
        description="噪音扰民",
    )
    r = world.api("operator").get("cases?reporter_phone=13700001234")
    assert r.status_code == 200, r.content
    body = r.json()
    assert [c["number"] for c in body["items"]] == [second.number, first.number]
    assert body["total"] == 2 and body["next_cursor"] is None
    assert other.number not in {c["number"] for c in body["items"]}
    # The other filters still apply.
    r = world.api("operator").get("cases?reporter_phone=13700001234&q=路灯")
    assert [c["number"] for c in r.json()["items"]] == [first.number]


def test_reporter_phone_needs_the_reveal_permission_and_a_number(world):
    world.new_case()
    assert_error(world.api("lead").get("cases?reporter_phone=13812345678"), 403, "forbidden")
    assert_error(world.api("operator").get("cases?reporter_phone=abc"), 422, "invalid_input")


def test_searching_by_a_reporters_phone_or_id_number_is_audited_with_the_reason(world):
    from zhiguan.audit.models import AuditRecord

    world.new_case(reporters=[{"name": "张三", "phone": "13700001234", "id_number": "330104199001011234"}])
    api = world.api("operator")
    assert api.get("cases?reporter_phone=13700001234&reason=来电查询").json()["total"] == 1
    assert api.get("cases?reporter_id_number=330104199001011234").json()["total"] == 1
    assert api.get("cases?reporter_phone=13900000000").json()["total"] == 0
    rows = list(AuditRecord.objects.filter(action="case.reporter_searched").order_by("id"))
    assert [r.after for r in rows] == [
        {"phone": "13700001234", "found": 1},
        {"id_number": "330104199001011234", "found": 1},
        {"phone": "13900000000", "found": 0},
    ]
    assert rows[0].note == "来电查询" and rows[0].actor_user_id == world.users["operator"].pk
