"""The demo district's cases: a few thousand requests over the last three months, at every stage.

Every case is registered with `services.register` and moved with `services.perform` by the demo
people, so its timeline, tasks, deadlines and audit records are the real ones. The history is
made by running those services under a simulated clock (`_simulated_clock`): while the builder
runs, `django.utils.timezone.now` returns the planned moment of the step being performed, and
the steps of all cases run in time order. Every timestamp the services write (creation, events,
audit, deadlines, task dues, case numbers by day) is the simulated one and consistent with the
others; nothing is edited afterwards. The warning-level sweep then runs at the real now.

Each case is first planned (who does what when, cut at the real now or held at a chosen status),
then all plans run. Shares follow the seed district (PRODUCT.md): nearly half of the requests
answered at intake, about 10 % duplicates merged, 17.5 % of dispatched cases co-handled,
satisfaction around 97 %. Texts: see `demo_content`.
"""

from __future__ import annotations

import bisect
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone

from zhiguan.cases import deadlines, demo_content, escalation, services, supervision, tasks, workflow
from zhiguan.cases.models import Case, Urgency
from zhiguan.cases.status import OPEN_STATUSES, Status
from zhiguan.errors import DomainError
from zhiguan.org.models import Department, DepartmentKind, User
from zhiguan.org.permissions import Actor
from zhiguan.tenancy.models import Jurisdiction

DEFAULT_SEED = 20260101
HISTORY_DAYS = 90
CONSULTATION_SHARE = 0.40  # answered at intake (2,889 requests, 1,555 dispatched)
REJECT_SHARE = 0.03
MERGE_SHARE = 0.05  # about 10 % of the dispatched, as the seed district's avoided duplicates
CO_HANDLED_SHARE = 0.175
HOT_SPOTS, HOT_SHARE = 6, 0.2
OFFICE_HOURS_PER_DAY = 7.5
# Level-1 names whose cases a dispatcher often gives to the street office of the place (属地).
LOCAL_LEVEL1 = {"城乡建设", "城市管理", "市容环境", "市政设施", "环境保护", "生态环境"}
OPERATORS = ("operator", "operator2")
INSPECTORS = ("inspector", "inspector2")
CHANNELS = (("hotline", 0.55), ("web", 0.1), ("app", 0.12), ("wechat", 0.13), ("inspector", 0.1))
DISPATCHED_TYPES = (
    ("complaint", 0.5),
    ("help", 0.25),
    ("report", 0.12),
    ("suggestion", 0.08),
    ("praise", 0.05),
)


@dataclass
class Fate:
    """What happens to one request: how it ends at intake or which turns its handling takes."""

    kind: str  # wait | answer | reject | merge | dispatch
    hold: str | None = None  # stop once the case reaches this status
    returned: str | None = None  # accept_return | refuse_return
    co: int = 0
    extension: str | None = None  # approve_extension | refuse_extension
    suspension: bool = False
    verify_fail: bool = False
    inspector: bool = False
    callback: str = "satisfied"
    reopen: bool = False
    street_lead: bool = False


# One of each, so that even a small demo shows every status and turn (the rest is random).
COVERAGE = (
    Fate("wait", hold=Status.REGISTERED),
    Fate("answer"),
    Fate("reject"),
    Fate("merge"),
    Fate("dispatch", hold=Status.TO_DISPATCH),
    Fate("dispatch", hold=Status.DISPATCHED),
    Fate("dispatch", returned="accept_return", hold=Status.RETURNED),
    Fate("dispatch", hold=Status.IN_PROGRESS),
    Fate("dispatch", extension="approve_extension", hold=Status.EXTENSION_REQUESTED),
    Fate("dispatch", suspension=True, hold=Status.SUSPENSION_REQUESTED),
    Fate("dispatch", suspension=True, hold=Status.SUSPENDED),
    Fate("dispatch", inspector=True, hold=Status.TO_VERIFY),
    Fate("dispatch", hold=Status.VERIFIED),
    Fate("dispatch", hold=Status.CLOSED),
    Fate("dispatch", callback="satisfied", co=1),
    Fate("dispatch", callback="basically_satisfied", extension="refuse_extension"),
    Fate("dispatch", callback="dissatisfied"),
    Fate("dispatch", callback="dissatisfied", reopen=True),
    Fate("dispatch", returned="refuse_return", verify_fail=True, suspension=True),
    Fate("dispatch", returned="accept_return", street_lead=True, co=2),
)
# Where a stuck case (a random 7 % of the dispatched) stops, with weights.
HOLDS = (
    (Status.IN_PROGRESS, 6),
    (Status.DISPATCHED, 1),
    (Status.RETURNED, 1),
    (Status.EXTENSION_REQUESTED, 1),
    (Status.SUSPENSION_REQUESTED, 1),
    (Status.SUSPENDED, 2),
    (Status.TO_VERIFY, 2),
    (Status.VERIFIED, 1),
    (Status.CLOSED, 2),
)


