"""The geocoder (decision 071): what an operator typing a caller's words gets back.

A small district (tests/geo/conftest.py: 120.30–120.40 E, 30.25–30.35 N): 文泽路 runs north–south at
120.35 with door numbers 1–99 (57 missing), 学林街 and 学源街 east–west, the estate 云澜苑 (alias
云澜) with buildings, units and rooms, a park and a metro station.
"""

from __future__ import annotations

from typing import Any

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import assert_error
from tests.geo.conftest import import_small_geography
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.geo.crs import BD09, GCJ02, from_wgs84, haversine_m
from zhiguan.gis import geocode as gc
from zhiguan.gis.models import Poi, Road, StandardAddress
from zhiguan.registries import versions

MISSING = 57


def _road(j: Any, code: str, name: str, coords: list[tuple[float, float]]) -> Road:
    line = shapely.LineString(coords)
    x0, y0, x1, y1 = line.bounds
    return Road.objects.create(
        jurisdiction=j,
        code=code,
        name=name,
        road_class="secondary",
        geometry=shapely.to_wkb(line),
        min_lng=x0,
        min_lat=y0,
        max_lng=x1,
        max_lat=y1,
    )


def door_lat(n: int) -> float:
    return 30.26 + n * 0.0005


@pytest.fixture
def town(system: Any) -> Any:
    import_small_geography(system)
    j = system.jurisdiction
    wenze = _road(j, "R1", "文泽路", [(120.35, 30.26), (120.35, 30.34)])
    _road(j, "R2", "学林街", [(120.31, 30.30), (120.39, 30.30)])
    _road(j, "R3", "学源街", [(120.31, 30.28), (120.39, 30.28)])
    rows = []
    for n in range(1, 100):
        if n == MISSING:
            continue
        lng = 120.3502 if n % 2 else 120.3498
        rows.append(
            StandardAddress(
                jurisdiction=j,
                code=f"A{n:03d}",
                level="door",
                road=wenze,
                road_name="文泽路",
                house_number=f"{n}号",
                address=f"钱塘区东街道文泽路{n}号",
                lng=lng,
                lat=door_lat(n),
            )
        )
    estate = Poi.objects.create(
        jurisdiction=j,
        code="P1",
        name="云澜苑",
        kind="estate",
        aliases=["云澜"],
        lng=120.362,
        lat=30.316,
        address="钱塘区云澜苑",
    )
    Poi.objects.create(jurisdiction=j, code="P2", name="金沙湖公园", kind="park", lng=120.37, lat=30.32)
    Poi.objects.create(
        jurisdiction=j,
        code="P3",
        name="文泽路站",
        kind="station",
        aliases=["文泽路地铁站"],
        lng=120.3506,
        lat=30.3004,
    )
    for b in range(1, 6):
        base = {"jurisdiction": j, "estate": estate, "building_no": f"{b}幢", "lat": 30.316 + b * 0.0003}
        rows.append(
            StandardAddress(code=f"E{b}", level="building", address=f"云澜苑{b}幢", lng=120.362, **base)
        )
        for u in (1, 2):
            lng = 120.362 + u * 0.0001
            rows.append(
                StandardAddress(
                    code=f"E{b}U{u}",
                    level="unit",
                    unit_no=f"{u}单元",
                    address=f"云澜苑{b}幢{u}单元",
                    lng=lng,
                    **base,
                )
            )
            for room in ("101", "102", "201", "202"):
                rows.append(
                    StandardAddress(
                        code=f"E{b}U{u}R{room}",
                        level="room",
                        unit_no=f"{u}单元",
                        room_no=f"{room}室",
                        address=f"云澜苑{b}幢{u}单元{room}室",
                        lng=lng,
                        **base,
                    )
                )
    StandardAddress.objects.bulk_create(rows)
    for registry in ("addresses", "pois", "roads"):
        versions.bump(j.pk, registry)
    return j


def best(town: Any, text: str) -> gc.Match:
    return gc.geocode(jurisdiction_id=town.pk, text=text).matched


@pytest.mark.parametrize(
    "text",
    [
        "文泽路88号",
        "文泽路 88",
        "文泽路88",
        "文泽路八十八号",
        "浙江省杭州市钱塘区文泽路88号",
        "我家在文泽路88号",
        "东街道文泽路88號",
        "文泽路８８号",
        "就在文泽路88号门口",
    ],
)
def test_road_and_number_in_the_ways_callers_say_it(town, text):
    m = best(town, text)
    assert (m.code, m.kind, m.precision) == ("A088", "address", "door")


