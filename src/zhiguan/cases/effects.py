"""What each workflow action does to a case once the table has allowed it.

The payload has been checked against the action's contract (`contracts.INPUTS`) by `parse`; an
effect checks only what needs the database (422 invalid_input, changing nothing: `perform` runs it
in its transaction), changes the case and its tasks and deadlines, and returns the note, payload
and attachments of the timeline event. Status itself is set by `perform` from the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from pydantic import ValidationError

from zhiguan.cases import contracts, deadlines, routing, workflow
from zhiguan.cases.contracts import ActionIn
from zhiguan.cases.errors import GuardFailed
from zhiguan.cases.models import Case, CaseExtension, CaseReturn, CaseSuspension, CaseTask
from zhiguan.cases.models.work import OPEN_TASK_STATUSES, Stage, TaskRole, TaskStatus
from zhiguan.cases.status import OPEN_STATUSES, Role, Status
from zhiguan.errors import InvalidInput
from zhiguan.geo.crs import haversine_m, to_wgs84
from zhiguan.org.permissions import Actor, restrict
from zhiguan.validation import invalid_input


@dataclass
class Outcome:
    note: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    attachment_ids: list[int] = field(default_factory=list)
    # The status the case moves to when the effect decides it (unmerge); None: the table's.
    status: str | None = None


@dataclass
class Ctx:
    actor: Actor
    case: Case
    action: str
    now: datetime
    data: Any  # the action's contract (`contracts.INPUTS[action]`), validated by `parse`


Effect = Callable[[Ctx], Outcome]
_EFFECTS: dict[str, Effect] = {}


def effect(*actions: str) -> Callable[[Effect], Effect]:
    def register(fn: Effect) -> Effect:
        for action in actions:
            _EFFECTS[action] = fn
        return fn

    return register


def parse(action: str, payload: dict[str, Any]) -> ActionIn:
    """The payload checked against the action's contract, or 422 naming the field (nothing written)."""
    try:
        return contracts.INPUTS[action].model_validate(payload)
    except ValidationError as exc:
        raise invalid_input([dict(e) for e in exc.errors()]) from exc


def apply(*, actor: Actor, case: Case, action: str, now: datetime, data: ActionIn) -> Outcome:
    ctx = Ctx(actor=actor, case=case, action=action, now=now, data=data)
    outcome = _EFFECTS[action](ctx)
    if not outcome.attachment_ids:
        outcome.attachment_ids = list(data.attachment_ids)
    return outcome


@effect("submit")
def _note_only(ctx: Ctx) -> Outcome:
    return Outcome(note=ctx.data.note)


def _own_task(ctx: Ctx, role: str) -> CaseTask:
    dept = ctx.actor.department
    assert dept is not None, "guarded by the workflow table (a handler of a department)"
    task = (
        ctx.case.tasks.exclude(status=TaskStatus.CANCELLED).filter(role=role, department_id=dept.pk).first()
    )
    assert task is not None, "guarded by the workflow table"
    return task


@effect("answer", "reject")
def _finish_at_intake(ctx: Ctx) -> Outcome:
    ctx.case.closed_at = ctx.now
    return Outcome(note=ctx.data.note)


@effect("dispatch")
def _dispatch(ctx: Ctx) -> Outcome:
    case, p = ctx.case, ctx.data
    decision = routing.decide_dispatch(
        actor=ctx.actor, case=case, lead_department_id=p.lead_department_id, co_handler_ids=p.co_handler_ids
    )
    lead = decision.lead
    assert lead is not None, "decide_dispatch always names a lead (or raises)"
    case.lead_department = lead
    case.routing_rule = decision.rule
    case.routing_reason = decision.reason[:255]
    case.deadline_profile = decision.profile
    accept, handle = deadlines.start_dispatch_stages(case, now=ctx.now)
    accept_due, handle_due = (accept.due_at if accept else None), handle.due_at
    CaseTask.objects.create(
        case=case,
        department=lead,
        role=TaskRole.LEAD,
        assigned_at=ctx.now,
        accept_due=accept_due,
        handle_due=handle_due,
    )
    for dept in decision.co_handlers:
        CaseTask.objects.create(
            case=case,
            department=dept,
            role=TaskRole.CO,
            assigned_at=ctx.now,
            accept_due=accept_due,
            handle_due=handle_due,
        )
    return Outcome(
        note=ctx.data.note,
        payload={
            "lead_department_id": lead.pk,
            "co_handler_ids": [d.pk for d in decision.co_handlers],
            "routing_rule_id": decision.rule.pk if decision.rule else None,
            "routing_rule_version": decision.rule.version if decision.rule else None,
            "routing_reason": decision.reason,
        },
    )


