"""Candidates for a duplicate check: the jurisdiction's open and recently closed cases nearby.

Near in space is the H3 ring (resolution 9, cells about 175 m across, ring 1 ≈ 500 m: wider than
the scorer's 200 m) on `h3_r9`, which is indexed; near in time is the window below. A request
without a point is compared with the same category's and the same caller's recent cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import h3
from django.db.models import Q
from django.utils import timezone

from zhiguan.cases.models import Case, CaseReporter
from zhiguan.cases.status import OPEN_STATUSES
from zhiguan.org.permissions import Actor, restrict

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
    phones: dict[int, set[str]] = {}
    for case_id, number in CaseReporter.objects.filter(case_id__in=[r[0] for r in rows]).values_list(
        "case_id", "phone"
    ):
        if number:
            phones.setdefault(case_id, set()).add(number)
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
