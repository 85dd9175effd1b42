"""The demo cases planned: who registers each request, and who does what to it when.

Pure: a plan is computed from the `World` (read once by `cases_world.read_world`) and its random
source alone, so the same seed on the same day plans the same cases, and nothing is written.
Every planned move is checked against the workflow table in order (an impossible plan fails
here, not half-way through the build). The moves take office time from the working-day
calendar: handlers work office hours, the centre (operators, dispatcher) works around the clock.
`cases_run` then performs the plans through the real services.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from zhiguan.cases import workflow
from zhiguan.cases.models import Urgency
from zhiguan.cases.status import OPEN_STATUSES, Status
from zhiguan.demo import cases_content
from zhiguan.demo.cases_fates import Fate, coverage, random_fate, weighted
from zhiguan.demo.cases_world import Place, World, level1_of

HISTORY_DAYS = 90
REST_DAY_WEIGHT = 0.45  # a weekend's or a holiday's requests, against a working day's
OFFICE_HOURS_PER_DAY = 7.5
# Level-1 names whose cases a dispatcher often gives to the street office of the place (属地).
LOCAL_LEVEL1 = {
    "城乡建设",
    "城市管理",
    "市容环境",
    "市政设施",
    "环境保护",
    "生态环境",
    "城市管理部件",
    "城市管理事件",
}
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
    fields: dict[str, Any]  # the arguments of `services.register`
    steps: list[Step] = field(default_factory=list)
    merge_into: int | None = None  # index of the plan this duplicate is merged into
    failed: str = ""
    category: Any = None
    street: str = ""

    def status_at(self, moment: datetime) -> str:
        status: str = Status.REGISTERED
        for step in self.steps:
            if step.at > moment:
                break
            status = step.status
        return status


class Timeline:
    """The steps of one plan as they are drawn, each step starting where an earlier one ended."""

    def __init__(self, world: World, plan: Plan):
        self.world, self.plan, self.rng = world, plan, world.rng
        self.steps: list[Step] = []

    def add(self, at: datetime, action: str, who: str, **payload: Any) -> datetime:
        self.steps.append(Step(at, action, who, payload))
        return at


def plan_cases(world: World, count: int) -> list[Plan]:
    """Every case's plan: coverage cases first, then random ones in order of registration."""
    forced = coverage(count)
    plans: list[Plan] = []
    fates: list[Fate] = []
    dispatched: list[tuple[datetime, int]] = []
    for fate in forced:
        plans.append(_plan_forced(world, fate, world.places[len(plans)]))
        fates.append(fate)
    for at in _registration_times(world, count - len(forced)):
        fate = random_fate(world.rng)
        plans.append(_new_plan(world, fate, at, world.places[len(plans)]))
        fates.append(fate)
        if fate.kind == "dispatch":
            bisect.insort(dispatched, (at, len(plans) - 1))
    # Merges last: a duplicate goes into a case that is still open when the duplicate arrives.
    for plan, fate in zip(plans, fates, strict=True):
        if fate.kind != "merge":
            plan.steps = plan.steps or steps_of(world, plan, fate)
            _cut(plan, fate, world.now)
    for plan, fate in zip(plans, fates, strict=True):
        if fate.kind == "merge":
            _plan_merge(world, plans, dispatched, plan, fate)
    return plans


def _plan_merge(
    world: World, plans: list[Plan], dispatched: list[tuple[datetime, int]], plan: Plan, fate: Fate
) -> None:
    """Merge the duplicate into an earlier open case of the week; rejected when there is none."""
    plan.steps = plan.steps or steps_of(world, plan, fate)
    target = _merge_target(world, plans, dispatched, plan.steps[0].at)
    if target is None:
        fate.kind = "reject"
        plan.steps = steps_of(world, plan, replace(fate, kind="reject"))
    else:
        _as_duplicate(plan, plans[target])
        plan.merge_into = target
    _cut(plan, fate, world.now)


def _registration_times(world: World, n: int) -> list[datetime]:
    """Busier on working days and in the daytime, evenly over the window: the imported history
    before it ends at the same rate (`history.plan_history`). (Times once crowded towards now made
    the window start near zero and climb 70 %: a dip and a jump on every trend and forecast.)"""
    rng = world.rng
    out: list[datetime] = []
    start = world.now - timedelta(days=HISTORY_DAYS)
    while len(out) < n:
        moment = start + timedelta(days=HISTORY_DAYS * rng.random())
        local = timezone.localtime(moment)
        weight = (1.0 if world.calendar.is_working_day(local.date()) else REST_DAY_WEIGHT) * (
            1.0 if 8 <= local.hour < 21 else 0.15
        )
        if rng.random() < weight and moment < world.now:
            out.append(moment)
    return sorted(out)


