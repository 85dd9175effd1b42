"""Hot-spot statistics over case points, pure (numpy, h3, esda, libpysal, sklearn; no Django models).

Decision 083 explains the choices and the measured figures. In short:

* `cell_counts`: points to H3 cells (h3 v4, integer cells) counted with a hash table.
* `study_area` + `getis_ord`: Getis-Ord Gi* (esda.G_Local, star=True, binary weights) on the H3
  k-ring-1 adjacency of the occupied cells padded with the empty cells of the study area (so
  cold spots can exist), permutation inference, Benjamini-Hochberg FDR, and ArcGIS's Gi_Bin
  (-3..3 = cold/hot at 99/95/90 %).
* `dbscan_clusters`: DBSCAN on the haversine metric (ball tree), with a summary per cluster.
* `emerging_hotspots`: Gi* per time slice and a Mann-Kendall trend of each cell's z
  (a simplified ArcGIS Emerging Hot Spot Analysis).
* `recurring`: the same place key and category again and again within a window (高频诉求).
* `to_geojson`: H3 cells as a GeoJSON FeatureCollection (lng/lat order, closed rings).

Cells are H3 indexes as Python ints (the `h3.api.basic_int` form); `cell_str` gives the hex string.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import h3
import numpy as np
from h3.api import basic_int as h3i

EARTH_RADIUS_M = 6_371_008.8

# ArcGIS Gi_Bin confidence tiers: |bin| 3, 2, 1 for p below 0.01, 0.05, 0.10.
BIN_LEVELS = ((3, 0.01), (2, 0.05), (1, 0.10))

try:  # the Cython entry point skips the Python-level argument checks of h3.latlng_to_cell (~20 % faster)
    from h3._cy import latlng_to_cell as _latlng_to_cell_int
except ImportError:  # pragma: no cover - a future h3 without the private module
    _latlng_to_cell_int = h3i.latlng_to_cell


class HotspotError(ValueError):
    """Input the statistics cannot work with (message in Chinese, for the user)."""


def cell_str(cell: int) -> str:
    return h3.int_to_str(int(cell))


def _as_points(lats: Any, lngs: Any) -> tuple[np.ndarray, np.ndarray]:
    la = np.asarray(lats, dtype=np.float64).ravel()
    ln = np.asarray(lngs, dtype=np.float64).ravel()
    if la.shape != ln.shape:
        raise HotspotError("纬度和经度的个数不一致")
    if la.size and (
        not np.isfinite(la).all()
        or not np.isfinite(ln).all()
        or np.abs(la).max() > 90
        or np.abs(ln).max() > 180
    ):
        raise HotspotError("坐标超出范围（纬度 -90..90，经度 -180..180）")
    return la, ln


def point_cells(lats: Any, lngs: Any, resolution: int) -> np.ndarray:
    """The H3 cell (uint64) of every point. About 0.5 µs a point (one C call each, no Python checks)."""
    if not 0 <= int(resolution) <= 15:
        raise HotspotError("H3 分辨率必须在 0 到 15 之间")
    la, ln = _as_points(lats, lngs)
    n = la.size
    res = int(resolution)
    return np.fromiter(
        map(_latlng_to_cell_int, la.tolist(), ln.tolist(), itertools.repeat(res, n)),
        dtype=np.uint64,
        count=n,
    )


def cell_counts(lats: Any, lngs: Any, resolution: int = 9) -> dict[int, int]:
    """Points per H3 cell at `resolution` (only cells holding at least one point)."""
    cells = point_cells(lats, lngs, resolution)
    if not cells.size:
        return {}
    try:  # pandas comes with esda and libpysal; a hash count takes 30 ms for 1M points, np.unique 0.1-0.4 s
        import pandas as pd
    except ImportError:  # pragma: no cover
        values, k = np.unique(cells, return_counts=True)
        return {int(c): int(n) for c, n in zip(values, k, strict=True)}
    counts = pd.Series(cells).value_counts(sort=False)
    return {int(c): int(n) for c, n in counts.items()}


def study_area(cells: Iterable[int], pad_rings: int = 1, fill_hull: bool = True) -> list[int]:
    """The occupied cells, every cell inside their convex hull, and `pad_rings` rings around them.

    Gi* compares each neighbourhood with the whole study area: without the empty cells a place
    where nothing is reported could never be a cold spot, and the edge cells would lack neighbours.
    """
    occupied = sorted({int(c) for c in cells})
    if not occupied:
        return []
    res = h3i.get_resolution(occupied[0])
    area: set[int] = set(occupied)
    if fill_hull and len(occupied) >= 3:
        from shapely.geometry import MultiPoint, Polygon

        centres = [h3i.cell_to_latlng(c) for c in occupied]
        hull = MultiPoint([(lng, lat) for lat, lng in centres]).convex_hull
        if isinstance(hull, Polygon):
            ring = [(lat, lng) for lng, lat in hull.exterior.coords]
            area.update(h3i.h3shape_to_cells(h3.LatLngPoly(ring), res))
    for _ in range(max(0, pad_rings)):
        area.update(n for c in list(area) for n in h3i.grid_ring(c, 1))
    return sorted(area)


def adjacency_weights(cells: Sequence[int]) -> Any:
    """Binary libpysal weights: two cells are neighbours when they share an edge (H3 k-ring 1)."""
    from libpysal.weights import W

    index = {int(c): i for i, c in enumerate(cells)}
    neighbours = {i: [index[n] for n in h3i.grid_ring(int(c), 1) if n in index] for i, c in enumerate(cells)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands (a lone cell) are legitimate here
        return W(neighbours, silence_warnings=True)


def gi_bin(z: np.ndarray, p: np.ndarray) -> np.ndarray:
    """ArcGIS Gi_Bin: ±3 / ±2 / ±1 for p below 0.01 / 0.05 / 0.10, sign of z, else 0."""
    z = np.asarray(z, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    level = np.zeros(z.shape, dtype=np.int8)
    for tier, cut in reversed(BIN_LEVELS):
        level[p < cut] = tier
    return (level * np.sign(np.nan_to_num(z))).astype(np.int8)


def bh_adjust(p: Any) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (scipy's false_discovery_control, method 'bh')."""
    from scipy.stats import false_discovery_control

    arr = np.asarray(p, dtype=np.float64)
    if not arr.size:
        return arr
    return np.asarray(false_discovery_control(np.clip(arr, 0.0, 1.0), method="bh"))


