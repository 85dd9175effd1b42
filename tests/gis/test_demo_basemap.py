"""The demo base map: roads, water, estates, buildings, POIs and standard addresses of 钱塘区.

What an official would notice: roads that run off the district or end in nowhere, crossings the
geocoder cannot name, buildings outside their estate, addresses with no grid, a map that changes
between two builds, and licensed estate names copied into the code.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import shapely

from zhiguan.demo.cases_content import BANKUAI_STREETS
from zhiguan.geo.demo import build_demo_geography
from zhiguan.gis.demo import build_demo_basemap
from zhiguan.gis.demo_names import ESTATES_FILE, RealNames, estate_aliases, read_real_names
from zhiguan.gis.demo_plan import CORE_STREETS, demo_outline, generate_basemap
from zhiguan.gis.models import Building, Poi, Road, StandardAddress, Water
from zhiguan.registries.versions import current_token

from ..conftest import SHARED_DATA

SRC = Path(__file__).resolve().parents[2] / "src"
TOLERANCE_DEG = 2e-5  # ~2 m


@pytest.fixture(scope="module")
def outline():
    return demo_outline(None)


@pytest.fixture(scope="module")
def generated(outline):
    """The map without the shared data set: every name generated."""
    return generate_basemap(outline, RealNames((), ()))


def test_roads_lie_inside_the_district_are_named_and_coded(generated, outline):
    district = outline.district.buffer(TOLERANCE_DEG)
    roads = generated.roads
    assert len(roads) > 100
    assert {r["road_class"] for r in roads} == {"arterial", "secondary", "branch", "alley"}
    for r in roads:
        assert district.contains(r["geometry"]), r["name"]
        assert r["name"] and r["code"].startswith("330114R")
    assert len({r["code"] for r in roads}) == len(roads)
    # Arterial roads: roughly 800–1200 m apart (the grid of the district).
    art = sorted({round(x, 6) for r in roads if r["road_class"] == "arterial" and r["name"].endswith("号大街")
                  for x in [shapely.get_coordinates(r["geometry"])[0, 0]]})  # fmt: skip
    gaps_m = np.diff(art) * 111_320 * np.cos(np.radians(30.3))
    assert gaps_m.min() > 700 and gaps_m.max() < 1300


def test_every_road_meets_another_at_a_shared_vertex(generated):
    geoms = np.array([r["geometry"] for r in generated.roads], dtype=object)
    tree = shapely.STRtree(geoms)
    a_idx, b_idx = tree.query(geoms, predicate="intersects")
    pairs = [(a, b) for a, b in zip(a_idx, b_idx, strict=True) if a < b]
    assert set(a_idx[a_idx != b_idx]) == set(range(len(geoms))), "a road touches no other road"
    vertices = [set(map(tuple, shapely.get_coordinates(g))) for g in geoms]
    for a, b in pairs:
        for pt in shapely.get_parts(geoms[a].intersection(geoms[b])):
            assert (pt.x, pt.y) in vertices[a] and (pt.x, pt.y) in vertices[b], (
                generated.roads[a]["name"],
                generated.roads[b]["name"],
            )


def test_water_has_the_river_a_lake_and_canals_inside_the_district(generated, outline):
    kinds = {w["name"]: w["kind"] for w in generated.water}
    assert kinds["钱塘江"] == "river" and kinds["金沙湖"] == "lake"
    assert sum(1 for k in kinds.values() if k == "canal") >= 2
    district = outline.district.buffer(TOLERANCE_DEG)
    for w in generated.water:
        assert district.contains(w["geometry"]), w["name"]
    river = next(w["geometry"] for w in generated.water if w["name"] == "钱塘江")
    for r in generated.roads:
        assert r["geometry"].intersection(river).length < 1e-4, f"{r['name']} runs through the river"


def test_estates_and_their_buildings(generated, outline):
    district = outline.district
    estates = {p["code"]: p for p in generated.pois if p["kind"] == "estate"}
    assert len(estates) >= 50
    for p in estates.values():
        assert district.contains(p["outline"]) and p["outline"].buffer(TOLERANCE_DEG).contains(
            shapely.Point(p["lng"], p["lat"])
        ), p["name"]
    per_estate: dict[str, list[str]] = {}
    for b in generated.buildings:
        if b.get("estate_code") in estates:
            estate = estates[b["estate_code"]]
            assert estate["outline"].contains(b["geometry"]), (estate["name"], b["name"])
            assert 6 <= b["floors"] <= 30
            per_estate.setdefault(estate["name"], []).append(b["name"])
    assert len(per_estate) == len(estates), "an estate without buildings"
    for names in per_estate.values():
        assert names == [f"{i}幢" for i in range(1, len(names) + 1)]
    assert 1500 <= len(generated.buildings) <= 6000
    kinds = {p["kind"] for p in generated.pois}
    assert {"estate", "school", "hospital", "market", "park", "government", "station"} <= kinds
    names = {p["name"] for p in generated.pois}
    assert {"下沙街道办事处", "白杨街道办事处", "金沙湖社区服务中心"} <= names


def test_addresses_are_written_out_and_numbered_odd_left_even_right(generated):
    rows = generated.addresses
    levels = {lvl: sum(1 for a in rows if a["level"] == lvl) for lvl in ("door", "building", "unit", "room")}
    assert all(levels.values()) and sum(levels.values()) < 60_000, levels
    assert len({a["code"] for a in rows}) == len(rows)
    doors = [a for a in rows if a["level"] == "door"]
    seen = set()
    for a in doors:
        number = int(a["house_number"].removesuffix("号"))
        assert a["address"] == f"钱塘区{_street_name(a)}{a['road_name']}{number}号"
        assert (a["road"], number) not in seen
        seen.add((a["road"], number))
    assert {int(a["house_number"][:-1]) % 2 for a in doors} == {0, 1}
    unit = next(a for a in rows if a["level"] == "unit")
    assert unit["address"].endswith(f"{unit['building_no']}{unit['unit_no']}")


def _street_name(row: dict) -> str:
    return {"330114001": "白杨街道", "330114002": "下沙街道", "330114003": "义蓬街道", "330114004": "新湾街道",
            "330114005": "河庄街道", "330114006": "前进街道", "330114007": "临江街道"}[row["street"]]  # fmt: skip


def test_the_same_map_every_time(outline, generated):
    again = generate_basemap(outline, RealNames((), ()))
    assert [shapely.to_wkb(r["geometry"]) for r in again.roads] == [
        shapely.to_wkb(r["geometry"]) for r in generated.roads
    ]
    assert [(a["code"], a["address"], a["lng"], a["lat"]) for a in again.addresses] == [
        (a["code"], a["address"], a["lng"], a["lat"]) for a in generated.addresses
    ]
    different = generate_basemap(outline, RealNames((), ()), seed=7)
    assert [r["name"] for r in different.roads] != [r["name"] for r in generated.roads]


def test_estate_short_forms():
    # Invented names in the shapes real ones take (phases, developer brand, series).
    series = ["绿城星河湾丽轩一期", "绿城星河湾澜轩", "绿城星河湾茗轩南区三期", "云澜佳园"]
    assert estate_aliases("云澜佳园", series) == ["云澜"]
    forms = estate_aliases("绿城星河湾丽轩一期", series)
    assert {"星河湾丽轩", "星河湾"} <= set(forms)
    assert "绿城星河湾丽轩一期" not in forms
    assert "星河湾" in estate_aliases("绿城星河湾茗轩南区三期", series)


def _real_names() -> RealNames:
    if not (SHARED_DATA / ESTATES_FILE).is_file():
        pytest.skip("real data not available (../shared/data)")
    return read_real_names(SHARED_DATA)


def test_real_estate_and_station_names_are_used_in_the_core(outline):
    names = _real_names()
    plan = generate_basemap(outline, names, board_streets=BANKUAI_STREETS)
    real = {e.name for e in names.estates}
    placed = {p["name"]: p for p in plan.pois if p["kind"] == "estate" and p["name"] in real}
    assert set(placed) == real
    assert {p["street"] for p in placed.values()} <= set(CORE_STREETS)
    # In the street the demo cases name them with (an estate in a case text is on the map there).
    for e in names.estates:
        if e.board in BANKUAI_STREETS:
            assert placed[e.name]["street"] == BANKUAI_STREETS[e.board], e.board
    stations = {p["name"] for p in plan.pois if p["kind"] == "station"}
    assert {f"{s}站" for s in names.stations} == stations
    road_names = {r["name"] for r in plan.roads}
    assert {s for s in names.stations if s.endswith("路")} <= road_names


def test_no_real_estate_name_is_written_in_the_sources():
    path = SHARED_DATA / ESTATES_FILE
    if not path.is_file():
        pytest.skip("real data not available (../shared/data)")
    with path.open(encoding="utf-8") as fh:
        real = [row["estate_name"].strip() for row in csv.DictReader(fh)]
    assert len(real) >= 10
    found = []
    for file in SRC.rglob("*"):
        if file.suffix in {".py", ".po", ".json", ".txt", ".html", ".md"}:
            text = file.read_text(encoding="utf-8", errors="ignore")
            found += [f"{file.relative_to(SRC)}: {name}" for name in real if name in text]
    assert not found, found


@pytest.mark.django_db
def test_demo_base_map_is_stored_located_and_versioned(system):
    build_demo_geography(actor=system, data_dir=None)
    counts = build_demo_basemap(actor=system, data_dir=None)
    jid = system.jurisdiction.id
    assert counts["roads"] == Road.objects.filter(jurisdiction_id=jid).count() > 100
    assert Water.objects.filter(jurisdiction_id=jid).count() == counts["water"]
    assert Building.objects.filter(jurisdiction_id=jid, estate__isnull=False).count() > 1000
    assert StandardAddress.objects.filter(jurisdiction_id=jid).count() == counts["addresses"] > 5000
    for model in (Poi, Building, StandardAddress):
        assert not model.objects.filter(grid__isnull=True).exists(), model
        assert not model.objects.filter(h3_r9="").exists(), model
    # The written address names the street the point lies in.
    for address, street in StandardAddress.objects.values_list("address", "street__name")[:2000]:
        assert address.startswith(f"钱塘区{street}")
    road = Road.objects.get(code="330114R0001")
    assert shapely.from_wkb(bytes(road.geometry)).bounds == pytest.approx(
        (road.min_lng, road.min_lat, road.max_lng, road.max_lat)
    )
    assert road.history.get().history_source == "demo"
    assert set(StandardAddress.history.values_list("history_source", flat=True).distinct()) == {"demo"}
    estate = Poi.objects.filter(kind="estate").first()
    gate = StandardAddress.objects.filter(estate=estate, level="door").first()
    assert gate is None or estate.name in gate.aliases
    for registry in ("roads", "water", "pois", "buildings", "addresses"):
        assert current_token(jid, registry)
