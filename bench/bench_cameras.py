""" "Which cameras can see this point" over 10,000 cameras. Prints BENCH camera_view_p95_ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7 .venv/bin/python -m bench cameras

A throwaway database with the demo district (`bench.casesdb`), 10,000 cameras at random points of
the district (random directions, fields of view 40–100°, ranges 50–150 m, one in five a PTZ dome),
then `video.queries.visible` — the change-token read, the in-memory sector index, the live online
state and data scope of the few found — at 2,000 random points, after one warm-up call that builds
the index. ZHIGUAN_BENCH_CAMERAS changes the camera count.
"""

from __future__ import annotations

import os
import time

from bench.casesdb import is_postgres, random_points, setup_district, throwaway_database


def main() -> None:
    with throwaway_database() as url:
        jurisdiction = setup_district()
        n = int(os.environ.get("ZHIGUAN_BENCH_CAMERAS", 10_000))
        print(f"# {'PostgreSQL' if is_postgres(url) else 'SQLite'}, {n} cameras", flush=True)
        _run(jurisdiction, n)


def _run(jurisdiction: object, n: int) -> None:
    import numpy as np

    from zhiguan.org.models import Department
    from zhiguan.org.permissions import Actor
    from zhiguan.registries import versions
    from zhiguan.video import codes, queries
    from zhiguan.video.coverage import REGISTRY, sector_wkb
    from zhiguan.video.models import Camera

    jid = jurisdiction.pk  # type: ignore[attr-defined]
    Camera.objects.filter(jurisdiction_id=jid).delete()
    owner = Department.objects.filter(jurisdiction_id=jid, active=True).order_by("pk").first()
    rng = np.random.default_rng(20260703)
    cams = []
    for i, (lng, lat) in enumerate(random_points(jurisdiction, n, seed=7)):
        ptz = bool(rng.random() < 0.2)
        direction, fov, reach = (
            float(rng.uniform(0, 360)),
            float(rng.uniform(40, 100)),
            float(rng.uniform(50, 150)),
        )
        geometry, box = sector_wkb(lng, lat, direction, fov, reach, ptz)
        cams.append(
            Camera(
                jurisdiction_id=jid,
                code=codes.make(jurisdiction.code, "132", i + 1),  # type: ignore[attr-defined]
                name=f"测试摄像头{i + 1}",
                lng=lng,
                lat=lat,
                direction=direction,
                fov=fov,
                range_m=reach,
                ptz=ptz,
                owner=owner,
                online=bool(rng.random() < 0.9),
                geometry=geometry,
                min_lng=box[0],
                min_lat=box[1],
                max_lng=box[2],
                max_lat=box[3],
            )
        )
    Camera.objects.bulk_create(cams, batch_size=2000)
    versions.bump(jid, REGISTRY)
    actor = Actor.system(jurisdiction)
    # Points near cameras (half) and anywhere (half), so that most questions find something.
    anywhere = random_points(jurisdiction, 1000, seed=11)
    near = [(c.lng + rng.normal(0, 0.0004), c.lat + rng.normal(0, 0.0004)) for c in cams[:1000]]
    points = [p for pair in zip(anywhere, near, strict=True) for p in pair]
    started = time.perf_counter()
    queries.visible(actor=actor, lng=points[0][0], lat=points[0][1])
    print(f"# index built in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
    times, found = [], 0
    for lng, lat in points:
        started = time.perf_counter()
        found += len(queries.visible(actor=actor, lng=float(lng), lat=float(lat), limit=10))
        times.append((time.perf_counter() - started) * 1000)
    t = np.array(times)
    print(
        f"# {len(points)} points, {found} cameras found, median {np.median(t):.2f} ms, max {t.max():.1f} ms"
    )
    print(f"BENCH camera_view_p95_ms {np.percentile(t, 95):.2f} ms", flush=True)
