"""Cases for the map's analyses: points, categories and places in a window, within the viewer's scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from zhiguan.cases.models import Case, CaseReporter
from zhiguan.org.permissions import Actor, restrict
from zhiguan.taxonomy.models import Category

MAX_DAYS = 366
MAX_HOT_ISSUE_CASES = 5000  # grouping compares every pair: bounded (decision 083)
MAX_CLUSTER_CASES = 20000  # DBSCAN on a ball tree: a window's points, not the whole history


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


def timed_points(qs: QuerySet[Case]) -> list[tuple[float, float, datetime]]:
    """(lat, lng, created_at) of the located cases, for the time slices of the emerging hot spots."""
    rows = qs.filter(lng__isnull=False, lat__isnull=False).values_list("lat", "lng", "created_at")
    return [(float(lat), float(lng), when) for lat, lng, when in rows if lat is not None and lng is not None]


def cluster_rows(qs: QuerySet[Case]) -> tuple[list[dict[str, Any]], bool]:
    """The located cases for DBSCAN (id, number, lat, lng, category name), newest first, bounded.

    The flag says whether the window held more than `MAX_CLUSTER_CASES` (only the newest are used).
    """
    rows = [
        dict(r)
        for r in qs.filter(lng__isnull=False, lat__isnull=False)
        .order_by("-created_at", "-pk")
        .values("id", "number", "lat", "lng", "category__name")[: MAX_CLUSTER_CASES + 1]
    ]
    return rows[:MAX_CLUSTER_CASES], len(rows) > MAX_CLUSTER_CASES


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
    """The newest cases of the window for grouping; `reporter` (the first reporter's phone) only
    tells distinct reporters apart and never leaves the service."""
    first_phone = CaseReporter.objects.filter(case=OuterRef("pk")).order_by("pk").values("phone")[:1]
    rows = (
        qs.annotate(reporter=Subquery(first_phone))
        .order_by("-created_at")
        .values("id", "number", "description", "created_at", "address", "street__name", "reporter")
    )
    return [dict(r) for r in rows[:MAX_HOT_ISSUE_CASES]]