def test_a_typo_in_the_road_name_still_finds_the_door(town):
    assert best(town, "文择路88号").code == "A088"
    assert best(town, "文泽88号").code == "A088"  # 路 left out


def test_a_number_that_does_not_exist_gives_the_nearest_on_that_road_with_a_lower_score(town):
    result = gc.geocode(jurisdiction_id=town.pk, text=f"文泽路{MISSING}号")
    assert result.matched.code in {f"A{MISSING - 2:03d}", f"A{MISSING + 2:03d}"}  # same side of the road
    assert result.matched.precision == "door"
    assert 0.55 <= result.score < 0.9


def test_a_road_whose_name_has_a_number_keeps_it(town):
    # 下沙's roads are numbered: 1号大街 … 29号大街. "11号大街517号" is door 517 of 11号大街.
    avenue = _road(town, "R11", "11号大街", [(120.33, 30.27), (120.33, 30.33)])
    _road(town, "R12", "1号大街", [(120.31, 30.31), (120.39, 30.31)])
    StandardAddress.objects.bulk_create(
        StandardAddress(
            jurisdiction=town,
            code=f"N{n:03d}",
            level="door",
            road=avenue,
            road_name="11号大街",
            house_number=f"{n}号",
            address=f"钱塘区东街道11号大街{n}号",
            lng=120.3302,
            lat=30.27 + n * 0.0001,
        )
        for n in range(501, 531, 2)
    )
    for registry in ("addresses", "roads"):
        versions.bump(town.pk, registry)
    for text in ("11号大街517号", "钱塘区11号大街517号", "十一号大街517号"):
        assert best(town, text).code == "N517", text
    assert best(town, "11号大街").code == "R11"
    crossing = gc.geocode(jurisdiction_id=town.pk, text="1号大街与11号大街交叉口").matched
    assert crossing.kind == "intersection", crossing
    assert abs(crossing.lng - 120.33) < 1e-6 and abs(crossing.lat - 30.31) < 1e-6


def test_a_missing_number_past_the_end_of_its_side_takes_the_door_across_the_road(town):
    # 学源街: odd doors 1–61, even doors only 2–20 (the even side is a park beyond 20).
    road = Road.objects.get(jurisdiction=town, code="R3")
    doors = [n for n in range(1, 62, 2)] + [n for n in range(2, 21, 2)]
    StandardAddress.objects.bulk_create(
        StandardAddress(
            jurisdiction=town,
            code=f"X{n:03d}",
            level="door",
            road=road,
            road_name="学源街",
            house_number=f"{n}号",
            address=f"钱塘区东街道学源街{n}号",
            lng=120.31 + n * 0.0004,
            lat=30.2802 if n % 2 else 30.2798,
        )
        for n in doors
    )
    versions.bump(town.pk, "addresses")
    result = gc.geocode(jurisdiction_id=town.pk, text="学源街58号")
    assert result.matched.code in {"X057", "X059"}, result.matched
    assert "无此门牌" in result.matched.address
    near = gc.geocode(jurisdiction_id=town.pk, text="学源街14号")
    assert near.matched.code == "X014"


@pytest.mark.parametrize(
    "text", ["文泽路与学林街交叉口", "文泽路和学林街路口", "文泽路学林街口", "学林街/文泽路"]
)
def test_a_crossing_is_the_point_where_the_two_road_lines_cross(town, text):
    m = best(town, text)
    assert (m.kind, m.precision) == ("intersection", "intersection")
    assert haversine_m(m.lng, m.lat, 120.35, 30.30) < 1


@pytest.mark.parametrize(
    ("text", "code", "precision"),
    [
        ("云澜苑3幢2单元201室", "E3U2R201", "room"),
        ("云澜苑3栋2单元201", "E3U2R201", "room"),
        ("云澜苑3-2-201", "E3U2R201", "room"),
        ("云澜苑三栋", "E3", "building"),
        ("云澜3栋", "E3", "building"),
        ("云澜苑3号楼", "E3", "building"),
        ("云澜苑3幢2单元", "E3U2", "building"),
        ("我住云澜家园4幢", "E4", "building"),
    ],
)
def test_estate_building_unit_and_room(town, text, code, precision):
    m = best(town, text)
    assert (m.code, m.precision) == (code, precision)


def test_a_room_that_does_not_exist_falls_back_to_its_unit_with_a_lower_score(town):
    result = gc.geocode(jurisdiction_id=town.pk, text="云澜苑3幢2单元909室")
    assert result.matched.code == "E3U2" and result.score < 1


