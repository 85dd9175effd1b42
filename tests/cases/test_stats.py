"""Case counts per grid, street and status, with the list's filters and the viewer's scope."""

from __future__ import annotations


def test_counts_per_grid_street_and_status_follow_the_filters(world):
    world.walk(world.new_case(), "submit")
    world.walk(world.new_case(), "submit", "dispatch")
    world.new_case()
    dispatcher = world.api("dispatcher")
    grids = dispatcher.get("cases/stats/by-grid").json()
    assert [(g["name"], g["count"]) for g in grids] == [("金沙1号网格", 3)]
    streets = dispatcher.get("cases/stats/by-street").json()
    assert [(s["name"], s["count"]) for s in streets] == [("下沙街道", 3)]
    statuses = {s["status"]: s["count"] for s in dispatcher.get("cases/stats/by-status").json()}
    assert statuses == {"registered": 1, "to_dispatch": 1, "dispatched": 1}
    only = dispatcher.get("cases/stats/by-grid", status=["dispatched"]).json()
    assert [g["count"] for g in only] == [1]


def test_counts_only_cover_the_cases_the_viewer_may_see(world):
    world.walk(world.new_case(), "submit", "dispatch")
    assert world.api("dispatcher").get("cases/stats/by-status").json() == [
        {"status": "dispatched", "count": 1}
    ]
    # A handler of an uninvolved department sees no case, so counts nothing.
    assert world.api("other").get("cases/stats/by-status").json() == []
    assert world.api("lead").get("cases/stats/by-status").json() == [{"status": "dispatched", "count": 1}]


def test_case_list_items_carry_their_point_and_next_deadline(world):
    dispatched = world.walk(world.new_case(), "submit", "dispatch")
    world.new_case()
    items = {i["number"]: i for i in world.api("dispatcher").get("cases").json()["items"]}
    running = dispatched.deadlines.filter(active=True, completed_at__isnull=True).order_by("due_at").first()
    assert items[dispatched.number]["next_due_at"] is not None
    assert items[dispatched.number]["next_due_at"][:16] == running.due_at.isoformat()[:16]
    assert (items[dispatched.number]["lng"], items[dispatched.number]["lat"]) == (
        dispatched.lng,
        dispatched.lat,
    )
    registered = next(i for n, i in items.items() if n != dispatched.number)
    assert registered["next_due_at"] is None


def test_counts_per_category_roll_up_to_the_asked_level(world):
    world.new_case()
    world.new_case()
    world.new_case(request_type="consultation", category_id=world.consult_category.pk)
    dispatcher = world.api("dispatcher")
    level1 = {r["name"]: r["count"] for r in dispatcher.get("cases/stats/by-category").json()}
    assert level1 == {"城市管理": 2, "政策咨询": 1}
    level2 = {r["name"]: r["count"] for r in dispatcher.get("cases/stats/by-category", level=2).json()}
    assert level2 == {"市容环境": 2, "政策咨询": 1}
    assert dispatcher.get("cases/stats/by-category", level=9).status_code == 422