@dataclass
class Step:
    at: datetime
    action: str
    who: str  # a username, "lead" (the lead department's handler) or "dept:<id>" (a co-handler's)
    payload: dict[str, Any]
    status: str = ""  # the status after the step, from the workflow table


@dataclass
class Plan:
    at: datetime
    by: str
    fields: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    merge_into: int | None = None
    failed: str = ""

    def status_at(self, moment: datetime) -> str:
        status = Status.REGISTERED
        for step in self.steps:
            if step.at > moment:
                break
            status = step.status
        return status


@dataclass
class World:
    """What planning needs to know about the district: categories, places, departments, people."""

    jurisdiction: Jurisdiction
    rng: random.Random
    now: datetime
    calendar: Any
    leaves_by_level1: dict[str, list[Any]]
    leaf_by_name: dict[str, list[Any]]
    leads: dict[int, int]  # category id → default lead department id
    limits: dict[tuple[int, str], tuple[float, int]]  # (category, urgency) → accept hours, handle days
    street_depts: dict[str, int]  # street code → department id
    co_pool: list[int]
    inspector_ids: list[int]
    places: list[tuple[float, float, str, str]]  # lng, lat, street code, address
    messages: list[demo_content.Message]
    replies: list[str]
    real_text: bool

    def office(self, start: datetime, hours: float) -> datetime:
        """`hours` of office time after `start` (handlers work office hours; the centre works 7×24)."""
        return self.calendar.add_working_hours(start, timedelta(hours=max(hours, 0.05))).at

    def desk(self, start: datetime, low_minutes: float, high_minutes: float) -> datetime:
        return start + timedelta(minutes=self.rng.uniform(low_minutes, high_minutes))

    def reply(self) -> str:
        return self.rng.choice(self.replies or demo_content.REPLIES)


@contextmanager
def _simulated_clock() -> Iterator[Callable[[datetime], None]]:
    """`timezone.now()` returns the moment last set, until the block ends (single-threaded builder only)."""
    real = timezone.now
    moment = [real()]
    timezone.now = lambda: moment[0]
    try:
        yield lambda at: moment.__setitem__(0, at)
    finally:
        timezone.now = real


@contextmanager
def _without_after_commit_work() -> Iterator[None]:
    """A transaction whose moves schedule no after-commit work: history is not news.

    Listeners of `case_changed` (notifications, integrations) must not learn of months-old steps
    as if they had just happened. The hooks the block's moves queued are dropped before it ends.
    """
    with transaction.atomic():
        connection = transaction.get_connection()
        mark = len(connection.run_on_commit)
        yield
        # Re-read: a rolled-back savepoint replaces the list (only hooks queued after `mark` go).
        del connection.run_on_commit[mark:]


# -- the district ---------------------------------------------------------------------------------


