"""The `components` registry (城市部件): columns, checks and preparation of a row (decision 072).

References are resolved once per import (or API call) through `RowContext.cache`: the installed
部件 小类 of the jurisdiction, its departments, its administrative code. A row's type may be given
as the 小类 name of the national list ("上水井盖"), a common other name ("消防栓"), the standard
code ("0101") or the taxonomy code ("DCM-P-0101"); an owner by department code or name; a
maintainer by department code or name, or as free text (a contractor outside the platform).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from zhiguan.components import codes
from zhiguan.components.models import Component, ComponentState
from zhiguan.registries.spec import (
    CHOICE,
    DATE,
    LAT,
    LNG,
    REF,
    TEXT,
    Column,
    RegistrySpec,
    RowContext,
    RowError,
    register_spec,
)

STATE_LABELS = {
    ComponentState.NORMAL.value: "完好",
    ComponentState.DAMAGED.value: "破损",
    ComponentState.LOST.value: "丢失",
    ComponentState.REMOVED.value: "移除",
}

# Other names departments give the 小类 of the national list (name in the list ← other name).
TYPE_ALIASES = {
    "上水井盖": ("自来水井盖", "给水井盖", "上水井"),
    "污水井盖": ("污水井", "排污井盖"),
    "雨水井盖": ("雨水井", "雨水检查井盖"),
    "雨水箅子": ("雨水篦子", "雨箅子", "雨水口"),
    "通讯井盖": ("通信井盖",),
    "燃气井盖": ("煤气井盖",),
    "消火栓": ("消防栓", "市政消火栓"),
    "通讯交接箱": ("通信交接箱",),
    "监控电子眼": ("电子眼", "监控探头"),
    "公交站亭": ("公交站台", "公交候车亭", "候车亭"),
    "交通标志牌": ("交通标志", "道路标志牌"),
    "交通信号灯": ("信号灯", "红绿灯"),
    "垃圾箱": ("垃圾桶", "果壳箱", "废物箱"),
    "公共厕所": ("公厕",),
    "街头坐椅": ("街头座椅", "座椅"),
    "存车支架": ("自行车停放架", "非机动车停放架"),
    "行道树": ("行道树木",),
}

COLUMNS = (
    Column(
        "code",
        "部件编码",
        TEXT,
        max_length=24,
        aliases=("部件标识码", "标识码", "编码", "部件代码"),
        example="3301140101000001",
        help="16位：区县行政区划代码6位＋大类2位＋小类2位＋流水号6位；也接受4位流水号（14位）或含3位街道代码（19位）。"
        "导入时必填；在系统中新增时可留空，由系统编号。",
    ),
    Column(
        "category",
        "部件类型",
        REF,
        required=True,
        aliases=("部件小类", "小类", "部件名称类型", "类型"),
        example="上水井盖",
        help="部件小类的名称（如 上水井盖、路灯）或代码（如 0101）。",
    ),
    Column("name", "名称", TEXT, max_length=100, aliases=("部件名称",), example="文泽路88号东侧上水井盖"),
    Column("lng", "经度", LNG, required=True, aliases=("X", "lng", "longitude"), example="120.3412"),
    Column("lat", "纬度", LAT, required=True, aliases=("Y", "lat", "latitude"), example="30.3051"),
    Column(
        "owner",
        "权属单位",
        REF,
        required=True,
        aliases=("主管部门", "权属部门", "权属单位代码"),
        example="CGJSZ",
        help="本区的部门名称或代码。",
    ),
    Column(
        "maintainer",
        "养护单位",
        TEXT,
        max_length=100,
        aliases=("养护部门", "维护单位"),
        example="市政设施养护中心",
        help="本区的部门名称或代码；平台外的单位直接填写单位名称。",
    ),
    Column(
        "state",
        "状态",
        CHOICE,
        choices=STATE_LABELS,
        aliases=("部件状态",),
        example="完好",
        help="完好、破损、丢失或移除，留空为完好。",
    ),
    Column("installed_on", "安装日期", DATE, aliases=("建设日期", "设置日期"), example="2021-05-01"),
    Column("address", "位置描述", TEXT, max_length=255, aliases=("地址", "位置"), example="文泽路88号东侧"),
    Column("note", "备注", TEXT, max_length=255, example=""),
)

_CACHE_KEY = "components.refs"
_SPACES = re.compile(r"\s+")


def _norm(text: Any) -> str:
    """Half-width parentheses and no spaces, so that "输油(气)井盖" finds "输油（气）井盖"."""
    s = "" if text is None else str(text)
    return _SPACES.sub("", s).replace("（", "(").replace("）", ")")


@dataclass
class Refs:
    """What rows of one import refer to, read once."""

    admin_code: str
    types: dict[str, tuple[int, str]]  # any accepted form → (category id, "0101")
    type_codes: set[str]
    departments: dict[str, int | None]  # code or name → id (None: a name two departments share)
    department_paths: dict[int, str]
    department_names: dict[int, str]
    categories: dict[int, tuple[str, str]]  # category id → ("0101", name)


def load_refs(jurisdiction_id: int) -> Refs:
    from zhiguan.org.models import Department
    from zhiguan.taxonomy.models import Category
    from zhiguan.tenancy.models import Jurisdiction

    admin_code = Jurisdiction.objects.values_list("code", flat=True).get(pk=jurisdiction_id)
    types: dict[str, tuple[int, str]] = {}
    categories: dict[int, tuple[str, str]] = {}
    rows = Category.objects.filter(
        jurisdiction_id=jurisdiction_id,
        code__startswith=codes.CATEGORY_PREFIX,
        level=3,
        retired_at__isnull=True,
    ).values_list("pk", "code", "name")
    for pk, code, name in rows:
        type_code = code.removeprefix(codes.CATEGORY_PREFIX)
        ref = (pk, type_code)
        categories[pk] = (type_code, name)
        for form in (code, type_code, _norm(name), *TYPE_ALIASES.get(name, ())):
            types.setdefault(_norm(form), ref)
        types[_norm(f"{type_code}{name}")] = ref  # "0101 上水井盖"
        types[_norm(f"{name}({type_code})")] = ref
    departments: dict[str, int | None] = {}
    paths: dict[int, str] = {}
    names: dict[int, str] = {}
    dept_rows = Department.objects.filter(jurisdiction_id=jurisdiction_id, active=True).values_list(
        "pk", "code", "name", "path"
    )
    by_name: dict[str, set[int]] = {}
    for pk, code, name, path in dept_rows:
        departments[_norm(code)] = pk
        by_name.setdefault(_norm(name), set()).add(pk)
        paths[pk], names[pk] = path, name
    for name, ids in by_name.items():
        if name not in departments:
            departments[name] = next(iter(ids)) if len(ids) == 1 else None
    return Refs(
        admin_code=admin_code,
        types=types,
        type_codes={t for t, _n in categories.values()},
        departments=departments,
        department_paths=paths,
        department_names=names,
        categories=categories,
    )


def refs(ctx: RowContext) -> Refs:
    found = ctx.cache.get(_CACHE_KEY)
    if found is None:
        found = ctx.cache[_CACHE_KEY] = load_refs(ctx.jurisdiction_id)
    return found


def _manage_paths(ctx: RowContext) -> str | None:
    """The department path the actor's `registry.manage` is limited to; None when jurisdiction-wide."""
    from zhiguan.org.models import DataScope

    actor = ctx.actor
    scope = actor.grants.get("registry.manage") if actor is not None else None
    if scope in (None, DataScope.JURISDICTION):
        return None
    dept = getattr(actor, "department", None)
    return dept.path if dept is not None else "\x00"  # nothing matches


