"""The measures behind the indicators: for each department and month, the cases each one counts.

A handful of queries per month whatever the number of departments (tasks of the month with their
case's fields, the failed handling deadlines of those cases, notices, returns, merges), then plain
Python over a month's rows. The months are local (Asia/Shanghai) calendar months; a task belongs to
the month it was assigned in. Only reads: the evaluation never writes a case.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Q

from zhiguan.cases.models import Case, CaseDeadline, CaseReturn, CaseTask
from zhiguan.cases.models.work import OPEN_TASK_STATUSES, Stage, TaskRole, TaskStatus
from zhiguan.cases.status import Status
from zhiguan.supervision.models import SupervisionNotice
from zhiguan.workdays.queries import get_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
SATISFIED = ("satisfied", "basically_satisfied")
# Not counted in any denominator (the issue: suspended cases are excluded; merged ones are duplicates).
EXCLUDED_STATUSES = (Status.SUSPENDED, Status.MERGED)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    nxt = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=SHANGHAI)
    return start, nxt


@dataclass
class DepartmentMeasures:
    """Case ids per measure code; `handling_days` as (case id, working days) pairs."""

    sets: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    handling_days: list[tuple[int, float]] = field(default_factory=list)

    def count(self, code: str) -> int:
        return len(self.sets.get(code, ()))


def collect(*, jurisdiction_id: int, month: date, as_of: datetime) -> dict[int, DepartmentMeasures]:
    """Every department's measures for `month`, as the data stand at `as_of`."""
    start, end = month_bounds(month)
    out: dict[int, DepartmentMeasures] = defaultdict(DepartmentMeasures)
    tasks = (
        CaseTask.objects.filter(
            case__jurisdiction_id=jurisdiction_id, assigned_at__gte=start, assigned_at__lt=end
        )
        .exclude(status=TaskStatus.CANCELLED)
        .exclude(case__status__in=EXCLUDED_STATUSES)
        .values_list(
            "department_id",
            "role",
            "status",
            "case_id",
            "assigned_at",
            "handle_due",
            "accepted_at",
            "accept_late",
            "replied_at",
            "reply_late",
            "case__closed_at",
            "case__rework_count",
            "case__reopen_count",
            "case__extension_count",
            "case__callback_result",
        )
    )
    rows = list(tasks)
    lead_cases = {r[3] for r in rows if r[1] == TaskRole.LEAD}
    missed = set(
        CaseDeadline.objects.filter(
            case_id__in=CaseTask.objects.filter(
                case__jurisdiction_id=jurisdiction_id,
                role=TaskRole.LEAD,
                assigned_at__gte=start,
                assigned_at__lt=end,
            ).values("case_id"),
            stage=Stage.HANDLE,
            met=False,
        ).values_list("case_id", flat=True)
    )
    missed &= lead_cases
    calendar = get_calendar(jurisdiction_id)
    working_day = calendar.working_day
    for (
        dept,
        role,
        status,
        case_id,
        assigned_at,
        handle_due,
        accepted_at,
        accept_late,
        replied_at,
        reply_late,
        closed_at,
        rework,
        reopen,
        extension,
        callback,
    ) in rows:
        m = out[dept].sets
        # A reply after `as_of` is not known yet at `as_of` (a recomputation as of a past time).
        replied = replied_at is not None and replied_at <= as_of
        accepted = accepted_at is not None and accepted_at <= as_of
        owed = replied or (handle_due is not None and handle_due <= as_of)
        prefix = "" if role == TaskRole.LEAD else "co_"
        m[prefix + "assigned"].add(case_id)
        if accepted and not accept_late:
            m[prefix + "accepted_on_time"].add(case_id)
        if owed:
            m[prefix + "feedback_owed"].add(case_id)
        if replied and not reply_late:
            m[prefix + "replied_on_time"].add(case_id)
        if role != TaskRole.LEAD:
            continue
        if replied and replied_at is not None:
            m["replied"].add(case_id)
            if rework:
                m["reworked"].add(case_id)
            days = calendar.working_time_between(assigned_at, replied_at) / working_day
            out[dept].handling_days.append((case_id, round(max(days, 0.0), 2)))
        elif status in OPEN_TASK_STATUSES and handle_due is not None and handle_due < as_of:
            m["overdue_pending"].add(case_id)
        if closed_at is not None and closed_at <= as_of:
            m["closed"].add(case_id)
            if case_id not in missed:
                m["closed_on_time"].add(case_id)
            if reopen:
                m["reopened"].add(case_id)
        if extension:
            m["extended"].add(case_id)
        if callback:
            m["rated"].add(case_id)
            if callback in SATISFIED:
                m["satisfied"].add(case_id)

    notices = SupervisionNotice.objects.filter(
        jurisdiction_id=jurisdiction_id, issued_at__gte=start, issued_at__lt=end, issued_at__lte=as_of
    )
    late = Q(answered_late=True) | Q(answered_at__isnull=True, due_at__lt=as_of)
    for dept, case_id in notices.values_list("department_id", "cases__id"):
        if case_id is not None:
            out[dept].sets["notices"].add(case_id)
    for dept, case_id in notices.filter(late).values_list("department_id", "cases__id"):
        if case_id is not None:
            out[dept].sets["notices_late"].add(case_id)

    returns = CaseReturn.objects.filter(
        case__jurisdiction_id=jurisdiction_id,
        justified=False,
        judged_at__gte=start,
        judged_at__lt=end,
        judged_at__lte=as_of,
    )
    for dept, case_id in returns.values_list("department_id", "case_id"):
        out[dept].sets["unjustified_returns"].add(case_id)

    merged = Case.objects.filter(
        jurisdiction_id=jurisdiction_id,
        status=Status.MERGED,
        merged_into__lead_department__isnull=False,
        created_at__gte=start,
        created_at__lt=end,
    )
    for dept, case_id in merged.values_list("merged_into__lead_department_id", "id"):
        out[dept].sets["repeat_complaints"].add(case_id)
    return dict(out)
