"""The map outlines: simplified per level for drawing, cached, sent with an ETag (304 when unchanged)
and compressed; the stored boundaries stay what the lookup uses (decision 067)."""

from __future__ import annotations

import gzip
import json
from typing import Any

import brotli
import numpy as np
import pytest
import shapely

from tests.conftest import assert_error
from tests.geo.conftest import collection, feature, rect
from zhiguan.demo.data import demo_data_dir
from zhiguan.geo import queries, shapes
from zhiguan.geo.demo import build_demo_geography
from zhiguan.geo.models import Area
from zhiguan.geo.services import import_geojson, locate

LEVELS = ("district", "street", "community", "grid")


@pytest.fixture
def demo_geo(system: Any) -> Any:
    build_demo_geography(actor=system, data_dir=demo_data_dir())
    return system


def _size(payload: Any) -> int:
    return len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


@pytest.mark.parametrize("level", LEVELS)
def test_display_outlines_are_much_smaller_valid_and_close_to_the_stored_ones(demo_geo, level):
    full = queries.areas_geojson(actor=demo_geo, level=level, detail="full")
    shown = queries.areas_geojson(actor=demo_geo, level=level)
    assert shown["detail"] == "display" and full["detail"] == "full"
    # The outlines shrink to well under a third; the whole document (names and codes included,
    # which do not shrink) with them.
    geometry_bytes = [_size([f["geometry"] for f in doc["features"]]) for doc in (shown, full)]
    assert geometry_bytes[0] < 0.3 * geometry_bytes[1], (level, geometry_bytes)
    assert _size(shown) < 0.4 * _size(full), (level, _size(shown), _size(full))
    assert [f["properties"] for f in shown["features"]] == [f["properties"] for f in full["features"]]
    tolerance = shapes.DISPLAY_TOLERANCE_DEG[level]
    for simple, stored in zip(shown["features"], full["features"], strict=True):
        geometry = shapely.geometry.shape(simple["geometry"])
        assert (
            geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.is_valid and not geometry.is_empty
        )
        original = shapely.geometry.shape(stored["geometry"])
        # No outline moves by more than its level's tolerance (plus the rounding to 1e-6°).
        assert shapely.hausdorff_distance(geometry, original) <= tolerance + 1e-6
        coords = shapely.get_coordinates(geometry)
        assert max(_decimals(float(c)) for c in coords.ravel()) <= shapes.DISPLAY_DECIMALS
    # The stored boundaries come back exactly with detail=full.
    area = Area.objects.get(pk=full["features"][0]["id"])
    assert shapely.geometry.shape(full["features"][0]["geometry"]).equals_exact(
        shapely.from_wkb(bytes(area.boundary)), 0
    )


def test_locating_a_point_uses_the_stored_boundary_not_the_drawn_one(demo_geo, jurisdiction):
    shown = {
        f["id"]: shapely.geometry.shape(f["geometry"])
        for f in queries.areas_geojson(actor=demo_geo, level="grid")["features"]
    }
    # A point inside a stored grid that its simplified outline leaves out, away from the other grids.
    rng = np.random.default_rng(67)
    found = None
    for area in Area.objects.filter(level="grid").order_by("code"):
        stored = shapely.from_wkb(bytes(area.boundary))
        cut = stored.difference(shown[area.pk])
        if cut.area == 0:
            continue
        minx, miny, maxx, maxy = cut.bounds
        for lng, lat in zip(rng.uniform(minx, maxx, 200), rng.uniform(miny, maxy, 200), strict=True):
            point = shapely.Point(lng, lat)
            if cut.contains(point) and stored.contains(point):
                found = (area, point)
                break
        if found:
            break
    assert found is not None, "the simplification changed no grid: the test data are too simple"
    area, point = found
    assert locate(jurisdiction_id=jurisdiction.pk, lng=point.x, lat=point.y).grid_id == area.pk


def test_unknown_detail_is_refused(small_geo, api_as, jurisdiction):
    api = api_as("inspector", jurisdiction=jurisdiction)
    assert_error(api.get("geo/areas.geojson", detail="best"), 422, "unknown_detail")


def test_the_outlines_carry_an_etag_and_are_answered_304_until_an_area_changes(
    small_geo, api_as, jurisdiction
):
    api = api_as("inspector", jurisdiction=jurisdiction)
    first = api.get("geo/areas.geojson", level="grid")
    assert first.status_code == 200
    etag = first["ETag"]
    assert (
        etag.startswith('W/"')
        and "no-cache" in first["Cache-Control"]
        and "private" in first["Cache-Control"]
    )
    again = api.client.get("/api/v1/geo/areas.geojson", {"level": "grid"}, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    # Another level, another document.
    assert api.get("geo/areas.geojson", level="street")["ETag"] != etag
    # A re-import changes a grid: a new document, whatever the cache held.
    import_geojson(
        actor=small_geo,
        level="grid",
        geojson=collection(feature("G211", "东一网格（新）", rect(120.35, 30.25, 120.40, 30.30))),
        crs="wgs84",
    )
    changed = api.client.get("/api/v1/geo/areas.geojson", {"level": "grid"}, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "东一网格（新）" in {f["properties"]["name"] for f in changed.json()["features"]}


def test_the_document_is_built_once_for_every_visitor(small_geo, api_as, jurisdiction, monkeypatch):
    calls = []
    build = queries.areas_geojson
    monkeypatch.setattr(queries, "areas_geojson", lambda **kw: calls.append(kw) or build(**kw))
    one = api_as("inspector", jurisdiction=jurisdiction)
    other = api_as("dispatcher", jurisdiction=jurisdiction)
    assert (
        one.get("geo/areas.geojson", level="grid").content
        == other.get("geo/areas.geojson", level="grid").content
    )
    assert len(calls) == 1
    one.get("geo/areas.geojson", level="grid", detail="full")
    assert len(calls) == 2


def test_the_outlines_are_sent_compressed_when_the_browser_accepts_it(demo_geo, api_as, jurisdiction):
    api = api_as("inspector", jurisdiction=jurisdiction)
    plain = api.get("geo/areas.geojson", level="grid")
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    br = api.client.get(
        "/api/v1/geo/areas.geojson", {"level": "grid"}, headers={"accept-encoding": "gzip, br"}
    )
    assert br["Content-Encoding"] == "br" and brotli.decompress(br.content) == plain.content
    gz = api.client.get("/api/v1/geo/areas.geojson", {"level": "grid"}, headers={"accept-encoding": "gzip"})
    assert gz["Content-Encoding"] == "gzip" and gzip.decompress(gz.content) == plain.content
    assert len(br.content) < len(plain.content) / 3
    assert br["ETag"] == plain["ETag"]


def test_the_citizens_public_outlines_are_simplified_cached_and_never_grids(
    demo_geo, anonymous_api, jurisdiction
):
    url = "/api/v1/cases/public/areas.geojson"
    first = anonymous_api.client.get(url, {"jurisdiction": jurisdiction.code, "level": "community"})
    assert first.status_code == 200
    assert first.json()["detail"] == "display"
    assert first.content == queries.areas_geojson_document(actor=demo_geo, level="community").body
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    again = anonymous_api.client.get(
        url,
        {"jurisdiction": jurisdiction.code, "level": "community"},
        headers={"if-none-match": first["ETag"]},
    )
    assert again.status_code == 304 and again.content == b""
    refused = anonymous_api.client.get(url, {"jurisdiction": jurisdiction.code, "level": "grid"})
    assert refused.status_code == 422
