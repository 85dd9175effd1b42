"""The demo district's cases: a few thousand requests over the last three months, at every stage.

Every case is registered with `services.register` and moved with `services.perform` by the demo
people, so its timeline, tasks, deadlines and audit records are the real ones. The history is
made by running those services under a simulated clock (`simulated_clock`): while the builder
runs, `django.utils.timezone.now` returns the planned moment of the step being performed, and
the steps of all cases run in time order. Every timestamp the services write (creation, events,
audit, deadlines, task dues, case numbers by day) is the simulated one and consistent with the
others; nothing is edited afterwards. The warning and supervision sweeps then run at the real now.

What happens to each request is decided first (`cases_fates`, `cases_plan`, from the district
read by `cases_world`); this module only performs the plans. Texts: `cases_content`.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhiguan.cases import services, tasks
from zhiguan.cases.models import Case
from zhiguan.demo import cases_content
from zhiguan.demo.cases_plan import Plan, plan_cases
from zhiguan.demo.cases_world import read_world, users
from zhiguan.demo.history import import_demo_history
from zhiguan.errors import DomainError
from zhiguan.org.models import Department, DepartmentKind, User
from zhiguan.org.permissions import Actor
from zhiguan.supervision import tasks as supervision_tasks
from zhiguan.tenancy.models import Jurisdiction

DEFAULT_SEED = 20260101
PROGRESS_EVERY = 5000


@contextmanager
def simulated_clock() -> Iterator[Callable[[datetime], None]]:
    """`timezone.now()` returns the moment last set, until the block ends (single-threaded builder only)."""
    real = timezone.now
    moment = [real()]
    timezone.now = lambda: moment[0]
    try:
        yield lambda at: moment.__setitem__(0, at)
    finally:
        timezone.now = real


@contextmanager
def without_after_commit_work() -> Iterator[None]:
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


def duty_handlers(jurisdiction: Jurisdiction) -> dict[int, Actor]:
    """A handler for every bureau and street office: the demo people first, else a duty officer we
    add. The department's leader (`demo/org.py`) receives escalations but does not do the daily work."""
    from django.contrib.auth.hashers import make_password

    from zhiguan.demo.org import DEMO_PASSWORD
    from zhiguan.org.models import Role

    rng = random.Random(7)
    depts = Department.objects.filter(
        jurisdiction=jurisdiction, kind__in=[DepartmentKind.BUREAU, DepartmentKind.STREET], active=True
    ).order_by("code")
    leaders = set(depts.exclude(leader__isnull=True).values_list("leader_id", flat=True))
    staffed = {u.department_id for u in users(jurisdiction, roles__code="handler") if u.pk not in leaders}
    role = Role.objects.get(code="handler")
    # As the demo people are made (demo/org.py): one password hash for all, Argon2 is slow on purpose.
    password = make_password(DEMO_PASSWORD)
    for dept in depts:
        if dept.pk not in staffed:
            user = User.objects.create(
                username=f"duty_{dept.code.lower()}",
                full_name=cases_content.person_name(rng),
                password=password,
                jurisdiction=jurisdiction,
                department=dept,
                mobile=cases_content.mobile(rng),
            )
            user.roles.set([role])
    out: dict[int, Actor] = {}
    for user in sorted(users(jurisdiction, roles__code="handler"), key=lambda u: u.pk):
        if user.pk in leaders:
            continue
        actor = Actor.for_user(user)
        dept_id = user.department_id
        if actor is not None and dept_id is not None and dept_id not in out:
            out[dept_id] = actor
    return out


