"""Reads of cases, always through the data scope (`restrict`): lists, filters, keyset pages, counts, export."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zhiguan.cases import deadlines, routing
from zhiguan.cases.filters import CaseFilter
from zhiguan.cases.models import Case, CaseAttachment, CaseDeadline, CaseEvent, CaseTask, RoutingRule
from zhiguan.cases.models.case import Urgency
from zhiguan.cases.models.work import TaskStatus
from zhiguan.cases.registration import remember_related
from zhiguan.cases.routing import Route
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.org.models import DataScope
from zhiguan.org.permissions import Actor, get_or_404, require, restrict
from zhiguan.workdays.calendar import Deadline


def visible_cases(actor: Actor, action: str = "case.view") -> QuerySet[Case]:
    return restrict(actor, Case.objects.all(), action)


def get_case(actor: Actor, number: str) -> Case:
    """One case by number, or 404 (out of scope and absent look the same)."""
    qs = Case.objects.select_related(
        "category", "lead_department", "street", "community", "grid", "routing_rule"
    ).select_related("component__category", "component__owner")
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


def timeline(case: Case) -> QuerySet[CaseEvent]:
    """The case's events in order, with their attachments (the case was read through the scope)."""
    return case.events.prefetch_related("attachments").order_by("seq")


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
    if f.reported_by_me:
        qs = qs.filter(reported_by_id=actor.user.pk) if actor.user is not None else qs.none()
    if f.verifier_is_me:
        qs = qs.filter(verifier_id=actor.user.pk) if actor.user is not None else qs.none()
    if f.category_id is not None:
        qs = qs.filter(category_id__in=_category_subtree(f.category_id))
    if f.department_id is not None:
        tasks = CaseTask.objects.filter(case=OuterRef("pk"), department_id=f.department_id).exclude(
            status=TaskStatus.CANCELLED
        )
        qs = qs.filter(Q(lead_department_id=f.department_id) | Q(Exists(tasks)))
    tz = timezone.get_current_timezone()
    if f.created_from is not None:
        qs = qs.filter(created_at__gte=datetime.combine(f.created_from, time.min, tzinfo=tz))
    if f.created_to is not None:
        qs = qs.filter(created_at__lt=datetime.combine(f.created_to, time.min, tzinfo=tz) + timedelta(days=1))
    if f.q:
        qs = qs.filter(Q(description__icontains=f.q) | Q(number__icontains=f.q) | Q(address__icontains=f.q))
    if f.component is not None:
        qs = qs.filter(component_id=f.component)
    if f.component_code:
        qs = qs.filter(component__code=f.component_code.strip().upper())
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


# -- counts for maps and boards ---------------------------------------------------------------------

# Every breakdown counts the cases, and those yellow and red among them.
COUNTS = {
    "count": Count("id"),
    "yellow": Count("id", filter=Q(warning_level="yellow")),
    "red": Count("id", filter=Q(warning_level="red")),
}
AREA_FIELDS = ("grid_id", "street_id", "community_id")


def counts_by_area(actor: Actor, f: CaseFilter, field: str) -> list[dict[str, Any]]:
    """Cases per grid, street or community (most first), with their yellow and red shares."""
    from zhiguan.geo.models import Area

    if field not in AREA_FIELDS:
        raise ValueError(field)
    qs = filtered(actor, f).exclude(**{f"{field}__isnull": True})
    rows = list(qs.values(field).annotate(**COUNTS).order_by())
    names = Area.objects.in_bulk([r[field] for r in rows])
    return sorted(
        (
            {"area_id": r[field], "code": names[r[field]].code, "name": names[r[field]].name, **r}
            for r in rows
            if r[field] in names
        ),
        key=lambda r: (-r["count"], r["code"]),
    )


def counts_by_status(actor: Actor, f: CaseFilter) -> list[dict[str, Any]]:
    rows = filtered(actor, f).values("status").annotate(count=Count("id")).order_by("status")
    return [{"status": r["status"], "count": r["count"]} for r in rows]


def counts_by_category(actor: Actor, f: CaseFilter, *, level: int) -> list[dict[str, Any]]:
    """Cases per category rolled up to `level` (a case filed on a coarser category counts at that one)."""
    from zhiguan.taxonomy.models import Category

    rows: Any = filtered(actor, f).values("category_id").annotate(**COUNTS)
    tree = {
        c["id"]: c
        for c in Category.objects.filter(jurisdiction_id=actor.jurisdiction.pk).values(
            "id", "parent_id", "level", "name"
        )
    }
    totals: dict[int, dict[str, Any]] = {}
    for row in rows.order_by():
        node = tree.get(row["category_id"])
        while node is not None and node["level"] > level and node["parent_id"] in tree:
            node = tree[node["parent_id"]]
        if node is None:
            continue
        total = totals.setdefault(
            node["id"], {"category_id": node["id"], "name": node["name"], "count": 0, "yellow": 0, "red": 0}
        )
        for key in ("count", "yellow", "red"):
            total[key] += row[key]
    return sorted(totals.values(), key=lambda t: (-t["count"], t["name"]))


