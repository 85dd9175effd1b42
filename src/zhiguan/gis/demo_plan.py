"""The demo district's base map, generated: roads, water, estates, buildings, POIs, standard addresses.

Pure functions, no database: `generate_basemap(outline, names)` returns plain rows with WGS-84
shapely geometries, the same for the same outline, names and seed (benchmarks and other demos
reuse them). `zhiguan.gis.demo` writes them into the registries.

How the map is made (all geometry generated, see docs/decisions/070-demo-base-map.md):
- Work in metres on a local equirectangular plane around the district (linear, so shared
  vertices stay shared after the conversion back to degrees).
- 钱塘江: a band along an approximate course of the river (`RIVER_COURSE_GCJ`, drawn by us along
  the outline edges the river runs along) inside the district. 金沙湖: an oval beside the metro
  station of that name. A few canals alongside roads.
- Roads: a north–south / east–west grid of arterial roads 800–1200 m apart with a secondary road
  between each pair, clipped to the land; every developed block is halved by a branch road; a few
  lanes. Crossings share vertices (the geocoder's "A路与B街交叉口").
- Blocks between the roads, set back from them, hold estates (rows of south-facing slabs or
  towers), schools, hospitals, markets, parks, offices and commercial buildings, densest along the
  metro road in the core (下沙, 白杨) and around a centre in each other street.
- Door numbers along the roads in front of developed blocks (odd on the left, even on the right,
  by distance from the road's west or south end), building, unit and a sample of room addresses
  in the estates.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box

from zhiguan.gis import demo_names as names_mod
from zhiguan.gis.demo_names import RealNames, chinese_number

SEED = 330114_10  # the district code and the issue: the same map every time
DISTRICT_CODE, DISTRICT_NAME = "330114", "钱塘区"
# The core (下沙 and 白杨): real estate names, the metro, the densest blocks.
CORE_STREETS = ("330114001", "330114002")
# An approximate course of the river's middle (GCJ-02), drawn by us along the outline edges where
# the river is the boundary: 下沙's south-eastern bank, the neck to 大江东, 大江东's northern edge.
RIVER_COURSE_GCJ = (
    (120.285, 30.290), (120.304, 30.284), (120.323, 30.267), (120.341, 30.253), (120.352, 30.250),
    (120.373, 30.260), (120.388, 30.2745), (120.400, 30.2877), (120.414, 30.3188), (120.4277, 30.3536),
    (120.4388, 30.3751), (120.4443, 30.3787), (120.4773, 30.3859), (120.4966, 30.3888), (120.6343, 30.3895),
    (120.695, 30.3787), (120.7032, 30.3667), (120.7046, 30.3176), (120.722, 30.2865), (120.730, 30.280),
)  # fmt: skip
RIVER_HALF_WIDTH_M = 650.0
ARTERIAL_SPACING_M = (800.0, 1200.0)
SECONDARY_JITTER_M = 40.0
MIN_ROAD_M = 200.0
SETBACK_M = {"arterial": 30.0, "secondary": 20.0, "canal": 75.0}
BRANCH_SETBACK_M = 10.0
CANAL_OFFSET_M = 45.0
LAKE_AXES_M = (430.0, 260.0)
LAKE_OFFSET_M = 430.0
ESTATE_INSET_M = 12.0
DOOR_SPACING_M = (20.0, 40.0)  # between door numbers written out
DOOR_NUMBER_STEP_M = 20.0  # one pair of numbers (odd left, even right) per this much road
DOOR_OFFSET_M = 18.0
DOOR_REACH_M = 25.0  # a door is written where a developed block lies this close to it
BUILDING_DOOR_REACH_M = 60.0
# Rooms are written out for the first unit of each estate's first building (a sample: every room
# of the district would be ~10⁵ rows and slow the demo build down for little use).
ROOM_SAMPLE_BUILDINGS = 1
ROOM_SAMPLE_UNITS = 1
ROOMS_PER_FLOOR = 2
CORE_EXTRA_ESTATES = 12  # generated estates in the core besides the real ones
CORE_MIN_ESTATES = 50
# 大江东 is an industrial zone: each of its towns also has a few factory blocks.
OTHER_STREET_USES = ("government", "estate", "school", "estate", "market", "estate", "commercial",
                     "hospital", "estate", "commercial", "industrial", "industrial", "industrial",
                     "industrial")  # fmt: skip
CORE_STREET_USES = {"school": 4, "hospital": 1, "market": 2, "park": 2, "commercial": 8}
LANES = 8
LAKE_NAME = "金沙湖"  # a real lake of 下沙 (the shape and place here are ours)
TOWN_HALF_SIZE_M = 1500.0
STATION_COUNT_GENERATED = 7
BRANCH: Any = object()  # marks a half's side facing the branch road that splits its block


@dataclass(frozen=True)
class Outline:
    """The district, its streets and communities (WGS-84), as stored in `geo.Area`."""

    district: shapely.Geometry
    streets: tuple[tuple[str, str, shapely.Geometry], ...]  # code, name, shape
    communities: tuple[tuple[str, str, str, shapely.Geometry], ...]  # code, name, street code, shape


@dataclass
class BaseMap:
    roads: list[dict[str, Any]] = field(default_factory=list)
    water: list[dict[str, Any]] = field(default_factory=list)
    pois: list[dict[str, Any]] = field(default_factory=list)
    buildings: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    real_estates: int = 0
    real_stations: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "roads": len(self.roads),
            "water": len(self.water),
            "pois": len(self.pois),
            "buildings": len(self.buildings),
            "addresses": len(self.addresses),
            "real_estate_names": self.real_estates,
            "real_station_names": self.real_stations,
        }


def demo_outline(data_dir: Path | None) -> Outline:
    """The demo outline without a database: `geo.demo.build_shapes` converted to WGS-84."""
    from zhiguan.geo.crs import GCJ02, to_wgs84
    from zhiguan.geo.demo import build_shapes

    shapes = build_shapes(data_dir)

    def wgs(geometry: dict) -> shapely.Geometry:
        g = shapely.geometry.shape(geometry)
        return shapely.transform(g, lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1], GCJ02)))

    district = wgs(shapes["district"]["features"][0]["geometry"])
    streets = tuple(
        (f["properties"]["code"], f["properties"]["name"], wgs(f["geometry"]))
        for f in shapes["street"]["features"]
    )
    communities = tuple(
        (f["properties"]["code"], f["properties"]["name"], f["properties"]["parent_code"], wgs(f["geometry"]))
        for f in shapes["community"]["features"]
    )
    return Outline(district, streets, communities)


class Plane:
    """A local equirectangular plane in metres around a point (linear both ways)."""

    def __init__(self, lng0: float, lat0: float):
        self.lng0, self.lat0 = lng0, lat0
        self.kx = 111_320.0 * math.cos(math.radians(lat0))
        self.ky = 110_574.0

    def to_m(self, g: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(
            g,
            lambda xy: np.column_stack([(xy[:, 0] - self.lng0) * self.kx, (xy[:, 1] - self.lat0) * self.ky]),
        )

    def to_deg(self, g: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(
            g, lambda xy: np.column_stack([xy[:, 0] / self.kx + self.lng0, xy[:, 1] / self.ky + self.lat0])
        )

    def xy_to_deg(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(x) / self.kx + self.lng0, np.asarray(y) / self.ky + self.lat0


def _polygons(g: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and p.area > 1.0]
    return shapely.MultiPolygon(parts) if len(parts) != 1 else parts[0]


def _positions(lo: float, hi: float, rng: np.random.Generator) -> list[float]:
    out, pos = [], lo + rng.uniform(300.0, 700.0)
    while pos < hi:
        out.append(round(float(pos), 1))
        pos += rng.uniform(*ARTERIAL_SPACING_M)
    return out


@dataclass
class GridLine:
    axis: str  # "x": a north–south line at x = pos; "y": an east–west line at y = pos
    pos: float
    kind: str  # arterial | secondary
    canal: bool = False


@dataclass
class RoadDraft:
    key: tuple[Any, ...]
    parts: list[LineString]
    road_class: str
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    axis: str = ""


@dataclass
class Half:
    """Half a block: the unit a use (estate, school …) takes."""

    shape: Polygon
    street: str
    community: str | None  # when the half lies in one community
    edges: list[tuple[str, RoadDraft | None]]  # side ("s", "n", "w", "e") → road behind it
    use: str = ""
    name: str = ""


def _straighten(part: LineString, line: GridLine) -> LineString:
    """A clipped grid line with its fixed coordinate exact, running west→east or south→north."""
    xy = np.asarray(part.coords)
    if line.axis == "x":
        xy[:, 0] = line.pos
        xy = xy[np.argsort(xy[:, 1])]
    else:
        xy[:, 1] = line.pos
        xy = xy[np.argsort(xy[:, 0])]
    return LineString(xy)


def _clip(geom: LineString, land: shapely.Geometry) -> list[LineString]:
    return [
        p
        for p in shapely.get_parts(geom.intersection(land))
        if p.geom_type == "LineString" and p.length >= 1.0
    ]


def _insert_vertices(line: LineString, points: list[tuple[float, float]]) -> LineString:
    coords = [tuple(c) for c in line.coords]
    existing = set(coords)
    extra = [p for p in points if p not in existing]
    if not extra:
        return line
    at = [line.project(Point(c)) for c in coords] + [line.project(Point(p)) for p in extra]
    merged = sorted(zip(at, range(len(at)), coords + extra, strict=True))
    out: list[tuple[float, float]] = []
    for _, _, c in merged:
        if not out or out[-1] != c:
            out.append(c)
    return LineString(out)


def _node(roads: list[RoadDraft]) -> None:
    """Make every crossing or T-junction a vertex of both roads (exact same coordinates)."""
    parts = [(ri, pi, p) for ri, r in enumerate(roads) for pi, p in enumerate(r.parts)]
    geoms = np.array([p for _, _, p in parts], dtype=object)
    tree = shapely.STRtree(geoms)
    a_idx, b_idx = tree.query(geoms, predicate="intersects")
    extra: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for a, b in zip(a_idx, b_idx, strict=True):
        if a >= b or parts[a][0] == parts[b][0]:
            continue
        hit = geoms[a].intersection(geoms[b])
        for pt in shapely.get_parts(hit):
            if pt.geom_type == "Point":
                extra[a].append((pt.x, pt.y))
                extra[b].append((pt.x, pt.y))
    for i, pts in extra.items():
        ri, pi, p = parts[i]
        roads[ri].parts[pi] = _insert_vertices(p, pts)


def _drop_isolated(roads: list[RoadDraft]) -> list[RoadDraft]:
    """Roads touching no other road are dropped (repeated until every road touches another)."""
    while True:
        geoms = np.array([MultiLineString(r.parts) for r in roads], dtype=object)
        tree = shapely.STRtree(geoms)
        a_idx, b_idx = tree.query(geoms, predicate="intersects")
        touching = set(a_idx[a_idx != b_idx].tolist())
        kept = [r for i, r in enumerate(roads) if i in touching]
        if len(kept) == len(roads):
            return kept
        roads = kept


def _street_at(streets: list[tuple[str, str, shapely.Geometry]], x: np.ndarray, y: np.ndarray) -> list[str]:
    out = [""] * len(x)
    for code, _name, shape in streets:
        inside = shapely.contains_xy(shape, x, y)
        for i in np.flatnonzero(inside):
            if not out[i]:
                out[i] = code
    return out


def generate_basemap(
    outline: Outline, names: RealNames, *, seed: int = SEED, board_streets: Mapping[str, str] | None = None
) -> BaseMap:
    """The whole base map for the outline: deterministic for (outline, names, seed).

    `board_streets` maps a real estate's board (板块) to the code of the street it lies in (the demo
    cases' mapping), so an estate named in a case text stands in that street on the map.
    """
    return _Generator(outline, names, seed, board_streets or {}).run()


class _Generator:
    def __init__(self, outline: Outline, names: RealNames, seed: int, board_streets: Mapping[str, str]):
        self.rng = np.random.default_rng(seed)
        self.board_streets = board_streets
        self.names = names
        c = outline.district.centroid
        self.plane = Plane(round(c.x, 4), round(c.y, 4))
        to_m = self.plane.to_m
        self.district = to_m(outline.district)
        shapely.prepare(self.district)
        self.streets = [(code, name, to_m(g)) for code, name, g in outline.streets]
        self.street_names = {code: name for code, name, _ in outline.streets}
        self.communities = [(code, name, s, to_m(g)) for code, name, s, g in outline.communities]
        for _, _, g in self.streets:
            shapely.prepare(g)
        self.core = shapely.union_all([g for code, _, g in self.streets if code in CORE_STREETS])
        if self.core.is_empty:
            self.core = self.district
        shapely.prepare(self.core)
        self.out = BaseMap(real_estates=0, real_stations=0)
        self.taken_names: set[str] = set()

    # ---------------------------------------------------------------- water and land
    def _river(self) -> shapely.Geometry:
        from zhiguan.geo.crs import GCJ02, to_wgs84

        xs, ys = zip(*RIVER_COURSE_GCJ, strict=True)
        lng, lat = to_wgs84(np.array(xs), np.array(ys), GCJ02)
        course = self.plane.to_m(LineString(np.column_stack([lng, lat])))
        return _polygons(course.buffer(RIVER_HALF_WIDTH_M).intersection(self.district))

    def run(self) -> BaseMap:
        rng = self.rng
        river = self._river()
        self.river = river
        land0 = _polygons(self.district.difference(river))
        minx, miny, maxx, maxy = self.district.bounds
        art_x, art_y = _positions(minx, maxx, rng), _positions(miny, maxy, rng)
        lines: list[GridLine] = []
        for axis, arts in (("x", art_x), ("y", art_y)):
            for a, b in itertools.pairwise(arts):
                lines.append(GridLine(axis, a, "arterial"))
                mid = (a + b) / 2 + rng.uniform(-SECONDARY_JITTER_M, SECONDARY_JITTER_M)
                lines.append(GridLine(axis, round(float(mid), 1), "secondary"))
            lines.append(GridLine(axis, arts[-1], "arterial"))
        self.lines = lines
        span = {"x": (miny - 10, maxy + 10), "y": (minx - 10, maxx + 10)}

        def full(line: GridLine) -> LineString:
            lo, hi = span[line.axis]
            return LineString(
                [(line.pos, lo), (line.pos, hi)] if line.axis == "x" else [(lo, line.pos), (hi, line.pos)]
            )

        # The metro road: the east–west arterial with the longest stretch through the core.
        core_land = land0.intersection(self.core)
        best, best_len = None, 0.0
        for line in lines:
            if line.axis == "y" and line.kind == "arterial":
                parts = _clip(full(line), core_land)
                longest = max(parts, key=lambda p: p.length) if parts else None
                if longest is not None and longest.length > best_len:
                    best, best_len, best_part = line, longest.length, longest
        assert best is not None, "the core has no east–west arterial"
        self.metro_line = best
        x0, x1 = best_part.bounds[0], best_part.bounds[2]
        crossings = sorted(
            (ln for ln in lines if ln.axis == "x" and x0 + 150 < ln.pos < x1 - 150), key=lambda ln: ln.pos
        )
        station_names = list(self.names.stations)
        self.out.real_stations = len(station_names)
        count = len(station_names) or STATION_COUNT_GENERATED
        count = min(count, len(crossings))
        picks = np.unique(np.round(np.linspace(0, len(crossings) - 1, count)).astype(int))
        self.station_lines = [crossings[i] for i in picks]
        station_names = station_names[: len(self.station_lines)]
        # 金沙湖 beside the station of that name (or the second one), south of the metro road.
        lake_station = next(
            (i for i, n in enumerate(station_names) if n.endswith("湖")), min(1, len(self.station_lines) - 1)
        )
        lx = self.station_lines[lake_station].pos + 0.0
        lake = None
        for dy in (-LAKE_OFFSET_M, LAKE_OFFSET_M, -2 * LAKE_OFFSET_M, 2 * LAKE_OFFSET_M):
            cand = affinity.scale(Point(lx + 250.0, best.pos + dy).buffer(1.0, 64), *LAKE_AXES_M)
            if land0.contains(cand.buffer(100)):
                lake = cand
                break
        self.lake = lake
        land = land0 if lake is None else _polygons(land0.difference(lake.buffer(40.0)))
        self.land = land
        shapely.prepare(land)
        # Canals beside a few secondary roads in the core (the road's far side keeps its set-back).
        core_secondaries = [ln for ln in lines if ln.kind == "secondary" and self.core.intersects(full(ln))]
        for i in rng.choice(len(core_secondaries), size=min(4, len(core_secondaries)), replace=False):
            core_secondaries[int(i)].canal = True

        # Roads along the grid lines, a road per line and region (core / east).
        # In the east, secondary roads only in each street's town (its centre, a few blocks wide):
        # the rest of 大江东 is fields and plants between arterial roads.
        towns = []
        for code, _, g in self.streets:
            if code in CORE_STREETS:
                continue
            p = self._centre(g)
            x_lo = max([x for x in art_x if x <= p.x - TOWN_HALF_SIZE_M], default=minx)
            x_hi = min([x for x in art_x if x >= p.x + TOWN_HALF_SIZE_M], default=maxx)
            y_lo = max([y for y in art_y if y <= p.y - TOWN_HALF_SIZE_M], default=miny)
            y_hi = min([y for y in art_y if y >= p.y + TOWN_HALF_SIZE_M], default=maxy)
            towns.append(box(x_lo, y_lo, x_hi, y_hi))
        secondary_land = _polygons(land.intersection(shapely.union_all([self.core, *towns])))
        drafts: dict[tuple[Any, ...], RoadDraft] = {}
        for li, line in enumerate(lines):
            for part in _clip(full(line), land if line.kind == "arterial" else secondary_land):
                if part.length < MIN_ROAD_M:
                    continue
                part = _straighten(part, line)
                mid = part.interpolate(0.5, normalized=True)
                region = "core" if self.core.contains(mid) else "east"
                key = (li, region)
                d = drafts.setdefault(key, RoadDraft(key, [], line.kind, axis=line.axis))
                d.parts.append(part)
        self.grid_roads = drafts
        self._name_grid_roads(lines, drafts, station_names)

        # Water: river, lake, canals.
        water = self.out.water
        water.append({"name": "钱塘江", "kind": "river", "geometry": river})
        if lake is not None:
            water.append({"name": LAKE_NAME, "kind": "lake", "geometry": lake})
        canal_names = list(names_mod.CANAL_NAMES)
        for line in lines:
            if not line.canal or not canal_names:
                continue
            offset = line.pos + CANAL_OFFSET_M
            cline = GridLine(line.axis, offset, "canal")
            pieces = [
                p
                for p in _clip(full(cline), land.buffer(-15.0))
                if p.length > 400 and self.core.contains(p.interpolate(0.5, normalized=True))
            ]
            if pieces:
                geom = pieces[0] if len(pieces) == 1 else MultiLineString(pieces)
                water.append({"name": canal_names.pop(0), "kind": "canal", "geometry": geom})

        # Blocks and their uses; branch roads halve the developed ones.
        halves = self._blocks(lines, drafts)
        branch = [d for d in self.branch_roads]
        lanes = self._lanes(lines, drafts, halves)
        roads = _drop_isolated(list(drafts.values()) + branch + lanes)
        _node(roads)
        self._emit_roads(roads)
        self._emit_stations(station_names)
        self._emit_halves(halves, lake)
        self._emit_community_centres()
        self._emit_doors(roads, halves)
        self._finish()
        return self.out

    # ---------------------------------------------------------------- names
    def _name_grid_roads(self, lines: list[GridLine], drafts: dict, station_names: list[str]) -> None:
        rng = self.rng
        ew_art = list(names_mod.ARTERIAL_EW)
        ew_sec = list(names_mod.SECONDARY_EW)
        rng.shuffle(ew_art)
        rng.shuffle(ew_sec)
        station_roads = {
            id(line): name
            for line, name in zip(self.station_lines, station_names, strict=False)
            if name.endswith("路")
        }
        counters = {"x-core": 0, "x-east": 0, "y-east": 0}
        xs = sorted((ln for ln in lines if ln.axis == "x"), key=lambda ln: ln.pos)
        ys = sorted((ln for ln in lines if ln.axis == "y"), key=lambda ln: ln.pos)
        index = {id(ln): i for i, ln in enumerate(lines)}
        for ln in xs + ys:
            for region in ("core", "east"):
                d = drafts.get((index[id(ln)], region))
                if d is None:
                    continue
                if ln.axis == "x" and region == "core":
                    counters["x-core"] += 1
                    name = station_roads.get(id(ln)) or f"{counters['x-core']}号大街"
                    if name.endswith("号大街"):
                        d.aliases = [f"{chinese_number(counters['x-core'])}号大街"]
                elif ln.axis == "x":
                    counters["x-east"] += 1
                    name = f"经{chinese_number(counters['x-east'])}路"
                elif region == "core":
                    if ln is self.metro_line:
                        name = "金沙大道"
                    else:
                        pool = ew_art if ln.kind == "arterial" else ew_sec
                        name = pool.pop(0) if pool else ""
                        if not name:
                            counters["y-east"] += 1
                            name = f"纬{chinese_number(counters['y-east'])}路"
                else:
                    counters["y-east"] += 1
                    name = f"纬{chinese_number(counters['y-east'])}路"
                d.name = name
                self.taken_names.add(name)

    # ---------------------------------------------------------------- blocks
    def _blocks(self, lines: list[GridLine], drafts: dict) -> list[Half]:
        rng = self.rng
        index = {id(ln): i for i, ln in enumerate(lines)}
        xs = sorted((ln for ln in lines if ln.axis == "x"), key=lambda ln: ln.pos)
        ys = sorted((ln for ln in lines if ln.axis == "y"), key=lambda ln: ln.pos)

        def setback(ln: GridLine, far_side: bool) -> float:
            # A canal runs on the east/north side of its road: the block beyond keeps clear of it.
            if ln.canal and far_side:
                return SETBACK_M["canal"]
            return SETBACK_M[ln.kind]

        def road_of(ln: GridLine, region: str) -> RoadDraft | None:
            return drafts.get((index[id(ln)], region)) or drafts.get(
                (index[id(ln)], "east" if region == "core" else "core")
            )

        cells: dict[str, list[tuple[float, float, Polygon, tuple[GridLine, ...]]]] = defaultdict(list)
        street_shapes = {code: g for code, _, g in self.streets}
        metro_mid = None
        if self.station_lines:
            mid = self.station_lines[len(self.station_lines) // 2]
            metro_mid = (mid.pos, self.metro_line.pos)
        for i in range(len(xs) - 1):
            for j in range(len(ys) - 1):
                w, e, s, n = xs[i], xs[i + 1], ys[j], ys[j + 1]
                cell = box(
                    w.pos + setback(w, True),
                    s.pos + setback(s, True),
                    e.pos - setback(e, False),
                    n.pos - setback(n, False),
                )
                if cell.is_empty or cell.area < 40_000 or not self.land.contains(cell):
                    continue
                c = cell.centroid
                street = next((code for code, g in street_shapes.items() if g.contains(c)), None)
                if street is None:
                    continue
                cells[street].append((c.x, c.y, cell, (w, e, s, n)))
        halves: list[Half] = []
        self.branch_roads: list[RoadDraft] = []
        branch_pool = names_mod.branch_names(rng, self.taken_names, 400)
        real = list(self.names.estates)
        self.out.real_estates = len(real)
        core_codes = [code for code in CORE_STREETS if code in street_shapes]
        # Each core street gets the real estates of its boards (as the demo cases place them), and
        # an even share of the rest and of the generated ones.
        want = dict.fromkeys(core_codes, 0)
        for estate in real:
            code = self.board_streets.get(estate.board)
            if code in want:
                want[code] += 1
        spare = max(len(real) + CORE_EXTRA_ESTATES, CORE_MIN_ESTATES) - sum(want.values())
        for k, code in enumerate(core_codes):
            want[code] += spare // len(core_codes) + (1 if k < spare % len(core_codes) else 0)
        uses_by_street: dict[str, list[str]] = {}
        for k, code in enumerate(core_codes):
            uses = ["estate"] * want[code]
            for use, count in CORE_STREET_USES.items():
                uses += [use] * count
            rng.shuffle(uses)
            uses_by_street[code] = ["government"] + (["government"] if k == 0 else []) + uses
        for code, _, _ in self.streets:
            if code not in uses_by_street:
                uses_by_street[code] = list(OTHER_STREET_USES)
        for code, _, g in self.streets:
            if code in core_codes and metro_mid is not None:
                ax, ay = metro_mid
            else:
                p = self._centre(g)
                ax, ay = p.x, p.y
            order = sorted(cells.get(code, []), key=lambda t: math.hypot(t[0] - ax, (t[1] - ay) * 1.6))
            uses = uses_by_street[code]
            for _, _, cell, (w, e, s, n) in order:
                if not uses:
                    break
                region = "core" if code in core_codes else "east"
                hs = self._split(cell, (w, e, s, n), region, road_of, code)
                placed = False
                for h in hs:
                    use = self._pick_use(uses, h)
                    if use:
                        h.use = use
                        placed = True
                        halves.append(h)
                if placed and branch_pool:
                    self.branch_roads.append(self._pending_branch.pop())
                    self.branch_roads[-1].name = branch_pool.pop(0)
                    for h in hs:
                        h.edges = [(side, self.branch_roads[-1] if r is BRANCH else r) for side, r in h.edges]
                self._pending_branch: list[RoadDraft] = []
        self._name_estates(halves)
        return halves

    def _centre(self, street: shapely.Geometry) -> Point:
        """Where a street's town is: a point of its land (deterministic)."""
        piece = street.intersection(self.land)
        return (piece if not piece.is_empty else street).representative_point()

    def _pick_use(self, uses: list[str], half: Half) -> str:
        for i, use in enumerate(uses):
            if use == "estate" and half.community is None:
                continue
            return uses.pop(i)
        return ""

    def _split(
        self, cell: Polygon, bounds: tuple[GridLine, ...], region: str, road_of: Any, street: str
    ) -> list[Half]:
        w, e, s, n = bounds
        minx, miny, maxx, maxy = cell.bounds
        vertical = (
            (maxx - minx) >= (maxy - miny) if self.rng.random() < 0.7 else (maxx - minx) < (maxy - miny)
        )
        b = BRANCH_SETBACK_M
        if vertical:  # a north–south branch road at mid x, from the south road to the north road
            mx = round((w.pos + e.pos) / 2, 1)
            line = LineString([(mx, s.pos), (mx, n.pos)])
            parts = [
                (
                    box(minx, miny, mx - b, maxy),
                    [
                        ("w", road_of(w, region)),
                        ("e", BRANCH),
                        ("s", road_of(s, region)),
                        ("n", road_of(n, region)),
                    ],
                ),
                (
                    box(mx + b, miny, maxx, maxy),
                    [
                        ("w", BRANCH),
                        ("e", road_of(e, region)),
                        ("s", road_of(s, region)),
                        ("n", road_of(n, region)),
                    ],
                ),
            ]
            axis = "x"
        else:
            my = round((s.pos + n.pos) / 2, 1)
            line = LineString([(w.pos, my), (e.pos, my)])
            parts = [
                (
                    box(minx, miny, maxx, my - b),
                    [
                        ("s", road_of(s, region)),
                        ("n", BRANCH),
                        ("w", road_of(w, region)),
                        ("e", road_of(e, region)),
                    ],
                ),
                (
                    box(minx, my + b, maxx, maxy),
                    [
                        ("s", BRANCH),
                        ("n", road_of(n, region)),
                        ("w", road_of(w, region)),
                        ("e", road_of(e, region)),
                    ],
                ),
            ]
            axis = "y"
        self._pending_branch = [RoadDraft(("branch", line.coords[0]), [line], "branch", axis=axis)]
        halves = []
        for shape, edges in parts:
            community = next(
                (code for code, _, st, g in self.communities if st == street and g.contains(shape)), None
            )
            halves.append(Half(shape, street, community, edges))
        return halves

    def _name_estates(self, halves: list[Half]) -> None:
        """Real names to core estates: in their board's street, riverside boards nearest the river,
        the 金沙湖 board nearest the lake; generated names for the rest."""
        estates = [h for h in halves if h.use == "estate"]
        free = [h for h in estates if h.street in CORE_STREETS]
        real = sorted(self.names.estates, key=lambda e: (not e.riverside, e.board != LAKE_NAME, e.name))
        self._estate_floors = {e.name: e.floors for e in real}
        assign: dict[int, str] = {}
        for estate in real:
            street = self.board_streets.get(estate.board)
            candidates = [h for h in free if h.street == street] or free
            if not candidates:
                break
            if estate.riverside:
                pick = min(candidates, key=lambda h: h.shape.distance(self.river))
            elif estate.board == LAKE_NAME and self.lake is not None:
                pick = min(candidates, key=lambda h: h.shape.distance(self.lake))
            else:
                pick = candidates[0]
            free.remove(pick)
            assign[id(pick)] = estate.name
        generated = names_mod.estate_names(
            self.rng, self.taken_names | set(self._estate_floors), len(estates)
        )
        for h in estates:
            h.name = assign.get(id(h)) or generated.pop(0)
            self.taken_names.add(h.name)

    def _lanes(self, lines: list[GridLine], drafts: dict, halves: list[Half]) -> list[RoadDraft]:
        """A few short dead-end lanes off east–west roads in the other streets' villages."""
        used = shapely.union_all([h.shape for h in halves]).buffer(30.0) if halves else Polygon()
        lanes: list[RoadDraft] = []
        names = list(names_mod.LANE_NAMES)
        candidates = [d for d in drafts.values() if d.axis == "y" and d.key[1] == "east"]
        self.rng.shuffle(candidates)
        for d in candidates:
            if len(lanes) >= LANES or not names:
                break
            part = max(d.parts, key=lambda p: p.length)
            p = part.interpolate(self.rng.uniform(0.3, 0.7), normalized=True)
            x = round(p.x, 1)
            lane = LineString(
                [(x, part.coords[0][1]), (x, part.coords[0][1] + self.rng.uniform(150.0, 260.0))]
            )
            if self.land.contains(lane) and not used.intersects(lane):
                lanes.append(RoadDraft(("lane", x), [lane], "alley", name=names.pop(0), axis="x"))
        return lanes

    # ---------------------------------------------------------------- output
    def _emit_roads(self, roads: list[RoadDraft]) -> None:
        roads.sort(
            key=lambda r: ({"arterial": 0, "secondary": 1, "branch": 2, "alley": 3}[r.road_class], r.name)
        )
        self.road_codes: dict[int, str] = {}
        for n, r in enumerate(roads, start=1):
            code = f"{DISTRICT_CODE}R{n:04d}"
            self.road_codes[id(r)] = code
            geom = r.parts[0] if len(r.parts) == 1 else MultiLineString(r.parts)
            self.out.roads.append(
                {
                    "code": code,
                    "name": r.name,
                    "road_class": r.road_class,
                    "aliases": r.aliases,
                    "geometry": geom,  # metres until _finish
                    "length_m": round(sum(p.length for p in r.parts), 1),
                }
            )
        self.kept_roads = roads

    def _poi(
        self,
        name: str,
        kind: str,
        x: float,
        y: float,
        outline: Polygon | None = None,
        aliases: list[str] | None = None,
    ) -> dict[str, Any]:
        row = {"name": name, "kind": kind, "x": x, "y": y, "outline": outline, "aliases": aliases or []}
        self.out.pois.append(row)
        return row

    def _emit_stations(self, station_names: list[str]) -> None:
        y = self.metro_line.pos
        for i, line in enumerate(self.station_lines):
            name = station_names[i] if i < len(station_names) else ""
            if not name:
                road = next(
                    (
                        d
                        for d in self.kept_roads
                        if d.key[0] != "branch"
                        and d.axis == "x"
                        and any(abs(p.coords[0][0] - line.pos) < 1e-6 for p in d.parts)
                    ),
                    None,
                )
                name = road.name if road is not None else f"金沙大道{chinese_number(i + 1)}"
            self._poi(f"{name}站", "station", line.pos + 40.0, y + 35.0, aliases=[name, f"地铁{name}站"])

    def _theme(self, h: Half) -> str:
        """Two characters naming a place after a road beside it (文渊路 → 文渊), else its street."""
        named = [
            r
            for _side, r in h.edges
            if r is not None
            and r is not BRANCH
            and r.name
            and not r.name[0].isdigit()
            and r.name[0] not in "经纬"
        ]
        named.sort(key=lambda r: r.road_class == "arterial")
        if named:
            return named[0].name[:2]
        return self.street_names.get(h.street, "")[:2]

    def _unique(self, name: str) -> str:
        if name not in self.taken_names:
            self.taken_names.add(name)
            return name
        for k in range(2, 20):
            cand = (
                name[:-2] + f"第{chinese_number(k)}" + name[-2:]
                if False
                else f"{name}（{chinese_number(k)}）"
            )
            if cand not in self.taken_names:
                self.taken_names.add(cand)
                return cand
        return name

    def _building(
        self, name: str, use: str, floors: int, shape: Polygon, estate: dict | None = None
    ) -> dict[str, Any]:
        row = {"name": name, "use": use, "floors": floors, "geometry": shape, "estate": estate}
        self.out.buildings.append(row)
        return row

    def _entrance(self, h: Half) -> tuple[float, float, RoadDraft | None]:
        rank = {"arterial": 0, "secondary": 1, "branch": 2, "alley": 3}
        edges = [(side, r) for side, r in h.edges if r is not None]
        side, road = (
            min(edges, key=lambda t: (rank[t[1].road_class], "snwe".index(t[0]))) if edges else ("s", BRANCH)
        )
        minx, miny, maxx, maxy = h.shape.bounds
        pts = {
            "s": ((minx + maxx) / 2, miny),
            "n": ((minx + maxx) / 2, maxy),
            "w": (minx, (miny + maxy) / 2),
            "e": (maxx, (miny + maxy) / 2),
        }
        x, y = pts[side]
        return x, y, road

    def _emit_halves(self, halves: list[Half], lake: Polygon | None) -> None:
        rng = self.rng
        all_estates = [h.name for h in halves if h.use == "estate"]
        district_gov_done = False
        street_office = set()
        pool = names_mod.building_names(
            rng, self.taken_names, sum(5 for h in halves if h.use == "commercial")
        )
        for h in halves:
            minx, miny, maxx, maxy = h.shape.bounds
            if h.use == "estate":
                self._emit_estate(h, all_estates)
            elif h.use == "school":
                kind = rng.choice(["小学", "中学", "实验学校", "幼儿园"], p=[0.4, 0.3, 0.15, 0.15])
                name = self._unique(f"{self._theme(h)}{kind}")
                poi = self._poi(name, "school", *self._entrance(h)[:2], outline=h.shape)
                self._building(
                    "教学楼",
                    "public",
                    5,
                    box(minx + 20, maxy - 60, min(maxx - 20, minx + 100), maxy - 40),
                    poi,
                )
                self._building(
                    "综合楼",
                    "public",
                    4,
                    box(minx + 20, maxy - 120, min(maxx - 20, minx + 70), maxy - 100),
                    poi,
                )
                self._building("体育馆", "public", 2, box(maxx - 70, maxy - 70, maxx - 25, maxy - 35), poi)
            elif h.use == "hospital":
                short = self.street_names[h.street].removesuffix("街道")
                name = self._unique(
                    f"{short}社区卫生服务中心"
                    if h.street not in CORE_STREETS
                    else f"钱塘区{self._theme(h)}医院"
                )
                poi = self._poi(name, "hospital", *self._entrance(h)[:2], outline=h.shape)
                self._building("门诊楼", "public", 6, box(minx + 25, miny + 25, minx + 95, miny + 55), poi)
                self._building("住院楼", "public", 16, box(minx + 25, miny + 90, minx + 85, miny + 112), poi)
            elif h.use == "market":
                name = self._unique(f"{self._theme(h)}农贸市场")
                poi = self._poi(name, "market", *self._entrance(h)[:2], outline=h.shape)
                self._building(
                    "市场楼",
                    "commercial",
                    2,
                    box(minx + 20, miny + 20, min(maxx - 20, minx + 90), miny + 70),
                    poi,
                )
            elif h.use == "industrial":
                short = self.street_names[h.street].removesuffix("街道")
                k = len([p for p in self.out.pois if p["name"].startswith(f"{short}工业园")]) + 1
                poi = self._poi(
                    f"{short}工业园{chinese_number(k)}区", "other", *self._entrance(h)[:2], outline=h.shape
                )
                width, height = maxx - minx, maxy - miny
                sheds = max(1, min(4, int((height - 40) // 70)))
                for i in range(sheds):
                    by = miny + 25 + i * 70
                    shape = box(minx + 25, by, minx + 25 + min(120.0, width - 50), by + 45)
                    self._building(f"{i + 1}号厂房", "industrial", int(rng.integers(1, 4)), shape, poi)
            elif h.use == "park":
                name = self._unique(f"{self._theme(h)}公园")
                self._poi(name, "park", *self._entrance(h)[:2], outline=h.shape)
            elif h.use == "government":
                if (
                    h.street in CORE_STREETS
                    and not district_gov_done
                    and h.street == CORE_STREETS[0]
                    and h.street in street_office
                ):
                    name = "钱塘区人民政府"
                    district_gov_done = True
                elif h.street not in street_office:
                    name = f"{self.street_names[h.street]}办事处"
                    street_office.add(h.street)
                else:
                    name = (
                        "钱塘区人民政府"
                        if not district_gov_done
                        else self._unique(f"{self._theme(h)}便民服务中心")
                    )
                    district_gov_done = True
                poi = self._poi(name, "government", *self._entrance(h)[:2], outline=h.shape)
                self._building(
                    name.removesuffix("办事处") + ("办公楼" if name.endswith("办事处") else "大楼"),
                    "public",
                    8,
                    box(minx + 30, miny + 40, min(maxx - 30, minx + 110), miny + 70),
                    poi,
                )
            elif h.use == "commercial":
                k = int(rng.integers(2, 6))
                width = maxx - minx
                for i in range(k):
                    bx = minx + 15 + i * (width - 30) / k
                    shape = box(bx, miny + 15, bx + min(35.0, (width - 30) / k - 10), miny + 50)
                    floors = int(rng.integers(8, 31))
                    name = pool.pop(0) if pool else self._unique(f"{self._theme(h)}{i + 1}号楼")
                    b = self._building(name, "office" if rng.random() < 0.6 else "commercial", floors, shape)
                    c = shape.centroid
                    self._poi(name, "other", c.x, c.y)
                    b["poi_name"] = name
        if lake is not None:
            park = lake.buffer(150.0).difference(lake).intersection(self.land)
            c = lake.buffer(150.0).exterior.interpolate(0.75, normalized=True)
            self._poi(
                "金沙湖公园",
                "park",
                c.x,
                c.y,
                outline=_polygons(park) if park.geom_type != "GeometryCollection" else None,
                aliases=["金沙湖"],
            )

    def _emit_estate(self, h: Half, all_estates: list[str]) -> None:
        rng = self.rng
        x, y, road = self._entrance(h)
        aliases = names_mod.estate_aliases(h.name, all_estates)
        poi = self._poi(h.name, "estate", x, y, outline=h.shape, aliases=aliases)
        poi["street"] = h.street
        poi["entrance_road"] = road
        floors = self._estate_floors.get(h.name) if hasattr(self, "_estate_floors") else None
        if floors is None:
            floors = int(rng.choice([6, 11, 15, 18, 26, 30], p=[0.25, 0.15, 0.15, 0.15, 0.15, 0.15]))
        floors = int(np.clip(floors, 6, 30))
        inner = h.shape.buffer(-ESTATE_INSET_M, join_style="mitre")
        minx, miny, maxx, maxy = inner.bounds
        if floors >= 24:
            length, depth = 34.0, 20.0
        else:
            length, depth = float(rng.uniform(40.0, 58.0)), 13.0
        row_pitch = depth + max(22.0, floors * 2.9 * 0.85)
        col_pitch = length + 14.0
        cols = max(1, int((maxx - minx + 14.0) // col_pitch))
        rows = max(1, int((maxy - miny - depth) // row_pitch) + 1)
        x0 = minx + ((maxx - minx) - (cols * col_pitch - 14.0)) / 2
        units = 2 if floors >= 24 else max(2, min(3, round(length / 19.0)))
        n = 0
        for r in range(rows):
            for c in range(cols):
                bx, by = x0 + c * col_pitch, miny + r * row_pitch
                shape = box(bx, by, bx + length, by + depth)
                if not inner.contains(shape):
                    continue
                n += 1
                b = self._building(f"{n}幢", "residential", floors, shape, poi)
                b["units"] = units
                b["number"] = n

    def _emit_community_centres(self) -> None:
        for _code, name, _street, g in self.communities:
            piece = g.intersection(self.land)
            if piece.is_empty:
                continue
            p = piece.representative_point()
            self._poi(
                f"{name}服务中心", "government", p.x, p.y, aliases=[f"{name}居委会", f"{name}党群服务中心"]
            )

    def _emit_doors(self, roads: list[RoadDraft], halves: list[Half]) -> None:
        rng = self.rng
        shapes = np.array([h.shape for h in halves], dtype=object)
        if len(shapes) == 0:
            self.doors = []
            return
        reach = shapely.buffer(shapes, DOOR_REACH_M, join_style="mitre")
        tree = shapely.STRtree(reach)
        doors = []
        for r in roads:
            if r.road_class == "alley" or not r.name:
                continue
            base = 0.0
            for part in r.parts:
                length = part.length
                s = float(rng.uniform(8.0, 30.0))
                stations = []
                while s < length - 5:
                    stations.append(s)
                    s += float(rng.uniform(*DOOR_SPACING_M))
                if not stations:
                    base += length
                    continue
                st = np.array(stations)
                pts = shapely.line_interpolate_point(part, st)
                ahead = shapely.line_interpolate_point(part, np.minimum(st + 1.0, length))
                px, py = shapely.get_x(pts), shapely.get_y(pts)
                dx, dy = shapely.get_x(ahead) - px, shapely.get_y(ahead) - py
                norm = np.hypot(dx, dy)
                norm[norm == 0] = 1.0
                nx, ny = -dy / norm, dx / norm  # left of the direction of travel
                for sign, parity in ((1.0, 1), (-1.0, 2)):
                    ox, oy = px + sign * nx * DOOR_OFFSET_M, py + sign * ny * DOOR_OFFSET_M
                    q_pts = shapely.points(ox, oy)
                    p_idx, h_idx = tree.query(q_pts, predicate="intersects")
                    first: dict[int, int] = {}
                    for pi, hi in zip(p_idx.tolist(), h_idx.tolist(), strict=True):
                        first.setdefault(pi, hi)
                    for pi, hi in sorted(first.items()):
                        number = 2 * int((base + st[pi]) // DOOR_NUMBER_STEP_M) + parity
                        doors.append(
                            {
                                "road": r,
                                "number": number,
                                "x": float(ox[pi]),
                                "y": float(oy[pi]),
                                "half": halves[hi],
                            }
                        )
                base += length
        self.doors = doors

    def _finish(self) -> None:
        """Codes, WGS-84 geometries, areas and the address rows."""
        plane = self.plane
        to_deg = plane.to_deg
        out = self.out
        for row in out.roads:
            row["geometry"] = to_deg(row["geometry"])
        for n, row in enumerate(out.water, start=1):
            row["code"] = f"{DISTRICT_CODE}W{n:03d}"
            row["geometry"] = to_deg(row["geometry"])
        street_list = self.streets
        # POIs
        xs = np.array([p["x"] for p in out.pois])
        ys = np.array([p["y"] for p in out.pois])
        streets = _street_at(street_list, xs, ys)
        lng, lat = plane.xy_to_deg(xs, ys)
        pois = []
        for i, p in enumerate(out.pois):
            if not streets[i]:
                continue
            p["street"] = p.get("street") or streets[i]
            p["lng"], p["lat"] = round(float(lng[i]), 7), round(float(lat[i]), 7)
            pois.append(p)
        kind_rank = {
            "estate": 0,
            "station": 1,
            "government": 2,
            "school": 3,
            "hospital": 4,
            "market": 5,
            "park": 6,
            "other": 7,
        }
        pois.sort(key=lambda p: (kind_rank[p["kind"]], p["name"]))
        for n, p in enumerate(pois, start=1):
            p["code"] = f"{DISTRICT_CODE}P{n:05d}"
        out.pois = pois
        # Buildings
        for n, b in enumerate(out.buildings, start=1):
            b["code"] = f"{DISTRICT_CODE}B{n:06d}"
            c = b["geometry"].centroid
            b["x"], b["y"] = c.x, c.y
        # Addresses
        rows: list[dict[str, Any]] = []
        estate_door: dict[int, dict[str, Any]] = {}
        road_code = self.road_codes
        road_name = {id(r): r.name for r in self.kept_roads}
        seen: set[tuple[Any, Any]] = set()
        for d in self.doors:
            key = (road_code[id(d["road"])], d["number"])
            if key in seen:
                continue
            seen.add(key)
            row = {
                "level": "door",
                "road": key[0],
                "road_name": road_name[id(d["road"])],
                "house_number": f"{d['number']}号",
                "x": d["x"],
                "y": d["y"],
                "estate": None,
                "building": None,
                "text": f"{road_name[id(d['road'])]}{d['number']}号",
                "aliases": [],
            }
            rows.append(row)
        # Each estate's gate: the door address nearest its entrance on its entrance road.
        by_road: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_road[row["road"]].append(row)
        for p in pois:
            if p["kind"] != "estate" or p.get("entrance_road") is None:
                continue
            code = road_code.get(id(p["entrance_road"]))
            cands = by_road.get(code or "", [])
            if not cands:
                continue
            gate = min(cands, key=lambda r: math.hypot(r["x"] - p["x"], r["y"] - p["y"]))
            if gate["estate"] is None and math.hypot(gate["x"] - p["x"], gate["y"] - p["y"]) < 80:
                gate["estate"] = p["code"]
                gate["aliases"] = [f"{gate['text']}{p['name']}", p["name"]]
                estate_door[id(p)] = gate
        # A school's, hospital's or office building's door: the nearest door number in front of it.
        door_rows = [r for r in rows if r["level"] == "door"]
        if door_rows:
            door_tree = shapely.STRtree(
                shapely.points([r["x"] for r in door_rows], [r["y"] for r in door_rows])
            )
            for b in out.buildings:
                owner = b.get("estate")
                if owner is not None and owner.get("kind") == "estate":
                    continue
                hit = door_tree.query_nearest(Point(b["x"], b["y"]), max_distance=BUILDING_DOOR_REACH_M)
                door = door_rows[int(hit[0])] if len(hit) else None
                if door is not None and door["building"] is None:
                    door["building"] = b["code"]
                    label = b["name"] if owner is None else f"{owner['name']}{b['name']}"
                    door["aliases"] = [f"{door['text']}{label}", label]
        for b in out.buildings:
            estate = b.get("estate")
            # Buildings of an estate name it; a school's or hospital's buildings name their POI.
            b["poi_code"] = estate["code"] if estate is not None and "code" in estate else None
            b["estate_code"] = (
                b["poi_code"] if estate is not None and estate.get("kind") == "estate" else None
            )
            if estate is None or estate.get("kind") != "estate" or "code" not in estate:
                continue
            name = estate["name"]
            base = {
                "road": None,
                "road_name": "",
                "house_number": "",
                "estate": estate["code"],
                "building": b["code"],
            }
            minx, miny, maxx, _maxy = b["geometry"].bounds
            rows.append(
                {
                    **base,
                    "level": "building",
                    "building_no": f"{b['number']}幢",
                    "x": b["x"],
                    "y": b["y"],
                    "text": f"{name}{b['number']}幢",
                    "aliases": [f"{a}{b['number']}幢" for a in estate["aliases"][:2]],
                }
            )
            units = b.get("units", 1)
            for u in range(1, units + 1):
                ux = minx + (maxx - minx) * (u - 0.5) / units
                unit = {
                    **base,
                    "level": "unit",
                    "building_no": f"{b['number']}幢",
                    "unit_no": f"{u}单元",
                    "x": ux,
                    "y": miny + 2.0,
                    "text": f"{name}{b['number']}幢{u}单元",
                    "aliases": [],
                }
                rows.append(unit)
                if b["number"] <= ROOM_SAMPLE_BUILDINGS and u <= ROOM_SAMPLE_UNITS:
                    for f in range(1, b["floors"] + 1):
                        for k in range(1, ROOMS_PER_FLOOR + 1):
                            room = f"{f}{k:02d}室"
                            rows.append(
                                {**unit, "level": "room", "room_no": room, "text": f"{unit['text']}{room}"}
                            )
        xs = np.array([r["x"] for r in rows])
        ys = np.array([r["y"] for r in rows])
        streets = _street_at(street_list, xs, ys)
        lng, lat = plane.xy_to_deg(xs, ys)
        kept = []
        for i, r in enumerate(rows):
            if not streets[i]:
                continue
            r["street"] = streets[i]
            r["lng"], r["lat"] = round(float(lng[i]), 7), round(float(lat[i]), 7)
            r["address"] = f"{DISTRICT_NAME}{self.street_names[streets[i]]}{r['text']}"
            for field_name in ("building_no", "unit_no", "room_no"):
                r.setdefault(field_name, "")
            kept.append(r)
        for n, r in enumerate(kept, start=1):
            r["code"] = f"{DISTRICT_CODE}A{n:08d}"
        out.addresses = kept
        blng, blat = plane.xy_to_deg(
            np.array([b["x"] for b in out.buildings]), np.array([b["y"] for b in out.buildings])
        )
        for i, b in enumerate(out.buildings):
            b["geometry"] = to_deg(b["geometry"])
            b["lng"], b["lat"] = round(float(blng[i]), 7), round(float(blat[i]), 7)
        for p in pois:
            if p["outline"] is not None:
                p["outline"] = to_deg(p["outline"])