@dataclass
class Run:
    """The people who act, and what the run has learnt of each case so far (by plan index)."""

    plans: list[Plan]
    people: dict[str, Actor]
    handlers: dict[int, Actor]
    ids: dict[int, int] = field(default_factory=dict)
    numbers: dict[int, str] = field(default_factory=dict)
    leads: dict[int, int | None] = field(default_factory=dict)

    def actor(self, i: int, who: str) -> Actor:
        """The actor of a step: a demo person, the lead department's handler or a co-handler's."""
        if who == "lead":
            lead = self.leads.get(i)
            assert lead is not None, "a lead step after dispatch"
            return self.handlers[lead]
        if who.startswith("dept:"):
            return self.handlers[int(who[5:])]
        return self.people[who]

    def perform(self, i: int, j: int) -> Case:
        """Register plan `i` (j < 0) or perform its step `j`, at the clock's moment."""
        plan = self.plans[i]
        if j < 0:
            case, _created = services.register(actor=self.people[plan.by], **plan.fields)
        else:
            step = plan.steps[j]
            payload = dict(step.payload)
            if step.action == "merge":
                payload["into"] = self.numbers[plan.merge_into] if plan.merge_into is not None else ""
            actor = self.actor(i, step.who)
            case = services.perform(actor=actor, case_id=self.ids[i], action=step.action, **payload)
        self.ids[i], self.numbers[i], self.leads[i] = case.pk, case.number, case.lead_department_id
        return case


def run_plans(
    plans: list[Plan], *, people: dict[str, Actor], handlers: dict[int, Actor], log: Any
) -> tuple[int, Counter[str]]:
    """Register and move every case in time order under the simulated clock: (steps done, failures by action).

    A case whose move fails (there should be none) is reported and left where it got to.
    """
    order = sorted(
        [(p.at, i, -1) for i, p in enumerate(plans)]
        + [(s.at, i, j) for i, p in enumerate(plans) for j, s in enumerate(p.steps)]
    )
    run = Run(plans=plans, people=people, handlers=handlers)
    failures: Counter[str] = Counter()
    done = 0
    started = time.perf_counter()
    with without_after_commit_work(), simulated_clock() as set_clock:
        for n, (at, i, j) in enumerate(order, 1):
            plan = plans[i]
            if plan.failed:
                continue
            set_clock(at)
            try:
                run.perform(i, j)
            except DomainError as exc:
                action = "register" if j < 0 else plan.steps[j].action
                plan.failed = f"{action}: {exc.code} {getattr(exc, 'details', '')}"
                failures[action] += 1
                log(f"    case {i} {plan.failed}")
                continue
            done += 1
            if n % PROGRESS_EVERY == 0:
                log(f"    {n} of {len(order)} steps, {time.perf_counter() - started:.0f} s")
    return done, failures


def sweep() -> None:
    """What the periodic jobs would have done by now: warning levels, then escalation and overdue notices."""
    tasks.sweep_warning_levels()
    supervision_tasks.sweep()


def build_demo_cases(
    *,
    jurisdiction: Jurisdiction,
    data_dir: Path | None,
    count: int = 3000,
    seed: int = DEFAULT_SEED,
    log: Any = print,
    history: bool = True,
) -> dict[str, Any]:
    """Register `count` demo cases over the last three months and move them through the real services.

    Needs the demo departments, people, taxonomy (with default lead departments and profiles) and
    geography. Before them, two years of closed requests come in as the district's history
    (`demo.history`, unless `history` is False). Deterministic for a seed and a day. Returns counts by status and any failed moves
    (there should be none).
    """
    handlers = duty_handlers(jurisdiction)
    people = {u.username: a for u in users(jurisdiction) if (a := Actor.for_user(u)) is not None}
    world = read_world(jurisdiction, data_dir, seed, count)
    plans = plan_cases(world, count)
    log(f"    planned {len(plans)} cases, {sum(len(p.steps) for p in plans)} moves")
    done, failures = run_plans(plans, people=people, handlers=handlers, log=log)
    sweep()
    if history:
        step = time.perf_counter()
        past = import_demo_history(actor=Actor.system(jurisdiction), world=world, recent=len(plans))
        log(f"    history: {past} in {time.perf_counter() - step:.1f} s")
    qs = Case.objects.filter(jurisdiction=jurisdiction)
    return {
        "source": "tipdm2020_c" if world.real_text else "generated",
        "cases": qs.count(),
        "moves": done - len(plans),
        "by_status": dict(Counter(qs.values_list("status", flat=True))),
        "by_warning": dict(Counter(qs.values_list("warning_level", flat=True))),
        "failed": dict(failures),
    }
