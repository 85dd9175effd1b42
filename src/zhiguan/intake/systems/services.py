"""Integrated systems: their configuration, their signed events, the outbox of status callbacks.

- `save_system`: create or change a system (mapping checked, audited).
- `receive`: one signed event → a case through `cases.services.register` (channel `system`,
  external reference `<code>:<their id>`); the same event again → the same case.
- `receive_status`: one signed status update → the workflow move it maps to, as the system's
  acting account, or kept with the reason it was not applied (docs/decisions/085).
- `on_case_event`: listener of `cases.events.case_event_recorded`, in the change's transaction:
  a status change of a case a system sent writes its `Callback` row there and then.
- `deliver`: one attempt at one callback under a lease; `replay`: a dead letter back in the queue.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases import services as cases
from zhiguan.cases import workflow
from zhiguan.cases.models import Case, CaseEvent, Channel, Urgency
from zhiguan.errors import Conflict, DomainError, InvalidInput, NotAuthenticated, NotFound
from zhiguan.intake.systems import mapping as mappings
from zhiguan.intake.systems import signing
from zhiguan.intake.systems.models import (
    Callback,
    CallbackState,
    ExternalSystem,
    InboundNonce,
    InboundStatus,
    InboundStatusOutcome,
    SystemKind,
)
from zhiguan.org.permissions import Actor, get_or_404, require

AUDITED = ["code", "name", "kind", "callback_url", "enabled", "mapping", "acting_user_id"]


def _conf(name: str, default: float) -> float:
    """ZHIGUAN_SYSTEMS_<name>: a Django setting (tests) or the environment, else the default."""
    key = f"ZHIGUAN_SYSTEMS_{name}"
    return float(getattr(settings, key, os.environ.get(key, default)))


def max_attempts() -> int:
    return int(_conf("MAX_ATTEMPTS", 8))


def lease_seconds() -> float:
    # Longer than the HTTP timeout: a live worker never loses its row to the sweep.
    return _conf("LEASE_SECONDS", 60)


def window_seconds() -> float:
    return _conf("WINDOW_SECONDS", 300)


# ------------------------------------------------------------------------------------ configuration


@dataclass(frozen=True)
class SystemInput:
    code: str
    name: str
    kind: str
    callback_url: str = ""
    enabled: bool = True
    mapping: dict[str, Any] | None = None
    # The dispatcher's account its status updates act as (None: they are only kept; KEEP: as it is,
    # so that a form that does not show it never clears it).
    acting_user_id: int | str | None = None


KEEP = "keep"


def _check_acting_user(actor: Actor, user_id: int | None) -> None:
    if user_id is None:
        return
    from zhiguan.org.models import User

    user = User.objects.filter(pk=user_id, jurisdiction_id=actor.jurisdiction.pk, is_active=True).first()
    if user is None or not user.roles.filter(code__in=ACTING_ROLES).exists():
        raise InvalidInput(
            _("The system can act only as an active dispatcher or supervisor of the district."),
            code="acting_user_not_dispatcher",
            field="acting_user_id",
        )


def save_system(
    *, actor: Actor, data: SystemInput, system_id: int | None = None
) -> tuple[ExternalSystem, str]:
    """Create (system_id None) or change a system; returns it and, when just created, its new secrets
    as `inbound:callback` text shown once (empty on a change)."""
    require(actor, "client.manage")
    if data.kind not in SystemKind.values:
        raise InvalidInput(_("Unknown kind of system."), code="unknown_kind", field="kind")
    if data.callback_url and not data.callback_url.startswith(("http://", "https://")):
        raise InvalidInput(_("The callback URL must start with http:// or https://."), field="callback_url")
    clean = mappings.clean(actor.jurisdiction.pk, data.mapping or {})
    acting = data.acting_user_id
    if not isinstance(acting, str):  # anything but KEEP
        _check_acting_user(actor, acting)
    shown = ""
    with transaction.atomic():
        if system_id is None:
            system = ExternalSystem(jurisdiction=actor.jurisdiction)
            system.inbound_secret = secrets.token_urlsafe(32)
            system.callback_secret = secrets.token_urlsafe(32)
            shown = f"{system.inbound_secret}:{system.callback_secret}"
            before: dict[str, Any] = {}
        else:
            system = get_or_404(
                actor, ExternalSystem.objects.select_for_update(), "client.manage", pk=system_id
            )
            before = audit.snapshot(system, AUDITED)
        system.code, system.name, system.kind = data.code.strip(), data.name.strip(), data.kind
        system.callback_url, system.enabled, system.mapping = data.callback_url.strip(), data.enabled, clean
        if not isinstance(acting, str):
            system.acting_user_id = acting
        if not system.code or not system.name:
            raise InvalidInput(_("Give the system a code and a name."), field="code")
        try:
            with transaction.atomic():
                system.save()
        except IntegrityError as exc:
            raise Conflict(
                _("A system with this code exists."), code="system_code_taken", field="code"
            ) from exc
        audit.record(
            actor=actor,
            action="system.created" if system_id is None else "system.changed",
            target=system,
            before=before,
            after=audit.snapshot(system, AUDITED),
        )
    return system, shown


def rotate_secrets(*, actor: Actor, system_id: int) -> tuple[ExternalSystem, str]:
    """New inbound and callback secrets (the old ones stop working at once); shown once."""
    require(actor, "client.manage")
    with transaction.atomic():
        system = get_or_404(actor, ExternalSystem.objects.select_for_update(), "client.manage", pk=system_id)
        system.inbound_secret = secrets.token_urlsafe(32)
        system.callback_secret = secrets.token_urlsafe(32)
        system.save(update_fields=["inbound_secret", "callback_secret", "updated_at"])
        audit.record(actor=actor, action="system.secrets_rotated", target=system)
    return system, f"{system.inbound_secret}:{system.callback_secret}"


# ------------------------------------------------------------------------------------------ inbound


def _system_for(jurisdiction_code: str, code: str) -> ExternalSystem:
    system = (
        ExternalSystem.objects.select_related("jurisdiction")
        .filter(jurisdiction__code=jurisdiction_code, code=code, enabled=True)
        .first()
    )
    if system is None:
        raise NotFound(_("Unknown or disabled system."), code="unknown_system")
    return system


def check_signature(system: ExternalSystem, timestamp: str, signature: str, body: bytes) -> str:
    """The signature's digest, once the timestamp is fresh and the signature right; else 401."""
    if not timestamp or not signature:
        raise NotAuthenticated(
            _("Sign the request (X-Zhiguan-Timestamp and X-Zhiguan-Signature)."), code="bad_signature"
        )
    try:
        sent = int(timestamp)
    except ValueError as exc:
        raise NotAuthenticated(_("The timestamp is not Unix seconds."), code="stale_timestamp") from exc
    if abs(time.time() - sent) > window_seconds():
        raise NotAuthenticated(
            _("The timestamp is too far from our clock."),
            code="stale_timestamp",
            window=int(window_seconds()),
        )
    if not signing.valid(system.inbound_secret, timestamp, body, signature):
        raise NotAuthenticated(_("The signature does not match."), code="bad_signature")
    return signing.digest_of(signature)[:64]


