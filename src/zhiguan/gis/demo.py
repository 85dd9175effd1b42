"""The demo district's base map written into the geography registries (roads, water, POIs, buildings, addresses).

`build_demo_basemap(actor=…, data_dir=…)` reads the district, streets and communities already
stored (`zhiguan.geo.demo`), generates the map (`zhiguan.gis.demo_plan`, pure, deterministic) with
the real estate and station names of the shared data set when present (`demo_names`, read at run
time), locates every point (street, community, grid, H3) in one vectorised pass and writes each
registry with `registries.bulk.create_with_history` (history_source "demo"), bumping each registry's change
token and writing one audit record. Decision 070 says what is real and what is generated.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import h3
import numpy as np
import shapely
from django.conf import settings
from django.db import transaction

from zhiguan.audit import services as audit
from zhiguan.geo.lookup import locate_many
from zhiguan.geo.models import Area, AreaLevel
from zhiguan.gis.demo_names import RealNames, read_real_names
from zhiguan.gis.demo_plan import SEED, BaseMap, Outline, generate_basemap
from zhiguan.gis.models import Building, Poi, Road, StandardAddress, Water
from zhiguan.org.permissions import Actor
from zhiguan.registries import bulk, versions

DEMO_SOURCE = "demo"  # history_source of every record the demo writes
SOURCE_GENERATED = "generated (demo)"
SOURCE_REAL_NAME = "name: geo_qiantang (Lianjia 2019, read at run time); shape generated (demo)"
SOURCE_REAL_STATION = "name: geo_qiantang metro Line 1 (read at run time); place generated (demo)"


def outline_from_db(jurisdiction_id: int) -> Outline:
    """The stored district, streets and communities (WGS-84) of a jurisdiction."""
    rows = list(
        Area.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
        .exclude(level=AreaLevel.GRID)
        .select_related("parent")
        .order_by("level", "code")
    )
    district = next(shapely.from_wkb(bytes(a.boundary)) for a in rows if a.level == AreaLevel.DISTRICT)
    streets = tuple(
        (a.code, a.name, shapely.from_wkb(bytes(a.boundary))) for a in rows if a.level == AreaLevel.STREET
    )
    communities = tuple(
        (a.code, a.name, a.parent.code if a.parent else "", shapely.from_wkb(bytes(a.boundary)))
        for a in rows
        if a.level == AreaLevel.COMMUNITY
    )
    return Outline(district, streets, communities)


class _Locator:
    """Street, community and grid ids and H3 cells for many points, from one `locate_many` call."""

    def __init__(self, jurisdiction_id: int):
        self.jid = jurisdiction_id
        parents = dict(Area.objects.filter(jurisdiction_id=jurisdiction_id).values_list("id", "parent_id"))
        self.parent = parents
        self.names = dict(
            Area.objects.filter(jurisdiction_id=jurisdiction_id, level=AreaLevel.STREET).values_list(
                "id", "name"
            )
        )

    def locate(self, lngs: list[float], lats: list[float]) -> list[dict[str, Any] | None]:
        grid_ids = locate_many(self.jid, np.array(lngs), np.array(lats))
        out: list[dict[str, Any] | None] = []
        resolutions = settings.H3_RESOLUTIONS
        for lng, lat, gid in zip(lngs, lats, grid_ids.tolist(), strict=True):
            if gid < 0:
                out.append(None)
                continue
            community = self.parent.get(gid)
            street = self.parent.get(community) if community else None
            where = {"lng": lng, "lat": lat, "grid_id": gid, "community_id": community, "street_id": street}
            for res in resolutions:
                where[f"h3_r{res}"] = h3.latlng_to_cell(lat, lng, res)
            out.append(where)
        return out


def _shaped(geometry: shapely.Geometry) -> dict[str, Any]:
    minx, miny, maxx, maxy = geometry.bounds
    return {
        "geometry": shapely.to_wkb(geometry),
        "min_lng": minx,
        "min_lat": miny,
        "max_lng": maxx,
        "max_lat": maxy,
    }


def plan_for(
    jurisdiction_id: int,
    data_dir: Path | None,
    *,
    seed: int = SEED,
    board_streets: Mapping[str, str] | None = None,
) -> tuple[BaseMap, RealNames]:
    """The map for a jurisdiction whose demo areas are stored (no writes)."""
    names = read_real_names(data_dir)
    outline = outline_from_db(jurisdiction_id)
    return generate_basemap(outline, names, seed=seed, board_streets=board_streets), names


def build_demo_basemap(
    *,
    actor: Actor,
    data_dir: Path | None,
    seed: int = SEED,
    board_streets: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Write the demo base map of the actor's jurisdiction; returns counts per registry and timings.

    `board_streets`: the street code of each real estate board (see `demo_plan.generate_basemap`).
    """
    started = time.perf_counter()
    jid = actor.jurisdiction.id
    plan, names = plan_for(jid, data_dir, seed=seed, board_streets=board_streets)
    generated_s = time.perf_counter() - started
    real_estates = {e.name for e in names.estates}
    real_stations = {f"{s}站" for s in names.stations}
    locator = _Locator(jid)
    with transaction.atomic():
        roads = [
            Road(
                jurisdiction_id=jid,
                code=r["code"],
                name=r["name"],
                aliases=r["aliases"],
                road_class=r["road_class"],
                length_m=r["length_m"],
                source=SOURCE_REAL_STATION if r["name"] in names.stations else SOURCE_GENERATED,
                **_shaped(r["geometry"]),
            )
            for r in plan.roads
        ]
        roads = bulk.create_with_history(roads, source=DEMO_SOURCE)
        road_ids = {r.code: r.id for r in roads}
        water = [
            Water(
                jurisdiction_id=jid,
                code=w["code"],
                name=w["name"],
                kind=w["kind"],
                source=SOURCE_GENERATED,
                **_shaped(w["geometry"]),
            )
            for w in plan.water
        ]
        bulk.create_with_history(water, source=DEMO_SOURCE)

        poi_where = locator.locate([p["lng"] for p in plan.pois], [p["lat"] for p in plan.pois])
        pois = []
        for p, where in zip(plan.pois, poi_where, strict=True):
            if where is None:
                continue
            street = locator.names.get(where["street_id"], "")
            real = p["name"] in real_estates or p["name"] in real_stations
            pois.append(
                Poi(
                    jurisdiction_id=jid,
                    code=p["code"],
                    name=p["name"],
                    kind=p["kind"],
                    aliases=p["aliases"],
                    outline=shapely.to_wkb(p["outline"]) if p["outline"] is not None else None,
                    address=f"钱塘区{street}{p['name']}",
                    source=(SOURCE_REAL_STATION if p["kind"] == "station" else SOURCE_REAL_NAME)
                    if real
                    else SOURCE_GENERATED,
                    **where,
                )
            )
        pois = bulk.create_with_history(pois, source=DEMO_SOURCE)
        poi_ids = {p.code: p.id for p in pois}

        b_where = locator.locate([b["lng"] for b in plan.buildings], [b["lat"] for b in plan.buildings])
        buildings = []
        for b, where in zip(plan.buildings, b_where, strict=True):
            if where is None:
                continue
            estate_id = poi_ids.get(b.get("estate_code") or "")
            estate_name = b["estate"]["name"] if b.get("estate") else ""
            street = locator.names.get(where["street_id"], "")
            buildings.append(
                Building(
                    jurisdiction_id=jid,
                    code=b["code"],
                    name=b["name"],
                    estate_id=estate_id,
                    use=b["use"],
                    floors=b["floors"],
                    address=f"钱塘区{street}{estate_name if estate_name != b['name'] else ''}{b['name']}",
                    source=SOURCE_GENERATED,
                    **_shaped(b["geometry"]),
                    **where,
                )
            )
        buildings = bulk.create_with_history(buildings, source=DEMO_SOURCE)
        building_ids = {b.code: b.id for b in buildings}

        a_where = locator.locate([a["lng"] for a in plan.addresses], [a["lat"] for a in plan.addresses])
        addresses = []
        for a, where in zip(plan.addresses, a_where, strict=True):
            if where is None:
                continue
            street = locator.names.get(where["street_id"], "")
            addresses.append(
                StandardAddress(
                    jurisdiction_id=jid,
                    code=a["code"],
                    level=a["level"],
                    road_id=road_ids.get(a["road"] or ""),
                    road_name=a["road_name"],
                    house_number=a["house_number"],
                    estate_id=poi_ids.get(a["estate"] or ""),
                    building_id=building_ids.get(a["building"] or ""),
                    building_no=a["building_no"],
                    unit_no=a["unit_no"],
                    room_no=a["room_no"],
                    aliases=a["aliases"],
                    address=f"钱塘区{street}{a['text']}",
                    source=SOURCE_GENERATED,
                    **where,
                )
            )
        bulk.create_with_history(addresses, source=DEMO_SOURCE)
        counts: dict[str, Any] = {
            "roads": len(roads),
            "water": len(water),
            "pois": len(pois),
            "buildings": len(buildings),
            "addresses": len(addresses),
            "real_estate_names": plan.real_estates,
            "real_station_names": plan.real_stations,
        }
        for registry in ("roads", "water", "pois", "buildings", "addresses"):
            versions.bump(jid, registry)
        audit.record(
            actor=actor,
            action="gis.demo_basemap",
            after={**counts, "seed": seed},
            note="demo base map: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
        )
    counts["seconds"] = round(time.perf_counter() - started, 1)
    counts["generate_seconds"] = round(generated_s, 1)
    return counts
