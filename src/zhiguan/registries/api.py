"""The generic registries API: every registry (标准地址 … 城市部件, 摄像头) through the same endpoints."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from zhiguan import exports
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.org.auth import ActorRequest
from zhiguan.registries import importing, queries, services
from zhiguan.registries.models import ImportBatch
from zhiguan.registries.schemas import (
    HistoryOut,
    ImportParams,
    RecordIn,
    RecordOut,
    RecordPageOut,
    RegistryImportOut,
    RegistryOut,
    RetireIn,
)
from zhiguan.registries.spec import GEOMETRY, RegistrySpec, get_spec

router = Router(tags=["registries"])

_LIST_PARAMS = {"q", "state", "bbox", "after", "limit", "format"}
MAX_ERRORS_SHOWN = 200


def _spec(key: str) -> RegistrySpec:
    try:
        return get_spec(key)
    except KeyError:
        raise NotFound(_("No such registry."), code="unknown_registry", registry=key) from None


def _source(request: ActorRequest) -> str:
    actor = request.auth
    return "console" if actor.user is not None and actor.client is None else "api"


def _filters(request: ActorRequest, spec: RegistrySpec) -> dict[str, str]:
    return {
        k: str(request.GET.get(k, "")) for k in request.GET if k in spec.filters and k not in _LIST_PARAMS
    }


def _batch_out(spec: RegistrySpec, batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": str(batch.pk),
        "registry": batch.registry,
        "file_name": batch.file_name,
        "file_format": batch.file_format,
        "crs": batch.crs,
        "mode": batch.mode,
        "status": batch.status,
        "rows": batch.rows,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "refused": batch.refused,
        "errors": batch.errors[:MAX_ERRORS_SHOWN],
        "error_count": len(batch.errors),
        "report_url": f"/api/v1/registries/{spec.key}/imports/{batch.pk}/report.xlsx"
        if batch.errors
        else None,
        "by": batch.by_label,
        "at": batch.at,
    }


@router.get("", response=list[RegistryOut], summary="The registries you may see, with their columns")
def list_registries(request: ActorRequest) -> Any:
    return queries.registries_for(request.auth)


@router.get(
    "/{key}/records", response=RecordPageOut, summary="Records of a registry, by natural key (keyset pages)"
)
def list_records(
    request: ActorRequest,
    key: str,
    q: str = Query("", max_length=100),
    state: str = Query("active", max_length=8),
    bbox: str = Query("", max_length=100),
    after: str = Query("", max_length=1000),
    limit: int = Query(50, ge=1, le=queries.MAX_LIMIT),
) -> Any:
    spec = _spec(key)
    return queries.list_records(
        request.auth,
        spec,
        q=q,
        filters=_filters(request, spec),
        state=state,
        bbox=bbox,
        after=after,
        limit=limit,
    )


@router.get("/{key}/records/{record_id}", response=RecordOut, summary="One record, now or as it was then")
def get_record(request: ActorRequest, key: str, record_id: int, as_of: str = Query("", max_length=40)) -> Any:
    spec = _spec(key)
    if as_of:
        return queries.record_as_of(request.auth, spec, record_id, queries.parse_when(as_of))
    return queries.record_out(spec, queries.get_record(request.auth, spec, record_id))


@router.get(
    "/{key}/records/{record_id}/history",
    response=list[HistoryOut],
    summary="Changes of a record, newest first",
)
def record_history(request: ActorRequest, key: str, record_id: int) -> Any:
    return queries.record_history(request.auth, _spec(key), record_id)


@router.post("/{key}/records", response={201: RecordOut}, summary="Add a record (same checks as an import)")
def create_record(request: ActorRequest, key: str, payload: RecordIn) -> Status:
    spec = _spec(key)
    record = services.create_record(
        actor=request.auth, spec=spec, values=payload.values, crs=payload.crs, source=_source(request)
    )
    return Status(201, queries.record_out(spec, queries.get_record(request.auth, spec, record.pk)))


@router.patch("/{key}/records/{record_id}", response=RecordOut, summary="Change some values of a record")
def update_record(request: ActorRequest, key: str, record_id: int, payload: RecordIn) -> Any:
    spec = _spec(key)
    services.update_record(
        actor=request.auth,
        spec=spec,
        record_id=record_id,
        values=payload.values,
        crs=payload.crs,
        source=_source(request),
    )
    return queries.record_out(spec, queries.get_record(request.auth, spec, record_id))


@router.post(
    "/{key}/records/{record_id}/retire", response=RecordOut, summary="Retire a record (kept with its history)"
)
def retire_record(request: ActorRequest, key: str, record_id: int, payload: RetireIn) -> Any:
    spec = _spec(key)
    services.retire_record(
        actor=request.auth, spec=spec, record_id=record_id, reason=payload.reason, source=_source(request)
    )
    return queries.record_out(spec, queries.get_record(request.auth, spec, record_id))


@router.post("/{key}/records/{record_id}/restore", response=RecordOut, summary="Bring a retired record back")
def restore_record(request: ActorRequest, key: str, record_id: int) -> Any:
    spec = _spec(key)
    services.restore_record(actor=request.auth, spec=spec, record_id=record_id, source=_source(request))
    return queries.record_out(spec, queries.get_record(request.auth, spec, record_id))


@router.post(
    "/{key}/imports", response={201: RegistryImportOut}, summary="Import an .xlsx, .csv or GeoJSON file"
)
def import_file(
    request: ActorRequest,
    key: str,
    file: File[UploadedFile],
    form: Form[ImportParams],
) -> Status:
    spec = _spec(key)
    if file.size is not None and file.size > importing.max_bytes():
        raise InvalidInput(
            _("The file is larger than %(mb)s MB.") % {"mb": importing.max_bytes() // (1024 * 1024)},
            code="file_too_large",
        )
    data = file.read()
    batch = services.import_file(
        actor=request.auth,
        spec=spec,
        file_name=file.name or "upload",
        data=data,
        mode=form.mode,
        crs=form.crs,
    )
    return Status(201, _batch_out(spec, batch))


@router.get("/{key}/imports", response=list[RegistryImportOut], summary="The latest imports of a registry")
def list_imports(request: ActorRequest, key: str) -> Any:
    spec = _spec(key)
    return [_batch_out(spec, b) for b in queries.imports_of(request.auth, spec)]


@router.get("/{key}/imports/{batch_id}", response=RegistryImportOut, summary="One import and its row report")
def get_import(request: ActorRequest, key: str, batch_id: str) -> Any:
    spec = _spec(key)
    return _batch_out(spec, queries.import_batch(request.auth, spec, _uuid(batch_id)))


def _uuid(text: str) -> Any:
    import uuid

    try:
        return uuid.UUID(text)
    except ValueError:
        raise NotFound() from None


@router.get("/{key}/imports/{batch_id}/report.xlsx", summary="The refused rows with 错误原因 (.xlsx)")
def import_report(request: ActorRequest, key: str, batch_id: str) -> HttpResponse:
    spec = _spec(key)
    batch = queries.import_batch(request.auth, spec, _uuid(batch_id))
    resp = HttpResponse(importing.report_xlsx(spec, batch), content_type=exports.XLSX_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="import-report-{batch.pk}.xlsx"'
    return resp


def _format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidInput(_("Unknown format."), code="unknown_format", allowed=list(allowed))
    return value


@router.get("/{key}/template", summary="The import template (.xlsx with 填写说明, or .csv)")
def template(request: ActorRequest, key: str, format: str = Query("xlsx", max_length=8)) -> HttpResponse:
    spec = _spec(key)
    fmt = _format(format, ("xlsx", "csv"))
    queries.base_queryset(request.auth, spec)  # the actor may see the registry
    body = importing.template(spec, fmt)
    resp = HttpResponse(body, content_type=exports.XLSX_TYPE if fmt == "xlsx" else exports.CSV_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="{spec.key}-template.{fmt}"'
    return resp


def _cell(column: Any, value: Any) -> Any:
    if column.kind == GEOMETRY and isinstance(value, dict):
        import shapely

        return shapely.to_wkt(shapely.from_geojson(json.dumps(value)), rounding_precision=7)
    if column.choices and value in column.choices:
        return column.choices[value]
    return value


@router.get("/{key}/export", summary="Export the records of the list's filters (csv, xlsx or GeoJSON)")
def export(
    request: ActorRequest,
    key: str,
    format: str = Query("csv", max_length=8),
    q: str = Query("", max_length=100),
    state: str = Query("active", max_length=8),
    bbox: str = Query("", max_length=100),
) -> HttpResponse:
    spec = _spec(key)
    fmt = _format(format, ("csv", "xlsx", "geojson"))
    records = queries.export_rows(
        request.auth, spec, q=q, filters=_filters(request, spec), state=state, bbox=bbox
    )
    columns = [c for c in spec.columns if c.export]
    if fmt == "geojson":
        features = []
        for rec in records:
            out = queries.record_out(spec, rec)
            geometry = out["geometry"]
            if geometry is None and out["lng"] is not None:
                geometry = {"type": "Point", "coordinates": [out["lng"], out["lat"]]}
            props = {
                c.header: _cell(c, out["values"].get(c.field))
                for c in columns
                if c.kind != GEOMETRY or c.field != "geometry"
            }
            features.append({"type": "Feature", "id": out["id"], "properties": props, "geometry": geometry})
        body = json.dumps(
            {"type": "FeatureCollection", "features": features}, ensure_ascii=False, default=str
        )
        resp = HttpResponse(body.encode(), content_type="application/geo+json")
        resp["Content-Disposition"] = f'attachment; filename="{spec.key}.geojson"'
        return resp
    rows = (
        [_cell(c, row.get(c.field)) for c in columns]
        for row in (queries.record_row(spec, rec) for rec in records)
    )
    return exports.response(
        fmt, filename=spec.key, header=[c.header for c in columns], rows=rows, sheet=spec.title
    )