def receive(
    *, jurisdiction_code: str, code: str, timestamp: str, signature: str, body: bytes
) -> tuple[Case, bool, ExternalSystem]:
    """One signed event of a system → (case, created, system). Checked in this order: the system,
    the timestamp window and the signature (401), a replay of the same signed request (409
    `replayed`), the JSON and the mapping (422); nothing is written unless all pass."""
    system = _system_for(jurisdiction_code, code)
    digest = check_signature(system, timestamp, signature, body)
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(_("The body is not JSON."), code="malformed_json") from exc
    if not isinstance(event, dict):
        raise InvalidInput(_("The body must be a JSON object."), code="malformed_json")
    mapped = mappings.apply(system.jurisdiction_id, system.mapping, event)
    actor = Actor(
        jurisdiction=system.jurisdiction, grants={"case.create": "jurisdiction", "case.view": "jurisdiction"}
    )
    try:
        with transaction.atomic():
            # The nonce commits only with a success: a request refused for its content may be fixed
            # and re-signed, and an accepted one can never be played again.
            InboundNonce.objects.create(system=system, signature=digest)
    except IntegrityError as exc:
        raise Conflict(_("This signed request was already received."), code="replayed") from exc
    try:
        case, created = cases.register(
            actor=actor,
            request_type=mapped.request_type,
            channel=Channel.SYSTEM,
            category_id=mapped.category_id,
            description=mapped.description,
            reporters=[{"name": mapped.reporter["name"] or system.name, "phone": mapped.reporter["phone"]}],
            lng=mapped.lng,
            lat=mapped.lat,
            crs=mapped.crs,
            address=mapped.address,
            external_ref=f"{system.code}:{mapped.external_id}",
            urgency=Urgency.URGENT if mapped.urgent else Urgency.NORMAL,
        )
    except DomainError:
        InboundNonce.objects.filter(system=system, signature=digest).delete()
        raise
    return case, created, system