@dataclass
class GiStar:
    """Per-cell Gi* results, arrays aligned with `cells`."""

    cells: list[int]
    counts: np.ndarray
    z: np.ndarray  # analytic Gi* z-score (ArcGIS GiZScore)
    p_sim: np.ndarray  # folded one-sided permutation pseudo p (esda's p_sim)
    p: np.ndarray  # two-sided permutation p: 2 * p_sim capped at 1 (analytic z when permutations=0)
    p_fdr: np.ndarray  # Benjamini-Hochberg adjusted p (equal to p when fdr=False)
    bin: np.ndarray  # -3..3 (ArcGIS Gi_Bin on p_fdr)
    significant: np.ndarray  # p_fdr < alpha
    alpha: float = 0.05
    fdr: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "cell": cell_str(c),
                "count": int(k),
                "z": round(float(z), 4),
                "p": round(float(p), 6),
                "p_fdr": round(float(q), 6),
                "bin": int(b),
            }
            for c, k, z, p, q, b in zip(
                self.cells, self.counts, self.z, self.p, self.p_fdr, self.bin, strict=True
            )
        ]


def getis_ord(
    cells: Sequence[int],
    counts: Any,
    permutations: int = 999,
    alpha: float = 0.05,
    fdr: bool = True,
    seed: int = 12345,
) -> GiStar:
    """Gi* of `counts` over `cells` (give the padded study area, zero counts included).

    Weights are binary H3 adjacency with the cell itself (star), as ArcGIS's contiguity Gi*.
    With `permutations=0` the p-values come from the analytic z instead.
    """
    import esda

    cell_list = [int(c) for c in cells]
    y = np.asarray(counts, dtype=np.float64).ravel()
    if len(cell_list) != y.size:
        raise HotspotError("格子数与计数个数不一致")
    if len(set(cell_list)) != len(cell_list):
        raise HotspotError("格子有重复")
    if y.size < 3:
        raise HotspotError("研究区至少需要 3 个格子")
    if (y < 0).any() or not np.isfinite(y).all():
        raise HotspotError("计数必须是非负数")
    n = y.size
    if y.sum() == 0 or np.all(y == y[0]):
        zeros = np.zeros(n)
        ones = np.ones(n)
        return GiStar(
            cell_list, y, zeros, ones * 0.5, ones, ones, zeros.astype(np.int8), ones < 0, alpha, fdr
        )
    w = adjacency_weights(cell_list)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        g = esda.G_Local(
            y,
            w,
            transform="B",
            star=True,
            permutations=max(0, int(permutations)),
            n_jobs=1,  # the process pool costs more than it saves below ~100k cells (measured)
            seed=seed,
            keep_simulations=True,
        )
    z = np.nan_to_num(np.asarray(g.Zs, dtype=np.float64))
    if permutations:
        # Not p_z_sim: the normal approximation of the permutation distribution is poor for skewed
        # counts (an all-zero neighbourhood gets p_z_sim 0.14 while no permutation is that low).
        # Not esda's p_sim either: it folds ties onto the rare side, so an empty cell among empty
        # cells (observed 0, every permutation 0) gets the smallest p there is and a whole sparse
        # district turns into "cold spots". Each tail counts its ties as "as extreme" instead.
        sims = np.asarray(g.rGs, dtype=np.float64)  # n × permutations
        observed = np.asarray(g.Gs, dtype=np.float64)[:, None]
        tol = 1e-12 * np.maximum(1.0, np.abs(observed))
        high = ((sims >= observed - tol).sum(axis=1) + 1) / (permutations + 1)
        low = ((sims <= observed + tol).sum(axis=1) + 1) / (permutations + 1)
        p_sim = np.minimum(high, low)
        p = np.minimum(1.0, 2.0 * p_sim)
    else:
        from scipy.stats import norm

        p = np.minimum(1.0, 2.0 * norm.sf(np.abs(z)))
        p_sim = p / 2
    p_adj = bh_adjust(p) if fdr else p
    return GiStar(
        cells=cell_list,
        counts=y,
        z=z,
        p_sim=p_sim,
        p=p,
        p_fdr=p_adj,
        bin=gi_bin(z, p_adj),
        significant=p_adj < alpha,
        alpha=alpha,
        fdr=fdr,
    )


