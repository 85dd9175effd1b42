"""Reading registries: lists with filters and keyset paging, detail, as-of, history, export rows.

Everything goes through `org.permissions.restrict(actor, qs, spec.permission_view)`; a model may
narrow what an actor sees with `data_scope_q`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

import shapely
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from zhiguan.errors import InvalidInput, NotFound
from zhiguan.org.permissions import Actor, get_or_404, restrict
from zhiguan.registries import history
from zhiguan.registries.models import ImportBatch
from zhiguan.registries.spec import CHOICE, GEOMETRY, RegistrySpec, all_specs

MAX_LIMIT = 500
STATES = ("active", "retired", "all")


def _fk_names(spec: RegistrySpec) -> list[str]:
    return [f.name for f in spec.model._meta.concrete_fields if f.is_relation and f.name != "jurisdiction"]


def base_queryset(actor: Actor, spec: RegistrySpec, action: str | None = None) -> QuerySet[Any]:
    qs = spec.model._default_manager.select_related(*_fk_names(spec))
    return restrict(actor, qs, action or spec.permission_view)


def _geojson(wkb: Any) -> dict[str, Any] | None:
    if not wkb:
        return None
    try:
        return json.loads(shapely.to_geojson(shapely.from_wkb(bytes(wkb))))
    except Exception:
        return None


def record_row(spec: RegistrySpec, record: Any) -> dict[str, Any]:
    """The record as column values (what the template, an export and an edit form show)."""
    if spec.to_row is not None:
        row = dict(spec.to_row(record))
    else:
        row = {}
        for c in spec.columns:
            value = getattr(record, c.field, None)
            if isinstance(value, list):
                value = "、".join(str(v) for v in value)
            row[c.field] = value
    for c in spec.columns:
        if c.kind == GEOMETRY and isinstance(row.get(c.field), bytes | memoryview):
            row[c.field] = _geojson(row[c.field])
        elif c.kind == GEOMETRY and c.field not in row:
            row[c.field] = _geojson(getattr(record, c.field, None))
    return row


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None
    if value is None or isinstance(value, str | int | float | bool | dict | list):
        return value
    return str(value)


def record_out(spec: RegistrySpec, record: Any) -> dict[str, Any]:
    row = record_row(spec, record)
    labels: dict[str, str | None] = {}
    for c in spec.columns:
        if c.kind == CHOICE and c.choices is not None:
            v = row.get(c.field)
            labels[c.field] = c.choices.get(v, v) if v is not None else None
    for level in ("street", "community", "grid"):
        if hasattr(record, f"{level}_id"):
            area = getattr(record, level, None)
            labels[level] = area.name if area is not None else None
    geometry = _geojson(getattr(record, "geometry", None)) if spec.geometry in ("line", "polygon") else None
    return {
        "id": record.pk,
        "key": " ".join(str(getattr(record, k, "")) for k in spec.natural_key),
        "values": {k: _plain(v) for k, v in row.items()},
        "labels": labels,
        "lng": getattr(record, "lng", None),
        "lat": getattr(record, "lat", None),
        "geometry": geometry,
        "retired_at": record.retired_at,
        "retired_reason": record.retired_reason,
        "updated_at": record.updated_at,
    }


def registries_for(actor: Actor) -> list[dict[str, Any]]:
    out = []
    for spec in all_specs():
        if not actor.can(spec.permission_view):
            continue
        out.append(
            {
                "key": spec.key,
                "title": spec.title,
                "geometry": spec.geometry,
                "natural_key": list(spec.natural_key),
                "columns": [
                    {
                        "field": c.field,
                        "header": c.header,
                        "kind": c.kind,
                        "required": c.required,
                        "max_length": c.max_length,
                        "choices": [{"value": v, "label": lab} for v, lab in c.choices.items()]
                        if c.choices
                        else None,
                        "help": c.help,
                        "example": c.example,
                    }
                    for c in spec.columns
                ],
                "filters": list(spec.filters),
                "search_fields": list(spec.search_fields),
                "count": restrict(actor, spec.model._default_manager.all(), spec.permission_view)
                .filter(retired_at__isnull=True)
                .count(),
                "can_manage": actor.can(spec.permission_manage),
                "last_import_at": ImportBatch.objects.filter(
                    jurisdiction_id=actor.jurisdiction.pk, registry=spec.key
                )
                .values_list("at", flat=True)
                .first(),
            }
        )
    return out


def _bad(message: str, code: str, **details: Any) -> InvalidInput:
    return InvalidInput(message, code=code, **details)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    try:
        a, b, c, d = (float(x) for x in text.split(","))
    except ValueError as exc:
        raise _bad(_("bbox must be minlng,minlat,maxlng,maxlat."), "bad_bbox") from exc
    if not (a <= c and b <= d):
        raise _bad(_("bbox must be minlng,minlat,maxlng,maxlat."), "bad_bbox")
    return a, b, c, d


def _filter_q(spec: RegistrySpec, name: str, value: str) -> Q:
    model = spec.model
    try:
        f = model._meta.get_field(name)
    except Exception:
        return Q(**{name: value})
    if f.is_relation:
        if value.isdigit():
            return Q(**{f"{name}_id": int(value)})
        related = f.related_model
        if related is not None and any(x.name == "code" for x in related._meta.concrete_fields):
            return Q(**{f"{name}__code": value})
        return Q(pk__in=[])
    column = next((c for c in spec.columns if c.field == name), None)
    if column is not None and column.choices:
        for stored, label in column.choices.items():
            if value == label:
                value = stored
    return Q(**{name: value})


def filtered(
    actor: Actor,
    spec: RegistrySpec,
    *,
    q: str = "",
    filters: dict[str, str] | None = None,
    state: str = "active",
    bbox: str = "",
) -> QuerySet[Any]:
    qs = base_queryset(actor, spec)
    if state not in STATES:
        raise _bad(_("state must be active, retired or all."), "bad_state")
    if state == "active":
        qs = qs.filter(retired_at__isnull=True)
    elif state == "retired":
        qs = qs.filter(retired_at__isnull=False)
    q = (q or "").strip()
    if q:
        cond = Q()
        for f in spec.search_fields or spec.natural_key:
            cond |= Q(**{f"{f}__icontains": q})
        qs = qs.filter(cond)
    for name, value in (filters or {}).items():
        if name in spec.filters and value not in (None, ""):
            qs = qs.filter(_filter_q(spec, name, value))
    if bbox:
        x0, y0, x1, y1 = parse_bbox(bbox)
        names = {f.name for f in spec.model._meta.concrete_fields}
        if "min_lng" in names:
            qs = qs.filter(min_lng__lte=x1, max_lng__gte=x0, min_lat__lte=y1, max_lat__gte=y0)
        elif "lng" in names:
            qs = qs.filter(lng__gte=x0, lng__lte=x1, lat__gte=y0, lat__lte=y1)
    return qs


def _encode(values: list[Any]) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False, default=str).encode())
        .decode()
        .rstrip("=")
    )


def _decode(cursor: str, n: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except Exception as exc:
        raise _bad(_("The page cursor is not valid."), "bad_cursor") from exc
    if not isinstance(values, list) or len(values) != n:
        raise _bad(_("The page cursor is not valid."), "bad_cursor")
    return values


def _after_q(fields: list[str], values: list[Any]) -> Q:
    cond = Q()
    for i in range(len(fields)):
        step = Q(**{f"{fields[i]}__gt": values[i]})
        for j in range(i):
            step &= Q(**{fields[j]: values[j]})
        cond |= step
    return cond


def list_records(
    actor: Actor,
    spec: RegistrySpec,
    *,
    q: str = "",
    filters: dict[str, str] | None = None,
    state: str = "active",
    bbox: str = "",
    after: str = "",
    limit: int = 50,
) -> dict[str, Any]:
    limit = max(1, min(int(limit), MAX_LIMIT))
    order = [*spec.natural_key, "id"]
    qs = filtered(actor, spec, q=q, filters=filters, state=state, bbox=bbox).order_by(*order)
    if after:
        qs = qs.filter(_after_q(order, _decode(after, len(order))))
    items = list(qs[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    nxt = _encode([getattr(items[-1], f) for f in order]) if more and items else None
    return {"items": [record_out(spec, r) for r in items], "next": nxt}


def get_record(actor: Actor, spec: RegistrySpec, record_id: int) -> Any:
    return get_or_404(actor, base_queryset(actor, spec), spec.permission_view, pk=record_id)


def parse_when(text: str) -> datetime:
    when = parse_datetime(text)
    if when is None:
        day = parse_date(text)
        if day is None:
            raise _bad(_("as_of must be a date or a date and time."), "bad_date")
        when = datetime.combine(day, time.max)
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def record_as_of(actor: Actor, spec: RegistrySpec, record_id: int, when: datetime) -> dict[str, Any]:
    get_record(actor, spec, record_id)  # the record exists now and the actor may see it
    then = history.as_of(spec, record_id, when)
    if then is None:
        raise NotFound(_("The record did not exist yet at that time."), code="not_yet_recorded")
    return record_out(spec, then)


def record_history(actor: Actor, spec: RegistrySpec, record_id: int) -> list[history.Change]:
    return history.history_of(spec, get_record(actor, spec, record_id))


def export_rows(actor: Actor, spec: RegistrySpec, **params: Any) -> Iterator[Any]:
    """The records of the list's filters, one at a time (never the whole table in memory)."""
    qs = filtered(actor, spec, **params).order_by(*spec.natural_key, "id")
    yield from qs.iterator(chunk_size=2000)


def imports_of(actor: Actor, spec: RegistrySpec, limit: int = 20) -> list[ImportBatch]:
    restrict(actor, spec.model._default_manager.none(), spec.permission_view)
    return list(ImportBatch.objects.filter(jurisdiction_id=actor.jurisdiction.pk, registry=spec.key)[:limit])


def import_batch(actor: Actor, spec: RegistrySpec, batch_id: Any) -> ImportBatch:
    restrict(actor, spec.model._default_manager.none(), spec.permission_view)
    batch = ImportBatch.objects.filter(
        jurisdiction_id=actor.jurisdiction.pk, registry=spec.key, pk=batch_id
    ).first()
    if batch is None:
        raise NotFound()
    return batch
