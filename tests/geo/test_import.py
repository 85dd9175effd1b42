"""Importing geography: the happy path, every refusal (422, stable code, nothing written), updates."""

from __future__ import annotations

import copy
import json

import pytest

from tests.conftest import assert_error
from tests.geo.conftest import DISTRICT, GRIDS, STREETS, collection, feature, rect
from zhiguan.audit.models import AuditRecord
from zhiguan.geo.crs import GCJ02, from_wgs84
from zhiguan.geo.models import Area
from zhiguan.geo.services import import_geojson


def _counts() -> tuple[int, int]:
    return Area.objects.count(), AuditRecord.objects.count()


def test_import_creates_areas_with_parents_and_one_audit_record_per_import(small_geo, jurisdiction):
    assert Area.objects.filter(jurisdiction=jurisdiction).count() == 1 + 2 + 3 + 5
    grid = Area.objects.get(code="G112")
    assert grid.parent.code == "C11" and grid.parent.parent.code == "S1"
    assert grid.parent.parent.parent.level == "district"
    assert grid.area_m2 == pytest.approx(0.025 * 0.05 * 111195**2 * 0.8631, rel=0.01)
    assert (grid.centroid_lng, grid.centroid_lat) == pytest.approx((120.3375, 30.325))
    imports = AuditRecord.objects.filter(jurisdiction=jurisdiction, action="geo.import")
    assert imports.count() == 4
    assert imports.filter(after__level="grid", after__created=5).exists()


def test_import_through_the_api_returns_counts(api_as, jurisdiction):
    api = api_as("data_officer", jurisdiction=jurisdiction)
    response = api.post("geo/import", {"level": "district", "crs": "wgs84", "geojson": DISTRICT})
    assert response.status_code == 200, response.content
    assert response.json() == {"level": "district", "created": 1, "updated": 0, "total": 1}
    response = api.post("geo/import", {"level": "street", "geojson": json.dumps(STREETS)})
    assert response.json()["created"] == 2


def test_gcj02_import_is_stored_in_wgs84(system):
    gcj = copy.deepcopy(DISTRICT)
    ring = gcj["features"][0]["geometry"]["coordinates"][0]
    gcj["features"][0]["geometry"]["coordinates"][0] = [list(from_wgs84(x, y, GCJ02)) for x, y in ring]
    import_geojson(actor=system, level="district", geojson=gcj, crs="gcj02")
    district = Area.objects.get(level="district")
    assert (district.centroid_lng, district.centroid_lat) == pytest.approx((120.35, 30.30), abs=1e-7)
    assert district.source_crs == "gcj02"


def test_reimport_updates_the_area_and_audits_before_and_after(small_geo, jurisdiction):
    renamed = collection(feature("C21", "东湖社区", rect(120.35, 30.25, 120.40, 30.35)))
    result = import_geojson(actor=small_geo, level="community", geojson=renamed, crs="wgs84")
    assert (result.created, result.updated) == (0, 1)
    assert Area.objects.get(code="C21").name == "东湖社区"
    record = AuditRecord.objects.get(action="geo.area_updated")
    assert record.before["name"] == "东社区" and record.after["name"] == "东湖社区"


def test_importing_without_permission_is_forbidden(api_as, jurisdiction):
    api = api_as("dispatcher", jurisdiction=jurisdiction)
    assert_error(api.post("geo/import", {"level": "district", "geojson": DISTRICT}), 403, "forbidden")


def _bad_polygon_fc() -> dict:
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[120.31, 30.26], [120.32, 30.27], [120.32, 30.26], [120.31, 30.27], [120.31, 30.26]]
        ],
    }
    return collection(feature("G9", "坏网格", bowtie))


def _unclosed_ring_fc() -> dict:
    line = {"type": "Polygon", "coordinates": [[[120.31, 30.26], [120.32, 30.26], [120.31, 30.26]]]}
    return collection(feature("G9", "坏网格", line))


# Refusals that point at the offending feature.
PER_FEATURE_CODES = {
    "self_intersection",
    "invalid_geometry",
    "missing_property",
    "duplicate_code",
    "outside_jurisdiction",
    "overlapping_grids",
    "unknown_parent",
}