def hotspots(
    lats: Any,
    lngs: Any,
    resolution: int = 9,
    permutations: int = 999,
    alpha: float = 0.05,
    fdr: bool = True,
    area: Sequence[int] | None = None,
) -> GiStar:
    """Points to Gi* in one call: count per cell, pad the study area (or use `area`), run Gi*."""
    counts = cell_counts(lats, lngs, resolution)
    if not counts:
        raise HotspotError("没有可统计的点")
    cells = list(area) if area is not None else study_area(counts)
    missing = set(counts) - set(cells)
    if missing:
        cells = sorted(set(cells) | missing)
    y = np.array([counts.get(c, 0) for c in cells], dtype=np.float64)
    return getis_ord(cells, y, permutations=permutations, alpha=alpha, fdr=fdr)


# --- DBSCAN -----------------------------------------------------------------------------------


@dataclass
class Cluster:
    label: int
    count: int
    centroid: tuple[float, float]  # (lat, lng)
    radius_m: float  # farthest member from the centroid
    hull: dict[str, Any]  # GeoJSON geometry (Polygon, LineString or Point), lng/lat


def haversine_m(lat1: Any, lng1: Any, lat2: Any, lng2: Any) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat, dlng = p2 - p1, np.radians(np.asarray(lng2) - np.asarray(lng1))
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlng / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1))))