# A system may move a case it sent only along these rows of the workflow: its side confirmed the
# case (→ to dispatch), withdrew it (→ not accepted), or closed it once we verified it (→ closed).
# Everything else a dispatcher decides; the update is kept with the reason (docs/decisions/085).
SYSTEM_ACTIONS = ("submit", "reject", "close")
# The roles an acting account must hold: those of the rows above.
ACTING_ROLES = ("dispatcher", "supervisor")


def _acting_actor(system: ExternalSystem) -> Actor | None:
    user = system.acting_user
    if user is None or not user.is_active or user.jurisdiction_id != system.jurisdiction_id:
        return None
    return Actor.for_user(user)


def _record_status(
    system: ExternalSystem,
    case: Case,
    update: mappings.StatusUpdate,
    *,
    outcome: str,
    from_status: str,
    action: str = "",
    detail: str = "",
) -> InboundStatus:
    return InboundStatus.objects.create(
        system=system,
        case=case,
        their_status=update.their_status,
        our_status=update.our_status,
        action=action,
        note=update.note,
        outcome=outcome,
        detail=detail[:255],
        from_status=from_status,
    )


def receive_status(
    *, jurisdiction_code: str, code: str, timestamp: str, signature: str, body: bytes
) -> InboundStatus:
    """One signed status update of a system about a case it sent → the workflow move it maps to.

    Checked like `receive` (system, window, signature, replay, JSON, mapping; 404 `unknown_case`
    when no case of theirs has that id). The move is made by `cases.services.perform` as the
    system's acting account when one row of `SYSTEM_ACTIONS` leads from the case's status to the
    mapped one; otherwise (already there, no such move, no account, a guard's refusal) nothing moves
    and the update is kept with its outcome for the dispatcher. Always answered 200 once accepted:
    the sender cannot fix our workflow by sending again."""
    system = _system_for(jurisdiction_code, code)
    digest = check_signature(system, timestamp, signature, body)
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(_("The body is not JSON."), code="malformed_json") from exc
    if not isinstance(event, dict):
        raise InvalidInput(_("The body must be a JSON object."), code="malformed_json")
    update = mappings.apply_status(system.mapping, event)
    case = Case.objects.filter(
        jurisdiction_id=system.jurisdiction_id,
        channel=Channel.SYSTEM,
        external_ref=f"{system.code}:{update.external_id}",
    ).first()
    if case is None:
        raise NotFound(_("No case of this system has that id."), code="unknown_case")
    try:
        with transaction.atomic():
            InboundNonce.objects.create(system=system, signature=digest)
    except IntegrityError as exc:
        raise Conflict(_("This signed request was already received."), code="replayed") from exc
    from_status = case.status
    if case.status == update.our_status:
        return _record_status(
            system, case, update, outcome=InboundStatusOutcome.ALREADY, from_status=from_status
        )
    rows = [
        row
        for row in workflow.transitions_from(case.status)
        if row.action in SYSTEM_ACTIONS and row.next_status == update.our_status
    ]
    if not rows:
        return _record_status(
            system, case, update, outcome=InboundStatusOutcome.NO_TRANSITION, from_status=from_status
        )
    actor = _acting_actor(system)
    action = rows[0].action
    if actor is None:
        return _record_status(
            system,
            case,
            update,
            outcome=InboundStatusOutcome.NO_ACTING_USER,
            from_status=from_status,
            action=action,
        )
    note = update.note or _("%(system)s: status %(status)s") % {
        "system": system.name,
        "status": update.their_status,
    }
    try:
        with transaction.atomic():
            case = cases.perform(actor=actor, case_id=case.pk, action=action, note=note[:500])
            row = _record_status(
                system,
                case,
                update,
                outcome=InboundStatusOutcome.APPLIED,
                from_status=from_status,
                action=action,
            )
            audit.record(
                actor=actor,
                action="system.status_applied",
                target=case,
                before={"status": from_status},
                after={
                    "status": update.our_status,
                    "system": system.code,
                    "their_status": update.their_status,
                },
            )
    except DomainError as exc:
        return _record_status(
            system,
            case,
            update,
            outcome=InboundStatusOutcome.REFUSED,
            from_status=from_status,
            action=action,
            detail=f"{exc.code}: {exc.message}",
        )
    return row


