"""Candidates for a duplicate check: the jurisdiction's open and recently closed cases nearby.

Near in space is the H3 ring (resolution 9, cells about 175 m across, ring 1 ≈ 500 m: wider than
the scorer's 200 m) on `h3_r9`; near in time is the window below. Both are one range of the
index `case_dup_h3_created_idx` (h3_r9, created_at), made by this app's migration 0002
(docs/decisions/087: p95 of a check over 1,000,000 cases). A request
without a point is compared with the same category's and the same caller's recent cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import h3
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from zhiguan.cases import queries as case_queries
from zhiguan.cases.models import Case, CaseReporter
from zhiguan.cases.status import OPEN_STATUSES, Status
from zhiguan.intelligence.duplicates.models import AutoMerge, Outcome
from zhiguan.org.permissions import Actor, require, restrict

RESOLUTION = 9
RING = 1
WINDOW_DAYS = 60  # the scorer counts time against beyond its own 30-day window
MAX_CANDIDATES = 200


@dataclass
class Candidate:
    case_id: int
    number: str
    status: str
    description: str
    created_at: datetime
    lng: float | None
    lat: float | None
    category: str
    component_id: int | None
    phones: set[str]


def candidates(
    actor: Actor,
    *,
    lng: float | None,
    lat: float | None,
    category_id: int | None,
    phone: str = "",
    exclude_case_id: int | None = None,
) -> list[Candidate]:
    since = timezone.now() - timedelta(days=WINDOW_DAYS)
    qs = restrict(actor, Case.objects.all(), "case.view").filter(created_at__gte=since)
    qs = qs.filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=since) | Q(status="callback_done"))
    if lng is not None and lat is not None:
        cells = list(h3.grid_disk(h3.latlng_to_cell(lat, lng, RESOLUTION), RING))
        qs = qs.filter(h3_r9__in=cells)
    else:
        near = Q(category_id=category_id) if category_id else Q(pk__in=[])
        if phone:
            near |= Q(reporters__phone=phone)
        qs = qs.filter(near).distinct()
    if exclude_case_id is not None:
        qs = qs.exclude(pk=exclude_case_id)
    rows = list(
        qs.order_by("-created_at").values_list(
            "pk",
            "number",
            "status",
            "description",
            "created_at",
            "lng",
            "lat",
            "category__path_name",
            "component_id",
        )[:MAX_CANDIDATES]
    )
    # Only the same caller counts in the score (`scoring.score_pair`): without a phone to compare,
    # the reporters are not read at all; with one, only the candidates that have it.
    phones: dict[int, set[str]] = {}
    if phone and rows:
        for case_id in CaseReporter.objects.filter(case_id__in=[r[0] for r in rows], phone=phone).values_list(
            "case_id", flat=True
        ):
            phones.setdefault(case_id, set()).add(phone)
    return [
        Candidate(
            case_id=pk,
            number=number,
            status=status,
            description=text,
            created_at=created,
            lng=lng_,
            lat=lat_,
            category=path or "",
            component_id=component,
            phones=phones.get(pk, set()),
        )
        for pk, number, status, text, created, lng_, lat_, path, component in rows
    ]


# --------------------------------------------------------------------------- duplicates avoided


def _merged_in(actor: Actor, since: datetime, until: datetime) -> QuerySet[Case]:
    return restrict(actor, Case.objects.all(), "case.view").filter(
        created_at__gte=since, created_at__lt=until
    )


def avoided_count(actor: Actor, *, since: datetime, until: datetime) -> dict[str, Any]:
    """Duplicates avoided (docs/decisions/087): the requests registered in [since, until) that are
    merged into another case now, by a person or by the platform; a merge undone does not count
    (the request is no longer merged). With every request registered in the period, the share
    (None without requests), and how many of the merged were merged automatically."""
    qs = _merged_in(actor, since, until)
    counts = qs.aggregate(requests=Count("id"), merged=Count("id", filter=Q(status=Status.MERGED)))
    automatic = (
        AutoMerge.objects.filter(
            jurisdiction_id=actor.jurisdiction.pk, case__in=qs.filter(status=Status.MERGED)
        )
        .exclude(outcome=Outcome.UNDONE)
        .count()
    )
    requests, merged = counts["requests"] or 0, counts["merged"] or 0
    return {
        "merged": merged,
        "automatic": automatic,
        "manual": merged - automatic,
        "requests": requests,
        "share": round(merged / requests, 4) if requests else None,
    }


def avoided_series(
    actor: Actor, *, since: datetime, until: datetime, by: str = "day"
) -> list[dict[str, Any]]:
    """`avoided_count` per local day or month ('day' | 'month') of registration: periods with
    requests only, oldest first."""
    trunc = TruncMonth if by == "month" else TruncDate
    rows = (
        _merged_in(actor, since, until)
        .annotate(period=trunc("created_at", tzinfo=timezone.get_current_timezone()))
        .values("period")
        .annotate(requests=Count("id"), merged=Count("id", filter=Q(status=Status.MERGED)))
        .order_by("period")
    )
    out = []
    for r in rows:
        period = r["period"]
        day = period.date() if isinstance(period, datetime) else period
        out.append(
            {
                "period": day.isoformat()[:7] if by == "month" else day.isoformat(),
                "merged": r["merged"],
                "requests": r["requests"],
                "share": round(r["merged"] / r["requests"], 4) if r["requests"] else None,
            }
        )
    return out


# --------------------------------------------------------------------------- automatic merges


def auto_merges(actor: Actor, *, outcome: str = "", limit: int = 200) -> list[AutoMerge]:
    """The automatic merges for review, newest first (optionally of one outcome)."""
    require(actor, "case.view")
    qs = AutoMerge.objects.filter(jurisdiction_id=actor.jurisdiction.pk).select_related(
        "case", "target", "reviewed_by"
    )
    if outcome:
        qs = qs.filter(outcome=outcome)
    return list(qs.order_by("-created_at", "-id")[:limit])


def merged_reports(actor: Actor, *, number: str) -> tuple[Case, list[Case]]:
    """The case with this number and the requests merged into it (`cases.queries.merged_reports`)."""
    case = case_queries.get_case(actor, number)
    return case, case_queries.merged_reports(actor, case)
