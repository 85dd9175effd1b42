"""The national classification of city-management 部件 and 事件 (数字城管) and its handling standards.

`install_city_management` adds two trees beside a district's 12345 matters: 城市管理部件 and
城市管理事件 (level 1), their 大类 (level 2) and 小类 (level 3), each 小类 with its own deadline
profile carrying the handling standard (立案条件, 结案条件, limits in working hours). The table is
`data/city_management.csv`; where it comes from: docs/standards/city-management.md and
docs/decisions/060-city-management-taxonomy.md.

Category codes: the root "DCM-P" (部件) / "DCM-E" (事件), 大类 "DCM-P-01", 小类 "DCM-P-0101": the
standard's own codes behind a prefix, because 部件 0101 (上水井盖) and 事件 0101 (私搭乱建) share
digits. A 小类's deadline profile has the same code as the 小类.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import Conflict, InvalidInput
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, require
from zhiguan.taxonomy.models import Category, DeadlineProfile, Scheme
from zhiguan.taxonomy.naming import apply_path
from zhiguan.taxonomy.profiles import _validate_profile

DATA_FILE = Path(__file__).parent / "data" / "city_management.csv"
CODE_PREFIX = "DCM-"
# (prefix, root name) per kind of the standard.
ROOTS = {"部件": ("DCM-P", "城市管理部件"), "事件": ("DCM-E", "城市管理事件")}
# After dispatch the responsible unit signs for the case within an hour (half an hour when
# urgent); the inspector checks the result the next working day (核查). District practice.
ACCEPT_HOURS = Decimal("1")
URGENT_ACCEPT_HOURS = Decimal("0.5")
CALLBACK_DAYS = 1
# handle_days is only shown next to an hour limit (handle_hours replaces it): a working day of 8 h.
HOURS_PER_DAY = 8
LIMIT_SOURCES = {
    "JY": "济源市数字化城市管理城市事件信息采集、立案、处置与结案标准",
    "RR": "数字化城市管理立案、结案标准（事件类）",
    "GZ": "广州市井盖设施管理办法（2021）",
    "SZ": "SZDB/Z 300.4-2018 数字化城市管理 第4部分：处置和结案规范 附录A",
    "PR": "本项目按同类小类的区级做法拟定（未见公开时限）",
}
STANDARD = "GB/T 30428.2-2013（CJ/T 214-2007）"


@dataclass(frozen=True)
class StandardRow:
    """One 小类 of the standard with its handling standard."""

    kind: str  # 部件 | 事件
    major_code: str
    major_name: str
    code: str
    name: str
    filing_condition: str
    closing_condition: str
    handle_hours: Decimal | None
    urgent_handle_hours: Decimal | None
    handle_days: int | None
    limit_source: str

    @property
    def category_code(self) -> str:
        return f"{ROOTS[self.kind][0]}-{self.code}"

    @property
    def major_category_code(self) -> str:
        return f"{ROOTS[self.kind][0]}-{self.major_code}"

    @property
    def source(self) -> str:
        return f"{STANDARD} {self.kind} {self.code}；时限：{LIMIT_SOURCES[self.limit_source]}"


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value.strip() else None


@lru_cache(maxsize=1)
def standard_rows() -> tuple[StandardRow, ...]:
    """The shipped table, in the standard's order. Raises ValueError on a malformed file (a bug, not input)."""
    lines = [line for line in DATA_FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = []
    for rec in csv.DictReader(lines):
        row = StandardRow(
            kind=rec["type"],
            major_code=rec["major_code"],
            major_name=rec["major_name"],
            code=rec["code"],
            name=rec["name"],
            filing_condition=rec["filing_condition"],
            closing_condition=rec["closing_condition"],
            handle_hours=_decimal(rec["handle_hours"]),
            urgent_handle_hours=_decimal(rec["urgent_handle_hours"]),
            handle_days=int(rec["handle_days"]) if rec["handle_days"].strip() else None,
            limit_source=rec["limit_source"],
        )
        if (
            row.kind not in ROOTS
            or not row.code.startswith(row.major_code)
            or row.limit_source not in LIMIT_SOURCES
        ):
            raise ValueError(f"malformed row in {DATA_FILE.name}: {rec}")
        if (row.handle_hours is None) == (row.handle_days is None):
            raise ValueError(f"{row.code} {row.name}: give either handle_hours or handle_days")
        rows.append(row)
    return tuple(rows)


def standard_codes() -> set[str]:
    """Every category code the installer creates (roots, 大类, 小类)."""
    codes = {prefix for prefix, _name in ROOTS.values()}
    for row in standard_rows():
        codes |= {row.major_category_code, row.category_code}
    return codes


def _profile(actor: Actor, row: StandardRow) -> DeadlineProfile:
    if row.handle_hours is not None:
        urgent_hours = row.urgent_handle_hours if row.urgent_handle_hours is not None else row.handle_hours
        handle_days = max(1, math.ceil(row.handle_hours / HOURS_PER_DAY))
        urgent_days = max(1, math.ceil(urgent_hours / HOURS_PER_DAY))
    else:
        assert row.handle_days is not None
        handle_days = urgent_days = row.handle_days
    profile = DeadlineProfile(
        jurisdiction=actor.jurisdiction,
        code=row.category_code,
        name=f"数字城管{row.kind}·{row.name}"[:64],
        accept_hours=ACCEPT_HOURS,
        urgent_accept_hours=URGENT_ACCEPT_HOURS,
        handle_days=handle_days,
        urgent_handle_days=urgent_days,
        callback_days=CALLBACK_DAYS,
        handle_hours=row.handle_hours,
        urgent_handle_hours=row.urgent_handle_hours if row.handle_hours is not None else None,
        filing_condition=row.filing_condition,
        closing_condition=row.closing_condition,
        source=row.source,
    )
    _validate_profile(profile)
    return profile


def _leads(actor: Actor, lead_departments: Mapping[str, Department] | None) -> dict[str, Department]:
    leads = dict(lead_departments or {})
    unknown = sorted(set(leads) - standard_codes())
    if unknown:
        raise InvalidInput(
            _("Unknown city-management codes: %(codes)s.") % {"codes": ", ".join(unknown)},
            code="unknown_standard_code",
            field="lead_departments",
            unknown=unknown,
        )
    for code, dept in leads.items():
        if dept.jurisdiction_id != actor.jurisdiction.pk:
            raise InvalidInput(
                _("The department does not exist."),
                code="unknown_department",
                field="lead_departments",
                standard_code=code,
            )
        if not dept.can_lead:
            raise InvalidInput(
                _("Only an active bureau or street office can lead cases."),
                code="department_cannot_lead",
                field="lead_departments",
                standard_code=code,
            )
    return leads


@transaction.atomic
def install_city_management(
    *, actor: Actor, lead_departments: Mapping[str, Department] | None = None
) -> dict[str, Category]:
    """Install the 数字城管 部件 and 事件 trees in the actor's jurisdiction; return every node of
    them keyed by category code ("DCM-P", "DCM-P-01", "DCM-P-0101", …).

    Idempotent: nodes and profiles are matched by code; what exists is left exactly as it is
    (renamed, re-led, retired or re-profiled by the district since), nothing under a retired node
    is added, and a second run writes nothing and returns the same rows. `lead_departments` maps a
    category code of a 大类 or a 小类 to the default lead department set on nodes created now.
    One audit record when anything was created. All or nothing: a name clash with an existing
    root (`duplicate_name`), an unknown code or a department that cannot lead changes nothing.
    """
    require(actor, "taxonomy.manage")
    leads = _leads(actor, lead_departments)
    jurisdiction = actor.jurisdiction
    nodes = {
        c.code: c
        for c in Category.objects.filter(
            jurisdiction=jurisdiction, code__startswith=CODE_PREFIX
        ).select_related("parent")
    }
    profiles = {
        p.code: p
        for p in DeadlineProfile.objects.filter(jurisdiction=jurisdiction, code__startswith=CODE_PREFIX)
    }
    created: list[str] = []
    created_profiles: list[str] = []
    root_sort = (
        Category.objects.filter(jurisdiction=jurisdiction, parent=None).aggregate(m=Max("sort_order"))["m"]
        or 0
    )

    def node(
        code: str, name: str, parent: Category | None, sort_order: int, **extra: object
    ) -> Category | None:
        if code in nodes:
            return nodes[code]
        if parent is not None and parent.retired:
            return None
        clash = Category.objects.filter(jurisdiction=jurisdiction, parent=parent, name=name).first()
        if clash is not None:
            raise Conflict(
                _("A category with this name already exists at this place."),
                code="duplicate_name",
                field="name",
                existing_id=clash.pk,
                standard_code=code,
            )
        cat = Category(
            jurisdiction=jurisdiction,
            parent=parent,
            level=parent.level + 1 if parent is not None else 1,
            code=code,
            name=name,
            scheme=Scheme.CITY_MANAGEMENT,
            sort_order=sort_order,
            default_lead_department=leads.get(code),
            **extra,
        )
        apply_path(cat)
        cat.save()
        nodes[code] = cat
        created.append(code)
        return cat

    for r, (kind, (prefix, root_name)) in enumerate(ROOTS.items(), start=1):
        root = node(prefix, root_name, None, root_sort + r)
        rows = [row for row in standard_rows() if row.kind == kind]
        for m, major_code in enumerate(dict.fromkeys(row.major_code for row in rows), start=1):
            first = next(row for row in rows if row.major_code == major_code)
            major = node(first.major_category_code, first.major_name, root, m) if root else None
            if major is None:
                continue
            for s, row in enumerate((row for row in rows if row.major_code == major_code), start=1):
                if row.category_code in nodes or major.retired:
                    continue
                profile = profiles.get(row.category_code)
                if profile is None:
                    profile = _profile(actor, row)
                    profile.save()
                    profiles[profile.code] = profile
                    created_profiles.append(profile.code)
                node(row.category_code, row.name, major, s, deadline_profile=profile)
    if created or created_profiles:
        audit.record(
            actor=actor,
            action="taxonomy.city_management_installed",
            after={
                "categories": len(created),
                "profiles": len(created_profiles),
                "created_codes": created,
                "source": STANDARD,
            },
        )
    return {code: nodes[code] for code in sorted(nodes) if code in standard_codes()}
