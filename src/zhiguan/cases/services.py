"""Every change to a case goes through `perform`: lock, check the table, apply, append the event, audit.

Creating a case and revealing reporters live in `intake.py`; the effect of each action in
`effects.py`; deadlines in `deadlines.py`. This module is the one entry point for moves.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases import deadlines, effects, workflow
from zhiguan.cases.errors import InvalidTransition
from zhiguan.cases.models import Case, CaseAttachment, CaseEvent
from zhiguan.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from zhiguan.org.permissions import Actor, get_or_404, require, restrict


def acting_role(actor: Actor, row: workflow.Transition) -> str | None:
    """The first of the row's roles that the actor holds (recorded on the event), or None."""
    held = set(actor.role_codes)
    if getattr(actor, "citizen_case_id", None) is None:
        # "citizen" is never a staff role, even if someone created a role with that code.
        held.discard(workflow.CITIZEN)
    return next((role for role in row.roles if role in held), None)


def _current_state(case_id: int) -> dict[str, Any]:
    """What a losing concurrent actor is told: the case's status and version as they are now."""
    return dict(Case.objects.filter(pk=case_id).values("status", "version").first() or {})


def _lock(actor: Actor, case_id: int) -> Case:
    """The case row, visible to the actor (else 404) and locked (else 409 conflict), in one query.

    NOWAIT on PostgreSQL: a second actor on the same case is told at once instead of queueing.
    When the lock is refused, visibility is checked separately so that a case the actor may not
    see still answers 404, never a conflict.
    """
    qs = restrict(actor, Case.objects.filter(pk=case_id), "case.view")
    if connection.features.has_select_for_update_nowait:
        qs = qs.select_for_update(nowait=True, of=("self",))
    try:
        with transaction.atomic():
            case = qs.order_by().first()
    except DatabaseError as exc:
        get_or_404(actor, Case.objects.all(), "case.view", pk=case_id)
        raise Conflict(**_current_state(case_id)) from exc
    if case is None:
        raise NotFound()
    return case


def _bump_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != case.version:
        raise Conflict(status=case.status, version=case.version)
    # Optimistic check for both databases: the row must still carry the version we read.
    if not Case.objects.filter(pk=case.pk, version=case.version).update(version=case.version + 1):
        raise Conflict(**_current_state(case.pk))
    case.version += 1


def append_event(
    *,
    actor: Actor,
    case: Case,
    action: str,
    from_status: str,
    role: str = "",
    note: str = "",
    payload: dict[str, Any] | None = None,
    attachment_ids: list[int] | None = None,
    seq: int | None = None,
) -> CaseEvent:
    """Append one timeline event (the next in sequence) and bind the attachments it carries.

    `seq` may be given when the caller knows it (1 for a case just registered); the unique
    (case, seq) constraint still guards it.
    """
    if seq is None:
        seq = (case.events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    event = CaseEvent.objects.create(
        case=case,
        seq=seq,
        actor_user=actor.user,
        actor_client=actor.client,
        actor_label=actor.label[:128],
        role=role,
        action=action,
        from_status=from_status,
        to_status=case.status,
        note=note,
        payload=audit._jsonable(payload or {}),
    )
    if attachment_ids:
        bind_attachments(actor=actor, case=case, event=event, attachment_ids=attachment_ids)
    return event


def bind_attachments(*, actor: Actor, case: Case, event: CaseEvent, attachment_ids: list[int]) -> None:
    ids = sorted(set(attachment_ids))
    qs = CaseAttachment.objects.filter(
        pk__in=ids, jurisdiction_id=actor.jurisdiction.pk, case__isnull=True, uploaded_by=actor.user
    )
    if qs.count() != len(ids):
        raise InvalidInput(_("Unknown or already used attachment."), field="attachment_ids")
    # Binding an upload is part of the event, never an edit of a bound attachment.
    for attachment in qs:
        attachment.case = case
        attachment.event = event
        attachment.save(update_fields=["case", "event"])


def perform(
    *, actor: Actor, case_id: int, action: str, expected_version: int | None = None, **payload: Any
) -> Case:
    """Perform one workflow action on a case, or change nothing and raise.

    Guarantees: the move is in `workflow.TABLE` (else 409 invalid_transition), the actor holds one
    of its roles (else 403 forbidden) and passes its guard; the case row is locked and its
    version checked (409 conflict otherwise); the change, its timeline event, its audit record
    and the recomputed deadlines commit together; after-commit work is scheduled on commit.
    """
    if action not in workflow.ACTIONS:
        raise InvalidInput(_("Unknown action."), code="unknown_action", action=action)
    require(actor, "case.act")
    with transaction.atomic():
        case = _lock(actor, case_id)
        row = workflow.lookup(case.status, action)
        if row is None:
            raise InvalidTransition(status=case.status, action=action, version=case.version)
        role = acting_role(actor, row)
        if role is None:
            raise Forbidden(action=action, allowed_roles=list(row.roles))
        if row.guard is not None:
            row.guard(actor, case)
        _bump_version(case, expected_version)
        from_status = case.status
        now = timezone.now()
        outcome = effects.apply(actor=actor, case=case, action=action, now=now, payload=payload)
        case.status = row.next_status
        case.save()
        event = append_event(
            actor=actor,
            case=case,
            action=action,
            from_status=from_status,
            role=role,
            note=outcome.note,
            payload=outcome.payload,
            attachment_ids=outcome.attachment_ids,
        )
        deadlines.refresh_warning_level(case, now=now)
        audit.record(
            actor=actor,
            action=f"case.{action}",
            target=case,
            before={"status": from_status},
            after={"status": case.status, "version": case.version, "event": event.seq, **outcome.payload},
            note=outcome.note[:255],
        )
        case_id_, event_id = case.pk, event.pk
        transaction.on_commit(lambda: _after_commit(case_id_, event_id, action))
    return case


def _after_commit(case_id: int, event_id: int, action: str) -> None:
    from zhiguan.cases import tasks

    tasks.case_changed.delay(case_id, event_id, action)


def allowed_actions(*, actor: Actor, case: Case) -> list[str]:
    """Exactly the actions the table lets this actor perform on this case now (guards included)."""
    if not actor.can("case.act"):
        return []
    allowed = []
    for row in workflow.transitions_from(case.status):
        if acting_role(actor, row) is None:
            continue
        if row.guard is not None:
            try:
                row.guard(actor, case)
            except DomainError:
                continue
        allowed.append(row.action)
    return sorted(allowed)
