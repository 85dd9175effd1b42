"""The `components` registry: a row's checks and preparation, the data scope, nearby, by code, types."""

from __future__ import annotations

import importlib.util

import pytest

from zhiguan.components import registry
from zhiguan.components.models import Component
from zhiguan.org.permissions import Actor, restrict
from zhiguan.registries.spec import RowContext, get_spec

from ..conftest import assert_error
from .conftest import LAT, LNG, add_component

HAS_REGISTRIES_API = importlib.util.find_spec("zhiguan.registries.api") is not None


def ctx_for(actor, line=2):
    return RowContext(actor=actor, jurisdiction_id=actor.jurisdiction.pk, crs="wgs84", line=line)


def row(**kw):
    base = {
        "code": "3301140101000001",
        "category": "上水井盖",
        "name": "北街1号上水井盖",
        "lng": LNG,
        "lat": LAT,
        "owner": "SWGS",
        "maintainer": "",
        "state": None,
        "installed_on": None,
        "note": "",
    }
    return {**base, **kw}


def codes_of(errors):
    return sorted(e.code for e in errors)


def test_the_spec_is_registered_with_chinese_headers():
    spec = get_spec("components")
    assert spec.title == "城市部件" and spec.natural_key == ("code",)
    headers = {c.header for c in spec.columns}
    assert {
        "部件编码",
        "部件类型",
        "经度",
        "纬度",
        "权属单位",
        "养护单位",
        "状态",
        "安装日期",
        "备注",
    } <= headers
    assert spec.column("state").choices == {
        "normal": "完好",
        "damaged": "破损",
        "lost": "丢失",
        "removed": "移除",
    }


@pytest.mark.parametrize(
    "category", ["上水井盖", "自来水井盖", "0101", "DCM-P-0101", "0101 上水井盖", " 上水井盖 "]
)
def test_a_type_is_found_by_name_alias_or_code(world, category):
    ctx = ctx_for(world.actor)
    assert registry.validate_row(row(category=category), ctx) == []
    assert registry.prepare(row(category=category), ctx)["category_id"] == registry.refs(ctx).types["0101"][0]


def test_full_width_and_half_width_brackets_are_the_same_type(world):
    ctx = ctx_for(world.actor)
    assert registry.validate_row(row(category="输油(气)井盖", code="3301140114000001"), ctx) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"code": "3301080101000001"}, ["wrong_admin_code"]),
        ({"code": "3301140102000001"}, ["category_mismatch"]),
        ({"code": "33011401010000"}, []),  # a 4-digit serial is allowed
        ({"code": "330114010100001"}, ["bad_component_code"]),
        ({"category": "飞碟"}, ["unknown_component_type"]),
        ({"owner": "不存在的单位"}, ["unknown_department"]),
        ({"code": ""}, ["required"]),
    ],
)
def test_bad_rows_are_refused_with_their_code(world, changes, expected):
    assert codes_of(registry.validate_row(row(**changes), ctx_for(world.actor))) == expected


def test_owner_and_maintainer_by_name_or_code_or_free_text(world):
    ctx = ctx_for(world.actor)
    v = registry.prepare(row(owner="钱塘水务有限公司", maintainer="CGJSZ"), ctx)
    assert (v["owner_id"], v["maintainer_id"], v["maintainer_name"]) == (world.sw.pk, world.sz.pk, "")
    v = registry.prepare(row(maintainer="杭州某某市政工程有限公司"), ctx)
    assert (v["maintainer_id"], v["maintainer_name"]) == (None, "杭州某某市政工程有限公司")


def test_a_record_made_without_a_code_gets_the_next_one(world):
    add_component(world.actor, **row(code="3301140101000041"))
    made = add_component(world.actor, **row(code="", name="无编码"))
    assert made.code == "3301140101000042"
    assert made.street is not None and made.grid is not None and made.h3_r11


def _data_officer(make_user, world, department):
    user = make_user("data_officer", jurisdiction=world.actor.jurisdiction, department=department)
    actor = Actor.for_user(user)
    assert actor is not None
    return actor


def test_a_data_officer_registers_only_components_of_their_departments(make_user, world):
    officer = _data_officer(make_user, world, world.cgj)
    ctx = ctx_for(officer)
    assert registry.validate_row(row(owner="CGJSZ", category="雨水井盖", code="3301140103000001"), ctx) == []
    assert codes_of(registry.validate_row(row(owner="SWGS"), ctx)) == ["owner_out_of_scope"]