def prune_nonces() -> int:
    """Forget nonces older than twice the window: their timestamps are refused anyway."""
    cutoff = timezone.now() - timedelta(seconds=2 * window_seconds())
    return InboundNonce.objects.filter(received_at__lt=cutoff).delete()[0]


# --------------------------------------------------------------------------------------- the outbox


def system_of(case: Case) -> ExternalSystem | None:
    if case.channel != Channel.SYSTEM or ":" not in case.external_ref:
        return None
    code = case.external_ref.split(":", 1)[0]
    return ExternalSystem.objects.filter(jurisdiction_id=case.jurisdiction_id, code=code).first()


def callback_payload(system: ExternalSystem, case: Case, event: CaseEvent, key: str) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "system": system.code,
        "external_id": case.external_ref.split(":", 1)[1],
        "case_number": case.number,
        "status": mappings.their_status(system.mapping, event.to_status),
        "zhiguan_status": event.to_status,
        "previous_status": event.from_status,
        "action": event.action,
        "note": event.note[:500],
        "occurred_at": (event.at or timezone.now()).isoformat(),
    }


def on_case_event(sender: Any, case: Case, event: CaseEvent, **kwargs: Any) -> None:
    """In the change's transaction: a status change of a case a system sent gets its callback row."""
    if case.channel != Channel.SYSTEM or not event.from_status or event.from_status == event.to_status:
        return
    system = system_of(case)
    if system is None or not system.callback_url:
        return
    key = f"{case.jurisdiction_id}-{event.pk}"
    row = Callback.objects.create(
        system=system,
        case=case,
        event=event,
        idempotency_key=key,
        payload=callback_payload(system, case, event, key),
    )
    from zhiguan.intake.systems import tasks

    # After the commit, a first attempt at once; the sweep picks up whatever it could not deliver.
    transaction.on_commit(lambda: tasks.deliver_callback.delay(row.pk))


@dataclass(frozen=True)
class Attempt:
    """What one delivery attempt did: `delivered`, `failed` (retry in `retry_in` s), `dead`, `skipped`."""

    outcome: str
    retry_in: float | None = None


_session = requests.Session()


def backoff(attempts: int) -> float:
    """Celery's own exponential back-off with full jitter, capped (retry_backoff / retry_backoff_max)."""
    return float(
        get_exponential_backoff_interval(
            factor=_conf("BACKOFF_SECONDS", 10),
            retries=max(attempts - 1, 0),
            maximum=_conf("BACKOFF_MAX_SECONDS", 3600),
            full_jitter=True,
        )
    )


def claim(callback_id: int) -> str | None:
    """Take the row's lease when it is due and free (or its holder's lease expired); the token or None."""
    now = timezone.now()
    token = secrets.token_hex(16)
    taken = (
        Callback.objects.filter(pk=callback_id, state=CallbackState.PENDING, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            lease_until=now + timedelta(seconds=lease_seconds()),
            lease_token=token,
            attempts=F("attempts") + 1,
        )
    )
    return token if taken else None


