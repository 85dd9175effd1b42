"""Bulk point → grid lookup over the demo district (钱塘区). Prints BENCH grid_lookup_points_per_s.

Builds the demo geography through the real import into a throwaway SQLite database (never the
developer's var/), then times `lookup.locate_many` on 1,000,000 random points inside the district,
after one warm-up call that builds the raster table.
"""

from __future__ import annotations

import os
import tempfile
import time


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="zhiguan-bench-geo-") as tmp:
        # Before django.setup(): settings read these once.
        os.environ["ZHIGUAN_VAR_DIR"] = tmp
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiguan.settings")
        import django

        django.setup()
        _run()


def _run() -> None:
    import numpy as np
    import shapely
    from django.core.management import call_command

    from zhiguan.demo.data import demo_data_dir
    from zhiguan.geo import lookup
    from zhiguan.geo.demo import build_demo_geography
    from zhiguan.org.permissions import Actor
    from zhiguan.tenancy.models import Jurisdiction

    call_command("migrate", verbosity=0)
    jurisdiction = Jurisdiction.objects.create(code="330114", name="钱塘区")
    counts = build_demo_geography(actor=Actor.system(jurisdiction), data_dir=demo_data_dir())
    print(f"# demo geography: {counts}", flush=True)

    index = lookup.get_index(jurisdiction.pk)
    assert index.district is not None
    rng = np.random.default_rng(20260101)
    minx, miny, maxx, maxy = index.district.bounds
    lngs, lats = np.empty(0), np.empty(0)
    while len(lngs) < 1_000_000:
        x, y = rng.uniform(minx, maxx, 1_000_000), rng.uniform(miny, maxy, 1_000_000)
        inside = shapely.contains_xy(index.district, x, y)
        lngs, lats = np.concatenate([lngs, x[inside]]), np.concatenate([lats, y[inside]])
    lngs, lats = lngs[:1_000_000], lats[:1_000_000]

    started = time.perf_counter()
    lookup.locate_many(jurisdiction.pk, lngs[:1000], lats[:1000])
    print(f"# index and raster built in {time.perf_counter() - started:.2f} s", flush=True)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        ids = lookup.locate_many(jurisdiction.pk, lngs, lats)
        best = min(best, time.perf_counter() - started)
    print(f"# {int((ids >= 0).sum())} of {len(ids)} points in a grid", flush=True)
    print(f"BENCH grid_lookup_points_per_s {len(lngs) / best:.0f} points/s", flush=True)
