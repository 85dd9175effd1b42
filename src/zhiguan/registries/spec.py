"""What a registry is: one declaration per registry, read by the shared import, export, history and API.

Every base registry (standard addresses, roads, buildings, water, points of interest, city
components, cameras; later persons, households, enterprises) declares a `RegistrySpec` in its
app's `registry.py` and calls `register_spec`. The machinery in `zhiguan.registries` does the
rest the same way for all of them (docs/decisions/068-registries.md):

- validation at the door: the generic column checks (required, length, number, choice, date,
  coordinates inside the jurisdiction in WGS-84/GCJ-02/BD-09), then the registry's own
  `validate_row`; every failure is a `RowError` with a stable code and the column;
- bulk import from .xlsx, .csv and GeoJSON with Chinese headers (`Column.header`, or any of its
  `aliases`, or the field name), upsert by `natural_key`, a row report;
- history through django-simple-history (`history = HistoricalRecords(...)` on the model);
- the API (list with filters and keyset paging, detail, as-of, history, import, export, template).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

# Column kinds the shared reader knows how to clean.
TEXT = "text"
INT = "int"
FLOAT = "float"
CHOICE = "choice"  # stored value, or its Chinese label, accepted on import
DATE = "date"
BOOL = "bool"  # 是/否, true/false, 1/0
LNG = "lng"  # a longitude in the file's coordinate system; stored WGS-84
LAT = "lat"
GEOMETRY = (
    "geometry"  # a GeoJSON geometry (the feature's own in a GeoJSON file, WKT or GeoJSON text in a sheet)
)
REF = "ref"  # a reference by code (a department code, a category code, a parent record's code)

GEOMETRY_KINDS = ("point", "line", "polygon", "none")


@dataclass(frozen=True)
class Column:
    """One column of the registry's template, import and export."""

    field: str  # the model field, or a name `prepare` turns into fields (e.g. "owner_code")
    header: str  # the Chinese column header of the template and exports, e.g. "部件编码"
    kind: str = TEXT
    required: bool = False
    max_length: int | None = None
    choices: dict[str, str] | None = None  # stored value -> Chinese label
    aliases: tuple[str, ...] = ()  # other headers departments use for this column
    example: str = ""  # shown in the template's example row
    help: str = ""  # shown in the template's notes sheet
    export: bool = True  # written by exports (a camera's stream address is not)


@dataclass(frozen=True)
class RowError:
    """One problem with one row: what the report shows on its line, in its column."""

    code: str  # stable, machine-readable: "required", "too_long", "not_a_number", "outside_jurisdiction", …
    message: str  # in the user's language
    column: str = ""  # the Column.field it concerns ("" for the whole row)


@dataclass
class RowContext:
    """What validation and preparation of a row may consult; one per import or API call."""

    actor: Any  # zhiguan.org.permissions.Actor
    jurisdiction_id: int
    crs: str  # the coordinate system of the file's coordinates
    line: int  # 1-based line in the file (header = 1), or 0 for an API call
    cache: dict[str, Any] = field(default_factory=dict)  # lookups shared across rows (codes → ids)


@dataclass(frozen=True)
class RegistrySpec:
    key: str  # URL segment and name: "addresses", "roads", "buildings", "water", "pois", "components", "cameras"
    model: type[models.Model]
    title: str  # the Chinese name an official knows, e.g. "标准地址"
    natural_key: tuple[str, ...]  # fields that identify a record across imports, e.g. ("code",)
    columns: tuple[Column, ...]
    geometry: str = "point"  # one of GEOMETRY_KINDS
    search_fields: tuple[str, ...] = ()  # the list's `q` searches these (icontains)
    filters: tuple[str, ...] = ()  # exact-match filters the list accepts (?state=damaged&owner=12)
    # Registry rules after the generic column checks: errors for this cleaned row.
    validate_row: Callable[[dict[str, Any], RowContext], list[RowError]] | None = None
    # The cleaned row (column fields → Python values, coordinates already WGS-84) → model field values.
    prepare: Callable[[dict[str, Any], RowContext], dict[str, Any]] | None = None
    # Record → row of column values for export and the detail view (defaults to the model attributes).
    to_row: Callable[[Any], dict[str, Any]] | None = None
    permission_view: str = "registry.view"
    permission_manage: str = "registry.manage"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.field == name:
                return c
        raise KeyError(name)


_SPECS: dict[str, RegistrySpec] = {}


def register_spec(spec: RegistrySpec) -> RegistrySpec:
    """Called from each registry app's `registry.py` (imported in its `apps.ready()`)."""
    if spec.geometry not in GEOMETRY_KINDS:
        raise ValueError(f"{spec.key}: geometry must be one of {GEOMETRY_KINDS}")
    _SPECS[spec.key] = spec
    return spec


def get_spec(key: str) -> RegistrySpec:
    return _SPECS[key]


def all_specs() -> list[RegistrySpec]:
    return list(_SPECS.values())