@effect("accept", "accept_co")
def _accept(ctx: Ctx) -> Outcome:
    task = _own_task(ctx, TaskRole.CO if ctx.action == "accept_co" else TaskRole.LEAD)
    task.status = TaskStatus.ACCEPTED
    task.accepted_at = ctx.now
    task.accept_late = task.accept_due is not None and ctx.now > task.accept_due
    task.save()
    if task.role == TaskRole.LEAD:
        deadlines.complete_stage(ctx.case, Stage.ACCEPT, at=ctx.now)
    return Outcome(
        note=ctx.data.note,
        payload={"department_id": task.department_id, "late": task.accept_late},
    )


@effect("return")
def _return(ctx: Ctx) -> Outcome:
    reason = ctx.data.reason
    task = _own_task(ctx, TaskRole.LEAD)
    task.status = TaskStatus.RETURNED
    task.save(update_fields=["status"])
    CaseReturn.objects.create(
        case=ctx.case, department_id=task.department_id, reason=reason, returned_at=ctx.now
    )
    ctx.case.return_count += 1
    return Outcome(note=reason, payload={"department_id": task.department_id})


@effect("accept_return", "refuse_return")
def _judge_return(ctx: Ctx) -> Outcome:
    case = ctx.case
    justified = ctx.action == "accept_return"
    pending = case.returns.filter(judged_at__isnull=True).order_by("-id").first()
    assert pending is not None, "a returned case has an unjudged return"
    pending.judged_at = ctx.now
    pending.justified = justified
    pending.counted_against = "dispatcher" if justified else "department"
    pending.save()
    if justified:
        case.tasks.exclude(status=TaskStatus.CANCELLED).update(status=TaskStatus.CANCELLED)
        deadlines.stop_all(case)
        case.lead_department = None
    else:
        case.tasks.filter(role=TaskRole.LEAD, status=TaskStatus.RETURNED).update(status=TaskStatus.PENDING)
    return Outcome(
        note=ctx.data.note,
        payload={"justified": justified, "counted_against": pending.counted_against},
    )


@effect("reply", "reply_co")
def _reply(ctx: Ctx) -> Outcome:
    text = ctx.data.reply
    task = _own_task(ctx, TaskRole.CO if ctx.action == "reply_co" else TaskRole.LEAD)
    task.status = TaskStatus.REPLIED
    task.reply = text
    task.replied_at = ctx.now
    task.reply_late = task.handle_due is not None and ctx.now > task.handle_due
    task.save()
    return Outcome(note=text, payload={"department_id": task.department_id, "late": task.reply_late})


@effect("request_extension")
def _request_extension(ctx: Ctx) -> Outcome:
    days, reason = ctx.data.working_days, ctx.data.reason
    deadlines.check_extension_limit(ctx.case, days)
    CaseExtension.objects.create(case=ctx.case, working_days=days, reason=reason, requested_at=ctx.now)
    return Outcome(note=reason, payload={"working_days": days})


@effect("approve_extension", "refuse_extension")
def _decide_extension(ctx: Ctx) -> Outcome:
    case = ctx.case
    approved = ctx.action == "approve_extension"
    ext = case.extensions.filter(decided_at__isnull=True).order_by("-id").first()
    assert ext is not None, "an extension_requested case has a pending extension"
    ext.decided_at, ext.approved = ctx.now, approved
    ext.save()
    payload: dict[str, Any] = {"working_days": ext.working_days, "approved": approved}
    if approved:
        deadlines.check_extension_limit(case, ext.working_days)
        case.extension_count += 1
        case.extension_days += ext.working_days
        payload["handle_due"] = deadlines.extend_handle(case, ext.working_days)
    return Outcome(note=ctx.data.note, payload=payload)


@effect("request_suspension")
def _request_suspension(ctx: Ctx) -> Outcome:
    reason = ctx.data.reason
    CaseSuspension.objects.create(case=ctx.case, reason=reason, requested_at=ctx.now)
    return Outcome(note=reason)


@effect("approve_suspension", "refuse_suspension")
def _decide_suspension(ctx: Ctx) -> Outcome:
    approved = ctx.action == "approve_suspension"
    susp = ctx.case.suspensions.filter(approved__isnull=True).order_by("-id").first()
    assert susp is not None, "a suspension_requested case has a pending suspension"
    susp.approved = approved
    if approved:
        susp.started_at = ctx.now
        deadlines.pause_handle(ctx.case, at=ctx.now)
    susp.save()
    return Outcome(note=ctx.data.note, payload={"approved": approved})


