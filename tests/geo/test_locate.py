"""Locating points: street, community, grid and H3 cells; outside points; caching; isolation."""

from __future__ import annotations

import h3
import numpy as np
import pytest
import shapely

from tests.conftest import assert_error
from tests.geo.conftest import collection, feature, rect
from zhiguan.errors import OutsideJurisdiction
from zhiguan.geo import lookup
from zhiguan.geo.crs import BD09, GCJ02, from_wgs84
from zhiguan.geo.models import Area
from zhiguan.geo.services import fill_location, import_geojson, locate
from zhiguan.org.permissions import Actor


def test_point_is_located_in_its_street_community_and_grid_with_h3_cells(small_geo, jurisdiction):
    where = locate(jurisdiction_id=jurisdiction.pk, lng=120.33, lat=30.32)
    assert (where.street_code, where.community_code, where.grid_code) == ("S1", "C11", "G112")
    assert where.grid_name == "北二网格"
    assert where.grid_id == Area.objects.get(code="G112").pk
    assert where.h3 == {f"h3_r{r}": h3.latlng_to_cell(30.32, 120.33, r) for r in (7, 9, 11)}


def test_locate_through_the_api(small_geo, api_as, jurisdiction):
    api = api_as("inspector", jurisdiction=jurisdiction)
    body = api.get("geo/locate", lng=120.36, lat=30.26).json()
    assert (body["street_code"], body["community_code"], body["grid_code"]) == ("S2", "C21", "G211")
    assert set(body["h3"]) == {"h3_r7", "h3_r9", "h3_r11"}


def test_point_outside_the_district_is_refused(small_geo, api_as, jurisdiction):
    api = api_as("inspector", jurisdiction=jurisdiction)
    assert_error(api.get("geo/locate", lng=120.50, lat=30.30), 422, "outside_jurisdiction")


def test_unknown_crs_on_locate_is_refused(small_geo, api_as, jurisdiction):
    api = api_as("inspector", jurisdiction=jurisdiction)
    assert_error(api.get("geo/locate", lng=120.33, lat=30.32, crs="mars"), 422, "unknown_crs")


@pytest.mark.parametrize("crs", [GCJ02, BD09])
def test_phone_map_point_is_located_like_its_gps_equivalent(crs, small_geo, jurisdiction):
    # 120.3495 is 50 m west of the S1/S2 border: the ~500 m GCJ-02 offset would cross it if ignored.
    gps = locate(jurisdiction_id=jurisdiction.pk, lng=120.3495, lat=30.32)
    lng, lat = from_wgs84(120.3495, 30.32, crs)
    converted = locate(jurisdiction_id=jurisdiction.pk, lng=lng, lat=lat, crs=crs)
    assert converted.grid_code == gps.grid_code == "G112"
    assert (converted.lng, converted.lat) == pytest.approx((120.3495, 30.32), abs=1e-6)
    naive = locate(jurisdiction_id=jurisdiction.pk, lng=lng, lat=lat)
    assert naive.street_code == "S2"


def test_reimport_invalidates_the_cached_index(small_geo, jurisdiction):
    assert locate(jurisdiction_id=jurisdiction.pk, lng=120.36, lat=30.26).grid_name == "东一网格"
    renamed = collection(feature("G211", "东一新网格", rect(120.35, 30.25, 120.40, 30.30)))
    import_geojson(actor=small_geo, level="grid", geojson=renamed, crs="wgs84")
    assert locate(jurisdiction_id=jurisdiction.pk, lng=120.36, lat=30.26).grid_name == "东一新网格"


def test_index_is_rebuilt_only_when_the_areas_change(small_geo, jurisdiction):
    first = lookup.get_index(jurisdiction.pk)
    assert lookup.get_index(jurisdiction.pk) is first
    lookup.bump_version(jurisdiction.pk)
    assert lookup.get_index(jurisdiction.pk) is not first


def test_other_jurisdictions_areas_are_never_listed_or_located(
    small_geo, jurisdiction, other_jurisdiction, api_as
):
    other = Actor.system(other_jurisdiction)
    with pytest.raises(OutsideJurisdiction):
        locate(jurisdiction_id=other_jurisdiction.pk, lng=120.33, lat=30.32)
    import_geojson(
        actor=other,
        level="district",
        geojson=collection(feature("330108", "滨江区", rect(120.1, 30.1, 120.2, 30.2))),
        crs="wgs84",
    )
    with pytest.raises(OutsideJurisdiction):
        locate(jurisdiction_id=other_jurisdiction.pk, lng=120.33, lat=30.32)
    api = api_as("inspector", jurisdiction=other_jurisdiction)
    assert [a["code"] for a in api.get("geo/areas").json()] == ["330108"]
    geojson = api.get("geo/areas.geojson").json()
    assert [f["properties"]["code"] for f in geojson["features"]] == ["330108"]
    assert_error(api.get("geo/locate", lng=120.33, lat=30.32), 422, "outside_jurisdiction")


def test_areas_are_listed_by_level_and_parent(small_geo, api_as, jurisdiction):
    api = api_as("inspector", jurisdiction=jurisdiction)
    s1 = Area.objects.get(code="S1")
    assert [a["code"] for a in api.get("geo/areas", level="street").json()] == ["S1", "S2"]
    assert [a["code"] for a in api.get("geo/areas", parent_id=s1.pk).json()] == ["C11", "C12"]
    assert "boundary" not in api.get("geo/areas").json()[0]
    assert_error(api.get("geo/areas", level="province"), 422, "unknown_level")


def test_geojson_output_is_wgs84_or_converted_on_request(small_geo, api_as, jurisdiction):
    api = api_as("inspector", jurisdiction=jurisdiction)
    wgs = api.get("geo/areas.geojson", level="district").json()
    ring = wgs["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == pytest.approx([120.30, 30.25])
    gcj = api.get("geo/areas.geojson", level="district", crs="gcj02").json()
    assert gcj["features"][0]["geometry"]["coordinates"][0][0] == pytest.approx(
        list(from_wgs84(120.30, 30.25, GCJ02))
    )


def test_bulk_lookup_agrees_with_single_point_lookup(small_geo, jurisdiction):
    rng = np.random.default_rng(7)
    lngs, lats = rng.uniform(120.28, 120.42, 5000), rng.uniform(30.23, 30.37, 5000)
    ids = lookup.locate_many(jurisdiction.pk, lngs, lats)
    index = lookup.get_index(jurisdiction.pk)
    for lng, lat, grid_id in zip(lngs[:500], lats[:500], ids[:500], strict=True):
        ref = index.levels["grid"].at(shapely.Point(lng, lat))
        assert grid_id == (ref.id if ref else -1)
    assert np.array_equal(ids, index.levels["grid"].ids_at(lngs, lats))
    assert (ids == -1).sum() > 0 and len(set(ids.tolist()) - {-1}) == 5


def test_located_record_gets_point_areas_and_cells(small_geo, jurisdiction):
    from django.db import models

    from zhiguan.geo.models import Located

    class Probe(Located):
        class Meta:
            app_label = "geo"
            managed = False

    record = Probe()
    lng, lat = from_wgs84(120.31, 30.26, GCJ02)
    fill_location(record, jurisdiction_id=jurisdiction.pk, lng=lng, lat=lat, crs=GCJ02, address="下沙路1号")
    assert record.grid_id == Area.objects.get(code="G121").pk
    assert record.street_id == Area.objects.get(code="S1").pk
    assert record.h3_r9 == h3.latlng_to_cell(record.lat, record.lng, 9)
    assert record.address == "下沙路1号"
    assert isinstance(Probe._meta.get_field("grid"), models.ForeignKey)
