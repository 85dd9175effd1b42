"""The spatial index: which street, community and grid a point lies in, one point or millions.

One `AreaIndex` per jurisdiction lives in process memory, built from the stored boundaries with
shapely's STRtree. It is keyed by the jurisdiction's `AreaSetVersion` token, read from the
database on every use, so an import on any app server invalidates the index everywhere.

Bulk lookups (`locate_many`) go through a raster first: a regular lng/lat cell table built once,
where a cell that lies entirely within one grid maps straight to it and a cell touching no grid
maps to "none". Only points in cells cut by a grid boundary fall back to the STRtree. A raster
beats H3 here because finding a point's cell is two numpy floor divisions (H3 needs a per-point
library call).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely import STRtree

from zhiguan.geo.crs import WGS84, to_wgs84
from zhiguan.geo.models import Area, AreaLevel, AreaSetVersion

LOCATED_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID)

# Raster cell size: a tenth of a typical grid's side keeps boundary cells (the STRtree fallback)
# near 10 % of points; the cap bounds memory and build time for huge or oddly shaped districts.
_RASTER_CELLS_PER_GRID_SIDE = 12
_RASTER_MAX_CELLS = 4_000_000
# Cell boxes are tested slightly enlarged, so a point that floors into a cell is surely inside it.
_RASTER_EPSILON = 1e-9
_OUTSIDE, _UNDECIDED = -1, -2


@dataclass(frozen=True)
class AreaRef:
    id: int
    code: str
    name: str


class LevelIndex:
    """The areas of one level in an STRtree, with their ids, codes and names by tree position."""

    def __init__(self, refs: list[AreaRef], geometries: np.ndarray):
        self.refs = refs
        self.ids = np.array([r.id for r in refs], dtype=np.int64)
        self.geometries = geometries
        shapely.prepare(geometries)
        self.tree = STRtree(geometries)

    def at(self, point: shapely.Point) -> AreaRef | None:
        hits = self.tree.query(point, predicate="intersects")
        if len(hits) == 0:
            return None
        # On a shared border the point touches two areas: the lower id wins, every time.
        return min((self.refs[i] for i in hits), key=lambda r: r.id)

    def ids_at(self, lngs: np.ndarray, lats: np.ndarray) -> np.ndarray:
        if len(lngs) == 0 or len(self.refs) == 0:
            return np.full(len(lngs), _OUTSIDE, dtype=np.int64)
        point_idx, tree_idx = self.tree.query(shapely.points(lngs, lats), predicate="intersects")
        # As in `at`: on a shared border the lower id wins.
        out = np.full(len(lngs), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(out, point_idx, self.ids[tree_idx])
        out[out == np.iinfo(np.int64).max] = _OUTSIDE
        return out


class GridRaster:
    """A lng/lat cell table: grid id where a cell lies in one grid, -1 outside all, -2 undecided."""

    def __init__(self, grids: LevelIndex):
        self.grids = grids
        minx, miny, maxx, maxy = shapely.total_bounds(grids.geometries)
        median_area = float(np.median(shapely.area(grids.geometries)))
        step = math.sqrt(median_area) / _RASTER_CELLS_PER_GRID_SIDE
        cells = (maxx - minx) * (maxy - miny) / (step * step)
        if cells > _RASTER_MAX_CELLS:
            step *= math.sqrt(cells / _RASTER_MAX_CELLS)
        self.x0, self.y0, self.step = minx, miny, step
        self.nx = max(1, math.ceil((maxx - minx) / step))
        self.ny = max(1, math.ceil((maxy - miny) / step))
        iy, ix = np.divmod(np.arange(self.nx * self.ny, dtype=np.int64), self.nx)
        e = _RASTER_EPSILON
        boxes = shapely.box(
            minx + ix * step - e, miny + iy * step - e, minx + (ix + 1) * step + e, miny + (iy + 1) * step + e
        )
        table = np.full(len(boxes), _OUTSIDE, dtype=np.int64)
        box_idx, tree_idx = grids.tree.query(boxes, predicate="intersects")
        hits = np.bincount(box_idx, minlength=len(boxes))
        table[hits > 0] = _UNDECIDED
        # A cell touching exactly one grid maps to it when the grid contains the whole cell.
        single = hits[box_idx] == 1
        b, t = box_idx[single], tree_idx[single]
        inside = shapely.contains(grids.geometries[t], boxes[b])
        table[b[inside]] = grids.ids[t[inside]]
        self.table = table

    def grid_ids(self, lngs: np.ndarray, lats: np.ndarray) -> np.ndarray:
        ix = np.floor((lngs - self.x0) / self.step).astype(np.int64)
        iy = np.floor((lats - self.y0) / self.step).astype(np.int64)
        valid = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        out = np.full(len(lngs), _OUTSIDE, dtype=np.int64)
        out[valid] = self.table[iy[valid] * self.nx + ix[valid]]
        undecided = np.flatnonzero(out == _UNDECIDED)
        if len(undecided):
            out[undecided] = self.grids.ids_at(lngs[undecided], lats[undecided])
        return out


# Levels whose names people say in an address, and the endings they leave off ("下沙" for 下沙街道).
NAMED_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY)
SHORT_FORM_ENDINGS: dict[str, tuple[str, ...]] = {
    AreaLevel.STREET: ("街道办事处", "街道", "镇", "乡"),
    AreaLevel.COMMUNITY: ("社区居委会", "居委会", "社区", "村"),
}
# A shorter short form would match inside ordinary words.
SHORT_FORM_MIN_CHARS = 2
# A short form followed by one of these is a road or a bridge named after the place (文泽路,
# 下沙路), which says little about which street or community a point lies in.
ROAD_ENDINGS = ("路", "大道", "街", "巷", "弄", "桥", "隧道", "高架")


@dataclass(frozen=True)
class Mention:
    """An area named in a text: its level, the area, and the words that named it."""

    level: str
    area: AreaRef
    matched: str
    start: int


def name_forms(level: str, name: str) -> list[str]:
    """The full name and the short forms people use for it: 下沙街道 → [下沙街道, 下沙]."""
    forms = [name]
    for ending in SHORT_FORM_ENDINGS.get(level, ()):
        if name.endswith(ending) and len(name) - len(ending) >= SHORT_FORM_MIN_CHARS:
            forms.append(name[: -len(ending)])
            break
    return forms


class NameFinder:
    """Street and community names (full and short) found in a text, longest match first."""

    def __init__(self, levels: dict[str, LevelIndex]):
        forms: dict[str, list[tuple[str, AreaRef]]] = {}
        full: set[str] = set()
        for level in NAMED_LEVELS:
            for ref in levels[level].refs:
                full.add(ref.name)
                for form in name_forms(level, ref.name):
                    forms.setdefault(form, []).append((level, ref))
        # Longest first: 金沙湖社区 is a community, not 金沙湖 followed by other words.
        self.forms = sorted(forms.items(), key=lambda item: -len(item[0]))
        self.full = full

    def find(self, text: str) -> list[Mention]:
        taken = [False] * len(text)
        found: list[Mention] = []
        for form, areas in self.forms:
            start = text.find(form)
            while start >= 0:
                end = start + len(form)
                road = form not in self.full and text.startswith(ROAD_ENDINGS, end)
                if not road and not any(taken[start:end]):
                    taken[start:end] = [True] * len(form)
                    found += [Mention(level, ref, form, start) for level, ref in areas]
                start = text.find(form, end)
        seen: set[int] = set()
        unique = []
        for m in sorted(found, key=lambda m: (m.start, m.area.id)):
            if m.area.id not in seen:
                seen.add(m.area.id)
                unique.append(m)
        return unique


class AreaIndex:
    """Everything needed to locate points in one jurisdiction, for one version of its areas."""

    def __init__(self, token: str, district: shapely.Geometry | None, levels: dict[str, LevelIndex]):
        self.token = token
        self.district = district
        if district is not None:
            shapely.prepare(district)
        self.levels = levels
        self._raster: GridRaster | None = None
        self._raster_lock = threading.Lock()
        self._names: NameFinder | None = None

    def named_in(self, text: str) -> list[Mention]:
        """The streets and communities the text names, in the order it names them."""
        if self._names is None:
            self._names = NameFinder(self.levels)
        return self._names.find(text)

    def in_district(self, point: shapely.Point) -> bool:
        return self.district is not None and bool(self.district.intersects(point))

    def areas_at(self, point: shapely.Point) -> dict[str, AreaRef | None]:
        return {level: self.levels[level].at(point) for level in LOCATED_LEVELS}

    @property
    def raster(self) -> GridRaster:
        with self._raster_lock:
            if self._raster is None:
                self._raster = GridRaster(self.levels[AreaLevel.GRID])
            return self._raster

    def grid_ids(self, lngs: np.ndarray, lats: np.ndarray) -> np.ndarray:
        lngs = np.asarray(lngs, dtype=np.float64)
        lats = np.asarray(lats, dtype=np.float64)
        if len(self.levels[AreaLevel.GRID].refs) == 0:
            return np.full(len(lngs), _OUTSIDE, dtype=np.int64)
        return self.raster.grid_ids(lngs, lats)


def build_index(token: str, rows: Iterable[tuple[int, str, str, str, bytes | memoryview]]) -> AreaIndex:
    """An index from (id, level, code, name, WKB) rows."""
    by_level: dict[str, tuple[list[AreaRef], list[Any]]] = {level: ([], []) for level in LOCATED_LEVELS}
    district = None
    for pk, level, code, name, wkb in rows:
        if level == AreaLevel.DISTRICT:
            district = shapely.from_wkb(bytes(wkb))
        elif level in by_level:
            by_level[level][0].append(AreaRef(pk, code, name))
            by_level[level][1].append(bytes(wkb))
    levels = {
        level: LevelIndex(refs, shapely.from_wkb(np.array(wkbs, dtype=object)))
        for level, (refs, wkbs) in by_level.items()
    }
    return AreaIndex(token, district, levels)


_cache: dict[int, AreaIndex] = {}
_cache_lock = threading.Lock()


def current_token(jurisdiction_id: int) -> str:
    token = (
        AreaSetVersion.objects.filter(jurisdiction_id=jurisdiction_id).values_list("token", flat=True).first()
    )
    return token or ""


def bump_version(jurisdiction_id: int) -> str:
    """Mark the jurisdiction's areas as changed (call inside the writing transaction)."""
    token = AreaSetVersion.new_token()
    AreaSetVersion.objects.update_or_create(jurisdiction_id=jurisdiction_id, defaults={"token": token})
    return token


def get_index(jurisdiction_id: int) -> AreaIndex:
    """The jurisdiction's index, rebuilt when its areas changed since it was built."""
    token = current_token(jurisdiction_id)
    cached = _cache.get(jurisdiction_id)
    if cached is not None and cached.token == token:
        return cached
    with _cache_lock:
        cached = _cache.get(jurisdiction_id)
        if cached is not None and cached.token == token:
            return cached
        rows = (
            Area.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
            .order_by("id")
            .values_list("id", "level", "code", "name", "boundary")
        )
        index = build_index(token, rows)
        _cache[jurisdiction_id] = index
        return index


def locate_many(jurisdiction_id: int, lngs: np.ndarray, lats: np.ndarray, *, crs: str = WGS84) -> np.ndarray:
    """Grid id for every point (-1 where no grid), vectorised: ~millions of points per second."""
    lngs, lats = to_wgs84(np.asarray(lngs, dtype=np.float64), np.asarray(lats, dtype=np.float64), crs)
    return get_index(jurisdiction_id).grid_ids(lngs, lats)
