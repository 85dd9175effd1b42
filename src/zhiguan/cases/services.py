"""The public write API of cases: the only functions other apps call to create or change a case.

- `register`: a new case (numbered, located, idempotent), with its first timeline event.
- `perform`: one workflow action (lock, check the table, apply, append the event, audit).
- `annotate` / `annotate_many`: a timeline event and its audit record without a status change
  (escalations, supervision notices, duplicate links, classification corrections, alarms).
- `upload_attachment` (checked by content) and `discard_on_error` (a failed registration leaves no
  file behind), `reveal_reporters`: files for a later step, and the audited reveal;
  `set_published`: the lead department shows a repair photo on the case's public page.

- `import_history`: closed cases brought over from the district's previous system (`history.py`).

Nothing else creates a `CaseEvent`. After each commit `events.case_changed` is sent with ids only.
The effect of each action lives in `effects.py`, deadlines in `deadlines.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases import components as case_components
from zhiguan.cases import deadlines, effects, history, registration, tasks, workflow
from zhiguan.cases.attachments import (
    IMAGE_TYPES,
    check_upload,
    discard_on_error,
    public_file,
    set_published,
    upload_attachment,
)
from zhiguan.cases.errors import InvalidTransition
from zhiguan.cases.events import case_event_recorded, history_imported
from zhiguan.cases.models import Case, CaseAttachment, CaseEvent, CaseReporter, Channel, RequestType, Urgency
from zhiguan.cases.reporters import reveal_reporters
from zhiguan.cases.status import OPEN_STATUSES, Role, Status
from zhiguan.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from zhiguan.geo.services import locate
from zhiguan.org.duty import on_duty
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, ActorKind, get_or_404, require, restrict
from zhiguan.taxonomy.models import Category

__all__ = [
    "IMAGE_TYPES",
    "Annotation",
    "allowed_actions",
    "annotate",
    "annotate_many",
    "check_upload",
    "discard_on_error",
    "import_history",
    "perform",
    "public_file",
    "register",
    "reveal_reporters",
    "set_component",
    "set_published",
    "upload_attachment",
]


# ---------------------------------------------------------------------------------------- register


def register(
    *,
    actor: Actor,
    request_type: str,
    channel: str,
    category_id: int | None,
    description: str,
    reporters: list[dict[str, str]],
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    address: str = "",
    external_ref: str = "",
    urgency: str = Urgency.NORMAL,
    attachment_ids: list[int] | None = None,
    idempotency_key: str | None = None,
    component: int | str | None = None,
) -> tuple[Case, bool]:
    """Register a case; returns (case, created).

    The same channel + external reference, or the same sender's idempotency key with the same
    request, returns the first case (created False) and changes nothing; the same key with a
    different request is refused (422 `idempotency_key_reused`). Bad input (unknown category, point outside the
    jurisdiction, bad reporter) raises before anything is written.

    `component` (an id or a code) names the city component the case is about: in the
    jurisdiction and not retired; a case without a point takes the component's point (and address),
    one with a point must lie near it (`component_too_far`); without `category_id` the case is of
    the component's type (docs/decisions/074).
    """
    require(actor, "case.create")
    external_ref = external_ref.strip()
    body_hash = ""
    if idempotency_key:
        body_hash = registration.request_hash(
            {
                "request_type": request_type,
                "channel": channel,
                "category_id": category_id,
                "description": description,
                "reporters": reporters,
                "lng": lng,
                "lat": lat,
                "crs": crs,
                "address": address,
                "external_ref": external_ref,
                "urgency": urgency,
                "attachment_ids": attachment_ids,
                **({"component": component} if component not in (None, "") else {}),
            }
        )
    found = registration.existing(actor, channel, external_ref, idempotency_key, body_hash)
    if found is not None:
        return found, False
    registration.check_choice(request_type, RequestType, "request_type")
    registration.check_choice(channel, Channel, "channel")
    registration.check_choice(urgency, Urgency, "urgency")
    if not description.strip():
        raise InvalidInput(_("Describe the matter."), field="description")
    people = registration.clean_reporters(reporters)
    part = None
    if component not in (None, ""):
        part = case_components.resolve(actor.jurisdiction.pk, component)
        if category_id is None:
            category_id = part.category_id
    category = (
        Category.objects.filter(pk=category_id, jurisdiction_id=actor.jurisdiction.pk).first()
        if category_id is not None
        else None
    )
    if category is None or category.retired_at is not None:
        raise InvalidInput(_("Unknown or retired category."), code="unknown_category", field="category_id")
    if (lng is None) != (lat is None):
        raise InvalidInput(_("Give both longitude and latitude, or neither."), field="lng")
    location = None
    if lng is not None and lat is not None:
        location = locate(jurisdiction_id=actor.jurisdiction.pk, lng=lng, lat=lat, crs=crs)
        if part is not None:
            case_components.check_near(part, location.lng, location.lat)
    elif part is not None and part.lng is not None and part.lat is not None:
        location = locate(jurisdiction_id=actor.jurisdiction.pk, lng=part.lng, lat=part.lat)
        address = address or part.address or part.name
    now = timezone.now()
    # Taken before the registration's transaction: the counter row is not held while it runs.
    number = registration.next_number(actor.jurisdiction.pk, actor.jurisdiction.code, timezone.localdate(now))
    case = Case(
        jurisdiction=actor.jurisdiction,
        number=number,
        request_type=request_type,
        channel=channel,
        external_ref=external_ref,
        category=category,
        description=description.strip(),
        urgency=urgency,
        status=Status.REGISTERED,
        reported_by=actor.user,
        registered_by_client=actor.client,
        address=address.strip(),
        component=part,
    )
    if location is not None:
        registration.apply_location(case, location)
    try:
        with transaction.atomic():
            _save_registration(actor, case, people, attachment_ids or [], idempotency_key, body_hash)
    except IntegrityError:
        found = registration.existing(actor, channel, external_ref, idempotency_key, body_hash)
        if found is None:
            raise
        return found, False
    return case, True


def _save_registration(
    actor: Actor,
    case: Case,
    people: list[dict[str, str]],
    attachment_ids: list[int],
    idempotency_key: str | None,
    body_hash: str,
) -> None:
    case.save()
    reporters = CaseReporter.objects.bulk_create([CaseReporter(case=case, **p) for p in people])
    # Reporters never change after registration: the API answers from memory, not by reading them back.
    registration.remember_related(case, reporters=reporters)
    registration.remember_key(actor, case, idempotency_key, body_hash)
    event = _append_event(
        actor=actor,
        case=case,
        seq=1,
        action="register",
        from_status="",
        role=next(iter(actor.role_codes), ""),
        payload={
            "channel": case.channel,
            "request_type": case.request_type,
            "category_id": case.category_id,
            **({"component": case_components.brief(case.component)} if case.component_id else {}),
        },
        attachment_ids=attachment_ids,
    )
    audit.record(
        actor=actor,
        action="case.registered",
        target=case,
        after={
            "number": case.number,
            "channel": case.channel,
            "external_ref": case.external_ref,
            "category_id": case.category_id,
            "reporters": len(people),
            **({"component_id": case.component_id} if case.component_id else {}),
        },
    )
    _notify_on_commit(case.pk, event.pk, "register")


def import_history(*, actor: Actor, records: list[history.HistoricalCase], source: str) -> dict[str, int]:
    """Bring closed cases over from the previous system `source`; returns {"imported", "skipped"}.

    All or nothing: one bad record (unknown category, a point outside the district, closed before
    it was registered …) refuses the batch with its index, and nothing is written. A record whose
    previous-system number was imported before from the same source is skipped, so a file can be
    imported again. Each case keeps its original registration and closure times and gets one
    `import` event (at the moment of the import); one audit record covers the batch.
    """
    require(actor, "case.import")
    source = source.strip()
    if not source or len(source) > 32:
        raise InvalidInput(_("Name the previous system (at most 32 characters)."), field="source")
    history.check_batch(records)
    jid = actor.jurisdiction.pk
    categories = set(
        Category.objects.filter(jurisdiction_id=jid, retired_at__isnull=True).values_list("pk", flat=True)
    )
    departments = set(Department.objects.filter(jurisdiction_id=jid).values_list("pk", flat=True))
    for i, record in enumerate(records):
        history.check(record, i, categories=categories, departments=departments)
    locations = {}
    for i, record in enumerate(records):
        if record.lng is not None and record.lat is not None:
            try:
                locations[i] = locate(jurisdiction_id=jid, lng=record.lng, lat=record.lat)
            except DomainError as exc:
                exc.details = {**exc.details, "field": f"records[{i}].lng"}
                raise
    refs = {i: f"{source}:{r.legacy_number}"[:64] for i, r in enumerate(records)}
    known = set(
        Case.objects.filter(jurisdiction_id=jid, external_ref__in=refs.values()).values_list(
            "channel", "external_ref"
        )
    )
    todo = [i for i, r in enumerate(records) if (r.channel, refs[i]) not in known]
    if not todo:
        return {"imported": 0, "skipped": len(records)}
    with transaction.atomic():
        cases = []
        for i in todo:
            record = records[i]
            day = timezone.localdate(record.registered_at)
            number = registration.next_number(jid, actor.jurisdiction.code, day)
            case = history.new_case(record, jurisdiction_id=jid, number=number, source=source)
            if i in locations:
                registration.apply_location(case, locations[i])
            cases.append(case)
        Case.objects.bulk_create(cases, batch_size=2000)
        # `created_at` is the original registration time (bulk_create stamped the moment of import;
        # bulk_update does not); `updated_at` the closure.
        for case, i in zip(cases, todo, strict=True):
            case.created_at, case.updated_at = records[i].registered_at, records[i].closed_at
        Case.objects.bulk_update(cases, ["created_at", "updated_at"], batch_size=2000)
        role = next(iter(actor.role_codes), "")
        CaseEvent.objects.bulk_create(
            [
                _event_row(
                    actor,
                    case,
                    1,
                    "import",
                    "",
                    role,
                    "",
                    {
                        "source": source,
                        "legacy_number": records[i].legacy_number,
                        "registered_at": records[i].registered_at,
                        "closed_at": records[i].closed_at,
                        **(
                            {"callback_result": records[i].callback_result}
                            if records[i].callback_result
                            else {}
                        ),
                    },
                )
                for case, i in zip(cases, todo, strict=True)
            ],
            batch_size=2000,
        )
        since = min(records[i].registered_at for i in todo)
        until = max(records[i].registered_at for i in todo)
        audit.record(
            actor=actor,
            action="case.history_imported",
            target=actor.jurisdiction,
            after={
                "source": source,
                "imported": len(todo),
                "skipped": len(records) - len(todo),
                "since": since,
                "until": until,
            },
        )
        transaction.on_commit(
            lambda: history_imported.send_robust(
                sender="cases", jurisdiction_id=jid, since=since, until=until, count=len(todo)
            )
        )
    return {"imported": len(todo), "skipped": len(records) - len(todo)}


# ----------------------------------------------------------------------------------------- perform


def acting_role(actor: Actor, row: workflow.Transition) -> str | None:
    """The first of the row's roles that the actor holds (recorded on the event), or None."""
    held = set(actor.role_codes)
    if actor.kind != ActorKind.CITIZEN:
        # "citizen" is never a staff role, even if someone created a role with that code.
        held.discard(Role.CITIZEN)
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
    qs = restrict(actor, Case.objects.all(), "case.view")
    if connection.features.has_select_for_update_nowait:
        qs = qs.select_for_update(nowait=True, of=("self",))
    try:
        with transaction.atomic():
            case = qs.filter(pk=case_id).order_by().first()
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