def _duty_handlers(system: Actor) -> dict[int, Actor]:
    """A handler for every bureau and street office: the demo people first, else a duty officer we add."""
    from django.contrib.auth.hashers import make_password

    from zhiguan.demo.org import DEMO_PASSWORD
    from zhiguan.org.models import Role

    rng = random.Random(7)
    depts = Department.objects.filter(
        jurisdiction=system.jurisdiction, kind__in=[DepartmentKind.BUREAU, DepartmentKind.STREET], active=True
    ).order_by("code")
    handlers = _users(system.jurisdiction, roles__code="handler")
    by_dept = {u.department_id: u for u in handlers}
    role = Role.objects.get(code="handler")
    # As the demo people are made (demo/org.py): one password hash for all, Argon2 is slow on purpose.
    password = make_password(DEMO_PASSWORD)
    for dept in depts:
        if dept.pk not in by_dept:
            user = User.objects.create(
                username=f"duty_{dept.code.lower()}",
                full_name=demo_content.person_name(rng),
                password=password,
                jurisdiction=system.jurisdiction,
                department=dept,
                mobile=demo_content.mobile(rng),
            )
            user.roles.set([role])
    handlers = _users(system.jurisdiction, roles__code="handler")
    out: dict[int, Actor] = {}
    for user in sorted(handlers, key=lambda u: u.pk):
        actor = Actor.for_user(user)
        if actor is not None and user.department_id not in out:
            out[user.department_id] = actor
    return out


def _users(jurisdiction: Jurisdiction, **filters: Any) -> list[User]:
    qs = User.objects.filter(jurisdiction=jurisdiction, is_active=True, **filters)
    return list(qs.select_related("jurisdiction", "department").prefetch_related("roles").distinct())


def _categories(
    jurisdiction: Jurisdiction,
) -> tuple[dict[str, list[Any]], dict[str, list[Any]], dict[int, int]]:
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
    leads: dict[int, int] = {}
    for cat in cats.values():
        lead = effective_lead_department(cat)
        if cat.pk in parents or lead is None or not lead.can_lead:
            continue
        by_level1[cat.path_name.split(" / ")[0].strip()].append(cat)
        by_name[cat.name].append(cat)
        leads[cat.pk] = lead.pk
    return by_level1, by_name, leads


def _places(
    jurisdiction: Jurisdiction, rng: random.Random, count: int
) -> list[tuple[float, float, str, str]]:
    """Random points inside the district's grids, a share of them around a few hot spots."""
    from zhiguan.geo import lookup

    index = lookup.get_index(jurisdiction.pk)
    grids = index.levels["grid"]
    if not grids.refs:
        return []
    names = {r.code: r.name for level in ("street", "community") for r in index.levels[level].refs}
    nprng = np.random.default_rng(rng.randrange(2**32))
    hot = [_inside(grids.geometries[i], nprng, 1)[0] for i in nprng.choice(len(grids.refs), HOT_SPOTS)]
    out = []
    for _ in range(count):
        if rng.random() < HOT_SHARE:
            cx, cy = rng.choice(hot)
            lng, lat = cx + nprng.normal(0, 0.0015), cy + nprng.normal(0, 0.0012)
            if not shapely.contains_xy(index.district, lng, lat):
                lng, lat = cx, cy
        else:
            lng, lat = _inside(grids.geometries[rng.randrange(len(grids.refs))], nprng, 1)[0]
        ref = grids.at(shapely.Point(lng, lat))
        code = ref.code if ref is not None else ""
        estate = rng.choice(demo_content.ESTATES)
        address = f"{names.get(code[:9], '')}{names.get(code[:12], '')}{estate}{rng.randint(1, 30)}幢附近"
        out.append((round(float(lng), 6), round(float(lat), 6), code[:9], address))
    return out


def _inside(geometry: Any, nprng: np.random.Generator, n: int) -> list[tuple[float, float]]:
    minx, miny, maxx, maxy = geometry.bounds
    while True:
        xs, ys = nprng.uniform(minx, maxx, 64), nprng.uniform(miny, maxy, 64)
        inside = shapely.contains_xy(geometry, xs, ys)
        if inside.sum() >= n:
            return list(zip(xs[inside][:n].tolist(), ys[inside][:n].tolist(), strict=True))


