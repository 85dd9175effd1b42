"""Who changed a registry record, when, from where, and what it looked like before (decision 068).

django-simple-history writes one historical row per save; this module fills the extra
`history_source` column ("api", "console", "import:<batch id>", "demo") and the user from a
context set around every write, and reads the rows back as changes an official understands.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import shapely
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from zhiguan.registries.spec import RegistrySpec


@dataclass(frozen=True)
class ChangeContext:
    source: str
    user: Any = None  # a User or None (machine clients, the platform)


_current: contextvars.ContextVar[ChangeContext | None] = contextvars.ContextVar(
    "registry_change", default=None
)


@contextmanager
def changes_from(source: str, user: Any = None) -> Iterator[ChangeContext]:
    """Every historical row written inside carries `source` and `user`."""
    ctx = ChangeContext(source=source[:64], user=user)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def current() -> ChangeContext | None:
    return _current.get()


@receiver(pre_create_historical_record)
def _fill_source(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    ctx = current()
    if ctx is None or not hasattr(history_instance, "history_source"):
        return
    if not history_instance.history_source:
        history_instance.history_source = ctx.source
    if ctx.user is not None and getattr(history_instance, "history_user_id", None) is None:
        history_instance.history_user = ctx.user


@dataclass(frozen=True)
class FieldChange:
    field: str
    header: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Change:
    at: datetime
    by: str | None
    kind: str  # created, changed, retired, restored
    source: str
    changes: list[FieldChange] = field(default_factory=list)


_SKIP = {"updated_at", "created_at", "id", "jurisdiction"}


def _shown(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        try:
            return shapely.to_wkt(shapely.from_wkb(bytes(value)), rounding_precision=6)[:200]
        except Exception:
            return None
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def _headers(spec: RegistrySpec) -> dict[str, str]:
    heads: dict[str, str] = {}
    for f in spec.model._meta.get_fields():
        name = getattr(f, "attname", None) or f.name
        heads[f.name] = str(getattr(f, "verbose_name", f.name))
        heads[name] = heads[f.name]
    for c in spec.columns:
        heads[c.field] = c.header
        heads[f"{c.field}_id"] = c.header
    heads["retired_at"] = "停用时间"
    heads["retired_reason"] = "停用原因"
    heads["geometry"] = next((c.header for c in spec.columns if c.kind == "geometry"), "几何")
    return heads


def _label(value: Any, spec: RegistrySpec, name: str) -> Any:
    for c in spec.columns:
        if c.field in (name, name.removesuffix("_id")) and c.choices and value in c.choices:
            return c.choices[value]
    return _shown(value)


def history_of(spec: RegistrySpec, record: Any) -> list[Change]:
    """The record's changes, newest first, each with its field-level before → after."""
    heads = _headers(spec)
    rows = list(record.history.all().select_related("history_user").order_by("history_date", "history_id"))
    out: list[Change] = []
    prev = None
    for row in rows:
        changes: list[FieldChange] = []
        if prev is None:
            kind = "created"
        else:
            delta = row.diff_against(prev)
            for ch in delta.changes:
                if ch.field in _SKIP:
                    continue
                changes.append(
                    FieldChange(
                        field=ch.field,
                        header=heads.get(ch.field, ch.field),
                        before=_label(ch.old, spec, ch.field),
                        after=_label(ch.new, spec, ch.field),
                    )
                )
            names = {c.field for c in changes}
            if "retired_at" in names and prev.retired_at is None and row.retired_at is not None:
                kind = "retired"
            elif "retired_at" in names and prev.retired_at is not None and row.retired_at is None:
                kind = "restored"
            else:
                kind = "changed"
        user = row.history_user
        by = (getattr(user, "full_name", "") or str(user)) if user is not None else None
        out.append(Change(at=row.history_date, by=by, kind=kind, source=row.history_source, changes=changes))
        prev = row
    out.reverse()
    return out


def as_of(spec: RegistrySpec, record_id: int, when: datetime) -> Any | None:
    """The record as it was at `when` (a model instance, not saved), or None if it did not exist yet."""
    row = (
        spec.model.history.filter(id=record_id, history_date__lte=when)  # type: ignore[attr-defined]
        .order_by("-history_date", "-history_id")
        .first()
    )
    if row is None or row.history_type == "-":
        return None
    return row.instance