@effect("resume")
def _resume(ctx: Ctx) -> Outcome:
    susp = ctx.case.suspensions.filter(approved=True, resumed_at__isnull=True).order_by("-id").first()
    assert susp is not None, "a suspended case has an open suspension"
    paused, new_due = deadlines.resume_handle(ctx.case, at=ctx.now)
    susp.resumed_at = ctx.now
    susp.paused_seconds = int(paused.total_seconds())
    susp.save()
    return Outcome(
        note=ctx.data.note,
        payload={"paused_working_seconds": susp.paused_seconds, "handle_due": new_due},
    )


@effect("feed_back")
def _feed_back(ctx: Ctx) -> Outcome:
    case = ctx.case
    lead = case.lead_task()
    assert lead is not None
    met = deadlines.complete_stage(case, Stage.HANDLE, at=ctx.now)
    co = []
    for task in case.tasks.filter(role=TaskRole.CO).exclude(status=TaskStatus.CANCELLED):
        if task.replied_at is None and task.handle_due is not None and ctx.now > task.handle_due:
            task.reply_late = True
            task.save(update_fields=["reply_late"])
        co.append({"department_id": task.department_id, "reply": task.reply, "late": task.reply_late})
    return Outcome(
        note=ctx.data.note,
        payload={"lead_reply": lead.reply, "co_replies": co, "handle_met": met},
    )


@effect("assign_inspector")
def _assign_inspector(ctx: Ctx) -> Outcome:
    from zhiguan.org.models import User

    inspector = User.objects.filter(
        pk=ctx.data.inspector_id,
        jurisdiction_id=ctx.actor.jurisdiction.pk,
        roles__code=Role.INSPECTOR,
        is_active=True,
    ).first()
    if inspector is None:
        raise InvalidInput(_("Choose an active inspector of this jurisdiction."), field="inspector_id")
    ctx.case.verifier = inspector
    return Outcome(note=ctx.data.note, payload={"inspector_id": inspector.pk})


@effect("verify_pass", "verify_fail")
def _verify(ctx: Ctx) -> Outcome:
    case, p = ctx.case, ctx.data
    payload: dict[str, Any] = {"method": p.method, "passed": ctx.action == "verify_pass"}
    attachments = list(p.attachment_ids)
    if p.method == "site":
        if p.lng is None or p.lat is None:
            raise InvalidInput(_("An on-site verification needs the GPS position."), field="lng")
        if not attachments:
            raise InvalidInput(_("An on-site verification needs at least one photo."), field="attachment_ids")
        payload.update(_verified_at(case, p.lng, p.lat, p.crs, p.accuracy))
    else:
        if not p.camera:
            raise InvalidInput(_("This field is required."), field="camera")
        payload["camera"] = p.camera
    if not payload["passed"]:
        case.rework_count += 1
        _back_to_department(ctx)
    return Outcome(note=p.note, payload=payload, attachment_ids=attachments)


def _verified_at(case: Case, lng: float, lat: float, crs: str, accuracy: float | None) -> dict[str, Any]:
    """Where the inspector stood (WGS-84), how sure the device was, and how far that is from the case."""
    wgs_lng, wgs_lat = to_wgs84(lng, lat, crs)
    at: dict[str, Any] = {"lng": round(float(wgs_lng), 7), "lat": round(float(wgs_lat), 7), "crs": "wgs84"}
    at["accuracy_m"] = round(accuracy) if accuracy is not None else None
    at["distance_m"] = (
        round(float(haversine_m(wgs_lng, wgs_lat, case.lng, case.lat)))
        if case.lng is not None and case.lat is not None
        else None
    )
    return at


def _back_to_department(ctx: Ctx) -> None:
    """Rework and reopen: the lead works the case again and must reply again, on a new handling deadline."""
    case = ctx.case
    due = deadlines.restart_handle(case, now=ctx.now).due_at
    case.tasks.filter(role=TaskRole.LEAD).exclude(status=TaskStatus.CANCELLED).update(
        status=TaskStatus.ACCEPTED, replied_at=None, reply="", reply_late=False, handle_due=due
    )


@effect("close")
def _close(ctx: Ctx) -> Outcome:
    _refuse_open_co_tasks(ctx.case)
    ctx.case.closed_at = ctx.now
    deadlines.start_callback_stage(ctx.case, now=ctx.now)
    return Outcome(note=ctx.data.note)


