"""The demo district as the case planner sees it: categories, places, departments, people, calendar.

`read_world` only reads the database (after the taxonomy, geography and people are built); the
`World` it returns holds plain values and in-memory objects, so planning (`cases_plan`) runs
without a query.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.utils import timezone

from zhiguan.cases import deadlines
from zhiguan.cases.models import Case, Urgency
from zhiguan.demo import cases_content
from zhiguan.org.models import Department, DepartmentKind, User
from zhiguan.tenancy.models import Jurisdiction
from zhiguan.workdays.calendar import WorkCalendar

HOT_SPOTS, HOT_SHARE = 6, 0.2
CITY_ROOTS = ("城市管理部件", "城市管理事件")
GENERATED_MESSAGES = 600
# Bureaus that most often co-handle a case, in the order a dispatcher would think of them.
CO_HANDLERS = ("CGJ", "SCJG", "GAJ", "ZJJ", "STHJ", "JTJ", "YJJ")

# lng, lat, street code, address; then (optional) the street's name and the estate, for the text's slots.
Place = tuple[Any, ...]
# The lead department a routing rule gives a request (registration fields, category, street code,
# registration time), or None when no rule matches.
Router = Callable[[dict[str, Any], Any, str, datetime], int | None]


@dataclass
class World:
    """What planning needs to know about the district, read once."""

    rng: random.Random
    now: datetime
    calendar: WorkCalendar
    leaves_by_level1: dict[str, list[Any]]
    leaf_by_name: dict[str, list[Any]]
    leads: dict[int, int]  # category id → default lead department id
    limits: dict[tuple[int, str], tuple[float, int]]  # (category, urgency) → accept hours, handle days
    street_depts: dict[str, int]  # street code → department id
    co_pool: list[int]
    inspector_ids: list[int]
    places: list[Place]
    messages: list[cases_content.Message]
    replies: list[str]
    real_text: bool
    leaves_by_lead: dict[str, list[Any]] = field(default_factory=dict)  # lead department code → leaves
    router: Router | None = None
    city_ids: set[int] = field(default_factory=set)  # 城管局 and its units
    # The demo city components (城市部件) by 部件 小类 (category id): a 部件 case names one.
    components: dict[int, ComponentPool] = field(default_factory=dict)
    # The demo cameras (code, lng, lat) by street code: verification "by camera" names a real one.
    cameras: dict[str, list[tuple[str, float, float]]] = field(default_factory=dict)

    def camera_near(self, street: str, lng: float | None, lat: float | None, pick: int) -> str:
        """The code of the street's camera nearest the point (the `pick`-th one without a point)."""
        pool = self.cameras.get(street) or [c for cams in self.cameras.values() for c in cams]
        if not pool:
            return f"CAM-{street or 'Q'}-{pick:03d}"
        if lng is None or lat is None:
            return pool[pick % len(pool)][0]
        return min(pool, key=lambda c: (c[1] - lng) ** 2 + (c[2] - lat) ** 2)[0]

    def office(self, start: datetime, hours: float) -> datetime:
        """`hours` of office time after `start` (handlers work office hours; the centre works 7×24)."""
        return self.calendar.add_working_hours(start, timedelta(hours=max(hours, 0.05))).at

    def desk(self, start: datetime, low_minutes: float, high_minutes: float) -> datetime:
        return start + timedelta(minutes=self.rng.uniform(low_minutes, high_minutes))

    def reply(self) -> str:
        return self.rng.choice(self.replies or cases_content.REPLIES)


@dataclass
class ComponentPool:
    """The components of one 部件 小类: ids, points, street codes; `used` the ones cases named."""

    ids: np.ndarray
    lng: np.ndarray
    lat: np.ndarray
    streets: list[str]
    used: list[int] = field(default_factory=list)


def _components(jurisdiction: Jurisdiction) -> dict[int, ComponentPool]:
    """The active demo components with a point, grouped by their 部件 小类 (one query)."""
    from zhiguan.components.models import Component

    rows = (
        Component.objects.filter(jurisdiction=jurisdiction, retired_at__isnull=True, lng__isnull=False)
        .order_by("id")
        .values_list("category_id", "id", "lng", "lat", "street__code")
    )
    grouped: dict[int, list[tuple[int, float, float, str]]] = {}
    for category_id, pk, lng, lat, street in rows:
        grouped.setdefault(category_id, []).append((pk, lng, lat, street or ""))
    return {
        cid: ComponentPool(
            ids=np.array([r[0] for r in items]),
            lng=np.array([r[1] for r in items]),
            lat=np.array([r[2] for r in items]),
            streets=[r[3] for r in items],
        )
        for cid, items in grouped.items()
    }


def level1_of(category: Any) -> str:
    return str(category.path_name.split(" / ")[0].strip())


def users(jurisdiction: Jurisdiction, **filters: Any) -> list[User]:
    """The jurisdiction's active users matching `filters`, with what `Actor.for_user` reads."""
    qs = User.objects.filter(jurisdiction=jurisdiction, is_active=True, **filters)
    return list(qs.select_related("jurisdiction", "department").prefetch_related("roles").distinct())


