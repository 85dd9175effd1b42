"""Supervision notices (督办单): issued by a supervisor to a department about cases, answered by a date.

Each issue and answer appends a timeline event on every case of the notice (through
`cases.services.annotate`) and one audit record, in one transaction; bad input raises before
anything is written. The sweep (`tasks.sweep`) flags notices whose answer date passed unanswered
(`flag_overdue_notices`). Reads live in `queries.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiguan.audit import services as audit
from zhiguan.cases import services as case_services
from zhiguan.cases.models import Case, CaseTask
from zhiguan.cases.models.work import TaskStatus
from zhiguan.cases.status import OPEN_STATUSES
from zhiguan.errors import Conflict, InvalidInput
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, get_or_404, require, restrict
from zhiguan.supervision.models import SupervisionLevel, SupervisionNotice
from zhiguan.workdays.services import deadline_for

MAX_CASES = 100
MAX_TEXT = 2000
MAX_WORKING_DAYS = 60
MAX_AHEAD = timedelta(days=366)


class AlreadyAnswered(Conflict):
    code = "already_answered"
    default_message = gettext_lazy("This supervision notice has already been answered.")


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(_("This field is required."), field=field)
    if len(value) > MAX_TEXT:
        raise InvalidInput(_("The text is too long."), field=field, max_length=MAX_TEXT)
    return value.strip()


def _due(jurisdiction_id: int, now: datetime, due_at: datetime | None, working_days: int | None) -> tuple:
    """(due moment, explanation): exactly one of a moment in the future or N working days from now."""
    if (due_at is None) == (working_days is None):
        raise InvalidInput(_("Give either the answer date or a number of working days."), field="due_at")
    if working_days is not None:
        if isinstance(working_days, bool) or not isinstance(working_days, int):
            raise InvalidInput(_("Give whole working days."), field="working_days")
        if not 1 <= working_days <= MAX_WORKING_DAYS:
            raise InvalidInput(
                _("Between 1 and %(max)d working days.") % {"max": MAX_WORKING_DAYS}, field="working_days"
            )
        deadline = deadline_for(jurisdiction_id=jurisdiction_id, start=now, working_days=working_days)
        return deadline.at, deadline.explanation
    assert due_at is not None
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    if due_at <= now or due_at > now + MAX_AHEAD:
        raise InvalidInput(
            _("The answer date must be in the future, within a year."), code="invalid_due", field="due_at"
        )
    return due_at, _("Answer date set by the issuer.")


def _department(actor: Actor, department_id: Any) -> Department | None:
    if isinstance(department_id, bool) or not isinstance(department_id, int):
        return None
    return Department.objects.filter(pk=department_id, jurisdiction_id=actor.jurisdiction.pk).first()


def _handling_department(actor: Actor, department_id: Any) -> Department:
    dept = _department(actor, department_id)
    if dept is None or not dept.can_lead:
        raise InvalidInput(_("Choose an active bureau or street office."), field="department_id")
    return dept


def _cases(actor: Actor, numbers: Any, dept: Department) -> list[Case]:
    if not isinstance(numbers, list) or not numbers or len(numbers) > MAX_CASES:
        raise InvalidInput(_("Name between 1 and %(max)d cases.") % {"max": MAX_CASES}, field="case_numbers")
    wanted = list(dict.fromkeys(str(n) for n in numbers))
    qs = restrict(actor, Case.objects.all(), "case.view").filter(number__in=wanted)
    # Lock the cases (in id order, so two notices never deadlock) while their timelines grow.
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(of=("self",))
    found = {c.number: c for c in qs.order_by("pk")}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise InvalidInput(_("Unknown case."), code="unknown_case", field="case_numbers", numbers=missing)
    closed = [n for n in wanted if found[n].status not in OPEN_STATUSES]
    if closed:
        raise InvalidInput(
            _("Only open cases are supervised."), code="case_not_open", field="case_numbers", numbers=closed
        )
    working = set(
        CaseTask.objects.filter(case__in=found.values(), department=dept)
        .exclude(status=TaskStatus.CANCELLED)
        .values_list("case__number", flat=True)
    )
    elsewhere = [n for n in wanted if n not in working]
    if elsewhere:
        raise InvalidInput(
            _("The department does not handle these cases."),
            code="not_handling_department",
            field="case_numbers",
            numbers=elsewhere,
        )
    return [found[n] for n in wanted]


@transaction.atomic
def issue_notice(
    *,
    actor: Actor,
    department_id: int,
    case_numbers: list[str],
    level: str,
    text: str,
    due_at: datetime | None = None,
    working_days: int | None = None,
) -> SupervisionNotice:
    """Issue a supervision notice to a department that handles (leads or co-handles) every named open case.

    The answer date is either a moment in the future (within a year) or N working days from now
    under the jurisdiction's calendar (explained). Appends a `supervise` event on each case and
    an audit record; on bad input raises 422 and writes nothing.
    """
    require(actor, "supervision.issue")
    if level not in SupervisionLevel.values:
        raise InvalidInput(_("Unknown value."), field="level", allowed=list(SupervisionLevel.values))
    body = _text(text, "text")
    now = timezone.now()
    due, explanation = _due(actor.jurisdiction.pk, now, due_at, working_days)
    dept = _handling_department(actor, department_id)
    cases = _cases(actor, case_numbers, dept)
    notice = SupervisionNotice.objects.create(
        jurisdiction=actor.jurisdiction,
        department=dept,
        level=level,
        text=body,
        issued_by=actor.user,
        issued_by_label=actor.label[:128],
        issued_at=now,
        due_at=due,
        due_explanation=explanation,
    )
    notice.cases.set(cases)
    payload = {"notice_id": notice.pk, "department_id": dept.pk, "level": level, "due_at": due}
    for case in cases:
        case_services.annotate(
            actor=actor,
            case_id=case.pk,
            action="supervise",
            role="supervisor" if "supervisor" in actor.role_codes else "",
            note=body,
            payload=payload,
        )
    audit.record(
        actor=actor,
        action="supervision.notice_issued",
        target=notice,
        after={**payload, "cases": [c.number for c in cases], "explanation": explanation},
    )
    return notice


@transaction.atomic
def answer_notice(*, actor: Actor, notice_id: int, text: str) -> SupervisionNotice:
    """The department's answer to a notice sent to it, once; late when after the answer date.

    404 for a notice of another department; 409 `already_answered` the second time. Appends a
    `supervision_answer` event on each case of the notice and an audit record.
    """
    require(actor, "supervision.answer")
    notice = get_or_404(
        actor, SupervisionNotice.objects.select_for_update(of=("self",)), "supervision.answer", pk=notice_id
    )
    body = _text(text, "text")
    if notice.answered_at is not None:
        raise AlreadyAnswered(answered_at=notice.answered_at)
    now = timezone.now()
    notice.answer, notice.answered_at, notice.answered_by = body, now, actor.user
    notice.answered_late = now > notice.due_at
    notice.save(update_fields=["answer", "answered_at", "answered_by", "answered_late"])
    payload = {"notice_id": notice.pk, "department_id": notice.department_id, "late": notice.answered_late}
    _event_on_cases(
        notice,
        actor=actor,
        action="supervision_answer",
        role="handler" if "handler" in actor.role_codes else "",
        note=body,
        payload=payload,
    )
    audit.record(actor=actor, action="supervision.notice_answered", target=notice, after=payload)
    return notice


def _event_on_cases(
    notice: SupervisionNotice, *, actor: Actor, action: str, role: str, note: str, payload: dict[str, Any]
) -> None:
    """The same timeline event on every case of the notice, each case row locked in id order."""
    cases = Case.objects.filter(supervision_notices=notice).order_by("pk")
    if connection.features.has_select_for_update:
        cases = cases.select_for_update(of=("self",))
    for case_id in cases.values_list("pk", flat=True):
        case_services.annotate(
            actor=actor, case_id=case_id, action=action, role=role, note=note, payload=payload
        )


def flag_overdue_notices(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Flag, once each, the notices whose answer date passed unanswered; returns how many were flagged.

    Each flag appends a `supervision_overdue` event on the notice's cases and an audit record. Safe
    on several workers (SKIP LOCKED on PostgreSQL; the `overdue_flagged_at` check inside the lock).
    """
    now = now or timezone.now()
    flagged = 0
    while True:
        with transaction.atomic():
            qs = SupervisionNotice.objects.filter(
                answered_at__isnull=True, overdue_flagged_at__isnull=True, due_at__lt=now
            ).order_by("pk")
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            rows = list(qs.select_related("jurisdiction", "department")[:batch_size])
            for notice in rows:
                _flag(notice, now)
        flagged += len(rows)
        if len(rows) < batch_size:
            return flagged


def _flag(notice: SupervisionNotice, now: datetime) -> None:
    notice.overdue_flagged_at = now
    notice.save(update_fields=["overdue_flagged_at"])
    system = Actor.system(notice.jurisdiction)
    payload = {"notice_id": notice.pk, "department_id": notice.department_id, "due_at": notice.due_at}
    _event_on_cases(
        notice,
        actor=system,
        action="supervision_overdue",
        role="",
        note=_("Supervision notice to %(dept)s not answered by the date.") % {"dept": notice.department},
        payload=payload,
    )
    audit.record(actor=system, action="supervision.notice_overdue", target=notice, after=payload)
