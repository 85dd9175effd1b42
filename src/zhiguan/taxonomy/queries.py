"""Reading the taxonomy: lists, the tree, the picker's search, and what a category inherits.

Every read goes through `restrict`/`get_or_404`, so another jurisdiction's categories never appear.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet

from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, get_or_404, restrict
from zhiguan.taxonomy.models import Category, DeadlineProfile

SEARCH_LIMIT = 20
# One select_related path per ancestor, so that inheritance is resolved without extra queries.
_INHERITED = [
    "deadline_profile",
    "default_lead_department",
    "parent__deadline_profile",
    "parent__default_lead_department",
    "parent__parent__deadline_profile",
    "parent__parent__default_lead_department",
]


def _visible(actor: Actor, *, include_retired: bool) -> QuerySet[Category]:
    qs = restrict(actor, Category.objects.all(), "taxonomy.view")
    return qs if include_retired else qs.filter(retired_at__isnull=True)


def category_list(actor: Actor, *, include_retired: bool = False) -> list[Category]:
    """All categories in depth-first order (siblings by sort order, then code)."""
    children: dict[int | None, list[Category]] = defaultdict(list)
    for cat in _visible(actor, include_retired=include_retired).order_by("sort_order", "code"):
        children[cat.parent_id].append(cat)
    out: list[Category] = []

    def walk(parent_id: int | None) -> None:
        for cat in children.get(parent_id, []):
            out.append(cat)
            walk(cat.pk)

    walk(None)
    return out


def category_tree(actor: Actor, *, include_retired: bool = False) -> list[dict[str, Any]]:
    """The taxonomy as nested nodes: each node is {"category": Category, "children": [...]}."""
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for cat in category_list(actor, include_retired=include_retired):
        node = {"category": cat, "children": []}
        nodes[cat.pk] = node
        parent = nodes.get(cat.parent_id) if cat.parent_id else None
        (parent["children"] if parent else roots).append(node)
    return roots


def _rank(cat: Category, text: str, initials: str) -> int:
    leaf_initials = cat.pinyin_initials.rsplit("/", 1)[-1]
    name = cat.name.lower()
    checks = [
        name == text,
        bool(initials) and leaf_initials == initials,
        name.startswith(text),
        bool(initials) and leaf_initials.startswith(initials),
        text in name,
        bool(initials) and initials in cat.pinyin_initials,
    ]
    return next((i for i, hit in enumerate(checks) if hit), len(checks))


def search_categories(actor: Actor, q: str, *, limit: int = SEARCH_LIMIT) -> list[Category]:
    """Active categories whose name contains `q` or whose pinyin initials match it ("ld" → 路灯),
    best first: exact name, exact initials, name prefix, initials prefix, name substring, then a
    match anywhere in the path. Ties: the shorter name, then the deeper level (cases are filed on
    leaves), then the path."""
    text = " ".join(q.split()).lower()
    if not text:
        return []
    # Only letters, digits and "/" can be initials; "ld" and "szgl/ld" both work.
    compact = text.replace(" ", "")
    initials = compact if all(ch.isascii() and (ch.isalnum() or ch == "/") for ch in compact) else ""
    match = Q(name__icontains=text) | Q(path_name__icontains=text)
    if initials:
        match |= Q(pinyin_initials__contains=initials)
    candidates = _visible(actor, include_retired=False).filter(match)
    ranked = sorted(candidates, key=lambda c: (_rank(c, text, initials), len(c.name), -c.level, c.path_name))
    return ranked[:limit]


def get_category(actor: Actor, category_id: int) -> Category:
    """One category by id, retired or not, with its ancestors' profiles and departments loaded."""
    return get_or_404(actor, Category.objects.select_related(*_INHERITED), "taxonomy.view", pk=category_id)


def effective_profile(cat: Category) -> DeadlineProfile | None:
    """The category's own deadline profile, else the nearest ancestor's; None when no level has one."""
    node: Category | None = cat
    while node is not None:
        if node.deadline_profile_id is not None:
            return node.deadline_profile
        node = node.parent
    return None


def effective_lead_department(cat: Category) -> Department | None:
    """The category's own default lead department, else the nearest ancestor's."""
    node: Category | None = cat
    while node is not None:
        if node.default_lead_department_id is not None:
            return node.default_lead_department
        node = node.parent
    return None


def profile_list(actor: Actor, *, include_inactive: bool = False) -> QuerySet[DeadlineProfile]:
    qs = restrict(actor, DeadlineProfile.objects.all(), "taxonomy.view")
    return qs if include_inactive else qs.filter(active=True)


def get_profile(actor: Actor, profile_id: int) -> DeadlineProfile:
    return get_or_404(actor, DeadlineProfile.objects.all(), "taxonomy.view", pk=profile_id)
