"""Reads of supervision, always through the data scope (`restrict`): notices, the board, escalations."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhiguan.cases.models import Case
from zhiguan.cases.queries import visible_cases
from zhiguan.cases.status import OPEN_STATUSES
from zhiguan.org.permissions import Actor, get_or_404, require, restrict
from zhiguan.supervision.models import CaseEscalation, SupervisionNotice
from zhiguan.supervision.schemas import NoticeFilter


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
    """One visible notice with its department and cases, or 404 (out of scope and absent look the same)."""
    qs = SupervisionNotice.objects.select_related("department").prefetch_related("cases")
    return get_or_404(actor, qs, "supervision.view", pk=notice_id)


def board(actor: Actor) -> list[dict[str, Any]]:
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


def escalations(actor: Actor, *, department_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Escalations of the cases the actor may see, newest first (the supervision board's third tab)."""
    require(actor, "supervision.view")
    visible = restrict(actor, Case.objects.all(), "case.view")
    qs = CaseEscalation.objects.filter(case__in=visible).select_related("case", "department", "leader")
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    return [
        {
            "case_number": e.case.number,
            "case_status": e.case.status,
            "stage": e.stage,
            "department_id": e.department_id,
            "department_name": e.department.name if e.department else None,
            "leader_name": str(e.leader) if e.leader else None,
            "due_at": e.due_at,
            "escalated_at": e.escalated_at,
        }
        for e in qs.order_by("-escalated_at", "-id")[: max(1, min(limit, 500))]
    ]
