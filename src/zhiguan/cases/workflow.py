"""The case workflow as one table: (status, action) → allowed roles, guard, next status.

Nothing else decides whether a move is allowed. `services.perform` looks a move up here: a pair
that is not in the table is refused with 409 `invalid_transition`, a role that is not listed with
403 `forbidden`, and a guard that fails raises its own domain error. The steps follow GB/T 30428
as 12345 hotlines run them: register, dispatch (交办), accept (签收) or return (退回), handle,
feedback (办结反馈), verify (核查), close (结案), callback (回访), reopen (重办).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhiguan.cases import guards
from zhiguan.cases.status import DISPATCHING, OPEN_STATUSES, WORKING_STATUSES, Role, Status

if TYPE_CHECKING:
    from zhiguan.cases.models import Case
    from zhiguan.org.permissions import Actor


S = Status
OPERATOR, DISPATCHER, SUPERVISOR = Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR
HANDLER, INSPECTOR, CITIZEN = Role.HANDLER, Role.INSPECTOR, Role.CITIZEN

# Timeline events that record something about a case without moving it (`services.annotate`),
# each with the name of its audit record (`case.<name>`): never in the table, never a status
# change. Other apps add theirs here by name, not by import.
ANNOTATIONS: dict[str, str] = {
    "escalate": "escalated",
    "supervise": "supervised",
    "supervision_answer": "supervision_answered",
    "supervision_overdue": "supervision_overdue",
    # A citizen on the public map says "我也遇到了这个问题" instead of reporting it again (intake.nearby).
    "me_too": "me_too_added",
    # A case entering verification is given to its grid's inspector on duty (`services.perform`).
    "auto_assign_inspector": "inspector_assigned_by_grid",
    # The city component the case is about was named, changed or cleared (`services.set_component`).
    "component_change": "component_changed",
    # A dispatcher saw the problem on a camera and dispatched at once (`cases.video.video_confirm`).
    "video_confirm": "video_confirmed",
    # Intake channels (docs/decisions/079): the call a case was registered from; a sensor alarm cleared.
    "call_link": "call_linked",
    "alarm_clear": "alarm_cleared",
    # A consultation answered at intake with a knowledge article (docs/decisions/078).
    "knowledge_answer": "answered_with_article",
    # A citizen's update to a request, posted by an Open311 client (docs/decisions/075).
    "citizen_update": "citizen_update_added",
    # A WeChat photo fetched after its case was registered (docs/decisions/085).
    "wechat_photo": "wechat_photo_added",
    # The classifier's suggestion for a registered case, and a confident one the case does not follow
    # (intelligence.classification; the next training learns the case's category).
    "classification_suggested": "classification_suggested",
    "classification_corrected": "classification_corrected",
    # Merging (docs/decisions/087): the case a request was merged into is told on its own timeline,
    # and again when a supervisor undoes the merge.
    "merge_received": "merge_received",
    "merge_undone": "merge_undone",
}

# A guard is told which of the row's roles the actor acts in (the table decides that, not the guard).
Guard = Callable[["Actor", "Case", str], None]


@dataclass(frozen=True)
class Transition:
    status: str
    action: str
    roles: tuple[str, ...]
    next_status: str
    guard: Guard | None = None
    # Other statuses the action's effect may name instead of `next_status` (`effects.Outcome.status`):
    # only unmerge, which returns a request merged before dispatch to where it was (decision 087).
    or_status: tuple[str, ...] = ()

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return (self.next_status, *self.or_status)


def _rows() -> list[Transition]:
    t = Transition
    rows = [
        t(S.REGISTERED, "answer", (OPERATOR,), S.ANSWERED, guards.is_consultation),
        t(S.REGISTERED, "reject", (OPERATOR, *DISPATCHING), S.REJECTED),
        t(S.REGISTERED, "submit", (OPERATOR, *DISPATCHING, INSPECTOR), S.TO_DISPATCH),
        t(S.TO_DISPATCH, "dispatch", DISPATCHING, S.DISPATCHED),
        t(S.TO_DISPATCH, "reject", DISPATCHING, S.REJECTED),
        t(S.DISPATCHED, "accept", (HANDLER,), S.IN_PROGRESS, guards.is_lead),
        t(S.DISPATCHED, "return", (HANDLER,), S.RETURNED, guards.is_lead),
        t(S.RETURNED, "accept_return", DISPATCHING, S.TO_DISPATCH),
        t(S.RETURNED, "refuse_return", DISPATCHING, S.DISPATCHED),
        t(S.IN_PROGRESS, "reply", (HANDLER,), S.IN_PROGRESS, guards.is_lead),
        t(S.IN_PROGRESS, "request_extension", (HANDLER,), S.EXTENSION_REQUESTED, guards.is_lead),
        t(S.EXTENSION_REQUESTED, "approve_extension", DISPATCHING, S.IN_PROGRESS),
        t(S.EXTENSION_REQUESTED, "refuse_extension", DISPATCHING, S.IN_PROGRESS),
        t(S.IN_PROGRESS, "request_suspension", (HANDLER,), S.SUSPENSION_REQUESTED, guards.is_lead),
        t(S.SUSPENSION_REQUESTED, "approve_suspension", DISPATCHING, S.SUSPENDED),
        t(S.SUSPENSION_REQUESTED, "refuse_suspension", DISPATCHING, S.IN_PROGRESS),
        t(S.SUSPENDED, "resume", (*DISPATCHING, HANDLER), S.IN_PROGRESS, guards.lead_unless_dispatching),
        t(S.IN_PROGRESS, "feed_back", (HANDLER,), S.TO_VERIFY, guards.lead_has_replied),
        t(S.TO_VERIFY, "assign_inspector", DISPATCHING, S.TO_VERIFY),
        t(S.TO_VERIFY, "verify_pass", (INSPECTOR, *DISPATCHING), S.VERIFIED, guards.may_verify),
        t(S.TO_VERIFY, "verify_fail", (INSPECTOR, *DISPATCHING), S.IN_PROGRESS, guards.may_verify),
        t(S.VERIFIED, "close", DISPATCHING, S.CLOSED),
        t(S.CLOSED, "callback", (OPERATOR, DISPATCHER, CITIZEN), S.CALLBACK_DONE),
        # A consultation answered at intake is rated like a closed case (docs/decisions/085).
        t(S.ANSWERED, "callback", (OPERATOR, DISPATCHER, CITIZEN), S.CALLBACK_DONE),
        t(S.CALLBACK_DONE, "reopen", (SUPERVISOR,), S.IN_PROGRESS, guards.citizen_dissatisfied),
    ]
    # Co-handlers may still accept and reply after the lead fed back: the case closes only once
    # they have (effects._refuse_open_co_tasks, docs/decisions/064).
    for status in (*WORKING_STATUSES, S.TO_VERIFY, S.VERIFIED):
        rows.append(t(status, "accept_co", (HANDLER,), status, guards.has_pending_co_task))
        rows.append(t(status, "reply_co", (HANDLER,), status, guards.has_accepted_co_task))
    for status in sorted(OPEN_STATUSES):
        rows.append(t(status, "merge", (OPERATOR, *DISPATCHING), S.MERGED))
    # A supervisor undoes a merge (docs/decisions/087): the request goes back to the status it had
    # before the merge when that was before dispatch, else to dispatch (its tasks were cancelled);
    # the effect names the status (`Outcome.status`) among the row's `next_statuses`.
    rows.append(
        t(S.MERGED, "unmerge", (SUPERVISOR,), S.TO_DISPATCH, guards.merge_target_exists, (S.REGISTERED,))
    )
    # The reporter of a merged request rates the case it joined once that is closed: the rating is
    # recorded on the merged request, which stays merged (satisfaction counts every reporter).
    rows.append(t(S.MERGED, "callback", (OPERATOR, DISPATCHER, CITIZEN), S.MERGED, guards.target_closed))
    return rows


TABLE: dict[tuple[str, str], Transition] = {}
for _row in _rows():
    if (_row.status, _row.action) in TABLE:
        raise RuntimeError(f"duplicate workflow row {_row.status}/{_row.action}")
    TABLE[(_row.status, _row.action)] = _row

ACTIONS: tuple[str, ...] = tuple(sorted({a for _, a in TABLE}))


def lookup(status: str, action: str) -> Transition | None:
    return TABLE.get((status, action))


def transitions_from(status: str) -> list[Transition]:
    return [row for (s, _), row in TABLE.items() if s == status]
