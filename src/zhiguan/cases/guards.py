"""Guards of the workflow table: each raises a domain error when its move is not allowed now.

A guard looks at who acts and at the case as it is (never at the payload: payloads are checked
by the effect of the action). `allowed_actions` calls the same guards, so the console shows
exactly the moves that would succeed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from zhiguan.cases.errors import GuardFailed, NotYourTask
from zhiguan.cases.models.case import CallbackResult, RequestType
from zhiguan.cases.models.work import TaskRole, TaskStatus
from zhiguan.cases.status import Role, Status

if TYPE_CHECKING:
    from zhiguan.cases.models import Case
    from zhiguan.org.permissions import Actor


def _dept_id(actor: Actor) -> int | None:
    return actor.department.pk if actor.department is not None else None


def is_consultation(actor: Actor, case: Case, role: str) -> None:
    if case.request_type != RequestType.CONSULTATION:
        raise GuardFailed(_("Only consultations are answered at intake."), code="not_a_consultation")


def is_lead(actor: Actor, case: Case, role: str) -> None:
    if case.lead_department_id is None or case.lead_department_id != _dept_id(actor):
        raise NotYourTask()


def lead_unless_dispatching(actor: Actor, case: Case, role: str) -> None:
    # A dispatcher resumes any suspended case; a handler only one their department leads.
    if role == Role.HANDLER:
        is_lead(actor, case, role)


def lead_has_replied(actor: Actor, case: Case, role: str) -> None:
    is_lead(actor, case, role)
    task = case.lead_task()
    if task is None or task.replied_at is None:
        raise GuardFailed(_("The lead department must reply before feeding back."), code="lead_reply_missing")


def _co_task(actor: Actor, case: Case, status: str) -> None:
    dept = _dept_id(actor)
    if dept is None or not case.tasks.filter(role=TaskRole.CO, department_id=dept, status=status).exists():
        raise NotYourTask()


def has_pending_co_task(actor: Actor, case: Case, role: str) -> None:
    _co_task(actor, case, TaskStatus.PENDING)


def has_accepted_co_task(actor: Actor, case: Case, role: str) -> None:
    _co_task(actor, case, TaskStatus.ACCEPTED)


def may_verify(actor: Actor, case: Case, role: str) -> None:
    # Dispatchers verify by camera; an inspector verifies on site only the cases assigned to them.
    if role != Role.INSPECTOR:
        return
    if actor.user is None or case.verifier_id != actor.user.pk:
        raise NotYourTask(_("This case is not assigned to you for verification."))


def citizen_dissatisfied(actor: Actor, case: Case, role: str) -> None:
    if case.callback_result != CallbackResult.DISSATISFIED:
        raise GuardFailed(
            _("Only a case the citizen is dissatisfied with can be reopened."), code="not_dissatisfied"
        )
    # Reopening sends the case back to its lead department; a consultation answered at intake
    # never had one (docs/decisions/085): the caller's new question is a new request.
    if not case.tasks.filter(role=TaskRole.LEAD).exists():
        raise GuardFailed(
            _("A consultation answered at intake is not reopened: register the new question."),
            code="answered_at_intake",
        )


def merge_target_exists(actor: Actor, case: Case, role: str) -> None:
    # A merge is undone only while the case it joined is still there to be told (docs/decisions/087).
    if case.merged_into_id is None or not type(case).objects.filter(pk=case.merged_into_id).exists():
        raise GuardFailed(
            _("The case this request was merged into no longer exists."), code="merge_target_missing"
        )


def target_closed(actor: Actor, case: Case, role: str) -> None:
    # A merged request is rated once, after the case it joined is closed (docs/decisions/087).
    target = (
        type(case).objects.filter(pk=case.merged_into_id).values_list("status", flat=True).first()
        if case.merged_into_id is not None
        else None
    )
    if target not in (Status.CLOSED, Status.CALLBACK_DONE):
        raise GuardFailed(
            _("A merged request is rated once the case it joined is closed."), code="target_not_closed"
        )
    if case.callback_result:
        raise GuardFailed(_("This case has already been rated."), code="already_rated")