def _world(jurisdiction: Jurisdiction, data_dir: Path | None, seed: int, count: int) -> World:
    from zhiguan.workdays.queries import get_calendar

    rng = random.Random(seed)
    by_level1, by_name, leads = _categories(jurisdiction)
    messages = demo_content.real_messages(data_dir)
    real_text = bool(messages)
    if messages:
        messages = [m for m in messages if m.level1 in by_level1] or messages
    else:
        level1_of_leaf = {name: cats[0].path_name.split(" / ")[0].strip() for name, cats in by_name.items()}
        messages = demo_content.generated_messages(rng, 600, level1_of_leaf)
    depts = Department.objects.filter(jurisdiction=jurisdiction, active=True)
    street_depts = {d.code: d.pk for d in depts if d.kind == DepartmentKind.STREET}
    bureaus = {d.code: d.pk for d in depts if d.kind == DepartmentKind.BUREAU}
    co_pool = [bureaus[c] for c in ("CGJ", "SCJG", "GAJ", "ZJJ", "STHJ", "JTJ", "YJJ") if c in bureaus]
    return World(
        jurisdiction=jurisdiction,
        rng=rng,
        now=timezone.now(),
        calendar=get_calendar(jurisdiction.pk),
        leaves_by_level1=by_level1,
        leaf_by_name=by_name,
        leads=leads,
        limits={},
        street_depts=street_depts,
        co_pool=co_pool or list(bureaus.values()),
        inspector_ids=[u.pk for u in _users(jurisdiction, roles__code="inspector")],
        places=_places(jurisdiction, rng, count),
        messages=messages,
        replies=demo_content.real_replies(data_dir),
        real_text=real_text,
    )


def _limits(world: World, category: Any, urgency: str) -> tuple[float, int]:
    key = (category.pk, urgency)
    if key not in world.limits:
        accept, handle, _callback = deadlines.limits(Case(category=category, urgency=urgency))
        world.limits[key] = (float(accept), handle)
    return world.limits[key]


# -- planning -------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _random_fate(rng: random.Random) -> Fate:
    r = rng.random()
    if r < CONSULTATION_SHARE:
        return Fate("answer")
    if r < CONSULTATION_SHARE + REJECT_SHARE:
        return Fate("reject")
    if r < CONSULTATION_SHARE + REJECT_SHARE + MERGE_SHARE:
        return Fate("merge")
    fate = Fate("dispatch", inspector=rng.random() < 0.25, street_lead=rng.random() < 0.25)
    if rng.random() < 0.06:
        fate.returned = "accept_return" if rng.random() < 0.6 else "refuse_return"
    elif rng.random() < CO_HANDLED_SHARE / 0.94:
        fate.co = 2 if rng.random() < 0.2 else 1
    if rng.random() < 0.06:
        fate.extension = "approve_extension" if rng.random() < 0.8 else "refuse_extension"
    fate.suspension = rng.random() < 0.03
    fate.verify_fail = rng.random() < 0.04
    fate.callback = _weighted(
        rng, (("satisfied", 0.9), ("basically_satisfied", 0.07), ("dissatisfied", 0.03))
    )
    fate.reopen = fate.callback == "dissatisfied" and rng.random() < 0.6
    if rng.random() < 0.07:
        fate.hold = _weighted(rng, HOLDS)
        # A case held in a turn must take that turn.
        if fate.hold == Status.RETURNED and not fate.returned:
            fate.returned, fate.co = "accept_return", 0
        elif fate.hold == Status.EXTENSION_REQUESTED:
            fate.extension = fate.extension or "approve_extension"
        elif fate.hold in (Status.SUSPENSION_REQUESTED, Status.SUSPENDED):
            fate.suspension = True
    return fate


def _registration_times(world: World, n: int) -> list[datetime]:
    """Busier on working days and in the daytime, a little busier in the recent weeks."""
    rng, out = world.rng, []
    start = world.now - timedelta(days=HISTORY_DAYS)
    while len(out) < n:
        moment = start + timedelta(days=HISTORY_DAYS * rng.random() ** 0.8)
        local = timezone.localtime(moment)
        weight = (1.0 if world.calendar.is_working_day(local.date()) else 0.45) * (
            1.0 if 8 <= local.hour < 21 else 0.15
        )
        if rng.random() < weight and moment < world.now:
            out.append(moment)
    return sorted(out)