def perform(
    *, actor: Actor, case_id: int, action: str, expected_version: int | None = None, **payload: Any
) -> Case:
    """Perform one workflow action on a case, or change nothing and raise.

    Guarantees: the move is in `workflow.TABLE` (else 409 invalid_transition), the actor holds one
    of its roles (else 403 forbidden) and passes its guard; the payload is the action's contract
    (`effects.INPUTS`, else 422); the case row is locked and its version checked (409 conflict
    otherwise); the change, its timeline event, its audit record and the recomputed deadlines
    commit together; `events.case_changed` is sent after the commit.
    """
    if action not in workflow.ACTIONS:
        raise InvalidInput(_("Unknown action."), code="unknown_action", action=action)
    require(actor, "case.act")
    data = effects.parse(action, payload)
    with transaction.atomic():
        case = _lock(actor, case_id)
        row = workflow.lookup(case.status, action)
        if row is None:
            raise InvalidTransition(status=case.status, action=action, version=case.version)
        role = acting_role(actor, row)
        if role is None:
            raise Forbidden(action=action, allowed_roles=list(row.roles))
        if row.guard is not None:
            row.guard(actor, case, role)
        _bump_version(case, expected_version)
        from_status = case.status
        now = timezone.now()
        outcome = effects.apply(actor=actor, case=case, action=action, now=now, data=data)
        # An effect may name the status (unmerge: the one before the merge, docs/decisions/087).
        case.status = outcome.status if outcome.status in row.or_status else row.next_status
        case.save()
        event = _append_event(
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
        _notify_on_commit(case.pk, event.pk, action)
        if case.status == Status.TO_VERIFY and from_status != Status.TO_VERIFY and case.verifier_id is None:
            _assign_verifier_by_grid(case)
    return case


def _assign_verifier_by_grid(case: Case) -> None:
    """A case entering verification with nobody to verify it goes to the inspector on duty for its
    grid (`org.duty`), in the same transaction, with its own timeline event and audit record by the
    platform. Nobody on duty: it waits for the dispatcher (`assign_inspector`), who may also reassign."""
    duty = on_duty(jurisdiction_id=case.jurisdiction_id, grid_id=case.grid_id)
    if duty is None:
        return
    case.verifier = duty.person
    case.save(update_fields=["verifier", "updated_at"])
    platform = Actor.system(case.jurisdiction)
    name = str(duty.person)
    payload = {
        "inspector_id": duty.person.pk,
        "inspector_name": name,
        "grid_id": duty.grid_id,
        "grid": duty.grid_label,
    }
    note = _("Assigned for verification by grid: %(name)s (%(grid)s)") % {
        "name": name,
        "grid": duty.grid_label,
    }
    event = _append_event(
        actor=platform,
        case=case,
        action="auto_assign_inspector",
        from_status=case.status,
        note=note,
        payload=payload,
    )
    audit.record(
        actor=platform,
        action=_audit_action("auto_assign_inspector"),
        target=case,
        after={"event": event.seq, **payload},
        note=note[:255],
    )
    _notify_on_commit(case.pk, event.pk, "auto_assign_inspector")


def allowed_actions(*, actor: Actor, case: Case) -> list[str]:
    """Exactly the actions the table lets this actor perform on this case now (guards included)."""
    if not actor.can("case.act"):
        return []
    allowed = []
    for row in workflow.transitions_from(case.status):
        role = acting_role(actor, row)
        if role is None:
            continue
        if row.guard is not None:
            try:
                row.guard(actor, case, role)
            except DomainError:
                continue
        allowed.append(row.action)
    return sorted(allowed)


# ---------------------------------------------------------------------------------------- annotate


@dataclass(frozen=True)
class Annotation:
    """One timeline event to append without a status change (`annotate_many`)."""

    actor: Actor
    case_id: int
    action: str
    note: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    role: str = ""


def _audit_action(action: str) -> str:
    # Audit names are past-tense facts ("case.escalated"); the timeline keeps the verb.
    return f"case.{workflow.ANNOTATIONS[action]}"


def _check_annotation(action: str) -> None:
    if action not in workflow.ANNOTATIONS:
        # A programming error, not bad input: annotations are named in `workflow.ANNOTATIONS`.
        raise ValueError(f"{action!r} is not an annotation (workflow.ANNOTATIONS)")


def annotate(
    *,
    actor: Actor,
    case_id: int,
    action: str,
    note: str = "",
    payload: dict[str, Any] | None = None,
    role: str = "",
    attachment_ids: list[int] | None = None,
) -> CaseEvent:
    """Append a timeline event and its audit record to a case, leaving its status.

    The case row is locked for the append (waiting, not refusing: an annotation never loses to a
    concurrent move); its version is unchanged, so nobody's open form goes stale. The caller's
    transaction is used when there is one. `events.case_changed` is sent after the commit.
    """
    _check_annotation(action)
    with transaction.atomic():
        qs = Case.objects.filter(pk=case_id, jurisdiction_id=actor.jurisdiction.pk)
        if connection.features.has_select_for_update:
            qs = qs.select_for_update(of=("self",))
        case = qs.first()
        if case is None:
            raise NotFound()
        event = _append_event(
            actor=actor,
            case=case,
            action=action,
            from_status=case.status,
            role=role,
            note=note,
            payload=payload,
            attachment_ids=attachment_ids,
        )
        audit.record(
            actor=actor,
            action=_audit_action(action),
            target=case,
            after={"event": event.seq, **event.payload},
            note=note[:255],
        )
        _notify_on_commit(case.pk, event.pk, action)
    return event


def set_component(
    *, actor: Actor, case_id: int, component: int | str | None, note: str = ""
) -> tuple[Case, CaseEvent | None]:
    """Name, change or clear the city component an open case is about (docs/decisions/074).

    The component is checked as at registration (same jurisdiction, not retired, near the case's
    point); the case keeps its point and category. The timeline gets a `component_change` event
    with the component before and after (nothing when it is unchanged), audited in the same
    transaction. Who may act on cases and sees the case may do it, while the case is open.
    """
    require(actor, "case.act")
    get_or_404(actor, Case.objects.all(), "case.view", pk=case_id)
    part = None if component in (None, "") else case_components.resolve(actor.jurisdiction.pk, component)
    with transaction.atomic():
        qs = Case.objects.filter(pk=case_id, jurisdiction_id=actor.jurisdiction.pk).select_related(
            "component"
        )
        if connection.features.has_select_for_update:
            qs = qs.select_for_update(of=("self",))
        case = qs.get()
        if case.status not in OPEN_STATUSES:
            raise Conflict(_("The case is no longer open."), code="case_closed", field="component")
        if part is not None and case.lng is not None and case.lat is not None:
            case_components.check_near(part, case.lng, case.lat)
        before = case.component
        if (before.pk if before else None) == (part.pk if part else None):
            return case, None
        case.component = part
        case.save(update_fields=["component", "updated_at"])
        event = annotate(
            actor=actor,
            case_id=case.pk,
            action="component_change",
            note=note,
            payload={"before": case_components.brief(before), "after": case_components.brief(part)},
        )
    return case, event


def annotate_many(annotations: list[Annotation]) -> list[CaseEvent]:
    """`annotate` for a batch (a sweep's escalations): one INSERT of events and one of audit records.

    The caller holds the cases' row locks (it chose them, e.g. with SKIP LOCKED); several
    annotations of one case get consecutive sequence numbers in the order given.
    """
    if not annotations:
        return []
    for a in annotations:
        _check_annotation(a.action)
    case_ids = {a.case_id for a in annotations}
    # Only what the events and audit records name: the batch may hold hundreds of cases.
    cases = Case.objects.only("id", "number", "status", "jurisdiction_id").in_bulk(case_ids)
    last_seq = dict(
        CaseEvent.objects.filter(case_id__in=case_ids)
        .values("case_id")
        .annotate(m=Max("seq"))
        .values_list("case_id", "m")
    )
    events, records = [], []
    for a in annotations:
        case = cases[a.case_id]
        seq = last_seq[case.pk] = last_seq.get(case.pk, 0) + 1
        events.append(_event_row(a.actor, case, seq, a.action, case.status, a.role, a.note, a.payload))
    events = CaseEvent.objects.bulk_create(events)
    for a, event in zip(annotations, events, strict=True):
        records.append(
            audit.build(
                actor=a.actor,
                action=_audit_action(a.action),
                target=cases[a.case_id],
                after={"event": event.seq, **event.payload},
                note=a.note[:255],
            )
        )
    audit.record_many(records)
    # bulk_create returns primary keys on PostgreSQL and SQLite ≥ 3.35 (both supported). One
    # message for the batch: a sweep may escalate tens of thousands of stages at once.
    changes = [(a.case_id, event.pk, a.action) for a, event in zip(annotations, events, strict=True)]
    transaction.on_commit(lambda: tasks.cases_changed.delay(changes))
    return events


# -------------------------------------------------------------------------------------- the timeline


def _event_row(
    actor: Actor,
    case: Case,
    seq: int,
    action: str,
    from_status: str,
    role: str,
    note: str,
    payload: dict[str, Any] | None,
) -> CaseEvent:
    return CaseEvent(
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
        payload=audit.jsonable(payload or {}),
    )


def _append_event(
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
    event = _event_row(actor, case, seq, action, from_status, role, note, payload)
    event.save()
    # In the transaction: listeners that must commit or roll back with the event (docs/architecture.md).
    case_event_recorded.send(sender="cases", case=case, event=event)
    if attachment_ids:
        _bind_attachments(actor=actor, case=case, event=event, attachment_ids=attachment_ids)
    return event


def _bind_attachments(*, actor: Actor, case: Case, event: CaseEvent, attachment_ids: list[int]) -> None:
    ids = sorted(set(attachment_ids))
    qs = CaseAttachment.objects.filter(
        pk__in=ids, jurisdiction_id=actor.jurisdiction.pk, case__isnull=True, uploaded_by=actor.user
    )
    if qs.count() != len(ids):
        raise InvalidInput(_("Unknown or already used attachment."), field="attachment_ids")
    # Binding an upload is part of the event, never an edit of a bound attachment.
    qs.update(case=case, event=event)


def _notify_on_commit(case_id: int, event_id: int, action: str) -> None:
    transaction.on_commit(lambda: tasks.case_changed.delay(case_id, event_id, action))
