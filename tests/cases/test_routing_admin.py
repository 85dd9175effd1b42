"""Routing rules administered from the console: who may, the order, retiring, validation, the dry run's why."""

from __future__ import annotations

import pytest

from tests.cases.conftest import EAST, INSIDE
from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import RoutingRule


def _rule(world, by="supervisor", **fields):
    body = {"name": "规则", "position": 100, "lead_department_id": world.depts["JTJ"].pk} | fields
    return world.api(by).post("cases/routing/rules", body)


def _dry(world, by="dispatcher", **fields):
    body = {"category_id": world.category.pk, "lng": INSIDE[0], "lat": INSIDE[1]} | fields
    r = world.api(by).post("cases/routing/dry-run", body)
    assert r.status_code == 200, r.content
    return r.json()


def _order(world):
    return [r["key"] for r in world.api("supervisor").get("cases/routing/rules").json()]


def test_handlers_and_dispatchers_cannot_change_rules_but_dispatchers_can_try_them(world):
    key = _rule(world).json()["key"]
    for name in ("lead", "dispatcher"):
        assert_error(_rule(world, by=name), 403, "forbidden")
        api = world.api(name)
        assert_error(
            api.put(f"cases/routing/rules/{key}", {"name": "x", "lead_department_id": 1}), 403, "forbidden"
        )
        assert_error(api.post(f"cases/routing/rules/{key}/retire", {}), 403, "forbidden")
        assert_error(api.post("cases/routing/rules/order", {"keys": [key]}), 403, "forbidden")
    assert_error(
        world.api("lead").post("cases/routing/dry-run", {"category_id": world.category.pk}), 403, "forbidden"
    )
    assert _dry(world)["rule_key"] == key
    assert RoutingRule.objects.get().version == 1 and not RoutingRule.objects.get().retired


def test_reordering_puts_the_chosen_rule_first_and_the_dry_run_follows(world):
    street = _rule(
        world, name="街道", category_id=world.category.pk, lead_department_id=world.depts["330114002"].pk
    )
    bureau = _rule(world, name="交通", category_id=world.category.pk, position=50)
    street_key, bureau_key = street.json()["key"], bureau.json()["key"]
    assert _order(world) == [bureau_key, street_key]
    assert _dry(world)["lead_department_id"] == world.depts["JTJ"].pk

    r = world.api("supervisor").post("cases/routing/rules/order", {"keys": [street_key, bureau_key]})
    assert r.status_code == 200, r.content
    assert [x["key"] for x in r.json()] == [street_key, bureau_key]
    assert _order(world) == [street_key, bureau_key]
    assert _dry(world)["lead_department_id"] == world.depts["330114002"].pk
    audit = AuditRecord.objects.get(action="routing.rules_reordered")
    assert audit.before == {"order": [bureau_key, street_key]} and audit.after == {
        "order": [street_key, bureau_key]
    }
    # Reordering adds no versions: the conditions did not change.
    assert RoutingRule.objects.count() == 2


@pytest.mark.parametrize("keys", [[1], [1, 1, 2], [1, 2, 99], []])
def test_an_order_that_does_not_name_every_rule_once_changes_nothing(world, keys):
    _rule(world, name="一", position=10)
    _rule(world, name="二", position=20)
    before = list(RoutingRule.objects.order_by("key").values_list("key", "position"))
    assert_error(
        world.api("supervisor").post("cases/routing/rules/order", {"keys": keys}), 409, "stale_order"
    )
    assert list(RoutingRule.objects.order_by("key").values_list("key", "position")) == before
    assert not AuditRecord.objects.filter(action="routing.rules_reordered").exists()


def test_a_retired_rule_stops_routing_and_keeps_the_version_its_cases_were_routed_by(world):
    key = _rule(world, category_id=world.category.pk).json()["key"]
    case = world.walk(world.new_case(), "submit")
    case = world.do(case, "dispatch", lead_department_id=None, co_handler_ids=None)
    assert case.lead_department_id == world.depts["JTJ"].pk
    routed_by = case.routing_rule_id

    r = world.api("supervisor").post(f"cases/routing/rules/{key}/retire", {"reason": "职责调整"})
    assert r.status_code == 200 and r.json()["retired"] is True, r.content
    dry = _dry(world)
    assert dry["rule_key"] is None and dry["lead_department_id"] == world.depts["CGJ"].pk
    case.refresh_from_db()
    assert case.routing_rule_id == routed_by and RoutingRule.objects.filter(pk=routed_by).exists()
    assert AuditRecord.objects.get(action="routing.rule_retired").note == "职责调整"
    listed = world.api("supervisor").get("cases/routing/rules").json()
    assert [(x["key"], x["retired"]) for x in listed] == [(key, True)]

    assert world.api("supervisor").post(f"cases/routing/rules/{key}/restore", {}).json()["retired"] is False
    assert _dry(world)["rule_key"] == key
    assert AuditRecord.objects.filter(action="routing.rule_restored").count() == 1


