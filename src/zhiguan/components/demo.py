"""Demo city components (城市部件) along the demo district's roads (decision 072).

`build_demo_components(actor=…)` places a few thousand components of the installed 部件 小类 along
the stored roads (`gis.Road`; when there are none, along a generated street grid inside the
district): street lamps, manhole covers of the water, drainage, power, telecom and gas networks,
hydrants, litter bins, street trees, bus shelters, traffic signs and road-name plates. Owners are
the demo's departments (城管局's 路灯管理所, 市政设施养护中心, 环境卫生管理处, 园林绿化管理所; 交通运输局;
the water, power and gas companies); some are damaged or lost. Deterministic for a seed; written
with `registries.bulk.create_with_history` (history_source "demo"), one audit record, the change token bumped.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import h3
import numpy as np
import shapely
from django.conf import settings
from django.db import transaction

from zhiguan.audit import services as audit
from zhiguan.components.codes import CATEGORY_PREFIX
from zhiguan.components.models import Component, ComponentState
from zhiguan.geo.lookup import locate_many
from zhiguan.geo.models import Area, AreaLevel
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor
from zhiguan.registries import bulk, versions
from zhiguan.taxonomy.models import Category

SEED = 20260214
TARGET = 3000
DEMO_SOURCE = "demo"  # history_source of every record the demo writes
SOURCE = "generated (demo)"
# Metres per degree near 30° N.
M_PER_DEG_LAT = 110_900.0
M_PER_DEG_LNG = 96_500.0


@dataclass(frozen=True)
class Kind:
    type_code: str  # 小类 "0128"
    every_m: float  # one every … metres of road
    offset_m: float  # from the centre line (kerb, pavement)
    owner: tuple[str, ...]  # department codes, first present wins
    maintainer: tuple[str, ...] = ()  # department codes; or
    maintainer_name: str = ""  # a unit outside the platform
    road_classes: tuple[str, ...] = ()  # () = every road
    ends_only: bool = False  # at the ends of a road (name plates, signs)


KINDS = (
    Kind("0128", 40, 9, ("CGJLD", "CGJ"), ("CGJLD",)),  # 路灯
    Kind("0103", 45, 4, ("CGJSZ", "CGJ"), ("CGJSZ",)),  # 雨水井盖
    Kind("0102", 70, 2, ("SWGS", "CGJSZ"), ("SWGS",)),  # 污水井盖
    Kind("0101", 90, 6, ("SWGS", "CGJSZ"), ("SWGS",)),  # 上水井盖
    Kind("0105", 120, 7, ("GDGS", "CGJ"), ("GDGS",), road_classes=("expressway", "arterial", "secondary")),
    Kind(
        "0107",
        150,
        7,
        ("JJXX", "CGJ"),
        maintainer_name="中国电信钱塘分公司",
        road_classes=("arterial", "secondary", "branch"),
    ),
    Kind("0111", 160, 5, ("RQGS", "CGJ"), ("RQGS",), road_classes=("arterial", "secondary")),
    Kind("0115", 120, 8, ("SWGS", "CGJSZ"), ("SWGS",)),  # 消火栓
    Kind("0304", 90, 10, ("CGJHW", "CGJ"), ("CGJHW",)),  # 垃圾箱
    Kind("0402", 50, 11, ("CGJYL", "CGJ"), ("CGJYL",), road_classes=("arterial", "secondary")),  # 行道树
    Kind("0203", 600, 12, ("JTJ",), maintainer_name="钱塘公交集团", road_classes=("arterial", "secondary")),
    Kind("0210", 0, 10, ("JTJ",), ("JTJ",), road_classes=("expressway", "arterial"), ends_only=True),
    Kind("0213", 0, 10, ("CGJSZ", "CGJ"), ("CGJSZ",), ends_only=True),  # 路名牌
)


def _roads(jurisdiction_id: int) -> list[tuple[str, str, shapely.Geometry]]:
    """(name, class, line) of the stored roads, or of a generated street grid inside the district."""
    from zhiguan.gis.models import Road

    rows = Road.objects.filter(jurisdiction_id=jurisdiction_id, retired_at__isnull=True).values_list(
        "name", "road_class", "geometry"
    )
    found = [(name, cls, shapely.from_wkb(bytes(wkb))) for name, cls, wkb in rows]
    if found:
        return found
    district = Area.objects.filter(jurisdiction_id=jurisdiction_id, level=AreaLevel.DISTRICT).first()
    if district is None:
        return []
    shape = shapely.from_wkb(bytes(district.boundary))
    minx, miny, maxx, maxy = shape.bounds
    lines: list[tuple[str, str, shapely.Geometry]] = []
    step_lat, step_lng = 900 / M_PER_DEG_LAT, 900 / M_PER_DEG_LNG
    for i, y in enumerate(np.arange(miny + step_lat / 2, maxy, step_lat)):
        part = shape.intersection(shapely.LineString([(minx, y), (maxx, y)]))
        if not part.is_empty:
            lines.append((f"纬{i + 1}路", "arterial" if i % 3 == 0 else "secondary", part))
    for i, x in enumerate(np.arange(minx + step_lng / 2, maxx, step_lng)):
        part = shape.intersection(shapely.LineString([(x, miny), (x, maxy)]))
        if not part.is_empty:
            lines.append((f"经{i + 1}路", "arterial" if i % 3 == 0 else "branch", part))
    return lines


def _points(
    line: shapely.Geometry, every_m: float, offset_m: float, rng: random.Random, ends: bool
) -> list[tuple[float, float]]:
    """Points along `line` every `every_m` metres (or at its two ends), `offset_m` to either side."""
    parts = list(getattr(line, "geoms", [line]))
    out: list[tuple[float, float]] = []
    for part in parts:
        coords = np.asarray(part.coords)
        if len(coords) < 2:
            continue
        metric = coords * [M_PER_DEG_LNG, M_PER_DEG_LAT]
        seg = np.diff(metric, axis=0)
        seg_len = np.hypot(seg[:, 0], seg[:, 1])
        total = float(seg_len.sum())
        if total < 20:
            continue
        if ends:
            stations = np.array([min(8.0, total / 2), max(total - 8.0, total / 2)])
        else:
            stations = np.arange(rng.uniform(0, every_m), total, every_m)
        cum = np.concatenate([[0], np.cumsum(seg_len)])
        idx = np.clip(np.searchsorted(cum, stations, side="right") - 1, 0, len(seg_len) - 1)
        t = (stations - cum[idx]) / np.maximum(seg_len[idx], 1e-9)
        base = metric[idx] + seg[idx] * t[:, None]
        normal = np.stack([-seg[idx, 1], seg[idx, 0]], axis=1) / np.maximum(seg_len[idx], 1e-9)[:, None]
        side = np.where(np.arange(len(stations)) % 2 == 0, 1.0, -1.0)[:, None]
        pts = (base + normal * side * offset_m) / [M_PER_DEG_LNG, M_PER_DEG_LAT]
        out.extend((round(float(x), 7), round(float(y), 7)) for x, y in pts)
    return out


@transaction.atomic
def build_demo_components(*, actor: Actor, seed: int = SEED, target: int = TARGET) -> dict[str, Any]:
    """Write about `target` demo components in the actor's jurisdiction; returns counts."""
    jid = actor.jurisdiction.pk
    admin = actor.jurisdiction.code
    rng = random.Random(seed)
    categories = {
        c.code.removeprefix(CATEGORY_PREFIX): c
        for c in Category.objects.filter(
            jurisdiction_id=jid, code__startswith=CATEGORY_PREFIX, level=3, retired_at__isnull=True
        )
    }
    departments = {d.code: d for d in Department.objects.filter(jurisdiction_id=jid, active=True)}
    roads = _roads(jid)
    if not categories or not departments or not roads:
        return {"components": 0}

    def first(codes: tuple[str, ...]) -> Department | None:
        return next((departments[c] for c in codes if c in departments), None)

    # Every candidate of every kind, by road; whole roads are taken (in a seeded order, the main
    # roads first) until the target is reached, so that a surveyed road has all its components.
    by_road: dict[str, list[tuple[Kind, str, float, float]]] = {}
    classes: dict[str, str] = {}
    for kind in KINDS:
        if kind.type_code not in categories or first(kind.owner) is None:
            continue
        for name, road_class, line in roads:
            classes[name] = road_class
            if kind.road_classes and road_class not in kind.road_classes:
                continue
            for lng, lat in _points(line, kind.every_m, kind.offset_m, rng, kind.ends_only):
                by_road.setdefault(name, []).append((kind, name, lng, lat))
    order = sorted(by_road, key=lambda n: (classes[n] not in ("arterial", "secondary"), rng.random()))
    candidates: list[tuple[Kind, str, float, float]] = []
    for name in order:
        if len(candidates) >= target:
            break
        candidates.extend(by_road[name])
    if len(candidates) > target * 1.1:  # the last road taken was a long one: thin it all evenly
        candidates = rng.sample(candidates, int(target * 1.1))
    grid_ids = locate_many(jid, np.array([c[2] for c in candidates]), np.array([c[3] for c in candidates]))
    parents = dict(Area.objects.filter(jurisdiction_id=jid).values_list("id", "parent_id"))
    serials: dict[str, int] = {}
    per_road: dict[tuple[str, str], int] = {}
    records: list[Component] = []
    states = {ComponentState.DAMAGED.value: 0, ComponentState.LOST.value: 0}
    for (kind, road, lng, lat), gid in zip(candidates, grid_ids.tolist(), strict=True):
        if gid < 0 or len(records) >= target:
            continue
        category = categories[kind.type_code]
        serials[kind.type_code] = serial = serials.get(kind.type_code, 0) + 1
        per_road[road, kind.type_code] = n = per_road.get((road, kind.type_code), 0) + 1
        roll = rng.random()
        state = (
            ComponentState.LOST.value
            if roll < 0.01 and kind.type_code.startswith("01") and kind.type_code != "0128"
            else ComponentState.DAMAGED.value
            if roll < 0.05
            else ComponentState.NORMAL.value
        )
        if state in states:
            states[state] += 1
        community = parents.get(gid)
        owner = first(kind.owner)
        assert owner is not None
        records.append(
            Component(
                jurisdiction_id=jid,
                code=f"{admin}{kind.type_code}{serial:06d}",
                category=category,
                name=f"{road}{category.name}{n:03d}",
                owner=owner,
                maintainer=first(kind.maintainer) if kind.maintainer else None,
                maintainer_name=kind.maintainer_name,
                state=state,
                installed_on=date(2008, 1, 1) + timedelta(days=rng.randrange(16 * 365)),
                lng=lng,
                lat=lat,
                address=road,
                grid_id=gid,
                community_id=community,
                street_id=parents.get(community) if community else None,
                source=SOURCE,
                **{f"h3_r{res}": h3.latlng_to_cell(lat, lng, res) for res in settings.H3_RESOLUTIONS},
            )
        )
    bulk.create_with_history(records, source=DEMO_SOURCE)
    versions.bump(jid, "components")
    counts = {"components": len(records), **states, "types": len(serials)}
    audit.record(actor=actor, action="components.demo", after=counts, note=f"demo components: {counts}")
    return counts
