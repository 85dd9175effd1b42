"""Registering a case, the parts with no timeline: its number, the idempotency look-up, checked input.

`services.register` uses these and appends the first event; nothing here writes a `CaseEvent`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from zhiguan.cases.models import Case, CaseAttachment, CaseCounter, CaseIdempotencyKey
from zhiguan.errors import InvalidInput
from zhiguan.geo.services import Location
from zhiguan.org.models import phone_validator
from zhiguan.org.permissions import Actor


def next_number(jurisdiction_id: int, code: str, day: date) -> str:
    """`330114-20261126-00042`: the next number of the day, unique and never reused.

    One atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, PostgreSQL and SQLite ≥ 3.35)
    increments the per-day counter row and returns the new value. Called outside a transaction
    (as `create_case` does), the counter row is locked only for that one statement, so concurrent
    registrations no longer queue behind each other's whole transaction. A registration that
    fails after taking its number leaves a gap; numbers are never handed out twice
    (docs/decisions/034-case-performance.md).
    """
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    sql = (
        f'INSERT INTO {table} (jurisdiction_id, day, "last") VALUES (%s, %s, 1) '
        f'ON CONFLICT (jurisdiction_id, day) DO UPDATE SET "last" = {table}."last" + 1 RETURNING "last"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [jurisdiction_id, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return f"{code}-{day:%Y%m%d}-{row[0]:05d}"


def key_owner(actor: Actor) -> str:
    """Whose Idempotency-Key it is: a key is scoped to the person or client that sent it."""
    if actor.user is not None:
        return f"user:{actor.user.pk}"
    if actor.client is not None:
        return f"client:{actor.client.pk}"
    return str(actor.kind)


def request_hash(fields: dict[str, Any]) -> str:
    """A digest of what a registration asked for; attachments by their content, so that a retry that
    uploads the same photo again is the same request."""
    data = dict(fields)
    ids = data.pop("attachment_ids", None) or []
    data["attachments"] = (
        sorted(CaseAttachment.objects.filter(pk__in=ids).values_list("sha256", flat=True)) if ids else []
    )
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def existing(
    actor: Actor, channel: str, external_ref: str, idempotency_key: str | None, body_hash: str = ""
) -> Case | None:
    """The case this registration repeats: by the sender's own Idempotency-Key (422
    `idempotency_key_reused` when the key came with a different request), else by channel reference."""
    jid = actor.jurisdiction.pk
    if idempotency_key:
        hit = (
            CaseIdempotencyKey.objects.filter(
                jurisdiction_id=jid, owner=key_owner(actor), key=idempotency_key
            )
            .select_related("case")
            .first()
        )
        if hit is not None:
            if hit.body_hash and body_hash and hit.body_hash != body_hash:
                raise InvalidInput(
                    _("This idempotency key was used for a different request."),
                    code="idempotency_key_reused",
                    field="Idempotency-Key",
                )
            return hit.case
    if external_ref:
        # Unordered; answered by the plain (jurisdiction, channel, external_ref) index. The partial
        # unique index cannot serve it under a generic plan: with bound parameters PostgreSQL
        # cannot prove `external_ref <> ''` from `external_ref = $3`, and would scan the table.
        return (
            Case.objects.filter(jurisdiction_id=jid, channel=channel, external_ref=external_ref)
            .order_by()
            .first()
        )
    return None


def check_choice(value: str, choices: Any, field: str) -> str:
    """`value` is one of the stable codes of `choices`, else 422 naming the field and the allowed codes."""
    if value not in choices.values:
        raise InvalidInput(_("Unknown value."), field=field, allowed=list(choices.values))
    return value


def is_id_number(value: str) -> bool:
    """The shape of a resident ID number: 18 characters, the first 17 digits (the last may be X)."""
    return len(value) == 18 and value[:17].isdigit()


def clean_reporters(reporters: list[dict[str, str]]) -> list[dict[str, str]]:
    if not reporters:
        raise InvalidInput(_("A case needs at least one reporter."), field="reporters")
    out = []
    for i, r in enumerate(reporters):
        name, phone, id_number = (r.get(k, "").strip() for k in ("name", "phone", "id_number"))
        if not name:
            raise InvalidInput(_("Each reporter needs a name."), field=f"reporters.{i}.name")
        if phone:
            try:
                phone_validator(phone)
            except Exception as exc:
                raise InvalidInput(_("Not a valid phone number."), field=f"reporters.{i}.phone") from exc
        if id_number and not is_id_number(id_number):
            raise InvalidInput(_("A resident ID number has 18 characters."), field=f"reporters.{i}.id_number")
        out.append({"name": name, "phone": phone, "id_number": id_number.upper()})
    return out


def remember_related(case: Case, **related: list[Any]) -> None:
    """Record related rows known in memory as if prefetched, so `case.<name>.all()` needs no query."""
    cache = case.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objs in related.items():
        qs = getattr(case, name).all()
        qs._result_cache = list(objs)
        qs._prefetch_done = True
        cache[name] = qs


def apply_location(case: Case, location: Location) -> None:
    case.lng, case.lat = location.lng, location.lat
    case.street_id, case.community_id, case.grid_id = (
        location.street_id,
        location.community_id,
        location.grid_id,
    )
    for name, cell in location.h3.items():
        setattr(case, name, cell)


def remember_key(actor: Actor, case: Case, idempotency_key: str | None, body_hash: str) -> None:
    """Store the sender's Idempotency-Key and the request's digest with the case (same transaction)."""
    if idempotency_key:
        CaseIdempotencyKey.objects.create(
            jurisdiction=actor.jurisdiction,
            owner=key_owner(actor),
            key=idempotency_key,
            body_hash=body_hash,
            case=case,
        )