# (name, level, payload overrides, expected code)
BAD_IMPORTS = [
    ("not json", "grid", {"geojson": "{not json"}, "invalid_geojson"),
    ("not a collection", "grid", {"geojson": GRIDS["features"][0]}, "invalid_geojson"),
    ("empty collection", "grid", {"geojson": collection()}, "invalid_geojson"),
    (
        "a point",
        "grid",
        {"geojson": collection(feature("G9", "点", {"type": "Point", "coordinates": [120.31, 30.26]}))},
        "invalid_geojson",
    ),
    ("self-intersection", "grid", {"geojson": _bad_polygon_fc()}, "self_intersection"),
    ("degenerate ring", "grid", {"geojson": _unclosed_ring_fc()}, "invalid_geometry"),
    ("unknown crs", "grid", {"crs": "epsg:3857"}, "unknown_crs"),
    ("unknown level", "province", {}, "unknown_level"),
    (
        "overlapping new grids",
        "grid",
        {
            "geojson": collection(
                feature("N1", "新一", rect(120.36, 30.26, 120.38, 30.28)),
                feature("N2", "新二", rect(120.37, 30.26, 120.39, 30.28)),
            )
        },
        "overlapping_grids",
    ),
    (
        "overlapping a stored grid",
        "grid",
        {"geojson": collection(feature("N1", "新一", rect(120.36, 30.26, 120.38, 30.28)))},
        "overlapping_grids",
    ),
    (
        "outside the district",
        "grid",
        {"geojson": collection(feature("N1", "远方", rect(120.45, 30.26, 120.46, 30.27)))},
        "outside_jurisdiction",
    ),
    (
        "sticking out of the district",
        "street",
        {"geojson": collection(feature("S3", "越界街道", rect(120.38, 30.26, 120.42, 30.28)))},
        "outside_jurisdiction",
    ),
    (
        "not inside its declared parent",
        "community",
        {
            "geojson": collection(feature("C13", "错社区", rect(120.36, 30.26, 120.37, 30.27), parent="S1")),
            "parent_code_property": "parent",
        },
        "outside_jurisdiction",
    ),
    (
        "unknown parent",
        "community",
        {
            "geojson": collection(feature("C13", "错社区", rect(120.36, 30.26, 120.37, 30.27), parent="S9")),
            "parent_code_property": "parent",
        },
        "unknown_parent",
    ),
    (
        "missing name",
        "grid",
        {
            "geojson": collection(
                {
                    "type": "Feature",
                    "properties": {"code": "N1"},
                    "geometry": rect(120.3, 30.3, 120.31, 30.31),
                }
            )
        },
        "missing_property",
    ),
    (
        "missing code",
        "grid",
        {
            "geojson": collection(
                {
                    "type": "Feature",
                    "properties": {"name": "无码"},
                    "geometry": rect(120.3, 30.3, 120.31, 30.31),
                }
            )
        },
        "missing_property",
    ),
    (
        "duplicate code",
        "street",
        {"geojson": collection(STREETS["features"][0], STREETS["features"][0])},
        "duplicate_code",
    ),
    (
        "a second district",
        "district",
        {"geojson": collection(feature("330999", "别区", rect(120.3, 30.25, 120.4, 30.35)))},
        "one_district",
    ),
]


@pytest.mark.parametrize(("name", "level", "overrides", "code"), BAD_IMPORTS, ids=[b[0] for b in BAD_IMPORTS])
def test_bad_geography_is_refused_and_nothing_is_written(
    name, level, overrides, code, small_geo, api_as, jurisdiction
):
    api = api_as("data_officer", jurisdiction=jurisdiction)
    before = _counts()
    error = assert_error(
        api.post("geo/import", {"level": level, "crs": "wgs84", "geojson": GRIDS, **overrides}), 422, code
    )
    assert _counts() == before
    if code in PER_FEATURE_CODES:
        assert isinstance(error["details"]["index"], int)


def test_a_bad_feature_late_in_the_file_rolls_back_the_whole_import(small_geo, jurisdiction):
    streets_before = list(Area.objects.filter(level="street").values_list("code", "name"))
    fc = collection(
        feature("S1", "改名街道", rect(120.30, 30.25, 120.35, 30.35)),
        feature("S2", "东街道", rect(120.35, 30.25, 120.45, 30.35)),  # sticks out of the district
    )
    with pytest.raises(Exception) as exc:
        import_geojson(actor=small_geo, level="street", geojson=fc, crs="wgs84")
    assert exc.value.code == "outside_jurisdiction"
    assert list(Area.objects.filter(level="street").values_list("code", "name")) == streets_before


def test_shrinking_the_district_below_its_streets_is_refused(small_geo):
    smaller = collection(feature("330114", "钱塘区", rect(120.30, 30.25, 120.36, 30.35)))
    before = _counts()
    with pytest.raises(Exception) as exc:
        import_geojson(actor=small_geo, level="district", geojson=smaller, crs="wgs84")
    assert exc.value.code == "outside_jurisdiction"
    assert _counts() == before


def test_streets_need_a_district_first(system):
    with pytest.raises(Exception) as exc:
        import_geojson(actor=system, level="street", geojson=STREETS, crs="wgs84")
    assert exc.value.code == "no_district_boundary"


def test_parent_is_found_by_overlap_when_not_declared(small_geo):
    assert Area.objects.get(code="C12").parent.code == "S1"
    assert Area.objects.get(code="C21").parent.code == "S2"


def test_tiny_overlap_of_shared_borders_is_tolerated(small_geo):
    # One metre of overlap along a 5.5 km border: a border drawn twice, not two grids on one street.
    fc = collection(feature("G213", "东三网格", rect(120.39, 30.30, 120.40, 30.35)))
    communities = collection(feature("C21", "东社区", rect(120.35, 30.25, 120.40, 30.35)))
    import_geojson(actor=small_geo, level="community", geojson=communities, crs="wgs84")
    with pytest.raises(Exception) as exc:
        import_geojson(actor=small_geo, level="grid", geojson=fc, crs="wgs84")
    assert exc.value.code == "overlapping_grids"
    nudged = collection(feature("G212", "东二网格", rect(120.35, 30.29999999, 120.40, 30.35)))
    import_geojson(actor=small_geo, level="grid", geojson=nudged, crs="wgs84")