def _dispatchable(world: World, category: Any) -> bool:
    # Categories answered at intake (no acceptance time: consultations) are not dispatched.
    return world.limits.get((category.pk, Urgency.URGENT), (0.0, 0))[0] > 0


def _leaves_for(world: World, message: cases_content.Message) -> list[Any]:
    """The leaves a message can be filed under: the template's own, else those of the department
    its text is about (within its level 1 when there are some), else those of its level 1."""
    if leaves := world.leaf_by_name.get(message.leaf):
        return leaves
    by_topic = world.leaves_by_lead.get(message.topic, []) if message.topic else []
    same_level1 = [c for c in by_topic if level1_of(c) == message.level1]
    return same_level1 or by_topic or world.leaves_by_level1.get(message.level1, [])


def _message_for(world: World, fate: Fate) -> tuple[cases_content.Message, Any]:
    """A message and the leaf it is filed under (matching what the text is about, by a leaf named
    in it when one is)."""
    rng = world.rng
    for _ in range(20):
        message = rng.choice(world.messages)
        leaves = _leaves_for(world, message)
        if not leaves:
            leaves = world.leaves_by_level1[rng.choice(sorted(world.leaves_by_level1))]
        if fate.kind == "dispatch":
            leaves = [c for c in leaves if _dispatchable(world, c)]
        if leaves:
            named = [c for c in leaves if len(c.name) >= 2 and c.name in message.text and c.name != "其他"]
            return message, rng.choice(named or leaves)
    raise AssertionError("no category can be dispatched")


def _slots(place: Place) -> dict[str, str]:
    return dict(zip(("street_name", "estate"), place[4:6], strict=False))


def _new_plan(world: World, fate: Fate, at: datetime, place: Place) -> Plan:
    """The registration of one request: channel, reporter, text, category and (mostly) the place."""
    rng = world.rng
    message, category = _message_for(world, fate)
    channel = weighted(rng, CHANNELS) if fate.kind == "dispatch" else weighted(rng, CHANNELS[:4])
    by = rng.choice(INSPECTORS) if channel == "inspector" else rng.choice(OPERATORS)
    if channel == "inspector":
        reporter = {"name": "网格员", "phone": ""}
    else:
        reporter = {"name": cases_content.person_name(rng), "phone": cases_content.mobile(rng)}
    request_type = "consultation" if fate.kind == "answer" else weighted(rng, DISPATCHED_TYPES)
    fields: dict[str, Any] = {
        "request_type": request_type,
        "channel": channel,
        "category_id": category.pk,
        "description": cases_content.fill_place(message.text, _slots(place), rng),
        "reporters": [reporter],
        "urgency": Urgency.URGENT if fate.kind == "dispatch" and rng.random() < 0.05 else Urgency.NORMAL,
    }
    street = place[2]
    if fate.kind != "answer" or rng.random() < 0.5:
        fields.update(lng=place[0], lat=place[1], address=place[3])
        # Only 部件 categories have components (a category without a code is never one).
        is_component_type = str(getattr(category, "code", "")).startswith("DCM-P-")
        pool = world.components.get(category.pk) if is_component_type else None
        if pool is not None and len(pool.ids):
            # A 部件 case names a component of its type near its place, and stands at it; some
            # components have the same problem again and again (反复发生).
            i = _component_for(world, pool, place[0], place[1])
            fields.update(component=int(pool.ids[i]), lng=float(pool.lng[i]), lat=float(pool.lat[i]))
            street = pool.streets[i] or street
    return Plan(at=at, by=by, fields=fields, category=category, street=street)


def _component_for(world: World, pool: Any, lng: float, lat: float) -> int:
    """The index of the component a 部件 case names: one named before (a quarter of the time, among
    the first few, so that they recur), else the nearest to the place."""
    if pool.used and world.rng.random() < 0.25:
        return int(world.rng.choice(pool.used[:4]))
    i = int(((pool.lng - lng) ** 2 + (pool.lat - lat) ** 2).argmin())
    pool.used.append(i)
    return i