def post(row: Callback) -> requests.Response:
    body = json.dumps(row.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": row.idempotency_key,
        signing.TIMESTAMP_HEADER: timestamp,
        signing.SIGNATURE_HEADER: signing.sign(row.system.callback_secret, timestamp, body),
    }
    return _session.post(
        row.system.callback_url, data=body, headers=headers, timeout=_conf("TIMEOUT_SECONDS", 10)
    )


def deliver(callback_id: int) -> Attempt:
    """One attempt at one callback: claim the lease, POST, record the outcome (only while the lease is
    still ours). A 2xx answer is delivered; anything else is retried after `backoff`, and after
    `max_attempts` the row is a dead letter."""
    token = claim(callback_id)
    if token is None:
        return Attempt("skipped")
    row = Callback.objects.select_related("system").get(pk=callback_id)
    mine = Callback.objects.filter(pk=callback_id, lease_token=token)
    try:
        answer = post(row)
        status: int | None = answer.status_code
        error = "" if answer.ok else f"HTTP {answer.status_code}"
    except requests.RequestException as exc:
        status, error = None, f"{type(exc).__name__}: {exc}"
    now = timezone.now()
    if not error:
        mine.update(
            state=CallbackState.DELIVERED,
            delivered_at=now,
            lease_until=None,
            lease_token="",
            last_error="",
            last_http_status=status,
        )
        return Attempt("delivered")
    if row.attempts >= max_attempts():
        mine.update(
            state=CallbackState.DEAD,
            dead_at=now,
            lease_until=None,
            lease_token="",
            last_error=error[:255],
            last_http_status=status,
        )
        return Attempt("dead")
    wait = backoff(row.attempts)
    mine.update(
        next_attempt_at=now + timedelta(seconds=wait),
        lease_until=None,
        lease_token="",
        last_error=error[:255],
        last_http_status=status,
    )
    return Attempt("failed", retry_in=wait)


def due(limit: int = 500) -> list[int]:
    """Pending callbacks whose time has come and that no live worker holds, oldest first."""
    now = timezone.now()
    return list(
        Callback.objects.filter(state=CallbackState.PENDING, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# How many callbacks one sweep takes at once, and how many of them are on the wire together.
BATCH = 100
CONCURRENCY = 16
# The one session's pool holds a connection per concurrent delivery (requests keeps 10 by default).
_session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=8, pool_maxsize=CONCURRENCY * 2))
_session.mount("https://", requests.adapters.HTTPAdapter(pool_connections=8, pool_maxsize=CONCURRENCY * 2))


def claim_due(limit: int = BATCH, *, due_by: datetime | None = None) -> tuple[str, list[int]]:
    """Lease up to `limit` due callbacks at once under one token, oldest first: (token, ids).

    One transaction: the due rows are locked with `FOR UPDATE SKIP LOCKED` (PostgreSQL; workers
    sweeping together take different rows and never wait on each other), then leased and counted as
    an attempt. SQLite has no row locks: its transactions take the write lock when they begin
    (`transaction_mode` IMMEDIATE), so two sweeps there take turns. `due_by`: only rows due by
    then (a sweep's start: what failed during the sweep waits for the next one)."""
    now = timezone.now()
    token = secrets.token_hex(16)
    with transaction.atomic():
        ids = list(
            Callback.objects.select_for_update(skip_locked=True)
            .filter(state=CallbackState.PENDING, next_attempt_at__lte=min(now, due_by or now))
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Callback.objects.filter(pk__in=ids).update(
                lease_until=now + timedelta(seconds=lease_seconds()),
                lease_token=token,
                attempts=F("attempts") + 1,
            )
    return token, ids


def _send(row: Callback) -> tuple[int | None, str]:
    try:
        answer = post(row)
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:255]
    return answer.status_code, "" if answer.ok else f"HTTP {answer.status_code}"


