"""District-wide Gi* over 1,000,000 cases (issue 12, docs/decisions/083).

    .venv/bin/python -m bench hotspots_gistar

Synthetic points in a Hangzhou-sized extent (centre 30.30N 120.35E, a 15 km square): a uniform
background plus three Gaussian hot spots; H3 resolution 9 (~0.1 km² cells). Prints
  BENCH hotspots_cell_counts_1m_s    points to H3 cells and counts
  BENCH hotspots_study_area_s        occupied cells padded to the hull (+1 ring)
  BENCH hotspots_gistar_only_s       weights + esda.G_Local (999 permutations) + BH FDR
  BENCH hotspots_gistar_1m_s         all of it: points to classified cells (target < 3 s)
  BENCH hotspots_cells               cells in the study area
No database is used.
"""

from __future__ import annotations

import time

import numpy as np

N = 1_000_000
HALF_LAT = 7.5 / 111.0  # 7.5 km in degrees of latitude
HALF_LNG = 7.5 / (111.0 * np.cos(np.radians(30.30)))


def points(n: int = N, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = n // 4  # a quarter in three hot spots
    lat = 30.30 + rng.uniform(-HALF_LAT, HALF_LAT, n)
    lng = 120.35 + rng.uniform(-HALF_LNG, HALF_LNG, n)
    for j, (dlat, dlng) in enumerate([(0.02, -0.03), (-0.03, 0.02), (0.0, 0.05)]):
        sl = slice(j * k // 3, (j + 1) * k // 3)
        m = sl.stop - sl.start
        lat[sl] = 30.30 + dlat + rng.normal(0, 0.004, m)
        lng[sl] = 120.35 + dlng + rng.normal(0, 0.004, m)
    return lat, lng


def main() -> None:
    from zhiguan.intelligence.hotspots import stats

    lat, lng = points()
    best: dict[str, float] = {}
    for _ in range(3):
        t0 = time.perf_counter()
        counts = stats.cell_counts(lat, lng, 9)
        t1 = time.perf_counter()
        area = stats.study_area(counts)
        t2 = time.perf_counter()
        y = np.array([counts.get(c, 0) for c in area], dtype=np.float64)
        result = stats.getis_ord(area, y, permutations=999, fdr=True)
        t3 = time.perf_counter()
        for name, value in (("counts", t1 - t0), ("area", t2 - t1), ("gi", t3 - t2), ("all", t3 - t0)):
            best[name] = min(best.get(name, 1e9), value)
    bins = np.bincount(result.bin + 3, minlength=7)
    print(
        f"# {N} points, {len(counts)} occupied cells, {len(area)} in the study area; Gi_Bin -3..3: {bins.tolist()}"
    )
    print(f"BENCH hotspots_cell_counts_1m_s {best['counts']:.3f} s")
    print(f"BENCH hotspots_study_area_s {best['area']:.3f} s")
    print(f"BENCH hotspots_gistar_only_s {best['gi']:.3f} s")
    print(f"BENCH hotspots_gistar_1m_s {best['all']:.3f} s")
    print(f"BENCH hotspots_cells {len(area)} cells")


if __name__ == "__main__":
    main()