def steps_of(world: World, plan: Plan, fate: Fate) -> list[Step]:
    """The plan's steps from registration, in time order, with the status after each."""
    line = Timeline(world, plan)
    rng, t = world.rng, plan.at
    if fate.kind == "answer":
        line.add(world.desk(t, 3, 25), "answer", plan.by, note=rng.choice(cases_content.CONSULT_ANSWERS))
    elif fate.kind == "reject":
        line.add(world.desk(t, 10, 120), "reject", plan.by, note=rng.choice(cases_content.REJECT_NOTES))
    elif fate.kind == "merge":
        line.add(world.desk(t, 15, 180), "merge", "dispatcher", note="同一地点同一事项重复反映，合并办理。")
    elif fate.kind == "dispatch":
        _dispatch_steps(line, fate)
    steps = sorted(line.steps, key=lambda s: s.at)
    status: str = Status.REGISTERED
    for step in steps:
        row = workflow.lookup(status, step.action)
        assert row is not None, f"planned an impossible move {status}/{step.action}"
        step.status = status = row.next_status
    return steps


def _departments(line: Timeline, fate: Fate) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    """The first dispatch's payload, the final one's (after a justified return) and the co-handlers."""
    world, plan, rng = line.world, line.plan, line.rng
    street_dept = world.street_depts.get(plan.street)
    first: dict[str, Any] = {}
    # The dispatcher takes a routing rule's suggestion; without one, local matters often go to the street.
    ruled = world.router(plan.fields, plan.category, plan.street, plan.at) if world.router else None
    lead = ruled or world.leads[plan.category.pk]
    local = level1_of(plan.category) in LOCAL_LEVEL1
    if fate.street_lead and street_dept and local and not fate.returned and ruled is None:
        first["lead_department_id"] = lead = street_dept
    # A justified return sends the case to another department: the street office, else a bureau.
    again = next(d for d in [street_dept, *world.co_pool] if d and d != lead)
    final: dict[str, Any] = {"lead_department_id": again} if fate.returned == "accept_return" else first
    # City management co-handles local matters only (not taxi or pension complaints).
    pool = world.co_pool if local else [d for d in world.co_pool if d not in world.city_ids]
    co = [d for d in [*pool, street_dept] if d and d != final.get("lead_department_id", lead)]
    co = rng.sample(co, min(fate.co, len(co)))
    if co:
        final["co_handler_ids"] = co
    return first, final, co


def _dispatch_steps(line: Timeline, fate: Fate) -> None:
    """Submit, dispatch (again after a justified return), co-handling, acceptance, turns, reply onwards."""
    world, plan, rng = line.world, line.plan, line.rng
    accept_hours, handle_days = world.limits[plan.category.pk, plan.fields["urgency"]]
    first, final, co = _departments(line, fate)
    t = line.add(world.desk(plan.at, 2, 30), "submit", plan.by)
    t = line.add(world.desk(t, 10, 90), "dispatch", "dispatcher", **first)
    if fate.returned:
        reason = rng.choice(cases_content.RETURN_REASONS)
        t = line.add(world.office(t, rng.uniform(0.5, 5)), "return", "lead", reason=reason)
        t = line.add(world.desk(t, 30, 480), fate.returned, "dispatcher")
        if fate.returned == "accept_return":
            t = line.add(world.desk(t, 10, 60), "dispatch", "dispatcher", **final)
    co_done = t
    for dept in co:
        accepted = line.add(world.office(t, rng.uniform(0.3, 4)), "accept_co", f"dept:{dept}")
        replied = world.office(accepted, rng.lognormvariate(math.log(1.5 * OFFICE_HOURS_PER_DAY), 0.6))
        reply = rng.choice(cases_content.CO_REPLIES)
        co_done = max(co_done, line.add(replied, "reply_co", f"dept:{dept}", reply=reply))
    # Accept around a third of the allowed hours (some late); handle around a quarter of the days.
    t = line.add(world.office(t, accept_hours * rng.lognormvariate(math.log(0.35), 0.8)), "accept", "lead")
    remaining = handle_days * OFFICE_HOURS_PER_DAY * rng.lognormvariate(math.log(0.25), 0.7)
    t, remaining = _turns(line, fate, t, remaining)
    _finish(line, fate, max(world.office(t, remaining), co_done + timedelta(minutes=20)))