# -- export -----------------------------------------------------------------------------------------

EXPORT_MAX_ROWS = 50_000


def export_header() -> list[str]:
    return [
        _("Number"),
        _("Registered at"),
        _("Request type"),
        _("Channel"),
        _("Category"),
        _("Status"),
        _("Warning"),
        _("Urgency"),
        _("Lead department"),
        _("Street"),
        _("Grid"),
        _("Address"),
        _("Description"),
    ]


def export_rows(actor: Actor, f: CaseFilter) -> Iterator[list[Any]]:
    """The filtered list for export (`case.export` scope), newest first. No reporter data, ever."""
    qs = filtered(actor, f, "case.export").select_related("category", "lead_department", "street", "grid")
    case: Case
    for case in qs.order_by("-created_at", "-id")[:EXPORT_MAX_ROWS].iterator(chunk_size=1000):
        yield [
            case.number,
            timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M"),
            str(case.get_request_type_display()),
            str(case.get_channel_display()),
            str(case.category),
            str(case.get_status_display()),
            str(case.get_warning_level_display()),
            str(case.get_urgency_display()),
            case.lead_department.name if case.lead_department else "",
            case.street.name if case.street else "",
            case.grid.name if case.grid else "",
            case.address,
            case.description,
        ]


# -- what a registration answers, routing rules ------------------------------------------------------


def registered_view(actor: Actor, case: Case, *, created: bool) -> Case:
    """The case as its registering actor may see it: read back when their scope is narrower than the
    whole jurisdiction (an inspector sees only their own cases: 404 otherwise)."""
    if created and actor.can("case.view") and actor.scope_for("case.view") == DataScope.JURISDICTION:
        # Just registered and visible by scope: no tasks and no deadlines yet, nothing to read back.
        remember_related(case, tasks=[], deadlines=[])
        return case
    return get_case(actor, case.number)


def routing_rules(actor: Actor, *, include_history: bool = False) -> QuerySet[RoutingRule]:
    """The routing rules in the order they are tried (with their earlier versions when asked)."""
    qs = restrict(actor, RoutingRule.objects.all(), "routing.view")
    if not include_history:
        qs = qs.filter(current=True)
    return qs.order_by("position", "key", "version")


# -- what dispatching would do: the routing suggestion and the deadlines, nothing written -------------

# The dispatch queue asks for the suggestions of the rows it shows, at most this many at a time.
SUGGESTIONS_MAX = 100


def dispatch_suggestions(actor: Actor, numbers: list[str]) -> list[tuple[Case, Route]]:
    """Where the routing rules would send each of these visible cases now, and by which rule.

    Cases the actor may not see are absent. One query for the cases, then `routing.route` for
    each (its rules query, and the co-handlers of a matching rule that names some).
    """
    require(actor, "routing.view")
    if len(numbers) > SUGGESTIONS_MAX:
        raise InvalidInput(
            _("Ask for at most %(max)d cases at a time.") % {"max": SUGGESTIONS_MAX},
            code="too_many",
            field="number",
            max=SUGGESTIONS_MAX,
        )
    chain = "category" + "__parent" * 2
    qs = (
        visible_cases(actor)
        .filter(number__in=numbers)
        .select_related(
            chain,
            # The category's default lead department, at any of its three levels.
            *(f"category{'__parent' * depth}__default_lead_department" for depth in range(3)),
            # A rule may send a case to its component's owner (routing.component_owner).
            "component__owner",
        )
    )
    found = {c.number: c for c in qs}
    return [(found[n], routing.route(found[n])) for n in dict.fromkeys(numbers) if n in found]


@dataclass(frozen=True)
class DispatchPreview:
    """What dispatching the case now would decide: lead, rule, and the accept and handle deadlines."""

    case: Case
    route: Route
    accept: Deadline | None
    handle: Deadline


