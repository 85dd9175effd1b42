"""The dashboard's tiles count what a leader would count by hand, and follow every change of a case."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import assert_error
from zhiguan.assessment.dashboard import queries, rollups, vitals
from zhiguan.assessment.dashboard.models import DayArea, DayFlow, DayStock, DayTotal, OpenNow
from zhiguan.cases.events import notify_case_changed
from zhiguan.cases.models import Case


@pytest.fixture
def live(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the after-commit work (the `case_changed` listeners) as the platform does."""

    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _snap(world: Any, who: str = "leader", **area: Any) -> dict[str, Any]:
    return queries.snapshot(world.actor(who), **area)


def test_requests_today_by_channel_and_type_and_the_open_tile_follow_a_closed_case(world, live):
    live(world.new_case, channel="hotline")
    live(world.new_case, channel="wechat", request_type="report")
    case = live(world.new_case, channel="hotline")
    snap = _snap(world)
    assert snap["source"] == "rollups"
    assert snap["requests_today"]["total"] == 3
    assert {c["code"]: c["count"] for c in snap["requests_today"]["by_channel"]} == {
        "hotline": 2,
        "wechat": 1,
    }
    assert {c["code"]: c["count"] for c in snap["requests_today"]["by_type"]} == {"complaint": 2, "report": 1}
    assert snap["open"]["total"] == 3
    before = snap["version"]

    live(
        world.walk,
        case,
        *[
            "submit",
            "dispatch",
            "accept",
            "reply",
            "feed_back",
            "verify_pass",
            "accept_co",
            "reply_co",
            "close",
        ],
    )
    snap = _snap(world)
    assert snap["open"]["total"] == 2
    assert snap["version"] > before
    assert snap["cohandled"]["count"] == 1  # dispatched with a co-handler (环保局)
    assert snap["requests_month"]["total"] == 3


def test_a_case_moved_to_another_street_leaves_one_street_tile_and_joins_the_other(world, live):
    case = live(world.new_case)
    west, east = world.areas["330114002"], world.areas["330114003"]
    assert _snap(world, street_id=west.pk)["requests_today"]["total"] == 1
    assert _snap(world, street_id=east.pk)["requests_today"]["total"] == 0
    # A correction of the location (a data fix): the rollups hear it like any other change.
    Case.objects.filter(pk=case.pk).update(street=east, community=None, grid=None)
    notify_case_changed(case_id=case.pk, event_id=0, action="relocated")
    assert _snap(world, street_id=west.pk)["requests_today"]["total"] == 0
    assert _snap(world, street_id=east.pk)["requests_today"]["total"] == 1
    streets = {a["id"]: a for a in _snap(world)["areas"]}
    assert (streets[west.pk]["open"], streets[east.pk]["open"]) == (0, 1)


def _tiles(snap: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "requests_today",
        "requests_month",
        "open",
        "departments",
        "satisfaction",
        "answered_at_intake",
        "cohandled",
        "duplicates_avoided",
        "trend",
        "areas",
    )
    return {k: snap[k] for k in keys}


def test_rollups_and_live_counts_agree_and_a_full_rebuild_changes_nothing(world, live, monkeypatch):
    for status in ("registered", "answered", "dispatched", "closed", "callback_done", "merged", "rejected"):
        live(world.case_in, status)
    live(world.new_case, channel="app", lng=120.52, lat=30.3, address="白杨街道")
    by_rollups = _snap(world)
    assert by_rollups["source"] == "rollups"
    rows = {
        m: set(m.objects.values_list(*[f.attname for f in m._meta.fields if f.attname != "id"]))
        for m in (DayFlow, DayTotal, DayStock, DayArea, OpenNow)
    }
    rollups.rebuild_all(jurisdiction_id=world.jurisdiction.pk)
    assert rows == {
        m: set(m.objects.values_list(*[f.attname for f in m._meta.fields if f.attname != "id"]))
        for m in (DayFlow, DayTotal, DayStock, DayArea, OpenNow)
    }
    places = [{}, {"street_id": world.areas["330114002"].pk}, {"community_id": world.areas["33011400201"].pk}]
    rolled = [_snap(world, **p) for p in places]
    assert {r["source"] for r in rolled} == {"rollups"}
    monkeypatch.setattr(queries, "_uses_rollups", lambda actor, where: False)
    for where, by_rollup in zip(places, rolled, strict=True):
        by_live = _snap(world, **where)
        assert by_live["source"] == "live"
        assert _tiles(by_live) == _tiles(by_rollup), where
    month = by_rollups
    assert month["answered_at_intake"]["count"] == 1
    assert month["duplicates_avoided"] == {"count": 1, "source": "merged_cases"}
    assert month["satisfaction"] == {"rated": 1, "satisfied": 0, "pct": 0.0}  # the callback said dissatisfied