def _turns(line: Timeline, fate: Fate, t: datetime, remaining: float) -> tuple[datetime, float]:
    """Suspension and extension while handling: (when the last turn ended, office hours still to work)."""
    world, rng = line.world, line.rng
    if fate.suspension:
        reason = rng.choice(cases_content.SUSPENSION_REASONS)
        t = line.add(world.office(t, remaining * 0.3), "request_suspension", "lead", reason=reason)
        remaining *= 0.7
        t = line.add(world.desk(t, 60, 1440), "approve_suspension", "dispatcher")
        t = line.add(world.office(t, rng.uniform(2, 8) * OFFICE_HOURS_PER_DAY), "resume", "dispatcher")
    if fate.extension:
        days = rng.choice((3, 5, 10))
        reason = rng.choice(cases_content.EXTENSION_REASONS)
        at = world.office(t, remaining * 0.5)
        t = line.add(at, "request_extension", "lead", working_days=days, reason=reason)
        remaining *= 0.5
        t = line.add(world.desk(t, 60, 1440), fate.extension, "dispatcher")
        if fate.extension == "approve_extension":
            remaining += days * OFFICE_HOURS_PER_DAY * 0.5
    return t, remaining


def _reply(line: Timeline, t: datetime, days: tuple[float, float] | None = None) -> datetime:
    """The lead's reply (after `days` office days of rework when given), then its feedback."""
    world, rng = line.world, line.rng
    if days is not None:
        t = world.office(t, rng.uniform(*days) * OFFICE_HOURS_PER_DAY)
    t = line.add(t, "reply", "lead", reply=world.reply())
    return line.add(world.office(t, rng.uniform(0.1, 1.5)), "feed_back", "lead")


def _close(line: Timeline, t: datetime, camera: dict[str, str], result: str, verify: float) -> datetime:
    """Verified on camera, closed and called back with `result`."""
    world, rng = line.world, line.rng
    t = line.add(world.desk(t, 120, verify), "verify_pass", "dispatcher", **camera)
    t = line.add(world.desk(t, 30, 600), "close", "dispatcher")
    return line.add(world.office(t, rng.uniform(1, 18)), "callback", rng.choice(OPERATORS), result=result)


def _finish(line: Timeline, fate: Fate, t: datetime) -> None:
    """Reply, feed back, verify (after rework when it fails), close, call back, and reopen when planned."""
    world, rng = line.world, line.rng
    fields = line.plan.fields
    code = world.camera_near(line.plan.street, fields.get("lng"), fields.get("lat"), rng.randint(1, 400))
    camera = {"method": "camera", "camera": code}
    t = _reply(line, t)
    if fate.inspector and world.inspector_ids:
        inspector = rng.choice(world.inspector_ids)
        t = line.add(world.desk(t, 10, 120), "assign_inspector", "dispatcher", inspector_id=inspector)
    if fate.verify_fail:
        note = "现场复核问题仍存在，退回重办。"
        t = line.add(world.desk(t, 60, 1440), "verify_fail", "dispatcher", note=note, **camera)
        t = _reply(line, t, (0.5, 3))
    t = _close(line, t, camera, fate.callback, 2880)
    if fate.reopen:
        note = rng.choice(cases_content.REOPEN_NOTES)
        t = line.add(world.desk(t, 60, 1440), "reopen", "supervisor", note=note)
        t = _reply(line, t, (1, 4))
        result = "satisfied" if rng.random() < 0.7 else "basically_satisfied"
        _close(line, t, camera, result, 1440)


def _cut(plan: Plan, fate: Fate, now: datetime) -> None:
    """Drop the steps after the held status and after now."""
    if fate.hold is not None:
        for i, step in enumerate(plan.steps):
            if step.status == fate.hold:
                plan.steps = plan.steps[: i + 1]
                break
    plan.steps = [s for s in plan.steps if s.at <= now]


def _plan_forced(world: World, fate: Fate, place: Place) -> Plan:
    """A coverage case: registered just early enough that its steps up to the held status are done by now."""
    at = world.now - timedelta(minutes=world.rng.uniform(20, 90))
    plan = _new_plan(world, fate, at, place)
    for _ in range(12):
        plan.at = at
        plan.steps = steps_of(world, plan, fate)
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


def _as_duplicate(plan: Plan, original: Plan) -> None:
    """The same matter at the same place, reported again by someone else."""
    plan.fields.pop("component", None)
    for key in ("category_id", "lng", "lat", "address", "component"):
        if key in original.fields:
            plan.fields[key] = original.fields[key]
    plan.fields["description"] = "再次反映：" + original.fields["description"]
    plan.fields["request_type"] = original.fields["request_type"]