def dispatch_preview(
    actor: Actor,
    number: str,
    *,
    lead_department_id: int | None = None,
    urgency: str | None = None,
    now: datetime | None = None,
) -> DispatchPreview:
    """The deadlines a dispatch at `now` would set, to the lead department given (else the routing
    suggestion) at the urgency given (else the case's): computed by the calls the dispatch itself
    makes (`routing.decide_dispatch`, `deadlines.dispatch_deadlines`), so the two never differ.
    Nothing is written; the case is not locked.
    """
    require(actor, "routing.view")
    case = get_case(actor, number)
    if urgency is not None:
        if urgency not in Urgency.values:
            raise InvalidInput(
                _("Unknown urgency."), code="unknown_urgency", field="urgency", allowed=list(Urgency.values)
            )
        case.urgency = urgency
    decision = (
        routing.route(case)
        if lead_department_id is None
        else routing.decide_dispatch(actor=actor, case=case, lead_department_id=lead_department_id)
    )
    # As the dispatch effect does: a matching rule's profile, else the category's.
    case.deadline_profile = decision.profile
    accept, handle = deadlines.dispatch_deadlines(case, now=now or timezone.now())
    return DispatchPreview(case=case, route=decision, accept=accept, handle=handle)


# ------------------------------------------------------------------ cases about a city component


# A component with at least this many cases in the last RECURRING_DAYS days "recurs" (反复发生).
RECURRING_DAYS = 90
RECURRING_MIN_CASES = 3
COMPONENT_HISTORY_MAX = 500
RECURRING_MAX = 500


@dataclass(frozen=True)
class ComponentHistory:
    component: Any
    cases: list[Case]
    # Of the visible cases, how many in the last RECURRING_DAYS days, and whether that recurs.
    recent: int
    recurring: bool


def component_history(actor: Actor, component_id: int, *, now: datetime | None = None) -> ComponentHistory:
    """The visible cases about one component, newest first (at most COMPONENT_HISTORY_MAX), with
    whether its problem recurs. 404 for a component of another jurisdiction."""
    from zhiguan.components.models import Component

    require(actor, "registry.view")
    component = (
        Component.objects.filter(pk=component_id, jurisdiction_id=actor.jurisdiction.pk)
        .select_related("category", "owner")
        .first()
    )
    if component is None:
        raise NotFound()
    cases = list(
        visible_cases(actor)
        .filter(component_id=component.pk)
        .select_related("category", "lead_department")
        .order_by("-created_at", "-id")[:COMPONENT_HISTORY_MAX]
    )
    since = (now or timezone.now()) - timedelta(days=RECURRING_DAYS)
    recent = sum(1 for c in cases if c.created_at >= since)
    return ComponentHistory(component, cases, recent, recent >= RECURRING_MIN_CASES)


@dataclass(frozen=True)
class RecurringComponent:
    component: Any
    count: int
    open_count: int
    last_case: Case


def recurring_components(
    actor: Actor,
    *,
    days: int = RECURRING_DAYS,
    min_cases: int = RECURRING_MIN_CASES,
    now: datetime | None = None,
) -> list[RecurringComponent]:
    """Components with repeated problems: at least `min_cases` visible cases registered in the last
    `days` days; most cases first (at most RECURRING_MAX), each with its open count and last case."""
    from zhiguan.cases.status import OPEN_STATUSES
    from zhiguan.components.models import Component

    require(actor, "registry.view")
    if not 1 <= days <= 3660 or not 1 <= min_cases <= 10000:
        raise InvalidInput(
            _("Out of range."), code="out_of_range", field="days" if days < 1 or days > 3660 else "min_cases"
        )
    since = (now or timezone.now()) - timedelta(days=days)
    recent = visible_cases(actor).filter(component__isnull=False, created_at__gte=since)
    rows = list(
        recent.order_by()
        .values("component_id")
        .annotate(n=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)))
        .filter(n__gte=min_cases)
        .order_by("-n", "component_id")[:RECURRING_MAX]
    )
    if not rows:
        return []
    ids = [r["component_id"] for r in rows]
    components = Component.objects.select_related("category", "owner").in_bulk(ids)
    last: dict[int, Case] = {}
    for case in (
        recent.filter(component_id__in=ids)
        .order_by("component_id", "-created_at", "-id")
        .only("id", "number", "status", "created_at", "component_id", "category_id", "description")
    ):
        if case.component_id is not None:
            last.setdefault(case.component_id, case)
    return [
        RecurringComponent(components[r["component_id"]], r["n"], r["open"], last[r["component_id"]])
        for r in rows
        if r["component_id"] in components
    ]


def merged_reports(actor: Actor, case: Case) -> list[Case]:
    """The requests merged into this case (docs/decisions/087), oldest first, with their reporters
    and merge events: what the case page lists as 合并的诉求. Only those the actor may see."""
    qs = (
        visible_cases(actor)
        .filter(merged_into_id=case.pk, status="merged")
        .prefetch_related("reporters")
        .order_by("created_at", "id")
    )
    return list(qs[:500])
