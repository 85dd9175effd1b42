"""A case walked through every step over HTTP, each step by the role that does it in a 12345 centre."""

from __future__ import annotations

import itertools

from tests.conftest import assert_error
from tests.files import JPEG, upload
from zhiguan.audit.models import AuditRecord

from .conftest import INSIDE, OUTSIDE


def _create(api, world, **overrides):
    body = {
        "request_type": "complaint",
        "channel": "hotline",
        "category_id": world.category.pk,
        "description": "夜间施工噪音扰民",
        "reporters": [{"name": "李娜", "phone": "13900001111"}],
        "lng": INSIDE[0],
        "lat": INSIDE[1],
        "address": "金沙路8号",
    } | overrides
    return api.post("cases", body)


def _act(api, number, action, **payload):
    return api.post(f"cases/{number}/actions/{action}", payload)


def test_full_walk_with_co_handler_rework_callback_and_reopen(world):
    operator, dispatcher, supervisor = world.api("operator"), world.api("dispatcher"), world.api("supervisor")
    lead, co, inspector = world.api("lead"), world.api("co"), world.api("inspector")

    r = _create(operator, world)
    assert r.status_code == 201, r.content
    case = r.json()
    number = case["number"]
    assert number.startswith("330114-") and len(number) == len("330114-20261126-00042")
    assert case["street_id"] == world.areas["330114002"].pk and case["grid_id"] == world.areas["G1"].pk
    assert case["reporters"] == [{"name": "李*", "phone": "139****1111", "id_number": ""}]
    assert case["allowed_actions"] == ["merge", "reject", "submit"]

    assert _act(operator, number, "submit").json()["status"] == "to_dispatch"
    r = _act(dispatcher, number, "dispatch", co_handler_ids=[world.depts["HBJ"].pk], note="请城管局牵头")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "dispatched" and body["lead_department_id"] == world.depts["CGJ"].pk
    assert "default lead department" in body["routing_reason"]
    assert {t["role"] for t in body["tasks"]} == {"lead", "co"}
    assert {d["stage"] for d in body["deadlines"] if d["active"]} == {"accept", "handle"}

    assert lead.get(f"cases/{number}/allowed-actions").json() == ["accept", "return"]
    assert co.get(f"cases/{number}/allowed-actions").json() == ["accept_co"]
    assert _act(lead, number, "accept").json()["status"] == "in_progress"
    assert _act(co, number, "accept_co").status_code == 200
    assert _act(co, number, "reply_co", reply="噪声检测超标，已告知").status_code == 200
    assert_error(_act(lead, number, "feed_back"), 409, "lead_reply_missing")
    assert _act(lead, number, "reply", reply="已责令停止夜间施工").status_code == 200
    r = _act(lead, number, "feed_back")
    assert r.json()["status"] == "to_verify"

    assert (
        _act(dispatcher, number, "assign_inspector", inspector_id=world.users["inspector"].pk).status_code
        == 200
    )
    upload = inspector.client.post("/api/v1/cases/attachments", {"file": _photo()}, headers=inspector.headers)
    assert upload.status_code == 201, upload.content
    photo = upload.json()["id"]
    r = _act(
        inspector,
        number,
        "verify_fail",
        method="site",
        lng=INSIDE[0],
        lat=INSIDE[1],
        attachment_ids=[photo],
        note="夜间仍在施工",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "in_progress" and r.json()["rework_count"] == 1

    assert _act(lead, number, "reply", reply="已查封设备").status_code == 200
    assert _act(lead, number, "feed_back").status_code == 200
    assert _act(dispatcher, number, "verify_pass", method="camera", camera="CAM-0042").status_code == 200
    assert _act(dispatcher, number, "close").json()["status"] == "closed"
    assert _act(operator, number, "callback", result="dissatisfied").json()["status"] == "callback_done"
    assert_error(_act(dispatcher, number, "reopen", note="x"), 403, "forbidden")
    r = _act(supervisor, number, "reopen", note="市民仍不满意")
    assert r.json()["status"] == "in_progress" and r.json()["reopen_count"] == 1

    timeline = operator.get(f"cases/{number}/timeline").json()
    assert [e["action"] for e in timeline][:4] == ["register", "submit", "dispatch", "accept"]
    for before, after in itertools.pairwise(timeline):
        assert after["from_status"] == before["to_status"]
        assert after["seq"] == before["seq"] + 1
    fail = next(e for e in timeline if e["action"] == "verify_fail")
    assert fail["attachment_ids"] == [photo] and fail["role"] == "inspector"
    assert [(a["id"], a["name"], a["content_type"]) for a in fail["attachments"]] == [
        (photo, "site.jpg", "image/jpeg")
    ]
    assert AuditRecord.objects.filter(object_type="cases.case", action="case.reopen").count() == 1


def _photo():
    return upload(JPEG, "site.jpg")


def test_return_judged_justified_counts_against_the_dispatcher(world):
    dispatcher, lead, other = world.api("dispatcher"), world.api("lead"), world.api("other")
    case = world.walk(world.new_case(), "submit", "dispatch")
    assert_error(_act(lead, case.number, "return"), 422, "invalid_input")
    assert _act(lead, case.number, "return", reason="属交通局职责").json()["status"] == "returned"
    r = _act(dispatcher, case.number, "accept_return", note="改派交通局")
    assert r.json()["status"] == "to_dispatch" and r.json()["return_count"] == 1
    ret = case.returns.get()
    assert (ret.justified, ret.counted_against) == (True, "dispatcher")
    assert lead.get(f"cases/{case.number}").status_code == 404
    r = _act(dispatcher, case.number, "dispatch", lead_department_id=world.depts["JTJ"].pk)
    assert r.json()["routing_reason"] == "Chosen by the dispatcher."
    assert _act(other, case.number, "accept").json()["status"] == "in_progress"


def test_return_judged_unjustified_goes_back_to_the_same_department(world):
    case = world.walk(world.new_case(), "submit", "dispatch", "return")
    case = world.do(case, "refuse_return")
    assert case.status == "dispatched"
    assert case.returns.get().counted_against == "department"
    assert world.do(case, "accept").status == "in_progress"


def test_answered_at_intake_and_not_accepted_need_a_note(world):
    operator = world.api("operator")
    number = _create(
        operator, world, request_type="consultation", category_id=world.consult_category.pk
    ).json()["number"]
    assert_error(_act(operator, number, "answer"), 422, "invalid_input")
    assert _act(operator, number, "answer", note="已按政策答复").json()["status"] == "answered"
    other = _create(operator, world, external_ref="X-2").json()["number"]
    assert_error(_act(operator, other, "answer", note="x"), 409, "not_a_consultation")


def test_point_outside_the_jurisdiction_is_refused_and_nothing_is_written(world):
    from zhiguan.cases.models import Case, CaseCounter, CaseEvent, CaseReporter

    operator = world.api("operator")
    counts = [m.objects.count() for m in (Case, CaseEvent, CaseReporter, CaseCounter)]
    assert_error(_create(operator, world, lng=OUTSIDE[0], lat=OUTSIDE[1]), 422, "outside_jurisdiction")
    assert_error(_create(operator, world, category_id=999999), 422, "unknown_category")
    assert_error(_create(operator, world, reporters=[{"name": "张三", "phone": "12"}]), 422, "invalid_input")
    assert_error(_create(operator, world, channel="fax"), 422, "invalid_input")
    assert [m.objects.count() for m in (Case, CaseEvent, CaseReporter, CaseCounter)] == counts


def test_gcj02_point_is_stored_in_wgs84(world):
    operator = world.api("operator")
    r = _create(operator, world, crs="gcj02", lng=INSIDE[0] + 0.0045, lat=INSIDE[1] - 0.0025)
    assert r.status_code == 201, r.content
    assert abs(r.json()["lng"] - INSIDE[0]) < 0.01 and r.json()["h3_r9"]
