"""The district's own base map (decision 069): what a map shows at which zoom, in which box, and that
it is cached with an ETag until a registry changes.

The small geography of tests/geo/conftest.py: district 120.30–120.40 E, 30.25–30.35 N.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
import shapely

from tests.conftest import assert_error
from tests.geo.conftest import import_small_geography
from zhiguan.gis import basemap
from zhiguan.gis.models import Building, Poi, Road, Water
from zhiguan.registries import versions

DISTRICT_BBOX = "120.30,30.25,120.40,30.35"


def _shaped(geometry: shapely.Geometry) -> dict[str, Any]:
    x0, y0, x1, y1 = geometry.bounds
    return {"geometry": shapely.to_wkb(geometry), "min_lng": x0, "min_lat": y0, "max_lng": x1, "max_lat": y1}


def road(j: Any, code: str, name: str, road_class: str, coords: list[tuple[float, float]]) -> Road:
    return Road.objects.create(
        jurisdiction=j, code=code, name=name, road_class=road_class, **_shaped(shapely.LineString(coords))
    )


@pytest.fixture
def city(system: Any) -> Any:
    """Two arterial roads crossing, a secondary, a branch and a lane; a river; an estate with a building."""
    import_small_geography(system)
    j = system.jurisdiction
    road(j, "R1", "一号大街", "arterial", [(120.31, 30.30), (120.39, 30.30)])
    road(j, "R2", "文泽路", "arterial", [(120.35, 30.26), (120.35, 30.34)])
    road(j, "R3", "学源街", "secondary", [(120.31, 30.28), (120.39, 30.28)])
    road(j, "R4", "支一路", "branch", [(120.36, 30.31), (120.36, 30.33)])
    road(j, "R5", "云澜巷", "alley", [(120.361, 30.315), (120.365, 30.315)])
    river = shapely.Polygon([(120.30, 30.255), (120.40, 30.255), (120.40, 30.26), (120.30, 30.26)])
    Water.objects.create(jurisdiction=j, code="W1", name="钱塘江", kind="river", **_shaped(river))
    estate = Poi.objects.create(
        jurisdiction=j, code="P1", name="云澜苑", kind="estate", lng=120.362, lat=30.316, address="文泽路1号"
    )
    footprint = shapely.box(120.3621, 30.3161, 120.3625, 30.3164)
    Building.objects.create(
        jurisdiction=j, code="B1", name="3幢", estate=estate, use="residential", floors=18,
        lng=120.3623, lat=30.31625, **_shaped(footprint),
    )  # fmt: skip
    return system


@pytest.fixture
def api(api_as, jurisdiction, city):
    return api_as("dispatcher", jurisdiction=jurisdiction)


def layer(api: Any, name: str, zoom: int, bbox: str = DISTRICT_BBOX, **headers: str) -> Any:
    return api.client.get(f"/api/v1/gis/basemap/{name}", {"bbox": bbox, "zoom": zoom}, headers=headers)


def names(response: Any, key: str = "name") -> set[str]:
    assert response.status_code == 200, response.content
    return {f["properties"][key] for f in response.json()["features"]}


def test_minor_roads_appear_only_from_their_zoom(api):
    assert names(layer(api, "roads", 10)) == set()
    assert names(layer(api, "roads", 11)) == {"一号大街", "文泽路"}
    assert names(layer(api, "roads", 13)) == {"一号大街", "文泽路", "学源街"}
    assert "支一路" in names(layer(api, "roads", 14, "120.355,30.305,120.37,30.335"))
    at15 = layer(api, "roads", 15, "120.355,30.305,120.37,30.335")
    assert "云澜巷" not in names(at15) and "云澜巷" in names(
        layer(api, "roads", 16, "120.355,30.305,120.37,30.335")
    )
    props = {f["properties"]["name"]: f["properties"] for f in at15.json()["features"]}
    assert props["支一路"] == {"name": "支一路", "road_class": "branch"}


def test_a_box_brings_only_what_lies_in_it(api):
    # The north-east corner: the branch road, not 学源街 in the south nor the river.
    box = "120.355,30.31,120.39,30.34"
    shown = names(layer(api, "roads", 16, box))
    assert "支一路" in shown and "学源街" not in shown
    assert names(layer(api, "water", 16, box)) == set()
    assert names(layer(api, "water", 12)) == {"钱塘江"}


def test_buildings_only_from_zoom_15_with_floors_and_use(api):
    box = "120.36,30.31,120.37,30.32"
    assert layer(api, "buildings", 14, box).json()["features"] == []
    (b,) = layer(api, "buildings", 15, box).json()["features"]
    assert b["properties"] == {"name": "3幢", "floors": 18, "use": "residential"}
    assert b["geometry"]["type"] == "Polygon"


def test_labels_name_areas_estates_and_roads_along_them(api):
    low = layer(api, "labels", 11).json()["features"]
    kinds = {(f["properties"]["kind"], f["properties"]["text"]) for f in low}
    assert ("street", "西街道") in kinds and ("street", "东街道") in kinds
    assert not any(k in ("community", "estate") or k.startswith("road") for k, _ in kinds)
    high = layer(api, "labels", 15, "120.355,30.305,120.37,30.335").json()["features"]
    texts = {f["properties"]["text"]: f for f in high}
    assert {"云澜苑", "支一路", "文泽路"} <= set(texts)
    # A road's name sits on the road, turned along it (文泽路 runs north–south).
    wenze = texts["文泽路"]
    assert wenze["geometry"]["coordinates"][0] == pytest.approx(120.35, abs=1e-5)
    assert abs(wenze["properties"]["angle"]) == pytest.approx(90, abs=1)
    # Ordered most important first: the console declutters in this order.
    ranks = [f["properties"]["rank"] for f in high]
    assert ranks == sorted(ranks, reverse=True)


def test_long_roads_repeat_their_name_about_every_few_hundred_pixels(api):
    at16 = [f for f in layer(api, "labels", 16, "120.31,30.295,120.39,30.305").json()["features"]
            if f["properties"]["text"] == "一号大街"]  # fmt: skip
    # 0.08° at zoom 16 is ~3700 px: several names along it, none closer than the spacing allows.
    assert len(at16) >= 5
    xs = sorted(f["geometry"]["coordinates"][0] for f in at16)
    px = basemap.degrees_per_pixel(16)
    assert min(b - a for a, b in itertools.pairwise(xs)) > 300 * px


def test_retired_roads_and_estates_are_not_drawn(api, city):
    Road.objects.filter(code="R1").update(retired_at="2026-01-01T00:00:00Z")
    Poi.objects.filter(code="P1").update(retired_at="2026-01-01T00:00:00Z")
    versions.bump(city.jurisdiction.pk, "roads")
    versions.bump(city.jurisdiction.pk, "pois")
    assert "一号大街" not in names(layer(api, "roads", 13))
    texts = names(layer(api, "labels", 16, "120.355,30.305,120.37,30.335"), "text")
    assert "云澜苑" not in texts and "一号大街" not in texts


def test_geometry_is_rounded_and_simplified_for_the_zoom(api, city):
    wiggly = [(120.31 + i * 0.0001, 30.32 + (0.000002 if i % 2 else 0)) for i in range(400)]
    road(city.jurisdiction, "R9", "曲线路", "arterial", wiggly)
    (low,) = [f for f in layer(api, "roads", 12).json()["features"] if f["properties"]["name"] == "曲线路"]
    coords = low["geometry"]["coordinates"]
    # A 0.2 m wiggle is nothing at zoom 12: the line keeps its ends and little else.
    assert len(coords) < 10 and coords[0] == [120.31, 30.32]
    for x, y in coords:
        assert round(x, basemap.decimals_for(12)) == x and round(y, basemap.decimals_for(12)) == y


def test_etag_and_304_until_a_road_changes_through_the_registry_token(api, city):
    first = layer(api, "roads", 13)
    etag = first["ETag"]
    assert first.status_code == 200 and etag and "no-cache" in first["Cache-Control"]
    assert first["Content-Type"].startswith("application/geo+json")
    assert layer(api, "roads", 13, if_none_match=etag).status_code == 304
    # A change written without a new token is not seen (the document is cached by the token) …
    Road.objects.filter(code="R3").update(name="学源大街")
    assert layer(api, "roads", 13, if_none_match=etag).status_code == 304
    # … the registry's write bumps the token, and the next request gets the new map.
    versions.bump(city.jurisdiction.pk, "roads")
    changed = layer(api, "roads", 13, if_none_match=etag)
    assert changed.status_code == 200 and "学源大街" in names(changed)
    # The water layer does not depend on roads: still the same document.
    water = layer(api, "water", 13)
    versions.bump(city.jurisdiction.pk, "roads")
    assert layer(api, "water", 13, if_none_match=water["ETag"]).status_code == 304


def test_nearby_views_share_one_snapped_box(api):
    a = layer(api, "roads", 15, "120.3501,30.3101,120.3601,30.3201").json()
    b = layer(api, "roads", 15, "120.3502,30.3102,120.3602,30.3202").json()
    assert a["bbox"] == b["bbox"]
    west, south, east, north = a["bbox"]
    assert west <= 120.3501 and east >= 120.3602 and south <= 30.3101 and north >= 30.3202


def test_whole_district_at_zoom_13_is_small(api):
    for name in basemap.LAYERS:
        response = layer(api, name, 13)
        assert response.status_code == 200 and len(response.content) < 300_000


def test_bad_requests_are_refused_with_the_error_shape(api):
    assert_error(layer(api, "rivers", 13), 422, "unknown_layer")
    assert_error(layer(api, "roads", 13, "120.3,30.2,120.4"), 422, "invalid_bbox")
    assert_error(layer(api, "roads", 13, "120.4,30.2,120.3,30.3"), 422, "invalid_bbox")
    assert_error(layer(api, "roads", 13, "a,b,c,d"), 422, "invalid_bbox")
    assert layer(api, "roads", 42).status_code == 422
    # A whole district at zoom 19 is more tiles than a screen holds.
    assert_error(layer(api, "buildings", 19), 422, "bbox_too_large")


def test_anonymous_gets_nothing(anonymous_api, city):
    assert (
        anonymous_api.client.get("/api/v1/gis/basemap/roads", {"bbox": DISTRICT_BBOX, "zoom": 13}).status_code
        == 401
    )


def test_manifest_names_layers_zooms_district_and_no_background(api):
    m = api.client.get("/api/v1/gis/basemap").json()
    assert {lay["key"]: lay["min_zoom"] for lay in m["layers"]}["buildings"] == 15
    assert m["bbox"] == [120.3, 30.25, 120.4, 30.35]
    assert m["tile_file"] is None and m["background"] == "vector"


def test_tile_grid_round_trips():
    for zoom in (3, 13, 16):
        x, y = basemap.tile_of(120.35, 30.3, zoom)
        w, s, e, n = basemap.tile_bounds(x, y, zoom)
        assert w <= 120.35 < e and s <= 30.3 < n
        assert e - w == pytest.approx(360 / 2**zoom)
    assert basemap.decimals_for(13) == 5 and basemap.decimals_for(16) == 6
    assert math.isclose(basemap.degrees_per_pixel(0), 360 / 256)


def test_the_citizen_portal_gets_the_base_map_without_logging_in(anonymous_api, jurisdiction, city):
    r = anonymous_api.client.get(
        "/api/v1/gis/public/basemap/roads",
        {"jurisdiction": jurisdiction.code, "bbox": DISTRICT_BBOX, "zoom": 13},
    )
    assert r.status_code == 200 and "文泽路" in names(r) and "public" in r["Cache-Control"]
    missing = anonymous_api.client.get(
        "/api/v1/gis/public/basemap/roads", {"jurisdiction": "999999", "bbox": DISTRICT_BBOX, "zoom": 13}
    )
    assert_error(missing, 404, "not_found")
