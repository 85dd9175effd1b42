"""Planning the demo cases is pure: the same seed plans the same history, and every plan is a possible one."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from zhiguan.cases import workflow
from zhiguan.cases.status import OPEN_STATUSES, Status
from zhiguan.demo import cases_content, cases_fates
from zhiguan.demo.cases_fates import COVERAGE, Fate, hold_in, random_fate
from zhiguan.demo.cases_plan import HISTORY_DAYS, plan_cases
from zhiguan.demo.cases_world import World
from zhiguan.workdays.calendar import WorkCalendar

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
STREET = "330114001"
LAMP = SimpleNamespace(pk=1, name="路灯", path_name="市政设施 / 道路照明 / 路灯")
VENDORS = SimpleNamespace(pk=2, name="流动摊贩", path_name="城市管理 / 市容秩序 / 流动摊贩")
PENSION = SimpleNamespace(pk=3, name="养老保险", path_name="社会保障 / 社会保险 / 养老保险")


def _world(seed: int, count: int) -> World:
    """A small district in memory: three leaves (one answered at intake only), two bureaus, one street."""
    rng = random.Random(seed)
    leaves = {"市政设施": [LAMP], "城市管理": [VENDORS], "社会保障": [PENSION]}
    level1_of_leaf = {c.name: level1 for level1, cats in leaves.items() for c in cats}
    return World(
        rng=rng,
        now=NOW,
        calendar=WorkCalendar(),
        leaves_by_level1=leaves,
        leaf_by_name={c.name: [c] for cats in leaves.values() for c in cats},
        leads={1: 101, 2: 102, 3: 103},
        limits={
            (1, "normal"): (4.0, 5),
            (1, "urgent"): (2.0, 2),
            (2, "normal"): (2.0, 3),
            (2, "urgent"): (1.0, 1),
            (3, "normal"): (0.0, 5),
            (3, "urgent"): (0.0, 5),
        },
        street_depts={STREET: 200},
        co_pool=[101, 102, 103],
        inspector_ids=[300],
        places=[(120.3 + i * 1e-4, 30.3, STREET, f"{i}幢附近") for i in range(count)],
        messages=cases_content.generated_messages(rng, 60, level1_of_leaf),
        replies=[],
        real_text=False,
    )


def test_the_same_seed_plans_the_same_cases_and_another_seed_others() -> None:
    first, again, other = (plan_cases(_world(seed, 150), 150) for seed in (7, 7, 8))

    assert first == again
    assert first != other


def test_every_plan_is_a_possible_history_that_is_done_by_now() -> None:
    plans = plan_cases(_world(11, 300), 300)

    assert len(plans) == 300
    for plan in plans:
        assert NOW - timedelta(days=HISTORY_DAYS + 3) <= plan.at <= NOW
        status, at = Status.REGISTERED, plan.at
        for step in plan.steps:
            row = workflow.lookup(status, step.action)
            assert row is not None, f"{status}/{step.action}"
            assert at <= step.at <= NOW
            status, at = row.next_status, step.at
            assert step.status == status


def test_coverage_cases_stop_at_their_held_status_and_reach_the_end_otherwise() -> None:
    plans = plan_cases(_world(3, 200), 200)

    for fate, plan in zip(COVERAGE, plans, strict=False):
        final = plan.steps[-1].status if plan.steps else Status.REGISTERED
        if fate.hold is not None:
            assert final == fate.hold, fate
        elif fate.kind == "dispatch":
            assert final == Status.CALLBACK_DONE, fate


def test_cases_answered_at_intake_only_are_never_dispatched() -> None:
    plans = plan_cases(_world(5, 300), 300)

    dispatched = {p.fields["category_id"] for p in plans if any(s.action == "dispatch" for s in p.steps)}
    assert dispatched and PENSION.pk not in dispatched


def test_a_duplicate_goes_into_an_earlier_case_of_the_same_place_still_open_when_it_arrives() -> None:
    plans = plan_cases(_world(13, 400), 400)

    merged = [p for p in plans if p.merge_into is not None]
    assert merged
    for plan in merged:
        original = plans[plan.merge_into]
        arrived = plan.steps[0].at
        assert original.at < arrived <= original.at + timedelta(days=7)
        assert original.status_at(arrived) in OPEN_STATUSES
        assert (plan.fields["lng"], plan.fields["lat"]) == (original.fields["lng"], original.fields["lat"])
        assert plan.fields["category_id"] == original.fields["category_id"]


def test_fates_follow_the_seed_districts_shares() -> None:
    rng = random.Random(1)
    fates = [random_fate(rng) for _ in range(20000)]
    kinds = Counter(f.kind for f in fates)
    dispatched = [f for f in fates if f.kind == "dispatch"]

    assert kinds["answer"] / len(fates) == pytest.approx(cases_fates.CONSULTATION_SHARE, abs=0.015)
    assert kinds["merge"] / len(fates) == pytest.approx(cases_fates.MERGE_SHARE, abs=0.01)
    assert sum(f.co > 0 for f in dispatched) / len(dispatched) == pytest.approx(0.175, abs=0.02)
    satisfied = sum(f.callback != "dissatisfied" for f in dispatched) / len(dispatched)
    assert satisfied == pytest.approx(0.97, abs=0.01)


@pytest.mark.parametrize(
    ("fate", "hold", "expected"),
    [
        (Fate("dispatch", co=1), Status.RETURNED, {"returned": "accept_return", "co": 0}),
        (Fate("dispatch", returned="refuse_return"), Status.RETURNED, {"returned": "refuse_return"}),
        (Fate("dispatch"), Status.EXTENSION_REQUESTED, {"extension": "approve_extension"}),
        (
            Fate("dispatch", extension="refuse_extension"),
            Status.EXTENSION_REQUESTED,
            {"extension": "refuse_extension"},
        ),
        (Fate("dispatch"), Status.SUSPENSION_REQUESTED, {"suspension": True}),
        (Fate("dispatch"), Status.SUSPENDED, {"suspension": True}),
        (Fate("dispatch"), Status.IN_PROGRESS, {"returned": None, "extension": None, "suspension": False}),
    ],
)
def test_a_case_held_in_a_turn_takes_that_turn(fate: Fate, hold: str, expected: dict[str, object]) -> None:
    hold_in(fate, hold)

    assert fate.hold == hold
    assert {key: getattr(fate, key) for key in expected} == expected
