"""Writing registry records: one at a time (API, console) or a whole file, through the same checks.

A single record is a one-row import: the same cleaning, registry rules, preparation and location
as a file (`importing.plan`), then one save with its history row, an audit entry and a new change
token for the registry. Removal is retirement (`retire_record`), undone by `restore_record`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import Forbidden, InvalidInput
from zhiguan.geo.crs import WGS84, check_crs
from zhiguan.org.permissions import Actor, get_or_404, require, restrict
from zhiguan.registries import history, importing, versions
from zhiguan.registries.models import ImportBatch, ImportMode
from zhiguan.registries.queries import record_row
from zhiguan.registries.spec import GEOMETRY, LAT, LNG, RegistrySpec, RowContext, RowError

SOURCES = ("api", "console", "demo")


def _invalid(spec: RegistrySpec, errors: list[RowError]) -> InvalidInput:
    return InvalidInput(
        _("The record is not valid."),
        code="invalid_record",
        errors=[{k: v for k, v in importing._error_dict(spec, 0, e).items() if k != "line"} for e in errors],
    )


def _check_fields(spec: RegistrySpec, values: dict[str, Any]) -> None:
    known = {c.field for c in spec.columns}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InvalidInput(
            _("The record is not valid."),
            code="invalid_record",
            errors=[
                {
                    "column": f,
                    "header": f,
                    "code": "unknown_column",
                    "message": _("Unknown field %(field)s.") % {"field": f},
                }
                for f in unknown
            ],
        )


def _snapshot(spec: RegistrySpec, record: Any) -> dict[str, Any]:
    row = record_row(spec, record)
    return {k: v for k, v in row.items() if not isinstance(v, dict)}


def _save_one(
    *, actor: Actor, spec: RegistrySpec, raw: dict[str, Any], crs: str, source: str, target: Any = None
) -> Any:
    ctx = RowContext(actor=actor, jurisdiction_id=actor.jurisdiction.pk, crs=crs, line=0)
    rows = importing.plan(spec, ctx, [(0, raw, [])])
    row = rows[0]
    if target is not None and not row.errors:
        if row.record is not None and row.record.pk != target.pk:
            first = spec.natural_key[0]
            row.errors.append(
                RowError(
                    "duplicate_key",
                    _("Another record already has this %(header)s.") % {"header": spec.column(first).header},
                    first,
                )
            )
        else:
            row.errors = [e for e in row.errors if e.code != "out_of_scope"]
            row.record = target
            row.outcome = "updated" if importing.changed_fields(spec, target, row.prepared) else "unchanged"
    elif target is None and row.record is not None and not row.errors:
        first = spec.natural_key[0]
        row.errors.append(
            RowError(
                "duplicate_key",
                _("Another record already has this %(header)s.") % {"header": spec.column(first).header},
                first,
            )
        )
    if row.errors:
        raise _invalid(spec, row.errors)
    if row.outcome == "unchanged":
        return target
    with history.changes_from(source, actor.user):
        importing.write(spec, ctx, rows, single=True)
    record = row.record
    # The record must stay within what the actor may manage (a department-scoped registry).
    if not restrict(actor, spec.model._default_manager.filter(pk=record.pk), spec.permission_manage).exists():
        raise Forbidden(_("You may not manage this record."), code="out_of_scope")
    versions.bump(actor.jurisdiction.pk, spec.key)
    return record


def _source(source: str) -> str:
    return source if source in SOURCES else "api"


@transaction.atomic
def create_record(
    *, actor: Actor, spec: RegistrySpec, values: dict[str, Any], crs: str = WGS84, source: str = "api"
) -> Any:
    require(actor, spec.permission_manage)
    check_crs(crs)
    _check_fields(spec, values)
    record = _save_one(actor=actor, spec=spec, raw=dict(values), crs=crs, source=_source(source))
    audit.record(
        actor=actor,
        action="registry.create",
        target=record,
        after={"registry": spec.key, **_snapshot(spec, record)},
    )
    return record


def _managed(actor: Actor, spec: RegistrySpec, record_id: int) -> Any:
    require(actor, spec.permission_manage)
    return get_or_404(actor, spec.model._default_manager.all(), spec.permission_manage, pk=record_id)


@transaction.atomic
def update_record(
    *,
    actor: Actor,
    spec: RegistrySpec,
    record_id: int,
    values: dict[str, Any],
    crs: str = WGS84,
    source: str = "api",
) -> Any:
    check_crs(crs)
    record = _managed(actor, spec, record_id)
    _check_fields(spec, values)
    before = _snapshot(spec, record)
    current = record_row(spec, record)
    coordinate_fields = {c.field for c in spec.columns if c.kind in (LNG, LAT, GEOMETRY)}
    if crs != WGS84 and not (set(values) & coordinate_fields):
        crs = WGS84  # the stored coordinates are WGS-84; only new ones come in another system
    elif crs != WGS84:
        # New coordinates in `crs`: the untouched coordinate columns must come in the same system.
        for f in coordinate_fields - set(values):
            current.pop(f, None)
    raw = {**current, **values}
    updated = _save_one(actor=actor, spec=spec, raw=raw, crs=crs, source=_source(source), target=record)
    audit.record(
        actor=actor,
        action="registry.update",
        target=updated,
        before=before,
        after={"registry": spec.key, **_snapshot(spec, updated)},
    )
    return updated


@transaction.atomic
def retire_record(
    *, actor: Actor, spec: RegistrySpec, record_id: int, reason: str, source: str = "api"
) -> Any:
    record = _managed(actor, spec, record_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Give the reason for retiring the record."), code="reason_required", field="reason"
        )
    if record.retired_at is not None:
        return record
    record.retired_at = timezone.now()
    record.retired_reason = reason[:255]
    with history.changes_from(_source(source), actor.user):
        record.save(update_fields=["retired_at", "retired_reason", "updated_at"])
    versions.bump(actor.jurisdiction.pk, spec.key)
    audit.record(
        actor=actor,
        action="registry.retire",
        target=record,
        after={"registry": spec.key, "reason": record.retired_reason},
    )
    return record


@transaction.atomic
def restore_record(*, actor: Actor, spec: RegistrySpec, record_id: int, source: str = "api") -> Any:
    record = _managed(actor, spec, record_id)
    if record.retired_at is None:
        return record
    before = {"retired_at": record.retired_at, "retired_reason": record.retired_reason}
    record.retired_at = None
    record.retired_reason = ""
    with history.changes_from(_source(source), actor.user):
        record.save(update_fields=["retired_at", "retired_reason", "updated_at"])
    versions.bump(actor.jurisdiction.pk, spec.key)
    audit.record(
        actor=actor, action="registry.restore", target=record, before=before, after={"registry": spec.key}
    )
    return record


def import_file(
    *,
    actor: Actor,
    spec: RegistrySpec,
    file_name: str,
    data: bytes,
    mode: str = ImportMode.PARTIAL,
    crs: str = WGS84,
) -> ImportBatch:
    return importing.import_file(actor=actor, spec=spec, file_name=file_name, data=data, mode=mode, crs=crs)