def _message_for(world: World, fate: Fate) -> tuple[demo_content.Message, Any]:
    """A message and the leaf it is filed under (matching its level 1, by a leaf named in it when one is)."""
    rng = world.rng
    for _ in range(20):
        message = rng.choice(world.messages)
        leaves = world.leaf_by_name.get(message.leaf) or world.leaves_by_level1.get(message.level1)
        if not leaves:
            leaves = world.leaves_by_level1[rng.choice(sorted(world.leaves_by_level1))]
        if fate.kind == "dispatch":
            # Categories answered at intake (no acceptance time: consultations) are not dispatched.
            leaves = [c for c in leaves if _limits(world, c, Urgency.URGENT)[0] > 0]
        if leaves:
            named = [c for c in leaves if len(c.name) >= 2 and c.name in message.text and c.name != "其他"]
            return message, rng.choice(named or leaves)
    raise AssertionError("no category can be dispatched")


def _new_plan(world: World, fate: Fate, at: datetime, place: tuple[float, float, str, str]) -> Plan:
    rng = world.rng
    message, category = _message_for(world, fate)
    channel = _weighted(rng, CHANNELS) if fate.kind == "dispatch" else _weighted(rng, CHANNELS[:4])
    by = rng.choice(INSPECTORS) if channel == "inspector" else rng.choice(OPERATORS)
    if channel == "inspector":
        reporter = {"name": "网格员", "phone": ""}
    else:
        reporter = {"name": demo_content.person_name(rng), "phone": demo_content.mobile(rng)}
    request_type = "consultation" if fate.kind == "answer" else _weighted(rng, DISPATCHED_TYPES)
    fields: dict[str, Any] = {
        "request_type": request_type,
        "channel": channel,
        "category_id": category.pk,
        "description": message.text,
        "reporters": [reporter],
        "urgency": Urgency.URGENT if fate.kind == "dispatch" and rng.random() < 0.05 else Urgency.NORMAL,
    }
    if place[0] is not None and (fate.kind != "answer" or rng.random() < 0.5):
        fields.update(lng=place[0], lat=place[1], address=place[3])
    plan = Plan(at=at, by=by, fields=fields)
    plan.fields["_category"] = category
    plan.fields["_street"] = place[2]
    return plan


def _steps(world: World, plan: Plan, fate: Fate) -> list[Step]:
    """The plan's steps from registration, in time order, with the status after each."""
    rng, t = world.rng, plan.at
    steps: list[Step] = []

    def add(at: datetime, action: str, who: str, **payload: Any) -> datetime:
        steps.append(Step(at, action, who, payload))
        return at

    if fate.kind == "answer":
        add(world.desk(t, 3, 25), "answer", plan.by, note=rng.choice(demo_content.CONSULT_ANSWERS))
    elif fate.kind == "reject":
        add(world.desk(t, 10, 120), "reject", plan.by, note=rng.choice(demo_content.REJECT_NOTES))
    elif fate.kind == "merge":
        add(world.desk(t, 15, 180), "merge", "dispatcher", note="同一地点同一事项重复反映，合并办理。")
    elif fate.kind == "dispatch":
        _dispatch_steps(world, plan, fate, add)
    steps.sort(key=lambda s: s.at)
    status = Status.REGISTERED
    for step in steps:
        row = workflow.lookup(status, step.action)
        assert row is not None, f"planned an impossible move {status}/{step.action}"
        step.status = status = row.next_status
    return steps


