"""The generic checks of a row's cells, from each `Column.kind` (decision 068).

Cells arrive as text (csv), numbers or dates (xlsx), or JSON values (GeoJSON, the API); each is
turned into one Python value or a `RowError` with a stable code and a Chinese message. Points of
a whole file are converted to WGS-84 and checked inside the jurisdiction in one vectorised pass.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _

from zhiguan.geo import lookup
from zhiguan.geo.crs import WGS84, to_wgs84, transform_geometry
from zhiguan.registries.spec import (
    BOOL,
    CHOICE,
    DATE,
    FLOAT,
    GEOMETRY,
    INT,
    LAT,
    LNG,
    REF,
    TEXT,
    Column,
    RegistrySpec,
    RowContext,
    RowError,
)

# Geometries may reach a little beyond the district boundary (a road's end at the border): ≈ 200 m.
GEOMETRY_TOLERANCE_DEG = 0.002

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋，　", "0123456789.-+, ")
_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TRUE = {"是", "true", "1", "yes", "y", "有", "√"}
_FALSE = {"否", "false", "0", "no", "n", "无", "×"}
_EXCEL_EPOCH = date(1899, 12, 30)

LINE_TYPES = ("LineString", "MultiLineString")
POLYGON_TYPES = ("Polygon", "MultiPolygon")
POINT_TYPES = ("Point",)
TYPE_NAMES = {
    "Point": "点",
    "MultiPoint": "点",
    "LineString": "线",
    "MultiLineString": "线",
    "Polygon": "面",
    "MultiPolygon": "面",
    "GeometryCollection": "几何集合",
}


def empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _err(code: str, message: str, column: Column) -> RowError:
    return RowError(code=code, message=message, column=column.field)


def _number_text(value: Any) -> str:
    return str(value).translate(_FULL_WIDTH).strip().replace(",", "").replace(" ", "")


def clean_cell(column: Column, value: Any) -> tuple[Any, RowError | None]:
    """One cell → (value, None) or (None, RowError). Empty cells are None (or "" for text)."""
    if empty(value):
        if column.required:
            return None, _err("required", _("%(header)s is required.") % {"header": column.header}, column)
        return ("" if column.kind in (TEXT, REF) else None), None
    kind = column.kind
    if kind in (TEXT, REF):
        text = (f"{value:g}" if isinstance(value, float) else str(value)).strip()
        if column.max_length and len(text) > column.max_length:
            return None, _err(
                "too_long",
                _("%(header)s is longer than %(max)s characters.")
                % {"header": column.header, "max": column.max_length},
                column,
            )
        return text, None
    if kind in (INT, FLOAT, LNG, LAT):
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int | float):
            number = float(value)
        else:
            try:
                number = float(_number_text(value))
            except ValueError:
                return None, _err(
                    "not_a_number",
                    _("%(header)s is not a number: %(value)s.") % {"header": column.header, "value": value},
                    column,
                )
        if not np.isfinite(number):
            return None, _err(
                "not_a_number",
                _("%(header)s is not a number: %(value)s.") % {"header": column.header, "value": value},
                column,
            )
        if kind == INT:
            if number != int(number):
                return None, _err(
                    "not_an_integer",
                    _("%(header)s must be a whole number: %(value)s.")
                    % {"header": column.header, "value": value},
                    column,
                )
            return int(number), None
        if (kind == LNG and not -180 <= number <= 180) or (kind == LAT and not -90 <= number <= 90):
            return None, _err(
                "bad_coordinates",
                _("%(header)s is not a valid coordinate: %(value)s.")
                % {"header": column.header, "value": value},
                column,
            )
        return number, None
    if kind == CHOICE:
        choices = column.choices or {}
        text = str(value).strip()
        if text in choices:
            return text, None
        for stored, label in choices.items():
            if text == label or text.lower() == stored.lower():
                return stored, None
        return None, _err(
            "unknown_choice",
            _("%(header)s must be one of %(allowed)s: %(value)s.")
            % {"header": column.header, "allowed": "、".join(choices.values()), "value": text},
            column,
        )
    if kind == DATE:
        found = clean_date(value)
        if found is None:
            return None, _err(
                "not_a_date",
                _("%(header)s is not a date (write 2024-05-01): %(value)s.")
                % {"header": column.header, "value": value},
                column,
            )
        return found, None
    if kind == BOOL:
        text = str(value).strip().lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, _err(
            "not_a_boolean",
            _("%(header)s must be 是 or 否: %(value)s.") % {"header": column.header, "value": value},
            column,
        )
    if kind == GEOMETRY:
        geom = parse_geometry(value)
        if geom is None:
            return None, _err(
                "bad_geometry",
                _("%(header)s is not a valid geometry (GeoJSON or WKT).") % {"header": column.header},
                column,
            )
        return geom, None
    return value, None


def clean_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # an Excel serial day
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return None
    text = str(value).translate(_FULL_WIDTH).strip()
    text = text.split(" ")[0].split("T")[0]
    for form in _DATE_FORMS:
        m = form.match(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    return None


def parse_geometry(value: Any) -> shapely.Geometry | None:
    """GeoJSON (dict or text) or WKT → a valid shapely geometry, else None."""
    try:
        if isinstance(value, dict):
            geom = shapely.from_geojson(json.dumps(value))
        else:
            text = str(value).strip()
            geom = shapely.from_geojson(text) if text.startswith("{") else shapely.from_wkt(text)
    except Exception:
        return None
    if geom is None or geom.is_empty or not shapely.is_valid(geom):
        return None
    return geom


@dataclass
class CleanRow:
    """A row after the generic checks: the values by column field, and the problems found."""

    line: int
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # the fields given (a PATCH gives a few)


def clean_rows(
    spec: RegistrySpec, raw_rows: list[tuple[int, dict[str, Any]]], ctx: RowContext
) -> list[CleanRow]:
    """Every row's cells checked; then all points converted and located, all geometries checked."""
    out: list[CleanRow] = []
    for line, raw in raw_rows:
        row = CleanRow(line=line, values={}, present=set(raw))
        for column in spec.columns:
            value, error = clean_cell(column, raw.get(column.field))
            row.values[column.field] = value
            if error is not None:
                row.errors.append(error)
        out.append(row)
    _check_points(spec, out, ctx)
    _check_geometries(spec, out, ctx)
    return out