def test_a_department_tree_sees_and_manages_what_it_owns_or_maintains(make_user, world):
    own = add_component(world.actor, **row(owner="CGJSZ", category="雨水井盖", code="3301140103000001"))
    kept = add_component(world.actor, **row(owner="SWGS", maintainer="路灯管理所", code="3301140101000002"))
    other = add_component(world.actor, **row(owner="SWGS", code="3301140101000003"))
    cgj = _data_officer(make_user, world, world.cgj)
    water = _data_officer(make_user, world, world.sw)
    visible = set(restrict(cgj, Component.objects.all(), "registry.manage").values_list("pk", flat=True))
    assert visible == {own.pk, kept.pk}
    visible = set(restrict(water, Component.objects.all(), "registry.view").values_list("pk", flat=True))
    assert visible == {kept.pk, other.pk}
    assert restrict(world.actor, Component.objects.all(), "registry.manage").count() == 3


@pytest.mark.skipif(not HAS_REGISTRIES_API, reason="the registries API (H1) is not there yet")
def test_a_data_officer_of_another_department_cannot_retire_a_component(api_as, world):
    water = add_component(world.actor, **row(owner="SWGS"))
    officer = api_as("data_officer", jurisdiction=world.actor.jurisdiction, department=world.cgj)
    response = officer.post(f"registries/components/records/{water.pk}/retire", {"reason": "拆除"})
    assert response.status_code in (403, 404)
    water.refresh_from_db()
    assert water.retired_at is None
    admin = api_as("admin", jurisdiction=world.actor.jurisdiction, department=world.root)
    assert (
        admin.post(f"registries/components/records/{water.pk}/retire", {"reason": "拆除"}).status_code == 200
    )
    water.refresh_from_db()
    assert water.retired_at is not None


def _metres_east(m):
    return LNG + m / 96_000


def test_nearby_lists_nearest_first_within_the_radius(api_as, world):
    far = add_component(world.actor, **row(code="3301140101000001", lng=_metres_east(25)))
    near = add_component(world.actor, **row(code="3301140101000002", lng=_metres_east(5)))
    lamp = add_component(
        world.actor, **row(code="3301140128000001", category="路灯", owner="CGJLD", lng=_metres_east(12))
    )
    add_component(world.actor, **row(code="3301140101000003", lng=_metres_east(60)))  # beyond 30 m
    api = api_as("intake_operator", jurisdiction=world.actor.jurisdiction)
    response = api.get("components/nearby", lng=LNG, lat=LAT)
    assert response.status_code == 200, response.content
    items = response.json()
    assert [i["id"] for i in items] == [near.pk, lamp.pk, far.pk]
    assert [round(i["distance_m"]) for i in items] == [5, 12, 25]
    assert items[1]["category_name"] == "路灯" and items[1]["owner_name"] == "路灯管理所"
    only_covers = api.get("components/nearby", lng=LNG, lat=LAT, category="01", radius=100).json()
    assert len(only_covers) == 4  # 0101 and 0128 are both of 大类 01
    lamps = api.get("components/nearby", lng=LNG, lat=LAT, category="0128", radius=100).json()
    assert [i["id"] for i in lamps] == [lamp.pk]
    wide = api.get("components/nearby", lng=LNG, lat=LAT, radius=400).json()  # the r9 cells
    assert len(wide) == 4
    assert api.get("components/nearby", lng=LNG, lat=LAT, radius=5000).status_code == 422


def test_nearby_takes_gcj02_points_and_hides_retired(api_as, world):
    from zhiguan.geo.crs import GCJ02, from_wgs84

    c = add_component(world.actor, **row())
    glng, glat = from_wgs84(LNG, LAT, GCJ02)
    api = api_as("dispatcher", jurisdiction=world.actor.jurisdiction)
    items = api.get("components/nearby", lng=glng, lat=glat, crs="gcj02", radius=10).json()
    assert [i["id"] for i in items] == [c.pk] and items[0]["distance_m"] < 1
    Component.objects.filter(pk=c.pk).update(retired_at="2026-01-01T00:00:00Z")
    assert api.get("components/nearby", lng=LNG, lat=LAT).json() == []


def test_by_code_and_the_type_list(api_as, world):
    c = add_component(world.actor, **row())
    api = api_as("inspector", jurisdiction=world.actor.jurisdiction)
    found = api.get(f"components/by-code/{c.code}").json()
    assert found["id"] == c.pk and found["category_code"] == "0101" and found["state_label"]
    assert_error(api.get("components/by-code/3301140101999999"), 404, "not_found")
    types = api.get("components/types").json()
    assert {"code": "0128", "name": "路灯"}.items() <= next(t for t in types if t["code"] == "0128").items()
    assert len(types) > 80 and all(t["major_name"] for t in types)
