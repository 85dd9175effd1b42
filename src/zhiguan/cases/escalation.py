"""Automatic escalation: a red (overdue) accept or handle stage goes to the lead department's leader.

Once per stage: the escalation row is unique on the stage's deadline row, so a rework or reopen
(a new handling stage) may escalate again, but the same stage never twice. Run by the sweep;
several workers may run it at once: each case row is taken with SKIP LOCKED on PostgreSQL, the
"not yet escalated" check is repeated under the lock, and the unique constraint is the last word.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases.models import Case, CaseDeadline, CaseEscalation
from zhiguan.cases.models.work import Stage
from zhiguan.cases.services import append_event
from zhiguan.cases.workflow import OPEN_STATUSES
from zhiguan.org.permissions import Actor
from zhiguan.workdays.queries import get_calendar

ESCALATED_STAGES = (Stage.ACCEPT, Stage.HANDLE)


def delay() -> timedelta:
    """How long (office time) a stage stays red before it escalates: ZHIGUAN_CASE_ESCALATE_AFTER_HOURS."""
    return timedelta(hours=float(getattr(settings, "ZHIGUAN_CASE_ESCALATE_AFTER_HOURS", 0)))


def candidates(now: datetime) -> list[int]:
    """Ids of running (not paused) accept/handle deadlines of open cases, past due and not yet escalated."""
    escalated = CaseEscalation.objects.filter(deadline=OuterRef("pk"))
    return list(
        CaseDeadline.objects.filter(
            active=True,
            paused_at__isnull=True,
            due_at__lt=now,
            stage__in=ESCALATED_STAGES,
            case__status__in=OPEN_STATUSES,
        )
        .exclude(Exists(escalated))
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def escalate_overdue(*, now: datetime | None = None) -> int:
    """Escalate every stage red for at least `delay()` working time; returns how many were escalated."""
    now = now or timezone.now()
    wait = delay()
    return sum(_escalate_one(deadline_id, now, wait) for deadline_id in candidates(now))


def _lock_case(case_id: int) -> Case | None:
    qs = Case.objects.filter(pk=case_id)
    if connection.features.has_select_for_update_skip_locked:
        # Another worker (or a person acting on the case) holds it: leave it for the next sweep.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.select_related("jurisdiction", "lead_department__leader").first()


def _escalate_one(deadline_id: int, now: datetime, wait: timedelta) -> bool:
    try:
        with transaction.atomic():
            row = CaseDeadline.objects.filter(pk=deadline_id).values("case_id").first()
            if row is None:
                return False
            case = _lock_case(row["case_id"])
            if case is None or case.status not in OPEN_STATUSES:
                return False
            deadline = CaseDeadline.objects.get(pk=deadline_id)
            if not deadline.active or deadline.paused_at is not None or deadline.due_at >= now:
                return False
            if CaseEscalation.objects.filter(deadline=deadline).exists():
                return False
            if wait and get_calendar(case.jurisdiction_id).working_time_between(deadline.due_at, now) < wait:
                return False
            _escalate(case, deadline, now)
            return True
    except IntegrityError:
        # The unique constraint says another worker got there first.
        return False


def _escalate(case: Case, deadline: CaseDeadline, now: datetime) -> None:
    dept = case.lead_department
    leader = dept.leader if dept is not None else None
    escalation = CaseEscalation.objects.create(
        case=case,
        deadline=deadline,
        stage=deadline.stage,
        department=dept,
        leader=leader,
        due_at=deadline.due_at,
        escalated_at=now,
    )
    if leader is not None:
        note = _("Escalated to %(leader)s (%(dept)s): the %(stage)s deadline has passed.")
    else:
        note = _("Escalated to the leader of %(dept)s (none is set): the %(stage)s deadline has passed.")
    note = note % {"leader": leader, "dept": dept or "-", "stage": Stage(deadline.stage).label}
    payload = {
        "escalation_id": escalation.pk,
        "stage": deadline.stage,
        "department_id": dept.pk if dept is not None else None,
        "leader_id": leader.pk if leader is not None else None,
        "due_at": deadline.due_at,
    }
    system = Actor.system(case.jurisdiction)
    append_event(
        actor=system, case=case, action="escalate", from_status=case.status, note=note, payload=payload
    )
    audit.record(actor=system, action="case.escalated", target=case, after=payload, note=note[:255])