def _categories(
    jurisdiction: Jurisdiction,
) -> tuple[dict[str, list[Any]], dict[str, list[Any]], dict[int, int], dict[str, list[Any]]]:
    """The leaves a case can be filed under (with a lead department that can lead), by level 1 and name."""
    from zhiguan.taxonomy.models import Category
    from zhiguan.taxonomy.queries import effective_lead_department

    cats = {
        c.pk: c
        for c in Category.objects.filter(jurisdiction=jurisdiction, retired_at__isnull=True).select_related(
            "deadline_profile", "default_lead_department"
        )
    }
    for cat in cats.values():  # link parents in memory: inheritance walks them without queries
        if cat.parent_id in cats:
            cat.parent = cats[cat.parent_id]
    parents = {c.parent_id for c in cats.values()}
    by_level1: dict[str, list[Any]] = defaultdict(list)
    by_name: dict[str, list[Any]] = defaultdict(list)
    by_lead: dict[str, list[Any]] = defaultdict(list)
    leads: dict[int, int] = {}
    for cat in cats.values():
        lead = effective_lead_department(cat)
        if cat.pk in parents or lead is None or not lead.can_lead:
            continue
        by_level1[level1_of(cat)].append(cat)
        by_name[cat.name].append(cat)
        by_lead[lead.code].append(cat)
        leads[cat.pk] = lead.pk
    return by_level1, by_name, leads, by_lead


def _limits(leaves: dict[str, list[Any]]) -> dict[tuple[int, str], tuple[float, int]]:
    """Accept hours and handle days of every leaf with a deadline profile, at both urgencies."""
    from zhiguan.taxonomy.queries import effective_profile

    out: dict[tuple[int, str], tuple[float, int]] = {}
    for cats in leaves.values():
        for category in cats:
            if effective_profile(category) is None:
                continue  # cannot be dispatched: planning never sends it anywhere
            for urgency in Urgency.values:
                accept, handle, _callback = deadlines.limits(Case(category=category, urgency=urgency))
                out[category.pk, urgency] = (float(accept), handle)
    return out


def _estates_of_communities(index: Any, data_dir: Path | None) -> dict[str, list[str]]:
    """The estates of each community: its street's estates dealt out among its communities."""
    by_street = cases_content.estates_by_street(data_dir)
    communities: dict[str, list[str]] = defaultdict(list)
    for ref in sorted(index.levels["community"].refs, key=lambda r: r.code):
        communities[ref.code[:9]].append(ref.code)
    out: dict[str, list[str]] = {}
    for street, codes in communities.items():
        estates = by_street.get(street) or list(cases_content.ESTATES)
        for i, code in enumerate(codes):
            out[code] = estates[i :: len(codes)] or estates
    return out


def _places(jurisdiction: Jurisdiction, rng: random.Random, count: int, data_dir: Path | None) -> list[Place]:
    """Random points inside the district's grids, a share of them around a few hot spots; the
    address names the street, the community and an estate of that community."""
    from zhiguan.geo import lookup

    index = lookup.get_index(jurisdiction.pk)
    grids = index.levels["grid"]
    if not grids.refs:
        return []
    names = {r.code: r.name for level in ("street", "community") for r in index.levels[level].refs}
    estates = _estates_of_communities(index, data_dir)
    nprng = np.random.default_rng(rng.randrange(2**32))
    hot = [_inside(grids.geometries[i], nprng) for i in nprng.choice(len(grids.refs), HOT_SPOTS)]
    out = []
    for _ in range(count):
        if rng.random() < HOT_SHARE:
            cx, cy = rng.choice(hot)
            lng, lat = cx + nprng.normal(0, 0.0015), cy + nprng.normal(0, 0.0012)
            if not shapely.contains_xy(index.district, lng, lat):
                lng, lat = cx, cy
        else:
            lng, lat = _inside(grids.geometries[rng.randrange(len(grids.refs))], nprng)
        ref = grids.at(shapely.Point(lng, lat))
        code = ref.code if ref is not None else ""
        street, community = names.get(code[:9], ""), names.get(code[:12], "")
        estate = rng.choice(estates.get(code[:12]) or cases_content.ESTATES)
        address = f"{street}{community}{estate}{rng.randint(1, 30)}幢附近"
        out.append((round(float(lng), 6), round(float(lat), 6), code[:9], address, street, estate))
    return out


