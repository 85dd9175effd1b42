"""Automatic escalation: a red (overdue) accept or handle stage goes to the lead department's leader.

Once per stage: the escalation row is unique on the stage's deadline row, so a rework or reopen
(a new handling stage) may escalate again, but the same stage never twice. Run by `tasks.sweep`;
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

from zhiguan.cases import services as case_services
from zhiguan.cases.models import Case, CaseDeadline
from zhiguan.cases.models.work import Stage
from zhiguan.cases.status import OPEN_STATUSES
from zhiguan.org.permissions import Actor
from zhiguan.supervision.models import CaseEscalation
from zhiguan.workdays.queries import get_calendar

ESCALATED_STAGES = (Stage.ACCEPT, Stage.HANDLE)


def delay() -> timedelta:
    """How long (office time) a stage stays red before it escalates: ZHIGUAN_CASE_ESCALATE_AFTER_HOURS,
    read at each call (a changed setting applies to the next sweep)."""
    return timedelta(hours=settings.ZHIGUAN_CASE_ESCALATE_AFTER_HOURS)


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


def escalate_overdue(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Escalate every stage red for at least `delay()` working time; returns how many were escalated.

    In batches of `batch_size` candidate stages, each batch one transaction with a fixed number
    of queries (lock the cases, re-check their stages, then one INSERT each for escalations,
    events and audit records). A batch the unique constraint refuses (another worker won a race
    the lock did not cover) is redone stage by stage, so the others still escalate.
    """
    now = now or timezone.now()
    wait = delay()
    ids = candidates(now)
    done = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        try:
            done += _escalate_batch(batch, now, wait)
        except IntegrityError:
            done += sum(_escalate_batch([deadline_id], now, wait, quiet=True) for deadline_id in batch)
    return done


def _escalate_batch(deadline_ids: list[int], now: datetime, wait: timedelta, *, quiet: bool = False) -> int:
    try:
        with transaction.atomic():
            case_ids = set(CaseDeadline.objects.filter(pk__in=deadline_ids).values_list("case_id", flat=True))
            qs = Case.objects.filter(pk__in=case_ids, status__in=OPEN_STATUSES)
            if connection.features.has_select_for_update_skip_locked:
                # Another worker (or a person acting on a case) holds it: leave it for the next sweep.
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            cases = {c.pk: c for c in qs.select_related("jurisdiction", "lead_department__leader")}
            if not cases:
                return 0
            # Checked again under the case locks: still running, not paused, past due, not escalated.
            stages = list(
                CaseDeadline.objects.filter(
                    pk__in=deadline_ids,
                    case_id__in=list(cases),
                    active=True,
                    paused_at__isnull=True,
                    due_at__lt=now,
                )
                .exclude(Exists(CaseEscalation.objects.filter(deadline=OuterRef("pk"))))
                .order_by("due_at", "pk")
            )
            if wait:
                stages = [
                    d
                    for d in stages
                    if get_calendar(cases[d.case_id].jurisdiction_id).working_time_between(d.due_at, now)
                    >= wait
                ]
            if stages:
                _escalate(cases, stages, now)
            return len(stages)
    except IntegrityError:
        if not quiet:
            raise
        # The unique constraint says another worker got there first.
        return 0


def _escalate(cases: dict[int, Case], stages: list[CaseDeadline], now: datetime) -> None:
    rows = []
    for d in stages:
        dept = cases[d.case_id].lead_department
        rows.append(
            CaseEscalation(
                case=cases[d.case_id],
                deadline=d,
                stage=d.stage,
                department=dept,
                leader=dept.leader if dept is not None else None,
                due_at=d.due_at,
                escalated_at=now,
            )
        )
    escalations = CaseEscalation.objects.bulk_create(rows)
    annotations = []
    for deadline, escalation in zip(stages, escalations, strict=True):
        case = cases[deadline.case_id]
        dept, leader = escalation.department, escalation.leader
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
        annotations.append(
            case_services.Annotation(
                actor=Actor.system(case.jurisdiction),
                case_id=case.pk,
                action="escalate",
                note=note,
                payload=payload,
            )
        )
    case_services.annotate_many(annotations)
