"""Hot-spot statistics (issue 12, decision 083): Gi* against the closed form and esda, FDR, DBSCAN,
emerging hot spots, recurring problems, GeoJSON."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import h3
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from zhiguan.intelligence.hotspots import stats

CENTRE = h3.str_to_int(h3.latlng_to_cell(30.30, 120.35, 9))


def _closed_form_gi_star(cells: list[int], x: np.ndarray) -> np.ndarray:
    """Getis & Ord (1995) Gi* with binary weights, the cell itself included (w_ii = 1)."""
    n = len(cells)
    mean = x.mean()
    s = math.sqrt((x**2).sum() / n - mean**2)
    out = np.zeros(n)
    for i, c in enumerate(cells):
        w = np.array([1.0 if (j == i or h3.are_neighbor_cells(h3.int_to_str(c), h3.int_to_str(d))) else 0.0
                      for j, d in enumerate(cells)])  # fmt: skip
        sw, sw2 = w.sum(), (w**2).sum()
        out[i] = ((w * x).sum() - mean * sw) / (s * math.sqrt((n * sw2 - sw**2) / (n - 1)))
    return out


def test_gi_star_matches_the_closed_form_and_esda_on_a_small_case():
    import esda

    cells = sorted(stats.h3i.grid_disk(CENTRE, 2))  # 19 cells: a centre, its ring of 6, a ring of 12
    assert len(cells) == 19
    x = np.array(
        [(9 if c == CENTRE else 5 if stats.h3i.grid_distance(CENTRE, c) == 1 else 1) for c in cells], float
    )
    x[-1] += 2  # break the symmetry a little
    result = stats.getis_ord(cells, x, permutations=99)
    expected = _closed_form_gi_star(cells, x)
    np.testing.assert_allclose(result.z, expected, rtol=1e-9, atol=1e-9)
    direct = esda.G_Local(x, stats.adjacency_weights(cells), transform="B", star=True, permutations=0)
    np.testing.assert_allclose(result.z, direct.Zs, rtol=1e-9)
    centre = cells.index(CENTRE)
    assert result.z[centre] == pytest.approx(expected[centre]) and result.z[centre] > 2
    assert result.z[centre] == result.z.max()


def test_bh_adjustment_matches_a_worked_example_and_esda_cutoff():
    p = np.array([0.01, 0.04, 0.03, 0.005])
    # sorted 0.005, 0.01, 0.03, 0.04 -> p*m/rank 0.02, 0.02, 0.04, 0.04 (already monotone)
    np.testing.assert_allclose(stats.bh_adjust(p), [0.02, 0.04, 0.04, 0.02])
    import esda

    rng = np.random.default_rng(3)
    many = np.concatenate([rng.uniform(0, 0.002, 30), rng.uniform(0, 1, 300)])
    cut = esda.fdr(many, 0.05)
    assert set(np.flatnonzero(stats.bh_adjust(many) <= 0.05)) == set(np.flatnonzero(many <= cut))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_bh_adjusted_p_is_never_smaller_and_keeps_the_order(ps):
    p = np.array(ps)
    q = stats.bh_adjust(p)
    assert (q >= p - 1e-12).all() and (q <= 1).all()
    order = np.argsort(p, kind="stable")
    assert (np.diff(q[order]) >= -1e-12).all()


def test_gi_bin_tiers_like_arcgis():
    z = np.array([3.0, 2.0, 1.0, -3.0, -2.0, 0.5, 4.0])
    p = np.array([0.005, 0.03, 0.08, 0.001, 0.07, 0.5, 0.2])
    assert stats.gi_bin(z, p).tolist() == [3, 2, 1, -3, -1, 0, 0]


def _planted(seed: int = 1):
    """A 15x15-ish disk of cells with a steady background, a hot patch and an empty (cold) patch."""
    rng = np.random.default_rng(seed)
    cells = sorted(stats.h3i.grid_disk(CENTRE, 9))
    ring = stats.h3i.grid_ring(CENTRE, 5)
    hot = set(stats.h3i.grid_disk(ring[0], 1))
    cold = set(stats.h3i.grid_disk(ring[len(ring) // 2], 1))
    y = rng.poisson(20, len(cells)).astype(float)
    for i, c in enumerate(cells):
        if c in hot:
            y[i] = rng.poisson(60)
        elif c in cold:
            y[i] = 0
    return cells, y, hot, cold


def test_planted_hot_and_cold_spots_survive_fdr():
    cells, y, hot, cold = _planted()
    result = stats.getis_ord(cells, y, permutations=999, fdr=True)
    by_cell = dict(zip(cells, result.bin.tolist(), strict=True))
    centre_hot = [c for c in hot if all(n in hot for n in stats.h3i.grid_ring(c, 1))]
    centre_cold = [c for c in cold if all(n in cold for n in stats.h3i.grid_ring(c, 1))]
    # 999 permutations floor p at 0.002, and BH over 271 cells lifts that to ~0.04: 95 % is the best tier
    assert centre_hot and all(by_cell[c] >= 2 for c in centre_hot)
    assert centre_cold and all(by_cell[c] <= -2 for c in centre_cold)
    assert all(by_cell[c] > 0 for c in hot) and sum(by_cell[c] < 0 for c in cold) >= 5
    analytic = stats.getis_ord(cells, y, permutations=0)  # no floor: the strongest cells reach 99 %
    assert all(dict(zip(cells, analytic.bin.tolist(), strict=True))[c] == 3 for c in centre_hot)
    far = [c for c in cells if min(stats.h3i.grid_distance(c, h) for h in hot | cold) >= 4]
    assert sum(1 for c in far if by_cell[c] != 0) <= len(far) * 0.05  # few false discoveries
    assert (result.p_fdr >= result.p - 1e-12).all()


def test_uniform_counts_have_no_hot_spots():
    cells = sorted(stats.h3i.grid_disk(CENTRE, 4))
    result = stats.getis_ord(cells, np.full(len(cells), 7.0))
    assert not result.significant.any() and not result.bin.any()


def test_cell_counts_match_h3_one_point_at_a_time():
    rng = np.random.default_rng(0)
    lat = 30.30 + rng.uniform(-0.05, 0.05, 5000)
    lng = 120.35 + rng.uniform(-0.05, 0.05, 5000)
    counts = stats.cell_counts(lat, lng, 9)
    expected: dict[int, int] = {}
    for a, b in zip(lat, lng, strict=True):
        c = h3.str_to_int(h3.latlng_to_cell(a, b, 9))
        expected[c] = expected.get(c, 0) + 1
    assert counts == expected and sum(counts.values()) == 5000


def test_bad_points_are_refused_in_chinese():
    with pytest.raises(stats.HotspotError, match="坐标超出范围"):
        stats.cell_counts([91.0], [120.0])
    with pytest.raises(stats.HotspotError, match="个数不一致"):
        stats.cell_counts([30.0, 30.1], [120.0])
    with pytest.raises(stats.HotspotError, match="分辨率"):
        stats.cell_counts([30.0], [120.0], 16)


def test_study_area_pads_with_empty_cells():
    counts = {CENTRE: 5, stats.h3i.grid_ring(CENTRE, 4)[0]: 3, stats.h3i.grid_ring(CENTRE, 4)[9]: 2}
    area = stats.study_area(counts)
    assert set(counts) <= set(area) and len(area) > 3 * 7
    pts = [stats.h3i.cell_to_latlng(c) for c in counts for _ in range(counts[c])]
    result = stats.hotspots([p[0] for p in pts], [p[1] for p in pts], resolution=9, permutations=99)
    assert (result.counts == 0).sum() > 0 and result.counts.sum() == 10


def test_dbscan_finds_a_planted_cluster():
    rng = np.random.default_rng(5)
    noise_lat = 30.30 + rng.uniform(-0.05, 0.05, 300)
    noise_lng = 120.35 + rng.uniform(-0.05, 0.05, 300)
    # 80 points within ~30 m of a spot
    spot = (30.31, 120.36)
    c_lat = spot[0] + rng.normal(0, 0.0002, 80)
    c_lng = spot[1] + rng.normal(0, 0.0002, 80)
    labels, clusters = stats.dbscan_clusters(
        np.concatenate([noise_lat, c_lat]), np.concatenate([noise_lng, c_lng]), eps_m=40, min_samples=8
    )
    assert len(clusters) == 1
    top = clusters[0]
    assert 75 <= top.count <= 85
    assert stats.haversine_m(spot[0], spot[1], *top.centroid) < 15
    assert (labels[300:] == top.label).mean() > 0.9
    assert shape(top.hull).is_valid and top.hull["type"] == "Polygon"


def _slices(cells, plant, t=8, seed=2):
    counts = np.random.default_rng(seed).poisson(10, (t, len(cells))).astype(float)
    for i, c in enumerate(cells):
        for patch, series in plant:
            if c in patch:
                counts[:, i] = series
    return counts


def test_emerging_categories_of_planted_trends():
    cells = sorted(stats.h3i.grid_disk(CENTRE, 6))
    t = 8
    ring = stats.h3i.grid_ring(CENTRE, 3)
    growing = set(stats.h3i.grid_disk(ring[0], 1))
    steady = set(stats.h3i.grid_disk(ring[9], 1))
    fresh = set(stats.h3i.grid_disk(ring[4], 1))
    waning = set(stats.h3i.grid_disk(ring[14], 1))
    last_only = np.zeros(t)
    last_only[-1] = 90
    # one planted patch per cube: a patch's rise changes every slice's mean and variance, so the
    # z of an unchanged neighbour would trend (that is what Gi* z-trends measure)
    for patch, series, where, expected in [
        (growing, np.linspace(40, 120, t), ring[0], "intensifying"),
        (fresh, last_only, ring[4], "new"),
        (waning, np.linspace(150, 60, t), ring[14], "diminishing"),
        (steady, np.full(t, 60.0), ring[9], "persistent"),
    ]:
        em = stats.emerging_hotspots(cells, _slices(cells, [(patch, series)]))
        cat = dict(zip(cells, em.category, strict=True))
        assert cat[where] == expected
        assert sum(1 for c in cells if cat[c] != "no pattern") <= 12


@pytest.mark.parametrize(
    ("hot", "trend", "category"),
    [
        ([0, 0, 0, 1], "no trend", "new"),
        ([1, 1, 1, 1], "increasing", "intensifying"),
        ([1, 1, 1, 1], "no trend", "persistent"),
        ([1, 1, 1, 1], "decreasing", "diminishing"),
        ([1, 0, 1, 1], "no trend", "sporadic"),
        ([1, 1, 1, 0], "no trend", "historical"),
        ([0, 1, 0, 0], "no trend", "no pattern"),
        ([0, 0, 0, 0], "increasing", "no pattern"),
    ],
)
def test_emerging_rules(hot, trend, category):
    assert stats.classify_emerging(np.array(hot, dtype=bool), trend) == category


def test_recurring_problems_in_a_window():
    t0 = datetime(2024, 3, 1)
    records = [("G1", "垃圾", t0 + timedelta(days=d), f"a{d}") for d in (0, 3, 9, 12, 50)]
    records += [("G1", "噪音", t0 + timedelta(days=d), f"b{d}") for d in (0, 40, 80)]
    records += [("G2", "垃圾", t0 + timedelta(days=d), f"c{d}") for d in (1, 2, 3)]
    out = stats.recurring(records, window=timedelta(days=30), min_count=3)
    assert [(r.key, r.category, r.count) for r in out] == [("G1", "垃圾", 4), ("G2", "垃圾", 3)]
    assert out[0].ids == ["a0", "a3", "a9", "a12"] and out[0].total == 5


def test_geojson_cells_are_closed_lng_lat_polygons():
    cells = sorted(stats.h3i.grid_disk(CENTRE, 1))
    fc = stats.to_geojson(cells, [{"count": np.int64(i), "z": float("nan")} for i in range(len(cells))])
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 7
    import json

    json.dumps(fc, allow_nan=False)  # strictly valid JSON
    for f in fc["features"]:
        ring = f["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) == 7
        assert all(120 < lng < 121 and 30 < lat < 31 for lng, lat in ring)  # [lng, lat]
        poly = shape(f["geometry"])
        assert poly.is_valid and poly.area > 0
        assert h3.latlng_to_cell(poly.centroid.y, poly.centroid.x, 9) == f["properties"]["cell"]
    gi = stats.getis_ord(cells, np.arange(7, dtype=float), permutations=0)
    layer = stats.gistar_geojson(gi)
    assert {"count", "z", "p", "p_fdr", "bin"} <= set(layer["features"][0]["properties"])


def test_empty_cells_among_empty_cells_are_not_cold_spots():
    """esda's p_sim folds ties onto the rare side: observed 0 with every permutation 0 would get the
    smallest p there is. Ties count as "as extreme" here, so a sparse area is not one big cold spot."""
    centre = h3.latlng_to_cell(30.3, 120.35, 9)
    cells = [h3.str_to_int(c) for c in h3.grid_disk(centre, 6)]
    y = np.zeros(len(cells))
    y[:3] = [1, 1, 1]  # three lone cases in a ring of 127 cells
    result = stats.getis_ord(cells, y, permutations=199, fdr=False, seed=1)
    assert not (result.bin < 0).any()
    assert (result.p[y == 0] > 0.5).mean() > 0.9
