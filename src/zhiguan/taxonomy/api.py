from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from zhiguan.taxonomy import queries, services
from zhiguan.taxonomy.models import Category
from zhiguan.taxonomy.schemas import (
    CategoryDetail,
    CategoryIn,
    CategoryNode,
    CategoryOut,
    CategoryPatch,
    ImportOut,
    ProfileIn,
    ProfileOut,
    ProfilePatch,
    ReasonIn,
    SearchHit,
)

router = Router(tags=["taxonomy"])


def _category_out(c: Category) -> dict[str, Any]:
    return {
        "id": c.pk,
        "parent_id": c.parent_id,
        "level": c.level,
        "code": c.code,
        "name": c.name,
        "path_name": c.path_name,
        "pinyin_initials": c.pinyin_initials,
        "pinyin_words": c.pinyin_words,
        "scheme": c.scheme,
        "priority": c.priority,
        "default_lead_department_id": c.default_lead_department_id,
        "deadline_profile_id": c.deadline_profile_id,
        "sort_order": c.sort_order,
        "retired": c.retired,
        "retired_at": c.retired_at,
    }


def _node_out(node: dict[str, Any]) -> dict[str, Any]:
    c = node["category"]
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "level": c.level,
        "retired": c.retired,
        "children": [_node_out(n) for n in node["children"]],
    }


def _detail_out(c: Category) -> dict[str, Any]:
    lead = queries.effective_lead_department(c)
    return {
        **_category_out(c),
        "effective_profile": queries.effective_profile(c),
        "effective_lead_department": lead,
    }


@router.get("/categories", response=list[CategoryOut], summary="All categories, depth-first")
def list_categories(request: HttpRequest, include_retired: bool = False) -> list[dict]:
    return [_category_out(c) for c in queries.category_list(request.auth, include_retired=include_retired)]


@router.get("/categories/tree", response=list[CategoryNode], summary="The taxonomy as a tree")
def category_tree(request: HttpRequest, include_retired: bool = False) -> list[dict]:
    return [_node_out(n) for n in queries.category_tree(request.auth, include_retired=include_retired)]


@router.get(
    "/categories/search",
    response=list[SearchHit],
    summary="Category picker: name, pinyin initials of the name or of its words (ld → 路灯) or full pinyin, best first",
)
def search_categories(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    prefer: str | None = Query(
        None,
        max_length=32,
        description="Rank this scheme's categories first: city_management (数字城管) or 12345; "
        "absent: the jurisdiction's default",
    ),
) -> list[dict]:
    hits = queries.search_categories(request.auth, q, prefer=prefer)
    return [
        {
            **_category_out(c),
            "pinyin_full": c.pinyin_full,
            # Set on each hit by queries.search_categories.
            "pinyin_syllables": getattr(c, "pinyin_syllables", []),
            "is_leaf": getattr(c, "is_leaf", c.level == 3),
        }
        for c in hits
    ]


@router.post(
    "/categories/import",
    response=ImportOut,
    summary="Import a CSV (一级分类,二级分类,三级分类); adds only what is new",
)
def import_categories(request: HttpRequest, file: File[UploadedFile]) -> dict:
    return services.import_taxonomy_csv(actor=request.auth, content=file.read())


@router.get("/categories/{category_id}", response=CategoryDetail, summary="One category, retired or not")
def get_category(request: HttpRequest, category_id: int) -> dict:
    return _detail_out(queries.get_category(request.auth, category_id))


@router.post("/categories", response={201: CategoryOut})
def create_category(request: HttpRequest, payload: CategoryIn) -> Status[dict]:
    return Status(201, _category_out(services.create_category(actor=request.auth, **payload.dict())))


@router.patch("/categories/{category_id}", response=CategoryOut)
def update_category(request: HttpRequest, category_id: int, payload: CategoryPatch) -> dict:
    cat = services.update_category(
        actor=request.auth, category_id=category_id, **payload.dict(exclude_unset=True)
    )
    return _category_out(cat)


@router.post("/categories/{category_id}/retire", response=CategoryOut, summary="Retire with its subtree")
def retire_category(request: HttpRequest, category_id: int, payload: ReasonIn) -> dict:
    cat = services.retire_category(actor=request.auth, category_id=category_id, reason=payload.reason)
    return _category_out(cat)


@router.post("/categories/{category_id}/restore", response=CategoryOut)
def restore_category(request: HttpRequest, category_id: int, payload: ReasonIn) -> dict:
    cat = services.restore_category(actor=request.auth, category_id=category_id, reason=payload.reason)
    return _category_out(cat)


@router.get("/profiles", response=list[ProfileOut], summary="Deadline profiles")
def list_profiles(request: HttpRequest, include_inactive: bool = False) -> object:
    return queries.profile_list(request.auth, include_inactive=include_inactive)


@router.get("/profiles/{profile_id}", response=ProfileOut)
def get_profile(request: HttpRequest, profile_id: int) -> object:
    return queries.get_profile(request.auth, profile_id)


@router.post("/profiles", response={201: ProfileOut})
def create_profile(request: HttpRequest, payload: ProfileIn) -> Status[object]:
    return Status(201, services.create_profile(actor=request.auth, **payload.dict()))


@router.patch("/profiles/{profile_id}", response=ProfileOut)
def update_profile(request: HttpRequest, profile_id: int, payload: ProfilePatch) -> object:
    return services.update_profile(
        actor=request.auth, profile_id=profile_id, **payload.dict(exclude_unset=True)
    )
