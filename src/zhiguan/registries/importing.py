"""Reading a registry file (.xlsx, .csv, GeoJSON) and upserting its rows by natural key (decision 068).

The file is read whole (limits: `ZHIGUAN_REGISTRY_IMPORT_MAX_MB`, `ZHIGUAN_REGISTRY_IMPORT_MAX_ROWS`),
its headers matched to the spec's columns, every row cleaned (`cleaning`), checked by the
registry (`validate_row`), prepared (`prepare`), located in one vectorised pass, and compared
with the stored record of the same natural key: equal rows are left alone (no history), changed
rows updated, new rows created, in bulk, with history, in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import h3
import numpy as np
import shapely
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan import exports
from zhiguan.audit import services as audit
from zhiguan.errors import InvalidInput
from zhiguan.geo import lookup
from zhiguan.geo.crs import check_crs
from zhiguan.geo.models import Area, AreaLevel
from zhiguan.org.permissions import Actor, restrict
from zhiguan.registries import bulk, history, versions
from zhiguan.registries.cleaning import CleanRow, clean_rows, empty
from zhiguan.registries.models import ImportBatch, ImportMode, ImportStatus
from zhiguan.registries.spec import GEOMETRY, LAT, LNG, Column, RegistrySpec, RowContext, RowError

BATCH_SIZE = 2000
KEY_CHUNK = 900  # SQLite allows 999 parameters per query
MAX_REPORTED_ERRORS = 20_000
MAX_REPORTED_ROWS = 20_000
_HEADER_NOISE = re.compile(r"[\s*＊:：()（）\[\]【】]")
_UNITS = re.compile(r"[(（][^)）]*[)）]")


def max_bytes() -> int:
    return int(getattr(settings, "ZHIGUAN_REGISTRY_IMPORT_MAX_MB", 50)) * 1024 * 1024


def max_rows() -> int:
    return int(getattr(settings, "ZHIGUAN_REGISTRY_IMPORT_MAX_ROWS", 200_000))


# ---------------------------------------------------------------- reading


@dataclass
class Sheet:
    fmt: str
    headers: list[str]
    header_line: int
    rows: list[tuple[int, list[Any]]]  # (line, cells in header order)
    geometries: list[Any] | None = None  # GeoJSON: each row's feature geometry


def _unreadable(detail: str = "") -> InvalidInput:
    return InvalidInput(
        _("The file cannot be read; upload an .xlsx, .csv or GeoJSON file."),
        code="unreadable_file",
        detail=detail[:200],
    )


def _too_many_rows() -> InvalidInput:
    return InvalidInput(
        _("The file has more than %(max)s rows; split it into several files.") % {"max": max_rows()},
        code="too_many_rows",
        max_rows=max_rows(),
    )


def detect_format(file_name: str, data: bytes) -> str:
    name = file_name.lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith((".geojson", ".json")) or data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"{":
        return "geojson"
    return "csv"


def _trim(cells: list[Any]) -> list[Any]:
    while cells and empty(cells[-1]):
        cells.pop()
    return cells


def read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        headers: list[str] | None = None
        header_line = 0
        rows: list[tuple[int, list[Any]]] = []
        limit = max_rows()
        for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = _trim(list(values))
            if not cells:
                continue
            if headers is None:
                headers = ["" if c is None else str(c).strip() for c in cells]
                header_line = line
                continue
            rows.append((line, cells))
            if len(rows) > limit:
                raise _too_many_rows()
        wb.close()
    except InvalidInput:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise _unreadable(str(exc)) from exc
    if headers is None:
        raise InvalidInput(_("The file is empty."), code="empty_file")
    return Sheet("xlsx", headers, header_line, rows)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _unreadable("encoding") from exc


def read_csv(data: bytes) -> Sheet:
    if b"\x00" in data[:4096]:
        raise _unreadable("binary")
    text = _decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    headers: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list[Any]]] = []
    limit = max_rows()
    try:
        for line, values in enumerate(reader, start=1):
            cells = _trim(list(values))
            if not cells:
                continue
            if headers is None:
                headers = [c.strip() for c in cells]
                header_line = line
                continue
            rows.append((line, cells))
            if len(rows) > limit:
                raise _too_many_rows()
    except csv.Error as exc:
        raise _unreadable(str(exc)) from exc
    if headers is None:
        raise InvalidInput(_("The file is empty."), code="empty_file")
    return Sheet("csv", headers, header_line, rows)


def read_geojson(data: bytes) -> Sheet:
    try:
        doc = json.loads(_decode(data))
    except (ValueError, InvalidInput) as exc:
        raise _unreadable("json") from exc
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        raise _unreadable("not a FeatureCollection")
    features = doc["features"]
    if not features:
        raise InvalidInput(_("The file is empty."), code="empty_file")
    if len(features) > max_rows():
        raise _too_many_rows()
    headers: list[str] = []
    seen: set[str] = set()
    for f in features:
        props = f.get("properties") if isinstance(f, dict) else None
        for k in props or {}:
            if k not in seen:
                seen.add(k)
                headers.append(str(k))
    rows: list[tuple[int, list[Any]]] = []
    geometries: list[Any] = []
    for n, f in enumerate(features, start=2):
        props = (f.get("properties") if isinstance(f, dict) else None) or {}
        rows.append((n, [props.get(h) for h in headers]))
        geometries.append(f.get("geometry") if isinstance(f, dict) else None)
    return Sheet("geojson", headers, 1, rows, geometries)


def read_file(file_name: str, data: bytes) -> Sheet:
    if not data or not data.strip():
        raise InvalidInput(_("The file is empty."), code="empty_file")
    if len(data) > max_bytes():
        raise InvalidInput(
            _("The file is larger than %(mb)s MB.") % {"mb": max_bytes() // (1024 * 1024)},
            code="file_too_large",
            max_mb=max_bytes() // (1024 * 1024),
        )
    fmt = detect_format(file_name, data)
    if fmt == "xlsx":
        return read_xlsx(data)
    if fmt == "geojson":
        return read_geojson(data)
    return read_csv(data)


def norm_header(text: Any) -> str:
    return _HEADER_NOISE.sub("", str(text or "")).lower()


def header_map(spec: RegistrySpec) -> dict[str, str]:
    """Every accepted header form → the column field."""
    found: dict[str, str] = {}
    for c in spec.columns:
        for form in (c.header, *c.aliases, c.field):
            found.setdefault(norm_header(form), c.field)
            found.setdefault(norm_header(_UNITS.sub("", form)), c.field)
    return found


def match_headers(spec: RegistrySpec, headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """Column positions → fields, and the headers nobody knows."""
    forms = header_map(spec)
    positions: dict[int, str] = {}
    unknown: list[str] = []
    taken: set[str] = set()
    for i, h in enumerate(headers):
        f = forms.get(norm_header(h)) or forms.get(norm_header(_UNITS.sub("", h)))
        if f is None or f in taken:
            if h:
                unknown.append(h)
            continue
        positions[i] = f
        taken.add(f)
    return positions, unknown


# ---------------------------------------------------------------- the plan of a write


@dataclass
class PlannedRow:
    line: int
    cells: list[Any]  # the original cells (for the report)
    values: dict[str, Any]  # cleaned column values
    errors: list[RowError] = field(default_factory=list)
    prepared: dict[str, Any] = field(default_factory=dict)
    key: tuple[Any, ...] = ()
    record: Any = None  # the stored record of the same key
    outcome: str = ""  # created, updated, unchanged, refused


def _model_fields(spec: RegistrySpec) -> set[str]:
    names: set[str] = set()
    for f in spec.model._meta.concrete_fields:
        names.add(f.name)
        names.add(f.attname)
    return names


def _has(spec: RegistrySpec, name: str) -> bool:
    return name in _model_fields(spec)


def default_prepare(spec: RegistrySpec, values: dict[str, Any]) -> dict[str, Any]:
    fields = _model_fields(spec)
    return {k: v for k, v in values.items() if k in fields}


def _finish(spec: RegistrySpec, prepared: dict[str, Any]) -> dict[str, Any]:
    """Shapely geometries → WKB (and the bounding box of the main geometry)."""
    out = dict(prepared)
    for name, value in prepared.items():
        if isinstance(value, shapely.Geometry):
            out[name] = shapely.to_wkb(value)
            if name == "geometry" and _has(spec, "min_lng"):
                out["min_lng"], out["min_lat"], out["max_lng"], out["max_lat"] = (
                    round(b, 7) for b in value.bounds
                )
    return out


def _grid_parents(jurisdiction_id: int, cache: dict[str, Any]) -> dict[int, tuple[int | None, int | None]]:
    found = cache.get("registries.grid_parents")
    if found is None:
        found = {
            gid: (cid, sid)
            for gid, cid, sid in Area.objects.filter(
                jurisdiction_id=jurisdiction_id, level=AreaLevel.GRID, active=True
            ).values_list("id", "parent_id", "parent__parent_id")
        }
        cache["registries.grid_parents"] = found
    return found


def locate_rows(spec: RegistrySpec, rows: list[PlannedRow], ctx: RowContext) -> None:
    """Street, community, grid and H3 cells of every prepared point, in one pass."""
    if not _has(spec, "h3_r9"):
        return
    todo = [r for r in rows if r.prepared.get("lng") is not None and r.prepared.get("lat") is not None]
    if not todo:
        return
    lngs = np.array([r.prepared["lng"] for r in todo], dtype=np.float64)
    lats = np.array([r.prepared["lat"] for r in todo], dtype=np.float64)
    index = lookup.get_index(ctx.jurisdiction_id)
    grids = index.grid_ids(lngs, lats)
    parents = _grid_parents(ctx.jurisdiction_id, ctx.cache)
    resolutions = list(getattr(settings, "H3_RESOLUTIONS", (7, 9, 11)))
    for r, x, y, gid in zip(todo, lngs.tolist(), lats.tolist(), grids.tolist(), strict=True):
        p = r.prepared
        if gid >= 0 and gid in parents:
            p["grid_id"] = gid
            p["community_id"], p["street_id"] = parents[gid]
        else:
            areas = index.areas_at(shapely.Point(x, y))
            p["grid_id"] = None
            community, street = areas.get("community"), areas.get("street")
            p["community_id"] = community.id if community is not None else None
            p["street_id"] = street.id if street is not None else None
        for res in resolutions:
            p[f"h3_r{res}"] = h3.latlng_to_cell(y, x, res)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, memoryview):
        a = bytes(a)
    if isinstance(b, memoryview):
        b = bytes(b)
    if isinstance(a, float) or isinstance(b, float):
        try:
            return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9
        except (TypeError, ValueError):
            return False
    if isinstance(a, datetime) and isinstance(b, date) and not isinstance(b, datetime):
        return a.date() == b
    if a in (None, "") and b in (None, ""):
        return True
    return bool(a == b)


def _attname(spec: RegistrySpec, name: str) -> str:
    try:
        return spec.model._meta.get_field(name).attname  # type: ignore[union-attr]
    except Exception:
        return name


def changed_fields(spec: RegistrySpec, record: Any, prepared: dict[str, Any]) -> list[str]:
    return [n for n, v in prepared.items() if not _same(getattr(record, _attname(spec, n), None), v)]


def plan(
    spec: RegistrySpec,
    ctx: RowContext,
    raw_rows: list[tuple[int, dict[str, Any], list[Any]]],
    *,
    existing_only: Any = None,
) -> list[PlannedRow]:
    """Clean, check, prepare, locate and match every row; nothing is written."""
    cleaned: list[CleanRow] = clean_rows(spec, [(line, raw) for line, raw, _cells in raw_rows], ctx)
    rows = [
        PlannedRow(line=c.line, cells=cells, values=c.values, errors=list(c.errors))
        for c, (_l, _r, cells) in zip(cleaned, raw_rows, strict=True)
    ]
    for r in rows:
        row_ctx = RowContext(
            actor=ctx.actor, jurisdiction_id=ctx.jurisdiction_id, crs=ctx.crs, line=r.line, cache=ctx.cache
        )
        if spec.validate_row is not None and not _blocking(r.errors):
            r.errors.extend(spec.validate_row(r.values, row_ctx))
        if r.errors:
            continue
        try:
            prepared = spec.prepare(r.values, row_ctx) if spec.prepare else default_prepare(spec, r.values)
        except InvalidInput as exc:
            r.errors.append(RowError(exc.code, str(exc.message), str(exc.details.get("column", ""))))
            continue
        r.prepared = _finish(spec, prepared)
        r.key = tuple(r.prepared.get(k) for k in spec.natural_key)
    # The same key twice in one file: the later rows are refused.
    first_line: dict[tuple[Any, ...], int] = {}
    for r in rows:
        if r.errors or not r.key:
            continue
        if r.key in first_line:
            r.errors.append(
                RowError(
                    "duplicate_in_file",
                    _("The same %(header)s as line %(line)s.")
                    % {"header": spec.column(spec.natural_key[0]).header, "line": first_line[r.key]},
                    spec.natural_key[0],
                )
            )
        else:
            first_line[r.key] = r.line
    good = [r for r in rows if not r.errors]
    locate_rows(spec, good, ctx)
    _match_existing(spec, ctx, good)
    return rows


def _blocking(errors: list[RowError]) -> bool:
    return bool(errors)


def _match_existing(spec: RegistrySpec, ctx: RowContext, rows: list[PlannedRow]) -> None:
    if not rows:
        return
    model = spec.model
    first = spec.natural_key[0]
    keys = sorted({r.key[0] for r in rows}, key=str)
    stored: dict[tuple[Any, ...], Any] = {}
    allowed: set[int] = set()
    actor = ctx.actor
    for i in range(0, len(keys), KEY_CHUNK):
        chunk = keys[i : i + KEY_CHUNK]
        base = model._default_manager.filter(jurisdiction_id=ctx.jurisdiction_id, **{f"{first}__in": chunk})
        for found in base:
            stored[tuple(getattr(found, _attname(spec, k)) for k in spec.natural_key)] = found
        if actor is not None:
            allowed.update(restrict(actor, base, spec.permission_manage).values_list("pk", flat=True))
    for r in rows:
        rec: Any = stored.get(r.key)
        if rec is None:
            r.outcome = "created"
            continue
        if actor is not None and rec.pk not in allowed:
            r.errors.append(RowError("out_of_scope", _("You may not change this record."), first))
            continue
        r.record = rec
        r.outcome = "updated" if changed_fields(spec, rec, r.prepared) else "unchanged"


def write(spec: RegistrySpec, ctx: RowContext, rows: list[PlannedRow], *, single: bool = False) -> list[Any]:
    """Create and update the planned rows without errors (inside the caller's transaction)."""
    model = spec.model
    now = timezone.now()
    new: list[Any] = []
    changed: list[Any] = []
    fields: set[str] = set()
    for r in rows:
        if r.errors:
            r.outcome = "refused"
            continue
        if r.outcome == "created":
            new.append(model(jurisdiction_id=ctx.jurisdiction_id, **r.prepared))
            r.record = new[-1]
        elif r.outcome == "updated":
            names = changed_fields(spec, r.record, r.prepared)
            for n in names:
                setattr(r.record, _attname(spec, n), r.prepared[n])
                fields.add(_attname(spec, n))
            r.record.updated_at = now
            changed.append(r.record)
    if single:
        for obj in new + changed:
            obj.save()
        return new + changed
    change = history.current()
    source, user = (change.source, change.user) if change is not None else ("", None)
    if new:
        bulk.create_with_history(new, source=source, user=user)
    if changed:
        bulk.update_with_history(changed, fields | {"updated_at"}, source=source, user=user)
    return new + changed


# ---------------------------------------------------------------- a file


def _raw_rows(
    spec: RegistrySpec, sheet: Sheet, positions: dict[int, str]
) -> list[tuple[int, dict[str, Any], list[Any]]]:
    geo_col = next((c for c in spec.columns if c.kind == GEOMETRY), None)
    lng_col = next((c for c in spec.columns if c.kind == LNG), None)
    lat_col = next((c for c in spec.columns if c.kind == LAT), None)
    out: list[tuple[int, dict[str, Any], list[Any]]] = []
    for n, (line, cells) in enumerate(sheet.rows):
        raw: dict[str, Any] = {}
        for i, f in positions.items():
            raw[f] = cells[i] if i < len(cells) else None
        if sheet.geometries is not None:
            g = sheet.geometries[n]
            if isinstance(g, dict):
                if (
                    g.get("type") == "Point"
                    and lng_col is not None
                    and lat_col is not None
                    and spec.geometry == "point"
                ):
                    coords = g.get("coordinates") or []
                    if len(coords) >= 2:
                        raw.setdefault(lng_col.field, coords[0])
                        raw.setdefault(lat_col.field, coords[1])
                        if empty(raw[lng_col.field]):
                            raw[lng_col.field] = coords[0]
                        if empty(raw[lat_col.field]):
                            raw[lat_col.field] = coords[1]
                elif geo_col is not None and empty(raw.get(geo_col.field)):
                    raw[geo_col.field] = g
        out.append((line, raw, [_cell_text(c) for c in cells]))
    return out


def _cell_text(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _error_dict(spec: RegistrySpec, line: int, e: RowError) -> dict[str, Any]:
    header = ""
    if e.column:
        try:
            header = spec.column(e.column).header
        except KeyError:
            header = e.column
    return {"line": line, "column": e.column, "header": header, "code": e.code, "message": str(e.message)}


def import_file(
    *,
    actor: Actor,
    spec: RegistrySpec,
    file_name: str,
    data: bytes,
    mode: str = ImportMode.PARTIAL,
    crs: str = "wgs84",
) -> ImportBatch:
    """Import one file; file-level problems raise InvalidInput (nothing recorded), row problems are reported."""
    from zhiguan.org.permissions import require

    require(actor, spec.permission_manage)
    check_crs(crs)
    if mode not in ImportMode.values:
        raise InvalidInput(_("Unknown import mode; use partial or atomic."), code="unknown_mode", mode=mode)
    sheet = read_file(file_name, data)
    positions, unknown = match_headers(spec, sheet.headers)
    present = set(positions.values())
    if sheet.fmt == "geojson":
        if spec.geometry == "point":
            present |= {c.field for c in spec.columns if c.kind in (LNG, LAT)}
        present |= {c.field for c in spec.columns if c.kind == GEOMETRY and c.field == "geometry"}
    missing = [c for c in spec.columns if c.required and c.field not in present]
    if missing:
        raise InvalidInput(
            _("Required columns are missing: %(headers)s.")
            % {"headers": "、".join(c.header for c in missing)},
            code="missing_column",
            columns=[c.header for c in missing],
        )
    if not sheet.rows:
        raise InvalidInput(_("The file has no rows below the header."), code="empty_file")
    batch_id = uuid.uuid4()
    ctx = RowContext(actor=actor, jurisdiction_id=actor.jurisdiction.pk, crs=crs, line=0)
    raw = _raw_rows(spec, sheet, positions)
    rows = plan(spec, ctx, raw)
    bad = [r for r in rows if r.errors]
    errors: list[dict[str, Any]] = [
        {
            "line": sheet.header_line,
            "column": "",
            "header": h,
            "code": "unknown_column",
            "message": _("Unknown column %(header)s; it was ignored.") % {"header": h},
        }
        for h in unknown
    ]
    for r in bad:
        errors.extend(_error_dict(spec, r.line, e) for e in r.errors)
    refuse_all = mode == ImportMode.ATOMIC and bool(bad)
    user = actor.user
    batch = ImportBatch(
        id=batch_id,
        jurisdiction_id=actor.jurisdiction.pk,
        registry=spec.key,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_format=sheet.fmt,
        crs=crs,
        mode=mode,
        rows=len(rows),
        refused=len(bad) if not refuse_all else len(rows),
        errors=errors[:MAX_REPORTED_ERRORS],
        headers=sheet.headers,
        refused_rows=[{"line": r.line, "cells": exports_safe(r.cells)} for r in bad[:MAX_REPORTED_ROWS]],
        by=user,
        by_label=actor.label[:150],
    )
    with transaction.atomic():
        if not refuse_all:
            with history.changes_from(f"import:{batch_id}", user):
                write(spec, ctx, rows)
        counts = {k: sum(1 for r in rows if r.outcome == k) for k in ("created", "updated", "unchanged")}
        if refuse_all:
            counts = {"created": 0, "updated": 0, "unchanged": 0}
        batch.created, batch.updated, batch.unchanged = (
            counts["created"],
            counts["updated"],
            counts["unchanged"],
        )
        if refuse_all:
            batch.status = ImportStatus.REFUSED
        elif bad:
            batch.status = (
                ImportStatus.PARTIAL
                if (batch.created + batch.updated + batch.unchanged)
                else ImportStatus.REFUSED
            )
        else:
            batch.status = ImportStatus.DONE
        batch.save()
        if batch.created or batch.updated:
            versions.bump(actor.jurisdiction.pk, spec.key)
        audit.record(
            actor=actor,
            action="registry.import",
            target=batch,
            after={
                "registry": spec.key,
                "file_name": batch.file_name,
                "sha256": batch.file_sha256,
                "status": batch.status,
                "rows": batch.rows,
                "created": batch.created,
                "updated": batch.updated,
                "unchanged": batch.unchanged,
                "refused": batch.refused,
            },
            note=f"{spec.key}: {batch.file_name}"[:255],
        )
    return batch


def exports_safe(cells: Iterable[Any]) -> list[Any]:
    """Cells as JSON-storable values (dates as ISO text)."""
    out: list[Any] = []
    for c in cells:
        if isinstance(c, datetime | date):
            out.append(c.isoformat())
        elif c is None or isinstance(c, str | int | float | bool):
            out.append(c)
        else:
            out.append(str(c))
    return out


# ---------------------------------------------------------------- report and templates


def report_xlsx(spec: RegistrySpec, batch: ImportBatch) -> bytes:
    """The refused rows with their original cells and 错误原因, and a sheet of every problem."""
    reasons: dict[int, list[str]] = {}
    for e in batch.errors:
        if e.get("code") == "unknown_column":
            continue
        head = f"{e['header']}：" if e.get("header") else ""
        reasons.setdefault(int(e["line"]), []).append(f"{head}{e['message']}")
    header = ["行号", *batch.headers, "错误原因"]
    width = len(batch.headers)
    rows = [
        [r["line"], *(list(r["cells"]) + [None] * width)[:width], "；".join(reasons.get(int(r["line"]), []))]
        for r in batch.refused_rows
    ]
    problems = [[e["line"], e.get("header") or "", e["code"], e["message"]] for e in batch.errors]
    return exports.as_xlsx_sheets(
        [("未导入的行", header, rows), ("问题清单", ["行号", "列", "代码", "说明"], problems)]
    )


CRS_NOTE = "坐标系：WGS-84（GPS，默认）、GCJ-02（高德、腾讯地图）、BD-09（百度地图），导入时选择。"


def _header_of(c: Column) -> str:
    return f"{c.header}*" if c.required else c.header


def template(spec: RegistrySpec, fmt: str) -> bytes:
    headers = [_header_of(c) for c in spec.columns]
    example = [c.example for c in spec.columns]
    if fmt == "csv":
        return exports.as_csv(headers, [example])
    notes = []
    for c in spec.columns:
        allowed = "、".join(c.choices.values()) if c.choices else ""
        notes.append([c.header, "是" if c.required else "否", allowed, c.help, c.example])
    notes.append(["", "", "", CRS_NOTE, ""])
    notes.append(
        ["", "", "", "带 * 的列必须填写；第一行是表头，从第二行起每行一条记录（示例行请删除或替换）。", ""]
    )
    return exports.as_xlsx_sheets(
        [
            (spec.title, headers, [example]),
            ("填写说明", ["列名", "是否必填", "可选值", "说明", "示例"], notes),
        ]
    )
