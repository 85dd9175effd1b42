"""Two years of the demo district's closed requests, as if brought over from its previous system.

The last three months are worked case by case through the real services (`cases_run`); the time
before them is the district's history, the closed requests its old hotline system held. Trends,
month-on-month and year-on-year figures, weekly and monthly forecasts and the recurring-problem
maps need that history, and a district moving onto the platform brings it along, so the demo
brings it in the same way a migration would: `cases.services.import_history`.

The requests are drawn like the recent ones (the same texts, categories, places and channels, by
`cases_plan._new_plan`) at a rate that follows the district's week (quiet weekends and public
holidays, from the working-day calendar), its year (a summer peak of noise, drainage and heat
complaints) and a growth of about 12 % a year that ends at the recent months' rate.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from zhiguan.cases import services
from zhiguan.cases.history import HistoricalCase
from zhiguan.demo.cases_fates import Fate, weighted
from zhiguan.demo.cases_plan import (
    HISTORY_DAYS,
    LOCAL_LEVEL1,
    OFFICE_HOURS_PER_DAY,
    REST_DAY_WEIGHT,
    _new_plan,
)
from zhiguan.demo.cases_world import World, level1_of
from zhiguan.org.permissions import Actor

# Twenty-five months before the recent ones: with them, more than two full years of months, what a
# seasonal monthly forecast needs (docs/decisions/086), and a same month last year for every month.
PAST_DAYS = 760
GROWTH_PER_YEAR = 0.12
SOURCE = "旧12345系统"
CALLBACKS = (("satisfied", 0.9), ("basically_satisfied", 0.06), ("dissatisfied", 0.04))


def daily_rate(world: World, day: datetime, recent_rate: float) -> float:
    """Expected requests on `day`: a recent working day's rate, less the growth still to come, by
    week and season."""
    years_before = (world.now - day).days / 365.25
    growth = (1 + GROWTH_PER_YEAR) ** -years_before
    season = 1 + 0.12 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 200) / 365.25)
    local = timezone.localtime(day).date()
    week = 1.0 if world.calendar.is_working_day(local) else REST_DAY_WEIGHT
    return recent_rate * growth * season * week


def _poisson(world: World, lam: float) -> int:
    # Knuth's method: the rates here are small (tens a day).
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= world.rng.random()
        if p <= limit:
            return k
        k += 1


def _lead(world: World, plan: Any) -> int | None:
    """The department that dealt with it: the category's default lead, local matters often the street."""
    lead = world.leads.get(plan.category.pk)
    street = world.street_depts.get(plan.street)
    if street and level1_of(plan.category) in LOCAL_LEVEL1 and world.rng.random() < 0.35:
        return street
    return lead


def plan_history(world: World, *, recent: int) -> list[HistoricalCase]:
    """The closed requests of the `PAST_DAYS` before the recent window, for `recent` recent cases."""
    rng = world.rng
    start_recent = world.now - timedelta(days=HISTORY_DAYS)
    # a recent working day's rate: the recent window's requests over its days counted by weight
    recent_rate = recent / (HISTORY_DAYS * (5 + 2 * REST_DAY_WEIGHT) / 7)
    fate = Fate(kind="dispatch")
    records: list[HistoricalCase] = []
    day0 = timezone.localtime(start_recent).replace(hour=0, minute=0, second=0, microsecond=0)
    for back in range(PAST_DAYS, 0, -1):
        day = day0 - timedelta(days=back)
        for _ in range(_poisson(world, daily_rate(world, day, recent_rate))):
            # The centre works 7×24, but most calls come in the daytime.
            hour = rng.choice((8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17, 19, 20, 22))
            at = day + timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
            plan = _new_plan(world, fate, at, rng.choice(world.places))
            fields = plan.fields
            days = min(rng.lognormvariate(math.log(3.6), 0.6), 30)
            closed = world.office(at, days * OFFICE_HOURS_PER_DAY)
            if closed >= start_recent:
                closed = start_recent - timedelta(minutes=rng.randrange(30, 600))
            if closed <= at:
                closed = at + timedelta(hours=2)
            rated = fields["channel"] != "inspector" and rng.random() < 0.8
            records.append(
                HistoricalCase(
                    legacy_number=f"LS{timezone.localtime(at):%Y%m%d}{len(records):06d}",
                    request_type=fields["request_type"],
                    channel=fields["channel"],
                    category_id=fields["category_id"],
                    description=fields["description"],
                    registered_at=at,
                    closed_at=closed,
                    lng=fields.get("lng"),
                    lat=fields.get("lat"),
                    address=fields.get("address", ""),
                    lead_department_id=_lead(world, plan),
                    component_id=fields.get("component"),
                    callback_result=weighted(rng, CALLBACKS) if rated else "",
                )
            )
    return records


def import_demo_history(*, actor: Actor, world: World, recent: int) -> dict[str, Any]:
    """Plan and import the history; returns what `import_history` did and the time span."""
    records = plan_history(world, recent=recent)
    if not records:
        return {"imported": 0, "skipped": 0}
    out: dict[str, Any] = {"imported": 0, "skipped": 0}
    for i in range(0, len(records), 10_000):
        done = services.import_history(actor=actor, records=records[i : i + 10_000], source=SOURCE)
        out["imported"] += done["imported"]
        out["skipped"] += done["skipped"]
    first: datetime = records[0].registered_at
    out["since"] = f"{timezone.localtime(first):%Y-%m-%d}"
    return out
