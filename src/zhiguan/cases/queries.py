"""Reads of cases, always through the data scope (`restrict`): lists, filters, keyset pages, supervision."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zhiguan.cases.models import Case, CaseAttachment, CaseDeadline, CaseTask, SupervisionNotice
from zhiguan.cases.status import OPEN_STATUSES
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.org.permissions import Actor, get_or_404, require, restrict


@dataclass
class CaseFilter:
    status: list[str] | None = None
    warning_level: str | None = None
    department_id: int | None = None
    category_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None
    grid_id: int | None = None
    channel: str | None = None
    request_type: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    q: str | None = None


def visible_cases(actor: Actor, action: str = "case.view") -> QuerySet[Case]:
    return restrict(actor, Case.objects.all(), action)


def get_case(actor: Actor, number: str) -> Case:
    """One case by number, or 404 (out of scope and absent look the same)."""
    qs = Case.objects.select_related(
        "category", "lead_department", "street", "community", "grid", "routing_rule"
    )
    return get_or_404(actor, qs, "case.view", number=number)


def prefetch_detail(case: Case) -> Case:
    """Load the case's reporters, tasks (with departments) and deadlines in three queries, once.

    Relations already known in memory (a case just registered) are not read again.
    """
    known = getattr(case, "_prefetched_objects_cache", {})
    wanted = [
        name
        for name in (
            "reporters",
            Prefetch("tasks", CaseTask.objects.select_related("department")),
            "deadlines",
        )
        if (name if isinstance(name, str) else name.prefetch_to) not in known
    ]
    if wanted:
        prefetch_related_objects([case], *wanted)
    return case


def get_attachment(actor: Actor, attachment_id: int) -> CaseAttachment:
    """An attachment of a case the actor may see, or the actor's own pending upload; else 404."""
    require(actor, "case.view")
    attachment = CaseAttachment.objects.filter(
        pk=attachment_id, jurisdiction_id=actor.jurisdiction.pk
    ).first()
    if attachment is None:
        raise NotFound()
    if attachment.case_id is None:
        if actor.user is None or attachment.uploaded_by_id != actor.user.pk:
            raise NotFound()
        return attachment
    get_or_404(actor, Case.objects.all(), "case.view", pk=attachment.case_id)
    return attachment


def _category_subtree(category_id: int) -> list[int]:
    from zhiguan.taxonomy.models import Category

    ids, frontier = [category_id], [category_id]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def filtered(actor: Actor, f: CaseFilter, action: str = "case.view") -> QuerySet[Case]:
    """The visible cases matching the filter (a category matches its descendants too)."""
    qs = visible_cases(actor, action)
    if f.status:
        qs = qs.filter(status__in=f.status)
    for name in ("warning_level", "channel", "request_type", "street_id", "community_id", "grid_id"):
        if (value := getattr(f, name)) is not None:
            qs = qs.filter(**{name: value})
    if f.category_id is not None:
        qs = qs.filter(category_id__in=_category_subtree(f.category_id))
    if f.department_id is not None:
        tasks = CaseTask.objects.filter(case=OuterRef("pk"), department_id=f.department_id).exclude(
            status="cancelled"
        )
        qs = qs.filter(Q(lead_department_id=f.department_id) | Q(Exists(tasks)))
    tz = timezone.get_current_timezone()
    if f.created_from is not None:
        qs = qs.filter(created_at__gte=datetime.combine(f.created_from, time.min, tzinfo=tz))
    if f.created_to is not None:
        qs = qs.filter(created_at__lt=datetime.combine(f.created_to, time.min, tzinfo=tz) + timedelta(days=1))
    if f.q:
        qs = qs.filter(Q(description__icontains=f.q) | Q(number__icontains=f.q) | Q(address__icontains=f.q))
    return qs