def _check_points(spec: RegistrySpec, rows: list[CleanRow], ctx: RowContext) -> None:
    lng_col = next((c for c in spec.columns if c.kind == LNG), None)
    lat_col = next((c for c in spec.columns if c.kind == LAT), None)
    if lng_col is None or lat_col is None:
        return
    todo = [
        r for r in rows if r.values.get(lng_col.field) is not None and r.values.get(lat_col.field) is not None
    ]
    # One of the pair without the other.
    for r in rows:
        has = (r.values.get(lng_col.field) is not None, r.values.get(lat_col.field) is not None)
        if has[0] != has[1] and not any(e.column in (lng_col.field, lat_col.field) for e in r.errors):
            r.errors.append(
                RowError(
                    "bad_coordinates",
                    _("Give both the longitude and the latitude."),
                    lat_col.field if has[0] else lng_col.field,
                )
            )
    if not todo:
        return
    lngs = np.array([r.values[lng_col.field] for r in todo], dtype=np.float64)
    lats = np.array([r.values[lat_col.field] for r in todo], dtype=np.float64)
    wlng, wlat = to_wgs84(lngs, lats, ctx.crs)
    index = lookup.get_index(ctx.jurisdiction_id)
    if index.district is None:
        inside = np.zeros(len(todo), dtype=bool)
    else:
        inside = shapely.contains_xy(index.district, wlng, wlat) | shapely.intersects_xy(
            index.district, wlng, wlat
        )
    for r, x, y, ok in zip(todo, wlng.tolist(), wlat.tolist(), inside.tolist(), strict=True):
        r.values[lng_col.field] = round(x, 7)
        r.values[lat_col.field] = round(y, 7)
        if not ok:
            r.errors.append(
                RowError(
                    "outside_jurisdiction",
                    _(
                        "The point (%(lng)s, %(lat)s) is outside the jurisdiction; check the coordinate system."
                    )
                    % {"lng": round(x, 6), "lat": round(y, 6)},
                    lng_col.field,
                )
            )


# Registries whose main geometry may be of several kinds (water: a lake's polygon or a canal's line).
ACCEPTED_TYPES: dict[str, tuple[str, ...]] = {}


def _wanted_types(spec: RegistrySpec, column: Column) -> tuple[str, ...]:
    if column.field == "geometry" and spec.key in ACCEPTED_TYPES:
        return ACCEPTED_TYPES[spec.key]
    if column.field == "outline" or spec.geometry == "polygon":
        return POLYGON_TYPES
    if spec.geometry == "line":
        return LINE_TYPES
    if spec.geometry == "point":
        return POINT_TYPES + POLYGON_TYPES if column.field == "outline" else POINT_TYPES
    return LINE_TYPES + POLYGON_TYPES + POINT_TYPES


def _check_geometries(spec: RegistrySpec, rows: list[CleanRow], ctx: RowContext) -> None:
    geo_cols = [c for c in spec.columns if c.kind == GEOMETRY]
    if not geo_cols:
        return
    district = lookup.get_index(ctx.jurisdiction_id).district
    zone = district.buffer(GEOMETRY_TOLERANCE_DEG) if district is not None else None
    if zone is not None:
        shapely.prepare(zone)
    for column in geo_cols:
        wanted = _wanted_types(spec, column)
        for r in rows:
            geom = r.values.get(column.field)
            if geom is None:
                continue
            if geom.geom_type not in wanted:
                r.values[column.field] = None
                r.errors.append(
                    RowError(
                        "wrong_geometry_type",
                        _("%(header)s must be a %(wanted)s, not a %(got)s.")
                        % {
                            "header": column.header,
                            "wanted": "、".join(dict.fromkeys(TYPE_NAMES.get(t, t) for t in wanted)),
                            "got": TYPE_NAMES.get(geom.geom_type, geom.geom_type),
                        },
                        column.field,
                    )
                )
                continue
            if ctx.crs != WGS84:
                geom = transform_geometry(geom, src=ctx.crs, dst=WGS84)
            geom = shapely.set_precision(geom, 1e-7)
            r.values[column.field] = geom
            if zone is None or not zone.contains(geom):
                r.errors.append(
                    RowError(
                        "outside_jurisdiction",
                        _("%(header)s lies outside the jurisdiction; check the coordinate system.")
                        % {"header": column.header},
                        column.field,
                    )
                )
