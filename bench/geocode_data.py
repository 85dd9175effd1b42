"""The bench geocoder's district: 200,000 generated standard addresses inside the demo outline.

Pure and deterministic (no database): roads on a grid clipped to the district, door numbers along
them, estates of buildings, units and rooms, and a few landmarks. Every name is generated from our
own name parts (`zhiguan.gis.demo_names`), never from the unlicensed estate file. Used by
bench_geocode (which stores it) and by data/make_geocode_callers.py (which writes the labelled set).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Point

from zhiguan.gis.demo_names import (
    ARTERIAL_EW,
    BRANCH_FIRST,
    BRANCH_SECOND,
    BUILDING_THEMES,
    SECONDARY_EW,
    building_names,
    estate_aliases,
    estate_names,
)

SEED = 20261210
TARGET = 200_000
ROAD_SPACING_M = 700.0
NUMBER_STEP_M = 20.0
DOOR_OFFSET_M = 15.0
M_PER_DEG_LAT = 111_320.0


@dataclass
class District:
    roads: list[dict[str, Any]] = field(default_factory=list)  # code, name, line (WGS-84)
    pois: list[dict[str, Any]] = field(default_factory=list)  # code, name, kind, aliases, lng, lat
    addresses: list[dict[str, Any]] = field(default_factory=list)


def _road_names() -> list[str]:
    pairs = [a + b for a in BRANCH_FIRST for b in BRANCH_SECOND]
    out = list(ARTERIAL_EW) + list(SECONDARY_EW)
    for i, p in enumerate(pairs):
        name = p + ("路" if i % 3 else "街")
        if name not in out:
            out.append(name)
    return out


def generate(district: shapely.Geometry, *, target: int = TARGET, seed: int = SEED) -> District:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = district.bounds
    m_lng = M_PER_DEG_LAT * math.cos(math.radians((miny + maxy) / 2))
    dx, dy = ROAD_SPACING_M / m_lng, ROAD_SPACING_M / M_PER_DEG_LAT
    inner = district.buffer(-60 / M_PER_DEG_LAT)
    lines: list[LineString] = []
    y = miny + dy / 2
    while y < maxy:
        lines.append(LineString([(minx, y), (maxx, y)]))
        y += dy
    x = minx + dx / 2
    while x < maxx:
        lines.append(LineString([(x, miny), (x, maxy)]))
        x += dx
    names = _road_names()
    out = District()
    pieces: list[LineString] = []
    for line in lines:
        clipped = line.intersection(inner)
        for part in getattr(clipped, "geoms", [clipped]):
            if isinstance(part, LineString) and part.length * m_lng > 1500:
                pieces.append(part)
    order = rng.permutation(len(pieces))
    for n, k in enumerate(order[: len(names)]):
        out.roads.append({"code": f"330114R{n + 1:04d}", "name": names[n], "line": pieces[int(k)]})

    def metres(line: LineString) -> float:
        (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
        return math.hypot((x1 - x0) * m_lng, (y1 - y0) * M_PER_DEG_LAT)

    addr: list[dict[str, Any]] = []
    for road in out.roads:
        line = road["line"]
        (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
        length = metres(line)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length  # degrees per metre along
        nx, ny = -uy * m_lng / M_PER_DEG_LAT, ux * M_PER_DEG_LAT / m_lng  # normal, roughly
        pairs = int(length // NUMBER_STEP_M)
        keep = rng.random(pairs * 2) < 0.7  # not every number is written out
        for i in range(pairs):
            for side in (0, 1):
                if not keep[2 * i + side]:
                    continue
                number = 2 * i + 1 + side
                t = (i + 0.5) * NUMBER_STEP_M
                sgn = 1 if side == 0 else -1
                lng = x0 + ux * t + sgn * nx * DOOR_OFFSET_M / m_lng
                lat = y0 + uy * t + sgn * ny * DOOR_OFFSET_M / M_PER_DEG_LAT
                addr.append(
                    {
                        "level": "door",
                        "road": road["code"],
                        "road_name": road["name"],
                        "house_number": f"{number}号",
                        "text": f"{road['name']}{number}号",
                        "lng": lng,
                        "lat": lat,
                    }
                )
    # Landmarks: schools, parks, markets, office buildings, metro stations near crossings.
    poi_n = 0

    def poi(name: str, kind: str, lng: float, lat: float, aliases: list[str] | None = None) -> dict:
        nonlocal poi_n
        poi_n += 1
        row = {"code": f"330114P{poi_n:05d}", "name": name, "kind": kind, "aliases": aliases or []}
        row.update(lng=lng, lat=lat)
        out.pois.append(row)
        return row

    road_lines = [r["line"] for r in out.roads]
    tree = shapely.STRtree(road_lines)
    taken: set[str] = set(names)
    for i, theme in enumerate(BUILDING_THEMES):
        p = _free_point(rng, inner, tree, m_lng)
        kind, suffix = [("school", "小学"), ("school", "中学"), ("park", "公园"), ("market", "农贸市场")][
            i % 4
        ]
        poi(f"{theme}{suffix}", kind, p.x, p.y)
    for name in building_names(rng, taken, 30):
        p = _free_point(rng, inner, tree, m_lng)
        poi(name, "other", p.x, p.y)
    for road in out.roads[:40:3]:
        c = road["line"].interpolate(0.5, normalized=True)
        poi(f"{road['name'][:-1]}站", "station", c.x, c.y, [f"{road['name'][:-1]}地铁站"])
    # Estates until the target is reached.
    all_estates = estate_names(rng, taken, 470)
    for name in all_estates:
        if len(addr) >= target:
            break
        centre = _free_point(rng, inner, tree, m_lng)
        estate = poi(name, "estate", centre.x, centre.y, estate_aliases(name, all_estates))
        buildings = int(rng.integers(4, 17))
        cols = math.ceil(math.sqrt(buildings))
        for b in range(1, buildings + 1):
            bx = centre.x + ((b - 1) % cols - cols / 2) * 40 / m_lng
            by = centre.y + ((b - 1) // cols - cols / 2) * 40 / M_PER_DEG_LAT
            base = {
                "level": "building",
                "estate": estate["code"],
                "estate_name": name,
                "building_no": f"{b}幢",
            }
            addr.append({**base, "text": f"{name}{b}幢", "lng": bx, "lat": by})
            units, floors = int(rng.integers(1, 4)), int(rng.integers(6, 19))
            for u in range(1, units + 1):
                ulng = bx + (u - (units + 1) / 2) * 8 / m_lng
                unit = {**base, "level": "unit", "unit_no": f"{u}单元", "lng": ulng, "lat": by}
                addr.append({**unit, "text": f"{name}{b}幢{u}单元"})
                for f in range(1, floors + 1):
                    for k in (1, 2):
                        room = f"{f}{k:02d}室"
                        addr.append(
                            {**unit, "level": "room", "room_no": room, "text": f"{name}{b}幢{u}单元{room}"}
                        )
    addr = addr[:target]
    for n, a in enumerate(addr, start=1):
        a["code"] = f"330114A{n:08d}"
        for key in ("road", "road_name", "house_number", "estate", "building_no", "unit_no", "room_no"):
            a.setdefault(key, "" if key != "road" and key != "estate" else None)
        a["lng"], a["lat"] = round(a["lng"], 7), round(a["lat"], 7)
    out.addresses = addr
    return out


def _free_point(
    rng: np.random.Generator, inner: shapely.Geometry, tree: shapely.STRtree, m_lng: float
) -> Point:
    """A point inside the district, 80–300 m from the nearest road (inside a block)."""
    minx, miny, maxx, maxy = inner.bounds
    while True:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if not inner.contains(p):
            continue
        near = tree.query_nearest(p, max_distance=300 / m_lng, return_distance=True)
        if len(near[0]) and near[1][0] * m_lng > 80:
            return p


def district_outline() -> shapely.Geometry:
    from zhiguan.demo.data import demo_data_dir
    from zhiguan.gis.demo_plan import demo_outline

    return demo_outline(demo_data_dir()).district