@pytest.mark.parametrize(
    ("text", "code"),
    [("金沙湖公园附近", "P2"), ("文泽路地铁站旁边", "P3"), ("就在金沙湖公园对面", "P2"), ("云澜苑", "P1")],
)
def test_landmarks_and_bare_names_give_the_poi_point(town, text, code):
    m = best(town, text)
    assert (m.code, m.kind, m.precision) == (code, "poi", "poi")


def test_a_bare_road_gives_its_midpoint_with_road_precision(town):
    result = gc.geocode(jurisdiction_id=town.pk, text="文泽路上")
    assert (result.matched.kind, result.matched.precision) == ("road", "road")
    assert haversine_m(result.matched.lng, result.matched.lat, 120.35, 30.30) < 1
    assert result.score < 1


def test_the_answer_names_street_community_and_grid_and_alternatives(town):
    result = gc.geocode(jurisdiction_id=town.pk, text="文泽路88号", limit=3)
    assert result.areas.street_name == "西街道"  # even numbers on the west side of 120.35
    assert result.areas.street_id is not None
    assert len(result.candidates) <= 3


def test_nothing_like_it_is_not_found_with_the_nearest_names(town):
    with pytest.raises(NotFound) as err:
        gc.geocode(jurisdiction_id=town.pk, text="火星基地")
    assert err.value.code == "address_not_found"
    with pytest.raises(NotFound) as err:
        gc.geocode(jurisdiction_id=town.pk, text="文泽花苑小学东")
    assert err.value.code == "address_not_found"
    assert any(c["text"] == "文泽路" for c in err.value.details["candidates"])
    with pytest.raises(InvalidInput):
        gc.geocode(jurisdiction_id=town.pk, text="  ")


def test_reverse_geocoding_gives_the_nearest_address_and_its_distance(town):
    found = gc.reverse_geocode(jurisdiction_id=town.pk, lng=120.3499, lat=door_lat(40) + 0.00002)
    assert found.code == "A040"
    assert 5 < found.distance_m < 15
    near_estate = gc.reverse_geocode(jurisdiction_id=town.pk, lng=120.36205, lat=30.3169)
    assert (near_estate.code, near_estate.estate_name) == ("E3", "云澜苑")


@pytest.mark.parametrize("crs", [GCJ02, BD09])
def test_reverse_geocoding_converts_the_coordinate_system(town, crs):
    lng, lat = from_wgs84(120.3499, door_lat(40), crs)
    assert abs(lng - 120.3499) > 0.001  # a real shift, so a missed conversion would find another door
    found = gc.reverse_geocode(jurisdiction_id=town.pk, lng=lng, lat=lat, crs=crs)
    wgs = haversine_m(120.3499, door_lat(40), 120.3498, door_lat(40))
    assert found.code == "A040" and abs(found.distance_m - wgs) < 1


def test_the_index_is_rebuilt_after_a_registry_change(town):
    before = gc.get_index(town.pk)
    assert gc.get_index(town.pk) is before
    with pytest.raises(NotFound):
        gc.geocode(jurisdiction_id=town.pk, text="海棠苑")
    Poi.objects.create(jurisdiction=town, code="P9", name="海棠苑", kind="estate", lng=120.38, lat=30.33)
    versions.bump(town.pk, "pois")
    assert best(town, "海棠苑").code == "P9"
    assert gc.get_index(town.pk) is not before


FORMS = ("{r}{n}号", "{r} {n}", "{r}{n}", "钱塘区{r}{n}号", "{r}{n}號")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 99).filter(lambda n: n != MISSING), form=st.sampled_from(FORMS))
def test_property_written_road_and_number_geocodes_to_that_address(town, n, form):
    assert best(town, form.format(r="文泽路", n=n)).code == f"A{n:03d}"


def test_api_geocode_and_reverse_in_the_error_shape(town, api_as, anonymous_api):
    api = api_as("dispatcher", jurisdiction=town)
    r = api.get("gis/geocode", q="文泽路88号")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["matched"]["code"] == "A088" and body["street_name"] == "西街道"
    assert isinstance(body["candidates"], list)
    error = assert_error(api.get("gis/geocode", q="火星基地"), 404, "address_not_found")
    assert "candidates" in error["details"]
    r = api.get("gis/reverse-geocode", lng=120.3499, lat=door_lat(40))
    assert r.status_code == 200 and r.json()["code"] == "A040"
    assert_error(api.get("gis/reverse-geocode", lng=120.35, lat=30.3, crs="mars"), 422, "unknown_crs")
    assert anonymous_api.get("gis/geocode", q="文泽路88号").status_code == 401
