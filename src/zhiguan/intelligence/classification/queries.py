"""What the classifier learns from: the jurisdiction's closed cases, as (text, category, lead department)."""

from __future__ import annotations

from dataclasses import dataclass

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