def encode_cursor(case: Case) -> str:
    return base64.urlsafe_b64encode(f"{case.created_at.isoformat()}|{case.pk}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = parse_datetime(at)
        if moment is None:
            raise ValueError(at)
        return moment, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput(_("The cursor is not valid."), code="invalid_cursor", field="cursor") from exc


# Up to this many matching cases the list's total is exact; beyond it, an estimate (flagged).
EXACT_COUNT_LIMIT = 10_000


def count(qs: QuerySet[Case], *, limit: int = EXACT_COUNT_LIMIT) -> tuple[int, bool]:
    """(total, is_estimate): exact up to `limit` rows, else on PostgreSQL the planner's row estimate.

    Counting a million matching rows exactly costs a scan of them all on every page; nobody reads
    "1,000,000" differently from "about 1,000,000". The exact count stops after `limit + 1` rows
    (an index range, a few milliseconds); past it, PostgreSQL's EXPLAIN estimate (never below the
    limit) is returned and flagged. SQLite has no estimate: the count stays exact there.
    """
    qs = qs.order_by()
    if connection.vendor != "postgresql":
        return qs.count(), False
    capped = qs.values("pk")[: limit + 1].count()
    if capped <= limit:
        return capped, False
    plan = json.loads(qs.values("pk").explain(format="json"))
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    return max(estimate, limit + 1), True


def page(actor: Actor, f: CaseFilter, *, cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    """Newest first, keyset-paginated on (created_at, id), with the total count of the filtered list.

    The total is exact up to EXACT_COUNT_LIMIT and an estimate beyond (`count_is_estimate`).
    The order (-created_at, -id) is the trailing part of the (jurisdiction, <filter>, created_at,
    id) indexes, so a page is an index range scan, not a sort of the matching rows.
    """
    limit = max(1, min(limit, 200))
    qs = filtered(actor, f)
    total, estimate = count(qs)
    if cursor:
        at, pk = _decode_cursor(cursor)
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
    rows = list(
        qs.select_related("category", "lead_department", "street", "grid").order_by("-created_at", "-id")[
            : limit + 1
        ]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    attach_next_due(rows)
    return {
        "items": rows,
        "total": total,
        "count_is_estimate": estimate,
        "next_cursor": encode_cursor(rows[-1]) if more and rows else None,
    }


def attach_next_due(cases: list[Case]) -> None:
    """Set `next_due_at` on each case: the earliest running stage deadline (one query for the page),
    so that work lists sort by what is due first."""
    due: dict[int, datetime] = {}
    rows = CaseDeadline.objects.filter(case__in=cases, active=True, completed_at__isnull=True)
    for case_id, due_at in rows.values_list("case_id", "due_at"):
        if case_id not in due or due_at < due[case_id]:
            due[case_id] = due_at
    for case in cases:
        case.next_due_at = due.get(case.pk)  # type: ignore[attr-defined]


@dataclass
class NoticeFilter:
    department_id: int | None = None
    level: str | None = None
    open: bool | None = None
    overdue: bool | None = None
    case_number: str | None = None


def notices(actor: Actor, f: NoticeFilter) -> QuerySet[SupervisionNotice]:
    """Visible supervision notices, newest first. Open: not answered; overdue: not answered and past due."""
    now = timezone.now()
    qs = restrict(actor, SupervisionNotice.objects.all(), "supervision.view")
    if f.department_id is not None:
        qs = qs.filter(department_id=f.department_id)
    if f.level is not None:
        qs = qs.filter(level=f.level)
    if f.open is not None:
        qs = qs.filter(answered_at__isnull=f.open)
    if f.overdue is True:
        qs = qs.filter(answered_at__isnull=True, due_at__lt=now)
    elif f.overdue is False:
        qs = qs.exclude(answered_at__isnull=True, due_at__lt=now)
    if f.case_number:
        qs = qs.filter(cases__number=f.case_number)
    return qs.select_related("department").prefetch_related("cases").order_by("-issued_at", "-id")


def get_notice(actor: Actor, notice_id: int) -> SupervisionNotice:
    qs = SupervisionNotice.objects.select_related("department").prefetch_related("cases")
    return get_or_404(actor, qs, "supervision.view", pk=notice_id)


def supervision_board(actor: Actor) -> list[dict[str, Any]]:
    """Per lead department: open cases yellow and red, open and overdue notices (what the board shows)."""
    require(actor, "supervision.view")
    now = timezone.now()
    rows: dict[int, dict[str, Any]] = {}

    def row(dept_id: int, name: str) -> dict[str, Any]:
        return rows.setdefault(
            dept_id,
            {
                "department_id": dept_id,
                "department_name": name,
                "yellow": 0,
                "red": 0,
                "open_notices": 0,
                "overdue_notices": 0,
            },
        )

    cases = (
        visible_cases(actor)
        .filter(status__in=OPEN_STATUSES, warning_level__in=["yellow", "red"], lead_department__isnull=False)
        .values("lead_department_id", "lead_department__name", "warning_level")
        .annotate(n=Count("id"))
    )
    for c in cases:
        row(c["lead_department_id"], c["lead_department__name"])[c["warning_level"]] = c["n"]
    open_notices = (
        restrict(actor, SupervisionNotice.objects.all(), "supervision.view")
        .filter(answered_at__isnull=True)
        .values("department_id", "department__name")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_at__lt=now)))
    )
    for n in open_notices:
        r = row(n["department_id"], n["department__name"])
        r["open_notices"], r["overdue_notices"] = n["n"], n["late"]
    return sorted(
        rows.values(), key=lambda r: (-r["red"], -r["overdue_notices"], -r["yellow"], r["department_name"])
    )