def dbscan_clusters(
    lats: Any, lngs: Any, eps_m: float = 100.0, min_samples: int = 10
) -> tuple[np.ndarray, list[Cluster]]:
    """DBSCAN on great-circle distance; labels (-1 = noise) and clusters, largest first."""
    from shapely.geometry import MultiPoint, mapping
    from sklearn.cluster import DBSCAN

    la, ln = _as_points(lats, lngs)
    if eps_m <= 0 or min_samples < 1:
        raise HotspotError("eps_m 必须大于 0，min_samples 至少为 1")
    if not la.size:
        return np.zeros(0, dtype=np.int64), []
    coords = np.radians(np.column_stack([la, ln]))
    labels = DBSCAN(
        eps=eps_m / EARTH_RADIUS_M, min_samples=min_samples, metric="haversine", algorithm="ball_tree"
    ).fit_predict(coords)
    clusters = []
    for label in np.unique(labels[labels >= 0]):
        member = labels == label
        mlat, mlng = la[member], ln[member]
        # the centroid of nearby points: the mean of unit vectors, safe across the antimeridian
        x = np.cos(np.radians(mlat)) * np.cos(np.radians(mlng))
        y = np.cos(np.radians(mlat)) * np.sin(np.radians(mlng))
        zc = np.sin(np.radians(mlat))
        clat = math.degrees(math.atan2(zc.mean(), math.hypot(x.mean(), y.mean())))
        clng = math.degrees(math.atan2(y.mean(), x.mean()))
        radius = float(haversine_m(clat, clng, mlat, mlng).max())
        hull = mapping(MultiPoint(list(zip(mlng.tolist(), mlat.tolist(), strict=True))).convex_hull)
        clusters.append(Cluster(int(label), int(member.sum()), (clat, clng), radius, _plain(hull)))
    clusters.sort(key=lambda c: -c.count)
    return labels, clusters