def _refuse_open_co_tasks(case: Case) -> None:
    """A case is closed only when every co-handler has replied (docs/decisions/064): a closed case
    never shows an open task, and the dispatcher is told which departments are still open."""
    open_tasks = (
        case.tasks.filter(role=TaskRole.CO, status__in=OPEN_TASK_STATUSES)
        .select_related("department")
        .order_by("id")
    )
    names = [t.department.name for t in open_tasks]
    if names:
        raise GuardFailed(
            _("Co-handlers have not replied yet: %(departments)s. They reply before the case is closed.")
            % {"departments": "、".join(names)},
            code="open_co_handler_tasks",
            departments=names,
        )


@effect("callback")
def _callback(ctx: Ctx) -> Outcome:
    result = ctx.data.result
    ctx.case.callback_result = result
    met = deadlines.complete_stage(ctx.case, Stage.CALLBACK, at=ctx.now)
    return Outcome(note=ctx.data.note, payload={"result": result, "callback_met": met})


@effect("reopen")
def _reopen(ctx: Ctx) -> Outcome:
    ctx.case.reopen_count += 1
    ctx.case.closed_at = None
    _back_to_department(ctx)
    return Outcome(note=ctx.data.note)


@effect("merge")
def _merge(ctx: Ctx) -> Outcome:
    case = ctx.case
    target = restrict(ctx.actor, Case.objects.all(), "case.view").filter(number=ctx.data.into).first()
    if target is None or target.pk == case.pk or target.status not in OPEN_STATUSES:
        raise InvalidInput(_("Merge into another open case (give its number)."), field="into")
    case.merged_into = target
    case.closed_at = ctx.now
    case.tasks.exclude(status=TaskStatus.CANCELLED).update(status=TaskStatus.CANCELLED)
    deadlines.stop_all(case)
    _tell_target(ctx, target, "merge_received")
    return Outcome(note=ctx.data.note, payload={"into": target.number, "status_before": case.status})


# Statuses a request merged before dispatch goes back to; from later ones it goes back to dispatch.
UNMERGE_KEEPS = (Status.REGISTERED, Status.TO_DISPATCH)


def status_after_unmerge(status_before: str) -> str:
    """Where an unmerged request goes (docs/decisions/087): back to its status before the merge
    when that was before dispatch; else to dispatch, since its tasks were cancelled by the merge."""
    return status_before if status_before in UNMERGE_KEEPS else Status.TO_DISPATCH


@effect("unmerge")
def _unmerge(ctx: Ctx) -> Outcome:
    case = ctx.case
    assert case.merged_into_id is not None, "guarded: merge_target_exists"
    target = Case.objects.get(pk=case.merged_into_id)
    merge = case.events.filter(action="merge").order_by("-seq").first()
    before = str(merge.payload.get("status_before") or merge.from_status) if merge is not None else ""
    back = status_after_unmerge(before)
    payload: dict[str, Any] = {
        "from": target.number,
        "status_before_merge": before,
        "back_to": back,
        "lead_department_id": case.lead_department_id,
    }
    if case.callback_result:
        # A rating given on the case it joined is not a rating of this request's own handling.
        payload["rating_cleared"] = case.callback_result
        case.callback_result = ""
    case.merged_into = None
    case.closed_at = None
    if back == Status.TO_DISPATCH:
        # As after a justified return: the dispatcher dispatches again, and deadlines restart then.
        case.lead_department = None
    _tell_target(ctx, target, "merge_undone")
    return Outcome(note=ctx.data.note, payload=payload, status=back)


def _tell_target(ctx: Ctx, target: Case, annotation: str) -> None:
    """The case a request joined (or left) records it on its own timeline, in the same transaction."""
    from zhiguan.cases import services

    services.annotate(
        actor=ctx.actor,
        case_id=target.pk,
        action=annotation,
        note=ctx.data.note,
        payload={"case": ctx.case.number, "case_id": ctx.case.pk},
    )


def _check_complete() -> None:
    # Every action of the table has its contract and its effect: a gap is a start-up error.
    missing = [a for a in workflow.ACTIONS if a not in _EFFECTS or a not in contracts.INPUTS]
    extra = sorted((set(_EFFECTS) | set(contracts.INPUTS)) - set(workflow.ACTIONS))
    if missing or extra:
        raise ImproperlyConfigured(f"workflow actions without effect/contract: {missing}; unknown: {extra}")


_check_complete()
