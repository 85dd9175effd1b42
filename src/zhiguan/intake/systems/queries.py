"""Reads of the integrated systems, each through the administrator's data scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from zhiguan.cases.models import RequestType
from zhiguan.cases.status import Status
from zhiguan.intake.systems import mapping as mappings
from zhiguan.intake.systems import services
from zhiguan.intake.systems.models import (
    Callback,
    CallbackState,
    ExternalSystem,
    InboundStatus,
    InboundStatusOutcome,
    SystemKind,
)
from zhiguan.org.permissions import Actor, restrict


def inbound_url(system: ExternalSystem) -> str:
    return f"/api/v1/systems/inbound/{system.jurisdiction.code}/{system.code}"


def status_url(system: ExternalSystem) -> str:
    return f"{inbound_url(system)}/status"


def system_out(system: ExternalSystem, counts: dict[str, int] | None = None) -> dict[str, Any]:
    acting = system.acting_user
    return {
        "id": system.pk,
        "code": system.code,
        "name": system.name,
        "kind": system.kind,
        "kind_label": str(SystemKind(system.kind).label) if system.kind in SystemKind.values else system.kind,
        "callback_url": system.callback_url,
        "enabled": system.enabled,
        "mapping": system.mapping,
        "inbound_url": inbound_url(system),
        "status_url": status_url(system),
        "acting_user_id": system.acting_user_id,
        "acting_user_name": (acting.full_name or acting.username) if acting is not None else "",
        "callbacks": counts or {},
        "updated_at": system.updated_at,
    }


def systems(actor: Actor) -> list[dict[str, Any]]:
    qs = restrict(
        actor, ExternalSystem.objects.select_related("jurisdiction", "acting_user"), "client.manage"
    ).annotate(
        n_pending=Count("callbacks", filter=Q(callbacks__state=CallbackState.PENDING)),
        n_delivered=Count("callbacks", filter=Q(callbacks__state=CallbackState.DELIVERED)),
        n_dead=Count("callbacks", filter=Q(callbacks__state=CallbackState.DEAD)),
    )
    return [
        system_out(s, {"pending": s.n_pending, "delivered": s.n_delivered, "dead": s.n_dead})
        for s in qs.order_by("code")
    ]


def callbacks(
    actor: Actor, *, state: str | None, system_id: int | None, before_id: int | None, limit: int
) -> list[dict[str, Any]]:
    """The newest callbacks first (a keyset page below `before_id`)."""
    qs: QuerySet[Callback] = Callback.objects.filter(
        system__in=restrict(actor, ExternalSystem.objects.all(), "client.manage")
    )
    if state:
        qs = qs.filter(state=state)
    if system_id:
        qs = qs.filter(system_id=system_id)
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    rows = qs.select_related("system", "case").order_by("-pk")[:limit]
    return [callback_out(c) for c in rows]


def callback_out(c: Callback) -> dict[str, Any]:
    return {
        "id": c.pk,
        "system_code": c.system.code,
        "system_name": c.system.name,
        "case_number": c.case.number,
        "idempotency_key": c.idempotency_key,
        "status": str(c.payload.get("zhiguan_status", "")),
        "state": c.state,
        "attempts": c.attempts,
        "next_attempt_at": c.next_attempt_at,
        "last_error": c.last_error,
        "last_http_status": c.last_http_status,
        "created_at": c.created_at,
        "delivered_at": c.delivered_at,
        "dead_at": c.dead_at,
        "replays": c.replays,
    }


def options(actor: Actor) -> dict[str, Any]:
    restrict(actor, ExternalSystem.objects.none(), "client.manage")
    return {
        "kinds": [{"value": v, "label": str(label)} for v, label in SystemKind.choices],
        "targets": list(mappings.TARGETS),
        "required_targets": list(mappings.REQUIRED_TARGETS),
        "statuses": [{"value": v, "label": str(label)} for v, label in Status.choices],
        "request_types": [{"value": v, "label": str(label)} for v, label in RequestType.choices],
        "max_attempts": services.max_attempts(),
    }


def status_updates(
    actor: Actor, *, system_id: int | None, outcome: str | None, limit: int
) -> list[dict[str, Any]]:
    """The systems' status updates, newest first, with what became of each (docs/decisions/085)."""
    qs = InboundStatus.objects.filter(
        system__in=restrict(actor, ExternalSystem.objects.all(), "client.manage")
    ).select_related("system", "case")
    if system_id:
        qs = qs.filter(system_id=system_id)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return status_updates_out(list(qs.order_by("-id")[:limit]))


def status_updates_out(rows: list[InboundStatus]) -> list[dict[str, Any]]:
    return [
        {
            "id": row.pk,
            "system_code": row.system.code,
            "case_number": row.case.number,
            "their_status": row.their_status,
            "our_status": row.our_status,
            "action": row.action,
            "note": row.note,
            "outcome": row.outcome,
            "outcome_label": str(InboundStatusOutcome(row.outcome).label),
            "detail": row.detail,
            "from_status": row.from_status,
            "status": row.case.status,
            "received_at": row.received_at,
        }
        for row in rows
    ]