def _dispatch_steps(world: World, plan: Plan, fate: Fate, add: Callable[..., datetime]) -> None:
    rng, fields = world.rng, plan.fields
    category, street = fields["_category"], fields["_street"]
    accept_hours, handle_days = _limits(world, category, fields["urgency"])
    default_lead = world.leads[category.pk]
    street_dept = world.street_depts.get(street)
    level1 = category.path_name.split(" / ")[0].strip()
    first: dict[str, Any] = {}
    if fate.street_lead and street_dept and level1 in LOCAL_LEVEL1 and not fate.returned:
        first["lead_department_id"] = lead = street_dept
    else:
        lead = default_lead
    # A justified return sends the case to another department: the street office, else a bureau.
    again = next(d for d in [street_dept, *world.co_pool] if d and d != lead)
    final = {"lead_department_id": again} if fate.returned == "accept_return" else first
    co = [d for d in [*world.co_pool, street_dept] if d and d != final.get("lead_department_id", lead)]
    co = rng.sample(co, min(fate.co, len(co)))
    if co:
        final["co_handler_ids"] = co
    t = add(world.desk(plan.at, 2, 30), "submit", plan.by)
    t = add(world.desk(t, 10, 90), "dispatch", "dispatcher", **first)
    if fate.returned:
        reason = rng.choice(demo_content.RETURN_REASONS)
        t = add(world.office(t, rng.uniform(0.5, 5)), "return", "lead", reason=reason)
        t = add(world.desk(t, 30, 480), fate.returned, "dispatcher")
        if fate.returned == "accept_return":
            t = add(world.desk(t, 10, 60), "dispatch", "dispatcher", **final)
    co_done = t
    for dept in co:
        accepted = add(world.office(t, rng.uniform(0.3, 4)), "accept_co", f"dept:{dept}")
        replied = world.office(accepted, rng.lognormvariate(math.log(1.5 * OFFICE_HOURS_PER_DAY), 0.6))
        co_done = max(
            co_done, add(replied, "reply_co", f"dept:{dept}", reply=rng.choice(demo_content.CO_REPLIES))
        )
    # Accept around a third of the allowed hours (some late); handle around a quarter of the days.
    t = add(world.office(t, accept_hours * rng.lognormvariate(math.log(0.35), 0.8)), "accept", "lead")
    remaining = handle_days * OFFICE_HOURS_PER_DAY * rng.lognormvariate(math.log(0.25), 0.7)
    if fate.suspension:
        t = add(
            world.office(t, remaining * 0.3),
            "request_suspension",
            "lead",
            reason=rng.choice(demo_content.SUSPENSION_REASONS),
        )
        remaining *= 0.7
        t = add(world.desk(t, 60, 1440), "approve_suspension", "dispatcher")
        t = add(world.office(t, rng.uniform(2, 8) * OFFICE_HOURS_PER_DAY), "resume", "dispatcher")
    if fate.extension:
        days = rng.choice((3, 5, 10))
        t = add(
            world.office(t, remaining * 0.5),
            "request_extension",
            "lead",
            working_days=days,
            reason=rng.choice(demo_content.EXTENSION_REASONS),
        )
        remaining *= 0.5
        t = add(world.desk(t, 60, 1440), fate.extension, "dispatcher")
        if fate.extension == "approve_extension":
            remaining += days * OFFICE_HOURS_PER_DAY * 0.5
    t = max(world.office(t, remaining), co_done + timedelta(minutes=20))
    t = _finish(world, plan, fate, add, t)


def _finish(world: World, plan: Plan, fate: Fate, add: Callable[..., datetime], t: datetime) -> datetime:
    """Reply, feed back, verify (after rework when it fails), close, call back, and reopen when planned."""
    rng = world.rng
    camera = {"method": "camera", "camera": f"CAM-{plan.fields['_street'] or 'Q'}-{rng.randint(1, 400):03d}"}
    t = add(t, "reply", "lead", reply=world.reply())
    t = add(world.office(t, rng.uniform(0.1, 1.5)), "feed_back", "lead")
    if fate.inspector and world.inspector_ids:
        t = add(
            world.desk(t, 10, 120),
            "assign_inspector",
            "dispatcher",
            inspector_id=rng.choice(world.inspector_ids),
        )
    if fate.verify_fail:
        t = add(
            world.desk(t, 60, 1440),
            "verify_fail",
            "dispatcher",
            note="现场复核问题仍存在，退回重办。",
            **camera,
        )
        t = add(
            world.office(t, rng.uniform(0.5, 3) * OFFICE_HOURS_PER_DAY), "reply", "lead", reply=world.reply()
        )
        t = add(world.office(t, rng.uniform(0.1, 1.5)), "feed_back", "lead")
    t = add(world.desk(t, 120, 2880), "verify_pass", "dispatcher", **camera)
    t = add(world.desk(t, 30, 600), "close", "dispatcher")
    t = add(world.office(t, rng.uniform(1, 18)), "callback", rng.choice(OPERATORS), result=fate.callback)
    if fate.reopen:
        t = add(world.desk(t, 60, 1440), "reopen", "supervisor", note=rng.choice(demo_content.REOPEN_NOTES))
        t = add(
            world.office(t, rng.uniform(1, 4) * OFFICE_HOURS_PER_DAY), "reply", "lead", reply=world.reply()
        )
        t = add(world.office(t, rng.uniform(0.1, 1.5)), "feed_back", "lead")
        t = add(world.desk(t, 120, 1440), "verify_pass", "dispatcher", **camera)
        t = add(world.desk(t, 30, 600), "close", "dispatcher")
        result = "satisfied" if rng.random() < 0.7 else "basically_satisfied"
        t = add(world.office(t, rng.uniform(1, 18)), "callback", rng.choice(OPERATORS), result=result)
    return t


