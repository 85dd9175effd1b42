"""What happens to each demo request: answered at intake, rejected, merged or dispatched, and how.

Shares follow the seed district (PRODUCT.md): nearly half of the requests answered at intake,
about 10 % of the dispatched merged as duplicates, 17.5 % of dispatched cases co-handled,
satisfaction around 97 %, and 7 % of dispatched cases stuck at some status. `COVERAGE` adds one
case of every status and turn so that even a small demo shows them all. Pure: only the random
source given decides.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from zhiguan.cases.status import Status

CONSULTATION_SHARE = 0.40  # answered at intake (2,889 requests, 1,555 dispatched)
REJECT_SHARE = 0.03
MERGE_SHARE = 0.05  # about 10 % of the dispatched, as the seed district's avoided duplicates
CO_HANDLED_SHARE = 0.175
RETURN_SHARE, EXTENSION_SHARE, SUSPENSION_SHARE, REWORK_SHARE, STUCK_SHARE = 0.06, 0.06, 0.03, 0.04, 0.07
CALLBACKS = (("satisfied", 0.9), ("basically_satisfied", 0.07), ("dissatisfied", 0.03))


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
# Where a stuck case stops, with weights.
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


def weighted(rng: random.Random, pairs: tuple[tuple[Any, float], ...]) -> Any:
    """One of the pairs' values, drawn with the pairs' weights."""
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def coverage(count: int) -> list[Fate]:
    """The coverage fates a build of `count` cases starts with (a quarter of it at most, none below 20)."""
    if count < 20:
        return []
    return [Fate(**vars(f)) for f in COVERAGE[: min(len(COVERAGE), count // 4)]]


def random_fate(rng: random.Random) -> Fate:
    """A request's fate drawn with the seed district's shares."""
    r = rng.random()
    if r < CONSULTATION_SHARE:
        return Fate("answer")
    if r < CONSULTATION_SHARE + REJECT_SHARE:
        return Fate("reject")
    if r < CONSULTATION_SHARE + REJECT_SHARE + MERGE_SHARE:
        return Fate("merge")
    fate = Fate("dispatch", inspector=rng.random() < 0.25, street_lead=rng.random() < 0.25)
    if rng.random() < RETURN_SHARE:
        fate.returned = "accept_return" if rng.random() < 0.6 else "refuse_return"
    elif rng.random() < CO_HANDLED_SHARE / (1 - RETURN_SHARE):
        fate.co = 2 if rng.random() < 0.2 else 1
    if rng.random() < EXTENSION_SHARE:
        fate.extension = "approve_extension" if rng.random() < 0.8 else "refuse_extension"
    fate.suspension = rng.random() < SUSPENSION_SHARE
    fate.verify_fail = rng.random() < REWORK_SHARE
    fate.callback = weighted(rng, CALLBACKS)
    fate.reopen = fate.callback == "dissatisfied" and rng.random() < 0.6
    if rng.random() < STUCK_SHARE:
        hold_in(fate, weighted(rng, HOLDS))
    return fate


def hold_in(fate: Fate, hold: str) -> None:
    """Stop the fate at `hold`, giving it the turn that status needs (a case held in a turn takes it)."""
    fate.hold = hold
    if hold == Status.RETURNED and not fate.returned:
        fate.returned, fate.co = "accept_return", 0
    elif hold == Status.EXTENSION_REQUESTED:
        fate.extension = fate.extension or "approve_extension"
    elif hold in (Status.SUSPENSION_REQUESTED, Status.SUSPENDED):
        fate.suspension = True