def validate_row(row: dict[str, Any], ctx: RowContext) -> list[RowError]:
    r = refs(ctx)
    errors: list[RowError] = []
    type_ref = r.types.get(_norm(row.get("category")))
    if row.get("category") not in (None, "") and type_ref is None:
        errors.append(
            RowError(
                "unknown_component_type",
                _("No component type of this name or code in the classification: %(value)s.")
                % {"value": row.get("category")},
                "category",
            )
        )
    owner_text = _norm(row.get("owner"))
    if owner_text:
        if owner_text not in r.departments:
            errors.append(
                RowError(
                    "unknown_department",
                    _("No department of this name or code: %(value)s.") % {"value": row.get("owner")},
                    "owner",
                )
            )
        elif r.departments[owner_text] is None:
            errors.append(
                RowError(
                    "ambiguous_department",
                    _("Several departments have this name; give the department code: %(value)s.")
                    % {"value": row.get("owner")},
                    "owner",
                )
            )
        else:
            limit = _manage_paths(ctx)
            owner_id = r.departments[owner_text]
            assert owner_id is not None
            if limit is not None and not r.department_paths[owner_id].startswith(limit):
                errors.append(
                    RowError(
                        "owner_out_of_scope",
                        _("You can only register components your own departments own."),
                        "owner",
                    )
                )
    code = str(row.get("code") or "").strip()
    if code:
        errors.extend(
            codes.validate_code(
                code, r.admin_code, type_ref[1] if type_ref else None, known_types=r.type_codes
            )
        )
    elif ctx.line > 0:
        errors.append(RowError("required", _("The component code is required in an imported file."), "code"))
    return errors


def _next_code(ctx: RowContext, type_code: str) -> str:
    taken = Component.objects.filter(
        jurisdiction_id=ctx.jurisdiction_id, code__startswith=refs(ctx).admin_code + type_code
    ).values_list("code", flat=True)
    return codes.next_code(type_code, taken, admin_code=refs(ctx).admin_code)


def prepare(row: dict[str, Any], ctx: RowContext) -> dict[str, Any]:
    r = refs(ctx)
    category_id, type_code = r.types[_norm(row["category"])]
    owner_id = r.departments[_norm(row["owner"])]
    maintainer_text = str(row.get("maintainer") or "").strip()
    maintainer_id = r.departments.get(_norm(maintainer_text)) if maintainer_text else None
    code = str(row.get("code") or "").strip() or _next_code(ctx, type_code)
    values: dict[str, Any] = {
        "code": code,
        "category_id": category_id,
        "name": row.get("name") or "",
        "lng": row["lng"],
        "lat": row["lat"],
        "owner_id": owner_id,
        "maintainer_id": maintainer_id,
        "maintainer_name": "" if maintainer_id else maintainer_text,
        "state": row.get("state") or ComponentState.NORMAL.value,
        "installed_on": row.get("installed_on"),
        "note": row.get("note") or "",
    }
    if "address" in row:
        values["address"] = row.get("address") or ""
    return values


def to_row(component: Any) -> dict[str, Any]:
    category = component.category
    return {
        "code": component.code,
        "category": category.name,
        "name": component.name,
        "lng": component.lng,
        "lat": component.lat,
        "owner": component.owner.name,
        "maintainer": component.maintainer.name if component.maintainer_id else component.maintainer_name,
        "state": component.state,
        "installed_on": component.installed_on,
        "address": component.address,
        "note": component.note,
    }


SPEC = register_spec(
    RegistrySpec(
        key="components",
        model=Component,
        title="城市部件",
        natural_key=("code",),
        columns=COLUMNS,
        geometry="point",
        search_fields=("code", "name", "address", "maintainer_name"),
        filters=("state", "category", "owner", "maintainer", "street", "community", "grid"),
        validate_row=validate_row,
        prepare=prepare,
        to_row=to_row,
    )
)
