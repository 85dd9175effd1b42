"""The geocoder at district size. Prints BENCH geocode_p95_ms, geocode_top1_accuracy, geocode_index_build_s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5 .venv/bin/python -m bench geocode

Stores 200,000 generated standard addresses (bench/geocode_data.py: roads × numbers, estates ×
buildings × units × rooms inside the demo outline, generated names only) in the database named by
DATABASE_URL (its bench jurisdiction's gis rows are replaced), builds the geocoder's index once,
then geocodes bench/data/geocode_callers.csv (the labelled set) and a few thousand written forms of
stored addresses, one query at a time. A labelled row is right when the best match has the expected
code, or lies within the tolerance of the expected point.
"""

from __future__ import annotations

import contextlib
import csv
import os
import time
from pathlib import Path

CALLERS = Path(__file__).parent / "data" / "geocode_callers.csv"
JURISDICTION = "330114"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiguan.settings")
    import django

    django.setup()
    _run()


def _store(jid: int) -> None:
    import shapely
    from django.db import transaction

    from bench.geocode_data import district_outline, generate
    from zhiguan.gis.models import Building, Poi, Road, StandardAddress
    from zhiguan.registries import versions

    started = time.perf_counter()
    d = generate(district_outline())
    print(
        f"# generated {len(d.addresses)} addresses, {len(d.roads)} roads, {len(d.pois)} POIs in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    with transaction.atomic():
        StandardAddress.objects.filter(jurisdiction_id=jid).delete()
        Building.objects.filter(jurisdiction_id=jid).delete()
        Poi.objects.filter(jurisdiction_id=jid).delete()
        Road.objects.filter(jurisdiction_id=jid).delete()
        roads = Road.objects.bulk_create(
            [
                Road(
                    jurisdiction_id=jid,
                    code=r["code"],
                    name=r["name"],
                    road_class="secondary",
                    geometry=shapely.to_wkb(r["line"]),
                    min_lng=r["line"].bounds[0],
                    min_lat=r["line"].bounds[1],
                    max_lng=r["line"].bounds[2],
                    max_lat=r["line"].bounds[3],
                    source="bench",
                )
                for r in d.roads
            ]
        )
        pois = Poi.objects.bulk_create(
            [
                Poi(
                    jurisdiction_id=jid,
                    code=p["code"],
                    name=p["name"],
                    kind=p["kind"],
                    aliases=p["aliases"],
                    lng=p["lng"],
                    lat=p["lat"],
                    address=f"钱塘区{p['name']}",
                    source="bench",
                )
                for p in d.pois
            ]
        )
        road_id = {r.code: r.id for r in roads}
        poi_id = {p.code: p.id for p in pois}
        StandardAddress.objects.bulk_create(
            (
                StandardAddress(
                    jurisdiction_id=jid,
                    code=a["code"],
                    level=a["level"],
                    road_id=road_id.get(a["road"] or ""),
                    road_name=a["road_name"],
                    house_number=a["house_number"],
                    estate_id=poi_id.get(a["estate"] or ""),
                    building_no=a["building_no"],
                    unit_no=a["unit_no"],
                    room_no=a["room_no"],
                    address=f"钱塘区{a['text']}",
                    lng=a["lng"],
                    lat=a["lat"],
                    source="bench",
                )
                for a in d.addresses
            ),
            batch_size=5000,
        )
        for registry in ("roads", "pois", "addresses", "buildings"):
            versions.bump(jid, registry)
    print(f"# stored in {time.perf_counter() - started:.1f} s", flush=True)


def _hit(match, row) -> bool:
    from zhiguan.geo.crs import haversine_m

    if row["expected_code"]:
        return match.code == row["expected_code"]
    d = haversine_m(match.lng, match.lat, float(row["expected_lng"]), float(row["expected_lat"]))
    return bool(d <= float(row["tolerance_m"]))


def _run() -> None:
    import numpy as np
    from django.core.management import call_command

    from zhiguan.demo.data import demo_data_dir
    from zhiguan.errors import NotFound
    from zhiguan.geo.demo import build_demo_geography
    from zhiguan.geo.models import Area
    from zhiguan.gis import geocode as gc
    from zhiguan.gis.models import StandardAddress
    from zhiguan.org.permissions import Actor
    from zhiguan.tenancy.models import Jurisdiction

    call_command("migrate", verbosity=0)
    jurisdiction, _ = Jurisdiction.objects.get_or_create(code=JURISDICTION, defaults={"name": "钱塘区"})
    if not Area.objects.filter(jurisdiction=jurisdiction).exists():
        build_demo_geography(actor=Actor.system(jurisdiction), data_dir=demo_data_dir())
    jid = jurisdiction.pk
    if StandardAddress.objects.filter(
        jurisdiction_id=jid, source="bench"
    ).count() != 200_000 or os.environ.get("BENCH_REGENERATE"):
        _store(jid)

    started = time.perf_counter()
    gc.get_index(jid)
    build_s = time.perf_counter() - started
    print(f"BENCH geocode_index_build_s {build_s:.2f} s", flush=True)

    rows = list(csv.DictReader(CALLERS.open(encoding="utf-8")))
    right, times, wrong = 0, [], {}
    for row in rows:
        t0 = time.perf_counter()
        try:
            result = gc.geocode(jurisdiction_id=jid, text=row["query"])
            ok = _hit(result.matched, row)
            got = f"{result.matched.address} ({result.matched.score})"
        except NotFound:
            ok, got = False, "address_not_found"
        times.append(time.perf_counter() - t0)
        right += ok
        if not ok:
            wrong.setdefault(row["kind"], []).append(f"{row['query']} → {got}")
    for kind, misses in sorted(wrong.items()):
        print(f"# missed {kind}: {len(misses)}: " + "; ".join(misses[:6]), flush=True)
    # A few thousand written forms of stored addresses, for the timing.
    rng = np.random.default_rng(7)
    texts = list(
        StandardAddress.objects.filter(jurisdiction_id=jid)
        .order_by("?")
        .values_list("address", flat=True)[:3000]
    )
    for text in texts:
        t0 = time.perf_counter()
        with contextlib.suppress(NotFound):
            gc.geocode(jurisdiction_id=jid, text=str(text)[3:] if rng.random() < 0.5 else str(text))
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    for lng, lat in zip(rng.uniform(120.3, 120.7, 1000), rng.uniform(30.23, 30.39, 1000), strict=True):
        gc.reverse_geocode(jurisdiction_id=jid, lng=lng, lat=lat)
    print(
        f"# reverse geocode {(time.perf_counter() - t0):.3f} ms per point (incl. street/community/grid)",
        flush=True,
    )
    print(f"BENCH geocode_p95_ms {np.percentile(np.array(times) * 1000, 95):.2f} ms", flush=True)
    print(f"BENCH geocode_top1_accuracy {right / len(rows):.3f} ratio", flush=True)