def deliver_due(
    limit: int = BATCH, *, concurrency: int = CONCURRENCY, due_by: datetime | None = None
) -> dict[str, int]:
    """One batch: lease the due callbacks (`claim_due`), POST them `concurrency` at a time over the
    pooled session, and record the outcomes in a few statements, each only on rows whose lease is
    still this batch's (a batch that outlived its lease changes nothing). Same semantics as
    `deliver`: at least once, the idempotency key on every attempt, back-off, dead letters."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db.models import Case as Choose
    from django.db.models import Value, When
    from django.db.models.functions import Cast

    def field(name: str) -> Any:
        return Callback._meta.get_field(name)

    token, ids = claim_due(limit, due_by=due_by)
    if not ids:
        return {}
    rows = list(Callback.objects.select_related("system").filter(pk__in=ids, lease_token=token))
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(rows)))) as pool:
        results = list(pool.map(_send, rows))
    now = timezone.now()
    mine = Callback.objects.filter(lease_token=token)
    delivered = [(r, st) for r, (st, err) in zip(rows, results, strict=True) if not err]
    failed = [(r, st, err) for r, (st, err) in zip(rows, results, strict=True) if err]
    dead = [f for f in failed if f[0].attempts >= max_attempts()]
    retry = [f for f in failed if f[0].attempts < max_attempts()]
    counts: dict[str, int] = {}
    if delivered:
        by_status: dict[int | None, list[int]] = {}
        for r, st in delivered:
            by_status.setdefault(st, []).append(r.pk)
        for st, pks in by_status.items():
            n = mine.filter(pk__in=pks).update(
                state=CallbackState.DELIVERED,
                delivered_at=now,
                lease_until=None,
                lease_token="",
                last_error="",
                last_http_status=st,
            )
            if n:
                counts["delivered"] = counts.get("delivered", 0) + n
    for group, extra, outcome in (
        (dead, {"state": CallbackState.DEAD, "dead_at": now}, "dead"),
        (retry, {}, "failed"),
    ):
        if not group:
            continue
        values: dict[str, Any] = {
            "last_error": Choose(
                *[When(pk=r.pk, then=Value(err, output_field=field("last_error"))) for r, _st, err in group],
                output_field=field("last_error"),
            ),
            # Cast: a CASE of nothing but NULLs (no answer at all) is text to PostgreSQL.
            "last_http_status": Cast(
                Choose(*[When(pk=r.pk, then=Value(st)) for r, st, _err in group]),
                output_field=field("last_http_status"),
            ),
        }
        if outcome == "failed":
            values["next_attempt_at"] = Choose(
                *[
                    When(
                        pk=r.pk,
                        then=Value(
                            now + timedelta(seconds=backoff(r.attempts)),
                            output_field=field("next_attempt_at"),
                        ),
                    )
                    for r, _s, _e in group
                ],
                output_field=field("next_attempt_at"),
            )
        n = mine.filter(pk__in=[r.pk for r, _st, _err in group]).update(
            lease_until=None, lease_token="", **extra, **values
        )
        if n:
            counts[outcome] = counts.get(outcome, 0) + n
    return counts


def replay(*, actor: Actor, callback_id: int) -> Callback:
    """A dead letter back in the queue, due now, attempts counted afresh; audited. Same idempotency key."""
    require(actor, "client.manage")
    with transaction.atomic():
        row = (
            Callback.objects.select_for_update()
            .filter(pk=callback_id, system__jurisdiction_id=actor.jurisdiction.pk)
            .first()
        )
        if row is None:
            raise NotFound()
        if row.state != CallbackState.DEAD:
            raise Conflict(_("Only a dead letter can be replayed."), code="not_dead", state=row.state)
        row.state, row.attempts, row.next_attempt_at = CallbackState.PENDING, 0, timezone.now()
        row.dead_at, row.replays = None, row.replays + 1
        row.save(update_fields=["state", "attempts", "next_attempt_at", "dead_at", "replays"])
        audit.record(
            actor=actor, action="system.callback_replayed", target=row.case, after={"callback": row.pk}
        )
        from zhiguan.intake.systems import tasks

        transaction.on_commit(lambda: tasks.deliver_callback.delay(row.pk))
    return row
