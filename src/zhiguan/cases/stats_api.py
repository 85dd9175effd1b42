"""Case counts for maps and boards, mounted under /api/v1/cases/stats/: the same filters as the list."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Query, Router, Schema

from zhiguan.cases import queries
from zhiguan.cases.schemas import CaseListFilter
from zhiguan.geo.models import Area
from zhiguan.taxonomy.models import Category

router = Router(tags=["cases"])

# Every breakdown counts the cases, and those yellow and red among them.
COUNTS = {
    "count": Count("id"),
    "yellow": Count("id", filter=Q(warning_level="yellow")),
    "red": Count("id", filter=Q(warning_level="red")),
}


class AreaCountOut(Schema):
    area_id: int
    code: str
    name: str
    count: int
    yellow: int
    red: int


class StatusCountOut(Schema):
    status: str
    count: int


def _by_area(request: HttpRequest, filters: CaseListFilter, field: str) -> list[dict[str, Any]]:
    qs = queries.filtered(request.auth, queries.CaseFilter(**filters.dict())).exclude(
        **{f"{field}__isnull": True}
    )
    rows = list(qs.values(field).annotate(**COUNTS).order_by())
    names = Area.objects.in_bulk([r[field] for r in rows])
    return sorted(
        (
            {"area_id": r[field], "code": names[r[field]].code, "name": names[r[field]].name, **r}
            for r in rows
            if r[field] in names
        ),
        key=lambda r: (-r["count"], r["code"]),
    )


@router.get(
    "/by-grid", response=list[AreaCountOut], summary="Cases per grid (map colouring), list filters apply"
)
def by_grid(request: HttpRequest, filters: Query[CaseListFilter]) -> list[dict[str, Any]]:
    return _by_area(request, filters, "grid_id")


@router.get("/by-street", response=list[AreaCountOut], summary="Cases per street, list filters apply")
def by_street(request: HttpRequest, filters: Query[CaseListFilter]) -> list[dict[str, Any]]:
    return _by_area(request, filters, "street_id")


@router.get("/by-status", response=list[StatusCountOut], summary="Cases per status, list filters apply")
def by_status(request: HttpRequest, filters: Query[CaseListFilter]) -> list[dict[str, Any]]:
    qs = queries.filtered(request.auth, queries.CaseFilter(**filters.dict()))
    return list(qs.values("status").annotate(count=Count("id")).order_by("status"))


class CategoryCountOut(Schema):
    category_id: int
    name: str
    count: int
    yellow: int
    red: int


@router.get(
    "/by-category",
    response=list[CategoryCountOut],
    summary="Cases per category, rolled up to level 1 or 2 (list filters apply)",
)
def by_category(
    request: HttpRequest, filters: Query[CaseListFilter], level: int = Query(1, ge=1, le=3)
) -> list[dict[str, Any]]:
    qs = queries.filtered(request.auth, queries.CaseFilter(**filters.dict()))
    rows = qs.values("category_id").annotate(**COUNTS)
    tree = {
        c["id"]: c
        for c in Category.objects.filter(jurisdiction_id=request.auth.jurisdiction.pk).values(
            "id", "parent_id", "level", "name"
        )
    }
    totals: dict[int, dict[str, Any]] = {}
    for row in rows.order_by():
        node = tree.get(row["category_id"])
        # Climb to the asked level; a case filed on a coarser category counts at that category.
        while node is not None and node["level"] > level and node["parent_id"] in tree:
            node = tree[node["parent_id"]]
        if node is None:
            continue
        total = totals.setdefault(
            node["id"], {"category_id": node["id"], "name": node["name"], "count": 0, "yellow": 0, "red": 0}
        )
        for key in ("count", "yellow", "red"):
            total[key] += row[key]
    return sorted(totals.values(), key=lambda t: (-t["count"], t["name"]))
