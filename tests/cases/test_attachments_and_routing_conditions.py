"""Attachment download (only for who sees the case) and routing by drawn area, working day and time of day."""

from __future__ import annotations

import io
from urllib.parse import quote

from tests.conftest import assert_error
from tests.files import JPEG
from zhiguan.cases.models import RoutingRule

from .conftest import EAST, INSIDE


def _upload(api, name="现场照片.jpg"):
    f = io.BytesIO(JPEG)
    f.name = name
    r = api.client.post("/api/v1/cases/attachments", {"file": f}, headers=api.headers)
    assert r.status_code == 201, r.content
    return r.json()["id"]


def test_who_sees_the_case_downloads_its_attachment_with_type_and_name_and_others_get_404(world):
    operator = world.api("operator")
    photo = _upload(operator)
    case = world.walk(world.new_case(attachment_ids=[photo]), "submit", "dispatch")
    for name in ("dispatcher", "lead", "co", "leader"):
        r = world.api(name).get(f"cases/attachments/{photo}")
        assert r.status_code == 200, (name, r.content)
        assert r["Content-Type"] == "image/jpeg"
        assert quote("现场照片.jpg") in r["Content-Disposition"] and "attachment" in r["Content-Disposition"]
        assert b"".join(r.streaming_content) == JPEG
    assert_error(world.api("other").get(f"cases/attachments/{photo}"), 404, "not_found")
    assert_error(world.api("inspector").get(f"cases/attachments/{photo}"), 404, "not_found")
    assert_error(world.api("data_officer").get(f"cases/attachments/{photo}"), 403, "forbidden")
    assert_error(world.api("dispatcher").get("cases/attachments/999999"), 404, "not_found")
    assert case.attachments.count() == 1


def test_a_pending_upload_is_seen_only_by_its_uploader(world):
    dispatcher = world.api("dispatcher")
    pending = _upload(dispatcher, "p.jpg")
    assert dispatcher.get(f"cases/attachments/{pending}").status_code == 200
    assert_error(world.api("supervisor").get(f"cases/attachments/{pending}"), 404, "not_found")


# A square drawn around INSIDE (120.36, 30.26) but not EAST (120.52, 30.3).
DRAWN = {
    "type": "Polygon",
    "coordinates": [[[120.34, 30.24], [120.38, 30.24], [120.38, 30.28], [120.34, 30.28], [120.34, 30.24]]],
}


def _rule(world, **conditions):
    body = {"name": "条件规则", "position": 1, "lead_department_id": world.depts["JTJ"].pk} | conditions
    return world.api("supervisor").post("cases/routing/rules", body)


def _dry(world, *, at=None, point=INSIDE):
    body = {"category_id": world.category.pk, "lng": point[0], "lat": point[1]}
    if at:
        body["at"] = at
    r = world.api("dispatcher").post("cases/routing/dry-run", body)
    assert r.status_code == 200, r.content
    return r.json()["lead_department_id"]


def test_a_drawn_polygon_routes_the_points_inside_it(world):
    assert _rule(world, polygon=DRAWN).status_code == 201
    assert _dry(world) == world.depts["JTJ"].pk
    assert _dry(world, point=EAST) == world.depts["CGJ"].pk
    case = world.walk(world.new_case(), "submit")
    case = world.do(case, "dispatch", lead_department_id=None, co_handler_ids=None)
    assert case.lead_department_id == world.depts["JTJ"].pk


def test_a_bad_polygon_is_refused_and_no_rule_is_written(world):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[120.3, 30.2], [120.4, 30.3], [120.4, 30.2], [120.3, 30.3], [120.3, 30.2]]],
    }
    for polygon in (bowtie, {"type": "Point", "coordinates": [120.3, 30.2]}, {"type": "Polygon"}):
        assert_error(_rule(world, polygon=polygon), 422, "invalid_polygon")
    assert_error(_rule(world, day_kind="weekend"), 422, "invalid_input")
    assert_error(_rule(world, time_from="22:00"), 422, "invalid_time_window")
    assert not RoutingRule.objects.exists()


def test_outside_office_time_rules_match_nights_weekends_and_holidays(world):
    assert _rule(world, office_time="out").status_code == 201
    jtj, cgj = world.depts["JTJ"].pk, world.depts["CGJ"].pk
    assert _dry(world, at="2026-11-02T10:00:00+08:00") == cgj  # Monday morning
    assert _dry(world, at="2026-11-02T20:00:00+08:00") == jtj  # Monday night
    assert _dry(world, at="2026-11-07T10:00:00+08:00") == jtj  # Saturday
    assert _dry(world, at="2026-10-01T10:00:00+08:00") == jtj  # National Day


def test_working_day_and_a_time_window_over_midnight(world):
    r = _rule(world, day_kind="working", time_from="22:00", time_to="06:00")
    assert r.status_code == 201, r.content
    jtj, cgj = world.depts["JTJ"].pk, world.depts["CGJ"].pk
    assert _dry(world, at="2026-11-02T23:30:00+08:00") == jtj
    assert _dry(world, at="2026-11-03T05:00:00+08:00") == jtj
    assert _dry(world, at="2026-11-02T12:00:00+08:00") == cgj
    assert _dry(world, at="2026-11-08T23:30:00+08:00") == cgj  # Sunday
    # 2026-09-20 is an adjusted working Sunday (调休) before National Day.
    assert _dry(world, at="2026-09-20T23:30:00+08:00") == jtj


def test_editing_the_conditions_adds_a_version_and_keeps_the_old_one(world):
    rule = _rule(world, polygon=DRAWN, office_time="in").json()
    revised = world.api("supervisor").put(
        f"cases/routing/rules/{rule['key']}",
        {
            "name": "条件规则",
            "position": 1,
            "lead_department_id": world.depts["JTJ"].pk,
            "day_kind": "non_working",
        },
    )
    assert revised.status_code == 200, revised.content
    assert (revised.json()["version"], revised.json()["polygon"], revised.json()["day_kind"]) == (
        2,
        None,
        "non_working",
    )
    history = world.api("supervisor").get("cases/routing/rules", include_history="true").json()
    old = next(r for r in history if r["version"] == 1)
    assert old["polygon"]["type"] == "Polygon" and old["office_time"] == "in" and not old["current"]