def _router(jurisdiction: Jurisdiction) -> Router | None:
    """The district's routing rules, read once and matched in memory as `cases.routing.route` does
    (`rule_matches`; a rule with a time condition reads the calendar's version token)."""
    from zhiguan.cases.models import RoutingRule
    from zhiguan.cases.routing import rule_matches
    from zhiguan.geo.models import Area

    rules = list(
        RoutingRule.objects.filter(jurisdiction=jurisdiction, current=True, retired=False).order_by(
            "position", "key"
        )
    )
    if not rules:
        return None
    streets = dict(Area.objects.filter(jurisdiction=jurisdiction, level="street").values_list("code", "pk"))
    # A rule may send a case about a component to the component's owner (权属单位).
    from zhiguan.components.models import Component

    depts = Department.objects.filter(jurisdiction=jurisdiction).in_bulk()
    owners = dict(Component.objects.filter(jurisdiction=jurisdiction).values_list("id", "owner_id"))

    def lead_of(fields: dict[str, Any], category: Any, street: str, at: datetime) -> int | None:
        case = Case(
            jurisdiction=jurisdiction,
            category=category,
            street_id=streets.get(street),
            request_type=fields["request_type"],
            channel=fields["channel"],
            urgency=fields["urgency"],
            description=fields["description"],
            lng=fields.get("lng"),
            lat=fields.get("lat"),
        )
        if (cid := fields.get("component")) is not None and cid in owners:
            case.component = Component(pk=cid, jurisdiction_id=jurisdiction.pk, owner=depts[owners[cid]])
        chain, node = [], category
        while node is not None:
            chain.append(node.pk)
            node = node.parent
        for r in rules:
            if rule_matches(r, case, chain, at):
                return (
                    case.component.owner_id
                    if r.target == "component_owner" and case.component
                    else r.lead_department_id
                )
        return None

    return lead_of


def _inside(geometry: Any, nprng: np.random.Generator) -> tuple[float, float]:
    """A random point inside the geometry."""
    minx, miny, maxx, maxy = geometry.bounds
    while True:
        xs, ys = nprng.uniform(minx, maxx, 64), nprng.uniform(miny, maxy, 64)
        inside = shapely.contains_xy(geometry, xs, ys)
        if inside.any():
            return float(xs[inside][0]), float(ys[inside][0])


def _messages(
    data_dir: Path | None, rng: random.Random, by_level1: dict[str, list[Any]], by_name: dict[str, list[Any]]
) -> tuple[list[cases_content.Message], bool]:
    """The real messages whose level 1 the taxonomy has (all of them if none has), else generated ones."""
    # The 数字城管 小类 (city-management problems reported by inspectors and citizens) come from
    # our own templates beside the petitions: about a third of the requests.
    city_leaves = {
        name: level1_of(cats[0]) for name, cats in by_name.items() if level1_of(cats[0]) in CITY_ROOTS
    }
    messages = cases_content.real_messages(data_dir)
    if messages:
        messages = [m for m in messages if m.level1 in by_level1] or messages
        return messages + cases_content.city_messages(rng, len(messages) // 2, city_leaves), True
    level1_of_leaf = {name: level1_of(cats[0]) for name, cats in by_name.items()}
    generated = cases_content.generated_messages(rng, GENERATED_MESSAGES, level1_of_leaf)
    return generated + cases_content.city_messages(rng, GENERATED_MESSAGES // 2, city_leaves), False


def read_world(jurisdiction: Jurisdiction, data_dir: Path | None, seed: int, count: int) -> World:
    """Everything planning needs about the district, for `count` cases, with the random source of `seed`."""
    from zhiguan.workdays.queries import get_calendar

    rng = random.Random(seed)
    by_level1, by_name, leads, by_lead = _categories(jurisdiction)
    messages, real_text = _messages(data_dir, rng, by_level1, by_name)
    depts = Department.objects.filter(jurisdiction=jurisdiction, active=True)
    street_depts = {d.code: d.pk for d in depts if d.kind == DepartmentKind.STREET}
    bureaus = {d.code: d.pk for d in depts if d.kind == DepartmentKind.BUREAU}
    co_pool = [bureaus[c] for c in CO_HANDLERS if c in bureaus]
    return World(
        rng=rng,
        now=timezone.now(),
        calendar=get_calendar(jurisdiction.pk),
        leaves_by_level1=by_level1,
        leaf_by_name=by_name,
        leads=leads,
        limits=_limits(by_level1),
        street_depts=street_depts,
        co_pool=co_pool or list(bureaus.values()),
        inspector_ids=[u.pk for u in users(jurisdiction, roles__code="inspector")],
        places=_places(jurisdiction, rng, count, data_dir),
        messages=messages,
        replies=cases_content.real_replies(data_dir),
        real_text=real_text,
        leaves_by_lead=by_lead,
        router=_router(jurisdiction),
        city_ids={d.pk for d in depts if d.code.startswith("CGJ")},
        components=_components(jurisdiction),
        cameras=_cameras(jurisdiction),
    )


def _cameras(jurisdiction: Jurisdiction) -> dict[str, list[tuple[str, float, float]]]:
    from zhiguan.video.models import Camera

    out: dict[str, list[tuple[str, float, float]]] = {}
    rows = Camera.objects.filter(jurisdiction=jurisdiction, retired_at__isnull=True).order_by("code")
    for code, lng, lat, street in rows.values_list("code", "lng", "lat", "street__code"):
        out.setdefault(street or "", []).append((code, lng, lat))
    return out
