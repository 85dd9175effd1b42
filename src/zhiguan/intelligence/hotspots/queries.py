"""Cases for the map's analyses: points, categories and places in a window, within the viewer's scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhiguan.cases.models import Case
from zhiguan.org.permissions import Actor, restrict
from zhiguan.taxonomy.models import Category

MAX_DAYS = 366
MAX_HOT_ISSUE_CASES = 5000  # grouping compares every pair: bounded (decision 083)


def _subtree(category_id: int) -> list[int]:
    ids, frontier = [category_id], [category_id]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def window(
    actor: Actor, *, days: int, category_id: int | None = None, end: datetime | None = None
) -> QuerySet[Case]:
    until = end or timezone.now()
    qs = restrict(actor, Case.objects.all(), "case.view").filter(
        created_at__gte=until - timedelta(days=days), created_at__lte=until
    )
    if category_id:
        qs = qs.filter(category_id__in=_subtree(category_id))
    return qs


def points(qs: QuerySet[Case]) -> list[tuple[float, float]]:
    rows = qs.filter(lng__isnull=False, lat__isnull=False).values_list("lat", "lng")
    return [(float(lat), float(lng)) for lat, lng in rows if lat is not None and lng is not None]


def recurring_records(qs: QuerySet[Case]) -> list[tuple[str, str, datetime, str]]:
    """(place key, category, time, number): the place is the component, else the grid."""
    rows: list[tuple[str, str, datetime, str]] = []
    for number, when, category, component, grid in qs.values_list(
        "number", "created_at", "category__path_name", "component__code", "grid__name"
    ):
        key = f"部件 {component}" if component else (f"网格 {grid}" if grid else "")
        if key:
            rows.append((key, category or "", when, number))
    return rows


def hot_issue_rows(qs: QuerySet[Case]) -> list[dict[str, Any]]:
    rows = qs.order_by("-created_at").values("number", "description", "created_at", "address", "street__name")
    return [dict(r) for r in rows[:MAX_HOT_ISSUE_CASES]]