def _plain(geometry: Any) -> dict[str, Any]:
    """shapely's mapping() uses tuples; GeoJSON wants lists (and json.dumps is the same either way)."""

    def lists(value: Any) -> Any:
        if isinstance(value, (tuple, list)):
            return [lists(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": lists(geometry["coordinates"])}


# --- emerging hot spots -----------------------------------------------------------------------

EMERGING_CATEGORIES = (
    "new",
    "intensifying",
    "persistent",
    "diminishing",
    "sporadic",
    "historical",
    "no pattern",
)


@dataclass
class Emerging:
    cells: list[int]
    category: list[str]
    hot_share: np.ndarray  # share of slices in which the cell is a significant hot spot
    trend: list[str]  # Mann-Kendall on z: increasing / decreasing / no trend
    trend_p: np.ndarray
    z: np.ndarray  # T x N Gi* z per slice


def classify_emerging(hot: np.ndarray, trend: str, persistent_share: float = 0.9) -> str:
    """One cell's category from its hot flags per slice (oldest first) and the trend of its z.

    Simplified from ArcGIS Emerging Hot Spot Analysis (decision 083):
      new          hot in the last slice only;
      intensifying hot in ≥ 90 % of the slices including the last, z trending up;
      persistent   hot in ≥ 90 % of the slices including the last, no trend;
      diminishing  hot in ≥ 90 % of the slices including the last, z trending down;
      sporadic     hot in the last slice, and in some but < 90 % of the earlier ones;
      historical   not hot in the last slice but hot in ≥ 90 % of the earlier ones;
      no pattern   anything else (never hot, or hot only in the past now and then).
    """
    t = hot.size
    if t == 0 or not hot.any():
        return "no pattern"
    share = hot.sum() / t
    last = bool(hot[-1])
    if last and hot[:-1].sum() == 0:
        return "new"
    if last and share >= persistent_share:
        if trend == "increasing":
            return "intensifying"
        if trend == "decreasing":
            return "diminishing"
        return "persistent"
    if last:
        return "sporadic"
    if t > 1 and hot[:-1].sum() / (t - 1) >= persistent_share:
        return "historical"
    return "no pattern"


def emerging_hotspots(
    cells: Sequence[int],
    slice_counts: Any,
    permutations: int = 0,
    alpha: float = 0.05,
    trend_alpha: float = 0.05,
    fdr: bool = True,
) -> Emerging:
    """Gi* per time slice (rows of `slice_counts`, T x N, oldest first) and Mann-Kendall per cell.

    By default each slice uses the analytic Gi* p-value, as ArcGIS does: per-slice permutations
    multiply the cost by T and their p floor (2 / (permutations + 1)) defeats the FDR correction
    on the sparse counts of one slice.
    """
    import pymannkendall as mk

    counts = np.asarray(slice_counts, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[1] != len(cells):
        raise HotspotError("时间片计数必须是 T × N 矩阵，N 等于格子数")
    t, n = counts.shape
    if t < 2:
        raise HotspotError("至少需要 2 个时间片")
    z = np.zeros((t, n))
    hot = np.zeros((t, n), dtype=bool)
    for k in range(t):
        gi = getis_ord(cells, counts[k], permutations=permutations, alpha=alpha, fdr=fdr, seed=k + 1)
        z[k] = gi.z
        hot[k] = gi.significant & (gi.z > 0)
    trends = ["no trend"] * n
    trend_p = np.ones(n)
    for i in np.flatnonzero(hot.any(axis=0)):
        series = z[:, i]
        if t >= 3 and np.ptp(series) > 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = mk.original_test(series, alpha=trend_alpha)
            trends[i] = res.trend
            trend_p[i] = float(res.p)
    categories = [classify_emerging(hot[:, i], trends[i]) for i in range(n)]
    return Emerging([int(c) for c in cells], categories, hot.mean(axis=0), trends, trend_p, z)


# --- recurring problems (高频诉求) --------------------------------------------------------------


@dataclass
class Recurring:
    key: str  # grid code, component id or H3 cell
    category: str
    count: int  # records in the busiest window
    total: int  # records overall
    start: datetime  # the busiest window's first and last record
    end: datetime
    ids: list[str]  # the records of the busiest window


def recurring(
    records: Iterable[tuple[str, str, datetime, str]],
    window: timedelta = timedelta(days=30),
    min_count: int = 3,
) -> list[Recurring]:
    """Place keys with the same category at least `min_count` times within any `window`.

    `records` are (key, category, time, id). Most repeated first.
    """
    if min_count < 1 or window <= timedelta(0):
        raise HotspotError("min_count 至少为 1，window 必须为正")
    groups: dict[tuple[str, str], list[tuple[datetime, str]]] = defaultdict(list)
    for key, category, when, rid in records:
        groups[(str(key), str(category))].append((when, str(rid)))
    out = []
    for (key, category), items in groups.items():
        if len(items) < min_count:
            continue
        items.sort()
        best, best_lo, lo = 0, 0, 0
        for hi in range(len(items)):  # two pointers: the largest run inside any window
            while items[hi][0] - items[lo][0] > window:
                lo += 1
            if hi - lo + 1 > best:
                best, best_lo = hi - lo + 1, lo
        if best >= min_count:
            run = items[best_lo : best_lo + best]
            out.append(Recurring(key, category, best, len(items), run[0][0], run[-1][0], [r for _, r in run]))
    out.sort(key=lambda r: (-r.count, -r.total, r.key, r.category))
    return out


# --- GeoJSON ----------------------------------------------------------------------------------


def cell_polygon(cell: int) -> dict[str, Any]:
    """A GeoJSON Polygon for an H3 cell: [lng, lat] pairs, ring closed."""
    ring = [[round(lng, 7), round(lat, 7)] for lat, lng in h3i.cell_to_boundary(int(cell))]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def to_geojson(
    cells: Sequence[int | str], properties: Sequence[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A FeatureCollection with one polygon per cell; `properties[i]` goes with `cells[i]`."""
    if properties is not None and len(properties) != len(cells):
        raise HotspotError("属性个数与格子数不一致")
    features = []
    for i, cell in enumerate(cells):
        c = h3.str_to_int(cell) if isinstance(cell, str) else int(cell)
        props = {"cell": cell_str(c)}
        if properties is not None:
            props.update(_jsonable(properties[i]))
        features.append(
            {"type": "Feature", "id": cell_str(c), "geometry": cell_polygon(c), "properties": props}
        )
    return {"type": "FeatureCollection", "features": features}


def _jsonable(props: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in props.items():
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and not math.isfinite(v):
            v = None
        if isinstance(v, datetime):
            v = v.isoformat()
        out[k] = v
    return out


def gistar_geojson(result: GiStar, only_occupied_or_significant: bool = False) -> dict[str, Any]:
    """Gi* results as GeoJSON for the map layer (properties count, z, p, p_fdr, bin)."""
    rows = result.rows()
    keep = [
        i for i, r in enumerate(rows) if not only_occupied_or_significant or r["count"] > 0 or r["bin"] != 0
    ]
    return to_geojson([result.cells[i] for i in keep], [rows[i] for i in keep])
