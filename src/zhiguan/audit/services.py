"""Writing the audit log. Services call `record` explicitly, inside their own transaction."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Model

from zhiguan.audit.middleware import current_request
from zhiguan.audit.models import AuditRecord

if TYPE_CHECKING:
    from zhiguan.org.permissions import Actor


def jsonable(value: Any) -> Any:
    """`value` as it will be stored in a JSON column: dates, decimals and UUIDs as text (DjangoJSONEncoder)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def record(
    *,
    actor: Actor | None,
    action: str,
    target: Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    jurisdiction_id: int | None = None,
) -> AuditRecord:
    """Append one audit record: who (from the actor), when, what, before → after, from where (the request)."""
    entry = build(
        actor=actor,
        action=action,
        target=target,
        before=before,
        after=after,
        note=note,
        jurisdiction_id=jurisdiction_id,
    )
    entry.save()
    return entry


def record_many(entries: list[AuditRecord]) -> list[AuditRecord]:
    """Append several records made by `build` in one INSERT (a batch job's per-case records)."""
    return AuditRecord.objects.bulk_create(entries)


def build(
    *,
    actor: Actor | None,
    action: str,
    target: Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    jurisdiction_id: int | None = None,
) -> AuditRecord:
    """The record `record` would append, not yet saved (for `record_many`)."""
    ctx = current_request.get()
    if jurisdiction_id is None:
        jurisdiction_id = (
            actor.jurisdiction.pk if actor is not None else getattr(target, "jurisdiction_id", None)
        )
    return AuditRecord(
        jurisdiction_id=jurisdiction_id,
        actor_user=actor.user if actor is not None else None,
        actor_client=actor.client if actor is not None else None,
        actor_label=(actor.label if actor is not None else "system")[:128],
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:255] if target is not None else "",
        before=jsonable(before),
        after=jsonable(after),
        note=note[:255],
        ip=ctx.ip if ctx else None,
        user_agent=ctx.user_agent if ctx else "",
        request_id=ctx.request_id if ctx else "",
    )


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `obj` as plain values (foreign keys by id), for before/after."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = getattr(obj, field.attname) if hasattr(field, "attname") else getattr(obj, name)
    return out


def archive_before(*, before: datetime, path: Path) -> int:
    """Move audit records older than `before` into a gzip JSON-lines file, then out of the table.

    The one way records leave the log (retention): the file is written and flushed before any row
    is removed, the removal is one transaction, and the archive itself is audited.
    """
    qs = AuditRecord.objects.filter(at__lt=before).order_by("id")
    count = 0
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for row in qs.values().iterator(chunk_size=2000):
            out.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
            count += 1
    with transaction.atomic():
        # Bypasses the append-only queryset on purpose: retention is the only permitted removal.
        models.QuerySet.delete(AuditRecord.objects.filter(at__lt=before))
        record(
            actor=None, action="audit.archived", after={"before": before, "count": count, "file": str(path)}
        )
    return count
