"""Reads of the integrated systems, each through the administrator's data scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from zhiguan.cases.models import RequestType
from zhiguan.cases.status import Status
from zhiguan.intake.systems import mapping as mappings
from zhiguan.intake.systems import services
from zhiguan.intake.systems.models import Callback, CallbackState, ExternalSystem, SystemKind
from zhiguan.org.permissions import Actor, restrict


def inbound_url(system: ExternalSystem) -> str:
    return f"/api/v1/systems/inbound/{system.jurisdiction.code}/{system.code}"


def system_out(system: ExternalSystem, counts: dict[str, int] | None = None) -> dict[str, Any]:
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
        "callbacks": counts or {},
        "updated_at": system.updated_at,
    }


def systems(actor: Actor) -> list[dict[str, Any]]:
    qs = restrict(actor, ExternalSystem.objects.select_related("jurisdiction"), "client.manage").annotate(
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
