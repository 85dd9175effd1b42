"""Guards of the workflow table: each raises a domain error when its move is not allowed now.

A guard looks at who acts and at the case as it is (never at the payload: payloads are checked
by the effect of the action). `allowed_actions` calls the same guards, so the console shows
exactly the moves that would succeed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from zhiguan.cases.errors import GuardFailed, NotYourTask

if TYPE_CHECKING:
    from zhiguan.cases.models import Case
    from zhiguan.org.permissions import Actor

_DISPATCHING = {"dispatcher", "supervisor"}


def _dept_id(actor: Actor) -> int | None:
    return actor.department.pk if actor.department is not None else None


def is_consultation(actor: Actor, case: Case) -> None:
    if case.request_type != "consultation":
        raise GuardFailed(_("Only consultations are answered at intake."), code="not_a_consultation")


def is_lead(actor: Actor, case: Case) -> None:
    if case.lead_department_id is None or case.lead_department_id != _dept_id(actor):
        raise NotYourTask()


def is_lead_or_dispatching(actor: Actor, case: Case) -> None:
    if _DISPATCHING & set(actor.role_codes):
        return
    is_lead(actor, case)


def lead_has_replied(actor: Actor, case: Case) -> None:
    is_lead(actor, case)
    task = case.lead_task()
    if task is None or task.replied_at is None:
        raise GuardFailed(_("The lead department must reply before feeding back."), code="lead_reply_missing")


def _co_task(actor: Actor, case: Case, status: str) -> None:
    dept = _dept_id(actor)
    if not case.tasks.filter(role="co", department_id=dept, status=status).exists():
        raise NotYourTask()


def has_pending_co_task(actor: Actor, case: Case) -> None:
    _co_task(actor, case, "pending")


def has_accepted_co_task(actor: Actor, case: Case) -> None:
    _co_task(actor, case, "accepted")


def may_verify(actor: Actor, case: Case) -> None:
    # Dispatchers verify by camera; an inspector verifies on site only the cases assigned to them.
    if _DISPATCHING & set(actor.role_codes):
        return
    if actor.user is None or case.verifier_id != actor.user.pk:
        raise NotYourTask(_("This case is not assigned to you for verification."))


def citizen_dissatisfied(actor: Actor, case: Case) -> None:
    if case.callback_result != "dissatisfied":
        raise GuardFailed(
            _("Only a case the citizen is dissatisfied with can be reopened."), code="not_dissatisfied"
        )
