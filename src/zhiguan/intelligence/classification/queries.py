"""What the classifier learns from: the jurisdiction's closed cases, as (text, category, lead department)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from zhiguan.cases.models import Case, CaseEvent
from zhiguan.cases.status import Status
from zhiguan.taxonomy.models import Category

# A case's final category is its label: an operator's correction at intake is what the case keeps.
LEARNED_STATUSES = (Status.CLOSED, Status.CALLBACK_DONE, Status.ANSWERED)
MAX_ROWS = 200_000  # the newest closed cases; older practice matters less


@dataclass
class TrainingRow:
    text: str
    category_id: int
    department_id: int | None


def training_rows(jurisdiction_id: int, *, limit: int = MAX_ROWS) -> list[TrainingRow]:
    rows = (
        Case.objects.filter(
            jurisdiction_id=jurisdiction_id, status__in=LEARNED_STATUSES, category__isnull=False
        )
        .order_by("-created_at")
        .values_list("description", "category_id", "lead_department_id")[:limit]
    )
    return [TrainingRow(text, category, dept) for text, category, dept in rows if text]


def category_parents(jurisdiction_id: int) -> dict[int, int | None]:
    """Each category's parent: a category with too few cases is learnt as its parent."""
    return dict(Category.objects.filter(jurisdiction_id=jurisdiction_id).values_list("id", "parent_id"))


def corrections_since(jurisdiction_id: int, since: object) -> int:
    """Corrections recorded since a moment (shown beside a version: what the next training adds)."""
    qs = CaseEvent.objects.filter(case__jurisdiction_id=jurisdiction_id, action="classification_corrected")
    if since is not None:
        qs = qs.filter(at__gt=since)
    return qs.count()


def online_performance(jurisdiction_id: int, *, since: object) -> list[dict[str, Any]]:
    """How the classifier did on the cases it saw, by month and model version (newest first).

    A suggestion is judged twice: against the category the case was registered with (did the
    operator take it?) and against the category the case has now (after any re-filing by the
    dispatcher: the better truth). `confident` suggestions are those that reached the threshold,
    the ones the console fills in by itself; their accuracy is what the threshold promises.
    """
    events = (
        CaseEvent.objects.filter(
            case__jurisdiction_id=jurisdiction_id,
            action__in=("classification_suggested", "classification_corrected"),
            at__gte=since,
        )
        .values_list("at", "action", "payload", "case__category_id")
        .order_by()
    )
    rows: dict[tuple[str, int | None], dict[str, Any]] = {}
    for at, action, payload, category_now in events.iterator(chunk_size=5000):
        month = f"{timezone.localtime(at):%Y-%m}"
        version = payload.get("model_version")
        row = rows.setdefault(
            (month, version),
            {
                "month": month,
                "version": version,
                "suggested": 0,
                "confident": 0,
                "agreed_at_intake": 0,
                "right_now": 0,
                "confident_right_now": 0,
                "corrected": 0,
            },
        )
        if action == "classification_corrected":
            row["corrected"] += 1
            continue
        best = (payload.get("categories") or [{}])[0].get("id")
        right = best is not None and best == category_now
        row["suggested"] += 1
        row["agreed_at_intake"] += bool(payload.get("agreed"))
        row["right_now"] += right
        if payload.get("confident"):
            row["confident"] += 1
            row["confident_right_now"] += right
    return sorted(rows.values(), key=lambda r: (r["month"], r["version"] or 0), reverse=True)