def test_drill_down_from_street_to_grid_names_the_trail_and_each_level_counts_its_own(world, live):
    live(world.new_case)
    live(world.new_case, lng=120.52, lat=30.3, address="白杨街道")
    street, community, grid = (world.areas[c] for c in ("330114002", "33011400201", "G1"))
    district = _snap(world)
    assert district["area"]["level"] == "district" and district["requests_today"]["total"] == 2
    assert {a["name"]: a["open"] for a in district["areas"]} == {"下沙街道": 1, "白杨街道": 1}
    on_street = _snap(world, street_id=street.pk)
    assert [a["name"] for a in on_street["areas"]] == ["金沙社区"] and on_street["requests_today"][
        "total"
    ] == 1
    on_grid = _snap(world, grid_id=grid.pk)
    assert on_grid["source"] == "live"
    assert [t["name"] for t in on_grid["area"]["trail"]] == ["下沙街道", "金沙社区", "金沙1号网格"]
    assert on_grid["requests_today"]["total"] == 1 and on_grid["areas"] == []
    assert _snap(world, community_id=community.pk)["areas"][0]["open"] == 1


def test_the_api_answers_the_snapshot_refuses_strangers_and_unknown_areas(world, live):
    live(world.new_case)
    response = world.api("leader").get("dashboard")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["requests_today"]["total"] == 1 and body["version"] >= 1 and body["data_as_of"]
    assert body["vital_signs"] == {"status": "pending", "tiles": []}
    assert_error(world.api("inspector").get("dashboard"), 403, "forbidden")
    assert_error(world.api("leader").get("dashboard", street_id=999999), 404, "not_found")
    grid = world.areas["G1"]
    assert_error(
        world.api("leader").get("dashboard", street_id=grid.pk), 404, "not_found"
    )  # a grid is no street


def test_a_handler_sees_only_the_cases_of_their_department(world, live):
    live(world.case_in, "dispatched")  # led by 城管局
    live(world.new_case)  # not dispatched yet
    lead = _snap(world, "lead")
    assert lead["source"] == "live" and lead["open"]["total"] == 1
    other = _snap(world, "other")
    assert other["open"]["total"] == 0 and other["requests_today"]["total"] == 0
    assert _snap(world)["open"]["total"] == 2


def test_history_imports_rebuild_the_days_they_cover(world, live):
    from zhiguan.cases.events import history_imported

    case = live(world.new_case)
    DayFlow.objects.all().delete()
    now = timezone.now()
    history_imported.send(
        sender="cases", jurisdiction_id=world.jurisdiction.pk, since=case.created_at, until=now, count=1
    )
    assert _snap(world)["requests_today"]["total"] == 1


def test_vital_signs_providers_fill_the_slot_and_a_failing_one_is_left_out(world):
    def air(actor: Any, *, level: str, area_id: int | None) -> list[dict[str, Any]]:
        return [{"key": "aqi", "label": "空气质量指数", "value": 42, "unit": "", "status": "normal"}]

    def broken(actor: Any, **kwargs: Any) -> list[dict[str, Any]]:
        raise RuntimeError("sensor down")

    vitals.register("test.air", air)
    vitals.register("test.broken", broken)
    try:
        slot = _snap(world)["vital_signs"]
    finally:
        vitals.unregister("test.air")
        vitals.unregister("test.broken")
    assert slot["status"] == "live"
    assert [t["key"] for t in slot["tiles"]] == ["aqi"]


def test_duplicates_avoided_is_the_duplicates_apps_own_count(world, live):
    from zhiguan.assessment.dashboard.queries import _month_start
    from zhiguan.intelligence.duplicates.queries import avoided_count

    live(world.case_in, "merged")
    live(world.new_case)
    snap = _snap(world)
    today = snap["today"]
    since = rollups.day_start(_month_start(today))
    until = rollups.day_start(today) + timezone.timedelta(days=1)
    theirs = avoided_count(world.actor("leader"), since=since, until=until)
    assert snap["duplicates_avoided"]["count"] == theirs["merged"] == 1


def test_hot_issues_follow_the_area_by_their_cases(world):
    from tests.cases.conftest import EAST

    here = world.new_case()
    there = world.new_case(lng=EAST[0], lat=EAST[1], address="白杨街道1号")
    issue = {
        "title": "占道经营",
        "place": "金沙路",
        "size": 2,
        "heat": 2.0,
        "numbers": [here.number, there.number],
    }
    leader = world.actor("leader")
    street = queries.place(leader, street_id=world.areas["330114002"].pk, community_id=None, grid_id=None)
    by_ids = queries.hot_issues(leader, street, [{**issue, "case_ids": [here.pk, there.pk]}])
    by_numbers = queries.hot_issues(leader, street, [issue])  # issues cached before they carried ids
    assert by_ids == by_numbers
    assert by_ids[0]["numbers"] == [here.number] and by_ids[0]["size"] == 1
    district = queries.place(leader, street_id=None, community_id=None, grid_id=None)
    assert queries.hot_issues(leader, district, [issue])[0]["size"] == 2
