"""The demo geography of 钱塘区, with the real shared data set and without it."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from tests.conftest import shared_data
from zhiguan.geo import lookup
from zhiguan.geo.demo import build_demo_geography
from zhiguan.geo.importer import OVERLAP_TOLERANCE_M2
from zhiguan.geo.models import Area
from zhiguan.geo.services import locate
from zhiguan.geo.shapes import LocalProjection

STREET_NAMES = {"白杨街道", "下沙街道", "义蓬街道", "新湾街道", "河庄街道", "前进街道", "临江街道"}


def _check_demo(jurisdiction) -> None:
    areas = Area.objects.filter(jurisdiction=jurisdiction)
    assert set(areas.filter(level="street").values_list("name", flat=True)) == STREET_NAMES
    assert areas.get(level="street", name="下沙街道").code == "330114002"
    district = shapely.from_wkb(bytes(areas.get(level="district").boundary))
    grids = shapely.from_wkb(
        np.array(
            [bytes(b) for b in areas.filter(level="grid").values_list("boundary", flat=True)], dtype=object
        )
    )
    assert 300 <= len(grids) <= 1500
    proj = LocalProjection.around(district)
    metric = proj.to_metres(grids)
    left, right = shapely.STRtree(metric).query(metric, predicate="intersects")
    keep = left < right
    overlap = shapely.area(shapely.intersection(metric[left[keep]], metric[right[keep]]))
    assert overlap.sum() < OVERLAP_TOLERANCE_M2 * len(grids)
    assert overlap.max() < 1.0
    inside = proj.to_metres(district).buffer(20.0)
    assert bool(np.all(shapely.contains(inside, metric)))
    # The grids tile the district: their areas add up to it.
    assert shapely.area(metric).sum() == pytest.approx(proj.to_metres(district).area, rel=1e-3)


def test_demo_geography_from_the_real_data_set(system, jurisdiction):
    counts = build_demo_geography(actor=system, data_dir=shared_data())
    assert counts["real_outline"] is True and counts["street"] == 7
    _check_demo(jurisdiction)
    # 下沙/金沙湖 (GCJ-02 120.33, 30.31, from SOURCE.md) lies in 下沙 or 白杨, i.e. the ex-江干 part.
    where = locate(jurisdiction_id=jurisdiction.pk, lng=120.33, lat=30.31, crs="gcj02")
    assert where.street_name in {"下沙街道", "白杨街道"} and where.grid_code.startswith(where.community_code)
    # 义蓬 (GCJ-02 120.49, 30.29) lies in the ex-萧山 part.
    assert (
        locate(jurisdiction_id=jurisdiction.pk, lng=120.49, lat=30.29, crs="gcj02").street_name == "义蓬街道"
    )


def test_demo_geography_without_the_data_set_is_generated_and_rerunnable(system, jurisdiction):
    counts = build_demo_geography(actor=system, data_dir=None)
    assert counts["real_outline"] is False
    _check_demo(jurisdiction)
    assert Area.objects.get(level="district").source == "generated"
    again = build_demo_geography(actor=system, data_dir=None)
    assert again == counts
    assert Area.objects.filter(jurisdiction=jurisdiction).count() == sum(
        v for k, v in counts.items() if k != "real_outline"
    )
    rng = np.random.default_rng(1)
    ids = lookup.locate_many(
        jurisdiction.pk, rng.uniform(120.29, 120.72, 2000), rng.uniform(30.22, 30.39, 2000), crs="gcj02"
    )
    assert (ids > 0).sum() > 1000