def _cut(plan: Plan, fate: Fate, now: datetime) -> None:
    """Drop the steps after the held status and after now."""
    if fate.hold is not None:
        for i, step in enumerate(plan.steps):
            if step.status == fate.hold:
                plan.steps = plan.steps[: i + 1]
                break
    plan.steps = [s for s in plan.steps if s.at <= now]


def _plan_forced(world: World, fate: Fate, place: tuple[float, float, str, str]) -> Plan:
    """A coverage case: registered just early enough that its steps up to the held status are done by now."""
    at = world.now - timedelta(minutes=world.rng.uniform(20, 90))
    plan = _new_plan(world, fate, at, place)
    for _ in range(12):
        plan.at = at
        plan.steps = _steps(world, plan, fate)
        _cut(plan, fate, datetime.max.replace(tzinfo=at.tzinfo))
        last = plan.steps[-1].at if plan.steps else at
        if last <= world.now:
            return plan
        at -= (last - world.now) + timedelta(hours=world.rng.uniform(1, 48))
    raise AssertionError("could not fit a coverage case into the history")


def _merge_target(
    world: World, plans: list[Plan], dispatched: list[tuple[datetime, int]], at: datetime
) -> int | None:
    """An earlier dispatched case, registered in the week before `at` and still open then."""
    lo = bisect.bisect_left(dispatched, (at - timedelta(days=7), -1))
    hi = bisect.bisect_left(dispatched, (at, -1))
    candidates = [i for _t, i in dispatched[lo:hi] if plans[i].status_at(at) in OPEN_STATUSES]
    return world.rng.choice(candidates) if candidates else None


