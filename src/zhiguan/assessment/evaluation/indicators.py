"""The evaluation's indicators and scorecards as data: what each figure counts, and how it is scored.

Pure module (no database). An indicator is a ratio of two *measures* (sets of cases counted per
department and month by `measures.py`), a mean of one, or a plain count; each names its numerator,
denominator, exclusions and working-day rule once, here, so that the console shows the definition
beside the value and the drill-down lists exactly the cases behind both parts.

A scheme (考评方案) is a list of items `{indicator, weight, transform}` with grade limits and a minimum
sample; the district edits it in the console and each edit is a new version valid from a month.
The default is the scorecard of CJ/T 292 / GB/T 30428.4 as a deployed district uses it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RATE, MEAN, COUNT = "rate", "mean", "count"
HIGH, LOW = "high", "low"
LEAD, CO, DEPT = "lead", "co", "department"

# Common wording of the exclusions (one place, shown beside each rate).
_EXCLUDED = _(
    "Excluded: tasks cancelled by a justified return (counted against the dispatcher), cases suspended "
    "at the time of counting, cases merged as duplicates."
)
_ASSIGNED = _("Tasks assigned to the department in the month")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    kind: str  # rate, mean or count
    duty: str  # lead, co (co-handler duty) or department
    numerator: str  # measure code
    denominator: str | None
    numerator_text: str | Promise
    denominator_text: str | Promise | None
    better: str = HIGH
    exclusions: str | Promise = _EXCLUDED
    working_days: str | Promise = ""
    unit: str | Promise = "%"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": str(self.name),
            "kind": self.kind,
            "duty": self.duty,
            "numerator": str(self.numerator_text),
            "denominator": str(self.denominator_text) if self.denominator_text else None,
            "better": self.better,
            "exclusions": str(self.exclusions),
            "working_days": str(self.working_days),
            "unit": str(self.unit),
        }


_LATE_RULE = _(
    "Due times are the stage deadlines of the working-day calendar (holidays, make-up working days and "
    "office hours of the jurisdiction); time while a case is suspended does not count."
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "accept_on_time",
        _("On-time acceptance"),
        RATE,
        LEAD,
        "accepted_on_time",
        "assigned",
        _("Lead tasks accepted before the acceptance deadline"),
        _ASSIGNED,
        working_days=_LATE_RULE,
    ),
    Indicator(
        "feedback_on_time",
        _("On-time feedback"),
        RATE,
        LEAD,
        "replied_on_time",
        "feedback_owed",
        _("Lead tasks replied before the handling deadline"),
        _("Lead tasks of the month replied, or whose handling deadline has passed"),
        working_days=_LATE_RULE,
    ),
    Indicator(
        "handling_rate",
        _("Handling rate"),
        RATE,
        LEAD,
        "replied",
        "assigned",
        _("Lead tasks handled (replied)"),
        _("Lead tasks to be handled (assigned in the month)"),
    ),
    Indicator(
        "handled_on_time",
        _("On-time handling rate"),
        RATE,
        LEAD,
        "replied_on_time",
        "replied",
        _("Lead tasks replied before the handling deadline"),
        _("Lead tasks handled (replied)"),
        working_days=_LATE_RULE,
    ),
    Indicator(
        "closure_on_time",
        _("On-time closure"),
        RATE,
        LEAD,
        "closed_on_time",
        "closed",
        _("Closed cases that met every handling deadline"),
        _("Cases of the month closed"),
        working_days=_LATE_RULE,
    ),
    Indicator(
        "rework_rate",
        _("Rework rate"),
        RATE,
        LEAD,
        "reworked",
        "replied",
        _("Handled cases sent back after a failed verification"),
        _("Lead tasks handled (replied)"),
        LOW,
    ),
    Indicator(
        "reopen_rate",
        _("Reopen rate"),
        RATE,
        LEAD,
        "reopened",
        "closed",
        _("Closed cases reopened (重办)"),
        _("Cases of the month closed"),
        LOW,
    ),
    Indicator(
        "overdue_pending_rate",
        _("Overdue-pending rate"),
        RATE,
        LEAD,
        "overdue_pending",
        "assigned",
        _("Lead tasks not handled and past the handling deadline"),
        _ASSIGNED,
        LOW,
        working_days=_LATE_RULE,
    ),
    Indicator(
        "extension_rate",
        _("Extension rate"),
        RATE,
        LEAD,
        "extended",
        "assigned",
        _("Cases with an approved extension"),
        _ASSIGNED,
        LOW,
    ),
    Indicator(
        "satisfaction",
        _("Satisfaction"),
        RATE,
        LEAD,
        "satisfied",
        "rated",
        _("Callbacks satisfied or basically satisfied"),
        _("Cases of the month with a callback result"),
    ),
    Indicator(
        "handling_days",
        _("Average handling time"),
        MEAN,
        LEAD,
        "handling_days",
        None,
        _("Working days from dispatch to the department's reply, averaged over handled lead tasks"),
        None,
        LOW,
        working_days=_("Office time of the working-day calendar divided by a working day's office hours."),
        unit=_("working days"),
    ),
    Indicator(
        "co_accept_on_time",
        _("Co-handler on-time acceptance"),
        RATE,
        CO,
        "co_accepted_on_time",
        "co_assigned",
        _("Co-handler tasks accepted before the acceptance deadline"),
        _("Co-handler tasks assigned in the month"),
        working_days=_LATE_RULE,
    ),
    Indicator(
        "co_feedback_on_time",
        _("Co-handler on-time feedback"),
        RATE,
        CO,
        "co_replied_on_time",
        "co_feedback_owed",
        _("Co-handler tasks replied before the handling deadline"),
        _("Co-handler tasks replied, or whose handling deadline has passed"),
        working_days=_LATE_RULE,
    ),
    Indicator(
        "notices",
        _("Supervision notices received"),
        COUNT,
        DEPT,
        "notices",
        None,
        _("Supervision notices issued to the department in the month (the cases they name)"),
        None,
        LOW,
        exclusions="",
        unit=_("notice(s)"),
    ),
    Indicator(
        "notices_late",
        _("Supervision notices answered late"),
        COUNT,
        DEPT,
        "notices_late",
        None,
        _("Notices of the month answered after their answer date, or unanswered past it"),
        None,
        LOW,
        exclusions="",
        working_days=_LATE_RULE,
        unit=_("notice(s)"),
    ),
    Indicator(
        "unjustified_returns",
        _("Unjustified returns"),
        COUNT,
        DEPT,
        "unjustified_returns",
        None,
        _("Returns judged unjustified in the month (the case was the department's)"),
        None,
        LOW,
        exclusions="",
        unit=_("case(s)"),
    ),
    Indicator(
        "repeat_complaints",
        _("Repeat complaints"),
        COUNT,
        DEPT,
        "repeat_complaints",
        None,
        _("Requests of the month merged into one of the department's cases as a repeat of it"),
        None,
        LOW,
        exclusions="",
        unit=_("case(s)"),
    ),
)
BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}

# Score transforms of a scheme item: value in [0, 1] (rates) or a count / mean.
TRANSFORMS = ("rate", "complement", "penalty")

DEFAULT_GRADES: tuple[tuple[str, float], ...] = (("A", 90), ("B", 75), ("C", 60), ("D", 40), ("E", 0))
DEFAULT_MIN_SAMPLE = 5
# CJ/T 292 / GB/T 30428.4 as a deployed district scores its departments (weights sum to 100).
DEFAULT_ITEMS: tuple[dict[str, Any], ...] = (
    {"indicator": "handling_rate", "weight": 30, "transform": "rate"},
    {"indicator": "handled_on_time", "weight": 20, "transform": "rate"},
    {"indicator": "rework_rate", "weight": 20, "transform": "complement"},
    {"indicator": "overdue_pending_rate", "weight": 20, "transform": "complement"},
    {"indicator": "extension_rate", "weight": 10, "transform": "complement"},
)


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def item_points(item: Mapping[str, Any], value: float | None) -> float:
    """Points one scheme item gives a value.

    `rate`: weight × value; `complement`: weight × (1 − value); `penalty`: weight − `per` points per
    unit counted (never below 0). A rate with an empty denominator has nothing to fault and earns
    the full weight; the minimum sample keeps departments with too few cases out of the ranking.
    """
    weight = float(item["weight"])
    transform = item.get("transform", "rate")
    if value is None:
        return weight
    if transform == "rate":
        return weight * max(0.0, min(1.0, value))
    if transform == "complement":
        return weight * max(0.0, min(1.0, 1.0 - value))
    if transform == "penalty":
        return max(0.0, weight - float(item.get("per", 1)) * value)
    raise ValueError(f"unknown transform {transform!r}")


def grade(score: float, grades: Sequence[Sequence[Any]] = DEFAULT_GRADES) -> str:
    for letter, floor in sorted(grades, key=lambda g: -float(g[1])):
        if score >= float(floor):
            return str(letter)
    return str(grades[-1][0]) if grades else ""


def rank(rows: list[dict[str, Any]]) -> None:
    """Rank in place by score (ties share a rank: 1, 2, 2, 4); unranked rows (too few cases) get None."""
    ranked = sorted((r for r in rows if r["ranked"]), key=lambda r: -r["score"])
    previous: float | None = None
    position = 0
    for i, row in enumerate(ranked, start=1):
        if previous is None or round(row["score"], 2) != round(previous, 2):
            position = i
        row["rank"] = position
        previous = row["score"]
    for row in rows:
        if not row["ranked"]:
            row["rank"] = None