def test_editing_a_rule_adds_a_version_and_the_old_version_still_names_its_cases(world):
    key = _rule(world, category_id=world.category.pk).json()["key"]
    case = world.do(
        world.walk(world.new_case(), "submit"), "dispatch", lead_department_id=None, co_handler_ids=None
    )
    r = world.api("supervisor").put(
        f"cases/routing/rules/{key}",
        {"name": "改为环保", "lead_department_id": world.depts["HBJ"].pk, "category_id": world.category.pk},
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    case.refresh_from_db()
    assert case.routing_rule.version == 1 and case.routing_rule.lead_department_id == world.depts["JTJ"].pk
    assert _dry(world)["lead_department_id"] == world.depts["HBJ"].pk


def test_the_dry_run_says_which_condition_failed_and_which_held(world):
    _rule(world, name="夜间噪音", position=10, keywords=["噪音"], category_id=world.category.pk)
    _rule(world, name="白杨街道", position=20, area_id=world.areas["330114003"].pk)
    street = _rule(
        world,
        name="下沙占道",
        position=30,
        category_id=world.category.pk,
        area_id=world.areas["330114002"].pk,
        lead_department_id=world.depts["330114002"].pk,
    ).json()
    _rule(world, name="兜底", position=40)
    dry = _dry(world, description="门口占道经营")
    assert (dry["rule_key"], dry["lead_department_name"]) == (street["key"], "下沙街道")
    assert [(t["name"], t["held"], t["failed"]) for t in dry["trials"]] == [
        ("夜间噪音", ["category"], "keywords"),
        ("白杨街道", [], "area"),
        ("下沙占道", ["category", "area"], None),
    ]
    assert dry["street_id"] == world.areas["330114002"].pk


def test_the_dry_run_takes_an_area_instead_of_a_point(world):
    _rule(world, area_id=world.areas["330114003"].pk)
    east = world.areas["330114003"].pk
    assert _dry(world, lng=None, lat=None, area_id=east)["lead_department_id"] == world.depts["JTJ"].pk
    # A grid puts the case in its community and street too.
    _rule(
        world,
        name="下沙",
        position=1,
        area_id=world.areas["330114002"].pk,
        lead_department_id=world.depts["HBJ"].pk,
    )
    dry = _dry(world, lng=None, lat=None, area_id=world.areas["G1"].pk)
    assert dry["lead_department_id"] == world.depts["HBJ"].pk
    assert (dry["street_id"], dry["grid_id"]) == (world.areas["330114002"].pk, world.areas["G1"].pk)


def test_a_dry_run_outside_every_rule_falls_back_to_the_category_default(world):
    _rule(world, area_id=world.areas["330114003"].pk)
    dry = _dry(world)
    assert dry["rule_key"] is None and dry["lead_department_name"] == "城管局"
    assert dry["trials"][0]["failed"] == "area"
    assert _dry(world, lng=EAST[0], lat=EAST[1])["lead_department_id"] == world.depts["JTJ"].pk


OUTSIDE_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[121.0, 31.0], [121.1, 31.0], [121.1, 31.1], [121.0, 31.1], [121.0, 31.0]]],
}


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"category_id": 999999}, "unknown_category", "category_id"),
        ({"area_id": 999999}, "unknown_area", "area_id"),
        ({"deadline_profile_id": 999999}, "unknown_deadline_profile", "deadline_profile_id"),
        ({"lead_department_id": 999999}, "unknown_department", "lead_department_id"),
        ({"co_handler_ids": [999999]}, "unknown_department", "co_handler_ids"),
        ({"polygon": OUTSIDE_SQUARE}, "polygon_outside", "polygon"),
        ({"time_from": "22:00", "time_to": "22:00"}, "invalid_time_window", "time_from"),
        ({"time_to": "06:00"}, "invalid_time_window", "time_from"),
    ],
)
def test_a_bad_rule_is_refused_with_a_stable_code_and_writes_nothing(world, fields, code, field):
    body = assert_error(_rule(world, **fields), 422, code)
    assert body["details"]["field"] == field
    assert (
        not RoutingRule.objects.exists()
        and not AuditRecord.objects.filter(action__startswith="routing.").exists()
    )


def test_the_district_government_cannot_be_a_rules_lead_department(world):
    # The district government itself cannot lead a case: rules name a bureau or a street office.
    assert_error(_rule(world, lead_department_id=world.depts["GOV"].pk), 422, "unknown_department")


def test_every_rule_change_is_audited_with_before_and_after(world):
    key = _rule(world).json()["key"]
    world.api("supervisor").put(
        f"cases/routing/rules/{key}", {"name": "改名", "lead_department_id": world.depts["HBJ"].pk}
    )
    world.api("supervisor").post(f"cases/routing/rules/{key}/retire", {})
    actions = list(
        AuditRecord.objects.filter(action__startswith="routing.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["routing.rule_created", "routing.rule_revised", "routing.rule_retired"]
    revised = AuditRecord.objects.get(action="routing.rule_revised")
    assert revised.before["name"] == "规则" and revised.after["name"] == "改名"