def plan_cases(world: World, count: int) -> list[Plan]:
    """Every case's plan: coverage cases first, then random ones in order of registration."""
    rng = world.rng
    forced = list(COVERAGE[: max(0, min(len(COVERAGE), count // 4))]) if count >= 20 else []
    plans: list[Plan] = []
    dispatched: list[tuple[datetime, int]] = []
    fates: list[Fate] = []
    for fate in forced:
        plans.append(_plan_forced(world, fate, world.places[len(plans)]))
        fates.append(fate)
    for at in _registration_times(world, count - len(forced)):
        fate = _random_fate(rng)
        plan = _new_plan(world, fate, at, world.places[len(plans)])
        plans.append(plan)
        fates.append(fate)
        if fate.kind == "dispatch":
            bisect.insort(dispatched, (at, len(plans) - 1))
    # Merges last: a duplicate goes into a case that is still open when the duplicate arrives.
    for plan, fate in zip(plans, fates, strict=True):
        if fate.kind != "merge":
            plan.steps = plan.steps or _steps(world, plan, fate)
            _cut(plan, fate, world.now)
    for plan, fate in zip(plans, fates, strict=True):
        if fate.kind == "merge":
            plan.steps = plan.steps or _steps(world, plan, fate)
            target = _merge_target(world, plans, dispatched, plan.steps[0].at)
            if target is None:
                fate.kind, plan.steps = "reject", _steps(world, plan, replace(fate, kind="reject"))
            else:
                _as_duplicate(plan, plans[target])
                plan.merge_into = target
            _cut(plan, fate, world.now)
        del plan.fields["_category"], plan.fields["_street"]
    return plans


def _as_duplicate(plan: Plan, original: Plan) -> None:
    """The same matter at the same place, reported again by someone else."""
    for key in ("category_id", "lng", "lat", "address"):
        if key in original.fields:
            plan.fields[key] = original.fields[key]
    plan.fields["description"] = "再次反映：" + original.fields["description"]
    plan.fields["request_type"] = original.fields["request_type"]


# -- running the plans ------------------------------------------------------------------------------


def run_plans(
    plans: list[Plan], *, people: dict[str, Actor], handlers: dict[int, Actor], log: Any
) -> tuple[int, Counter[str]]:
    """Register and move every case in time order under the simulated clock: (steps done, failures by action)."""
    order = sorted(
        [(p.at, i, -1) for i, p in enumerate(plans)]
        + [(s.at, i, j) for i, p in enumerate(plans) for j, s in enumerate(p.steps)]
    )
    ids: dict[int, int] = {}
    numbers: dict[int, str] = {}
    leads: dict[int, int | None] = {}
    failures: Counter[str] = Counter()
    done = 0
    started = time.perf_counter()
    with _without_after_commit_work(), _simulated_clock() as set_clock:
        for n, (at, i, j) in enumerate(order, 1):
            plan = plans[i]
            if plan.failed:
                continue
            set_clock(at)
            action = "register" if j < 0 else plan.steps[j].action
            try:
                if j < 0:
                    case, _created = services.register(actor=people[plan.by], **plan.fields)
                else:
                    step = plan.steps[j]
                    payload = dict(step.payload)
                    if step.action == "merge":
                        payload["into"] = numbers[plan.merge_into] if plan.merge_into is not None else ""
                    actor = _actor(step.who, leads.get(i), people, handlers)
                    case = services.perform(actor=actor, case_id=ids[i], action=step.action, **payload)
            except DomainError as exc:
                plan.failed = f"{action}: {exc.code} {getattr(exc, 'details', '')}"
                failures[action] += 1
                log(f"    case {i} {plan.failed}")
                continue
            ids[i], numbers[i], leads[i] = case.pk, case.number, case.lead_department_id
            done += 1
            if n % 5000 == 0:
                log(f"    {n} of {len(order)} steps, {time.perf_counter() - started:.0f} s")
    return done, failures


def _actor(who: str, lead: int | None, people: dict[str, Actor], handlers: dict[int, Actor]) -> Actor:
    if who == "lead":
        assert lead is not None, "a lead step after dispatch"
        return handlers[lead]
    if who.startswith("dept:"):
        return handlers[int(who[5:])]
    return people[who]


def build_demo_cases(
    *,
    jurisdiction: Jurisdiction,
    data_dir: Path | None,
    count: int = 3000,
    seed: int = DEFAULT_SEED,
    log: Any = print,
) -> dict[str, Any]:
    """Register `count` demo cases over the last three months and move them through the real services.

    Needs the demo departments, people, taxonomy (with default lead departments and profiles) and
    geography. Deterministic for a seed and a day. Returns counts by status and any failed moves
    (there should be none).
    """
    system = Actor.system(jurisdiction)
    handlers = _duty_handlers(system)
    people = {u.username: a for u in _users(jurisdiction) if (a := Actor.for_user(u)) is not None}
    world = _world(jurisdiction, data_dir, seed, count)
    plans = plan_cases(world, count)
    log(f"    planned {len(plans)} cases, {sum(len(p.steps) for p in plans)} moves")
    done, failures = run_plans(plans, people=people, handlers=handlers, log=log)
    tasks.sweep_warning_levels()
    escalation.escalate_overdue()
    supervision.flag_overdue_notices()
    qs = Case.objects.filter(jurisdiction=jurisdiction)
    return {
        "source": "tipdm2020_c" if world.real_text else "generated",
        "cases": qs.count(),
        "moves": done - len(plans),
        "by_status": dict(Counter(qs.values_list("status", flat=True))),
        "by_warning": dict(Counter(qs.values_list("warning_level", flat=True))),
        "failed": dict(failures),
    }
