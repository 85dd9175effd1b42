"""A case about a city component (城市部件): registration, routing to the owner, history, recurring."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.cases.conftest import EAST, INSIDE, World
from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases import queries, routing, services
from zhiguan.cases.models import Case
from zhiguan.components.models import Component
from zhiguan.errors import InvalidInput
from zhiguan.org.services import set_department_active
from zhiguan.taxonomy.services import create_category

# About 30 m east of INSIDE (0.0003° of longitude at 30° N ≈ 29 m); about 500 m away.
NEAR = (INSIDE[0] + 0.0003, INSIDE[1])
FAR = (INSIDE[0] + 0.005, INSIDE[1])


@pytest.fixture
def parts(world: World) -> dict[str, Any]:
    """Component types (部件小类) and components; built with the ORM (the registry is another app's)."""
    system = world.system
    root = create_category(actor=system, name="部件")
    mid = create_category(actor=system, name="公用设施", parent_id=root.pk)
    cover = create_category(actor=system, name="污水井盖", parent_id=mid.pk)

    def make(code: str, *, owner: str = "JTJ", at: tuple[float, float] = INSIDE, **extra: Any) -> Component:
        return Component.objects.create(
            jurisdiction=world.jurisdiction,
            code=code,
            category=cover,
            name=f"金沙路{code[-2:]}号井盖",
            owner=world.depts[owner],
            lng=at[0],
            lat=at[1],
            address="下沙街道金沙路",
            **extra,
        )

    return {
        "type": cover,
        "make": make,
        "cover": make("330114010101000001"),
        "east": make("330114010101000002", at=EAST),
    }


def _owner_rule(world: World, **extra: Any) -> Any:
    return routing.create_rule(
        actor=world.actor("admin"),
        name="部件类案件按权属单位派遣",
        position=10,
        target="component_owner",
        **extra,
    )


# ---------------------------------------------------------------------------- registration


def test_a_case_without_a_point_takes_the_components_point_place_and_type(world, parts):
    case = world.new_case(lng=None, lat=None, address="", category_id=None, component=parts["cover"].pk)
    case.refresh_from_db()
    assert case.component_id == parts["cover"].pk
    assert (case.lng, case.lat) == INSIDE
    assert case.street.code == "330114002" and case.grid.code == "G1"
    assert case.address == "下沙街道金沙路"
    assert case.category_id == parts["type"].pk
    first = case.events.get(seq=1)
    assert first.payload["component"]["code"] == "330114010101000001"


def test_a_component_is_named_by_its_code_and_a_near_point_is_kept(world, parts):
    case = world.new_case(lng=NEAR[0], lat=NEAR[1], component="330114010101000001")
    assert case.component_id == parts["cover"].pk
    assert case.category_id == world.category.pk  # the case's own category wins
    assert round(case.lng, 6) == round(NEAR[0], 6)


def test_a_point_far_from_the_component_is_refused_and_nothing_is_written(world, parts):
    before = Case.objects.count()
    with pytest.raises(InvalidInput) as exc:
        world.new_case(lng=FAR[0], lat=FAR[1], component=parts["cover"].pk)
    assert exc.value.code == "component_too_far"
    assert exc.value.details["max_distance_m"] == 100
    assert 400 < exc.value.details["distance_m"] < 600
    assert Case.objects.count() == before


def test_the_allowed_distance_is_a_setting(world, parts, settings):
    settings.ZHIGUAN_COMPONENT_MAX_DISTANCE_M = 1000
    case = world.new_case(lng=FAR[0], lat=FAR[1], component=parts["cover"].pk)
    assert case.component_id == parts["cover"].pk


def test_a_retired_component_and_one_of_another_jurisdiction_are_refused(world, parts, other_jurisdiction):
    old = parts["make"]("330114010101000009", retired_at=timezone.now(), retired_reason="已拆除")
    with pytest.raises(InvalidInput) as exc:
        world.new_case(component=old.pk)
    assert exc.value.code == "component_retired"
    from tests.cases.conftest import build_world

    other = build_world(other_jurisdiction)
    foreign = Component.objects.create(
        jurisdiction=other_jurisdiction,
        code="330108010101000001",
        category=other.category,
        owner=other.depts["JTJ"],
        lng=INSIDE[0],
        lat=INSIDE[1],
    )
    for ref in (foreign.pk, foreign.code, "nonsense", 10**9):
        with pytest.raises(InvalidInput) as exc:
            world.new_case(component=ref)
        assert exc.value.code == "unknown_component"


def test_the_api_registers_with_a_component_and_shows_it_on_the_case(world, parts):
    api = world.api("operator")
    body = {
        "request_type": "complaint",
        "channel": "hotline",
        "description": "井盖破损，车辆经过有异响",
        "reporters": [{"name": "李华", "phone": "13812345678"}],
        "component": "330114010101000001",
    }
    r = api.post("cases", body)
    assert r.status_code == 201, r.content
    shown = r.json()["component"]
    assert shown["code"] == "330114010101000001"
    assert (shown["type_name"], shown["owner_name"], shown["state"]) == ("污水井盖", "交通局", "normal")
    assert r.json()["category_id"] == parts["type"].pk
    far = api.post("cases", {**body, "component": parts["cover"].pk, "lng": FAR[0], "lat": FAR[1]})
    error = assert_error(far, 422, "component_too_far")
    assert error["details"]["field"] == "component"
    assert_error(api.post("cases", {**body, "component": "330114019999999999"}), 422, "unknown_component")


def test_changing_the_component_is_on_the_timeline_with_before_and_after(world, parts):
    case = world.new_case(component=parts["cover"].pk)
    other = parts["make"]("330114010101000003", at=NEAR)
    api = world.api("dispatcher")
    r = api.post(f"cases/{case.number}/component", {"component": other.code, "note": "核实为相邻井盖"})
    assert r.status_code == 200, r.content
    assert r.json()["component"]["id"] == other.pk
    event = case.events.order_by("-seq").first()
    assert event.action == "component_change"
    assert event.payload["before"]["code"] == parts["cover"].code
    assert event.payload["after"]["code"] == other.code
    assert AuditRecord.objects.filter(action="case.component_changed").count() == 1
    # Too far from the case's point: refused, the component stays.
    assert_error(
        api.post(f"cases/{case.number}/component", {"component": parts["east"].pk}), 422, "component_too_far"
    )
    case.refresh_from_db()
    assert case.component_id == other.pk
    # Cleared.
    assert api.post(f"cases/{case.number}/component", {"component": None}).json()["component"] is None


# ---------------------------------------------------------------------------------- routing


def test_a_rule_sends_a_case_about_a_component_to_its_owner_and_explains_it(world, parts):
    rule = _owner_rule(world)
    case = world.new_case(component=parts["cover"].pk)
    route = routing.route(case, explain=True)
    assert route.lead == world.depts["JTJ"]
    assert route.rule.pk == rule.pk
    assert "owner department: 交通局" in route.reason
    assert route.trials[-1].held[-1] == "component_owner"
    # A case without a component is not this rule's: the category's default lead (城管局).
    plain = routing.route(world.new_case(), explain=True)
    assert plain.lead == world.depts["CGJ"] and plain.rule is None
    assert plain.trials[0].failed == "component"
    # The dispatch follows the rule.
    dispatched = world.walk(case, "submit")
    dispatched = services.perform(actor=world.actor("dispatcher"), case_id=case.pk, action="dispatch")
    assert dispatched.lead_department_id == world.depts["JTJ"].pk
    assert dispatched.routing_rule_id == rule.pk


def test_an_inactive_owner_or_one_the_rule_does_not_allow_falls_through(world, parts):
    _owner_rule(world, owner_ids=[world.depts["HBJ"].pk])
    fallback = routing.create_rule(
        actor=world.actor("admin"), name="兜底", position=20, lead_department_id=world.depts["330114002"].pk
    )
    case = world.new_case(component=parts["cover"].pk)
    route = routing.route(case, explain=True)
    assert route.rule.pk == fallback.pk and route.lead == world.depts["330114002"]
    assert route.trials[0].failed == "component_owner"
    # Any owner allowed, but the owner is deactivated.
    _owner_rule(world)
    assert routing.route(case).lead == world.depts["JTJ"]
    set_department_active(actor=world.system, department_id=world.depts["JTJ"].pk, active=False)
    case = Case.objects.get(pk=case.pk)
    assert routing.route(case).rule.pk == fallback.pk


def test_the_rule_editor_api_takes_the_owner_target_and_the_dry_run_a_component(world, parts):
    api = world.api("admin")
    r = api.post("cases/routing/rules", {"name": "部件→权属单位", "position": 5, "target": "component_owner"})
    assert r.status_code == 201, r.content
    assert (r.json()["target"], r.json()["lead_department_id"]) == ("component_owner", None)
    assert_error(
        api.post("cases/routing/rules", {"name": "缺牵头单位", "position": 6}), 422, "unknown_department"
    )
    run = api.post(
        "cases/routing/dry-run", {"category_id": world.category.pk, "component": parts["cover"].code}
    )
    assert run.status_code == 200, run.content
    assert run.json()["lead_department_name"] == "交通局"
    assert run.json()["street_id"] == world.areas["330114002"].pk
    assert run.json()["trials"][0]["lead_department_name"]
    zh = world.api("admin")
    zh.headers["Accept-Language"] = "zh-hans"
    assert zh.post("cases/routing/dry-run", {"category_id": world.category.pk}).status_code == 200


# ----------------------------------------------------------------------- history and recurring


def test_the_history_of_a_component_lists_its_cases_newest_first_within_the_scope(world, parts):
    cover = parts["cover"]
    first = world.new_case(component=cover.pk, description="井盖松动")
    second = world.walk(world.new_case(component=cover.pk, description="井盖破损"), "submit", "dispatch")
    world.new_case(component=parts["east"].pk, lng=EAST[0], lat=EAST[1])
    world.new_case()
    r = world.api("dispatcher").get(f"cases/components/{cover.pk}/history")
    assert r.status_code == 200, r.content
    body = r.json()
    assert [i["number"] for i in body["items"]] == [second.number, first.number]
    assert body["items"][0]["status"] == "dispatched"
    assert body["items"][0]["lead_department_name"] == "城管局"
    assert (body["recent"], body["recurring"]) == (2, False)
    # A handler of another bureau sees none of these cases (its data scope).
    assert world.api("other").get(f"cases/components/{cover.pk}/history").json()["items"] == []
    # The filters of the case list.
    listed = world.api("dispatcher").get("cases", component=cover.pk).json()["items"]
    assert {i["number"] for i in listed} == {first.number, second.number}
    by_code = world.api("dispatcher").get("cases", component_code=cover.code).json()["items"]
    assert {i["number"] for i in by_code} == {first.number, second.number}
    assert world.api("dispatcher").get("cases/components/999999999/history").status_code == 404


def test_recurring_components_have_min_cases_in_the_window(world, parts):
    cover = parts["cover"]
    cases = [world.new_case(component=cover.pk, description=f"井盖第{i}次损坏") for i in range(3)]
    world.walk(cases[0], "reject")
    world.new_case(component=parts["east"].pk, lng=EAST[0], lat=EAST[1])
    api = world.api("dispatcher")
    rows = api.get("cases/components/recurring").json()
    assert [r["component"]["code"] for r in rows] == [cover.code]
    assert (rows[0]["count"], rows[0]["open_count"]) == (3, 2)
    assert rows[0]["last_case_number"] == cases[-1].number
    assert api.get("cases/components/recurring", min_cases=4).json() == []
    assert len(api.get("cases/components/recurring", min_cases=1).json()) == 2
    assert api.get(f"cases/components/{cover.pk}/history").json()["recurring"] is True
    # Older than the window: not counted.
    Case.objects.filter(pk=cases[0].pk).update(created_at=timezone.now() - timedelta(days=120))
    assert api.get("cases/components/recurring").json() == []
    assert [r.count for r in queries.recurring_components(world.actor("dispatcher"), days=200)] == [3]
    # Within the scope: another bureau's handler sees no recurring component.
    assert world.api("other").get("cases/components/recurring", min_cases=1).json() == []
    assert api.get("cases/components/recurring", days=0).status_code == 422
