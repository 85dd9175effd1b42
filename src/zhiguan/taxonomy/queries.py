"""Reading the taxonomy: lists, the tree, the picker's search, and what a category inherits.

Every read goes through `restrict`/`get_or_404`, so another jurisdiction's categories never appear.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from zhiguan.errors import InvalidInput
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, get_or_404, restrict
from zhiguan.taxonomy.models import Category, DeadlineProfile, Scheme
from zhiguan.taxonomy.naming import syllables

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


def _from_a_word(words: str, initials: str) -> bool:
    """Whether `initials` run from the start of one of the words ("bl" and "ldbl" in "ld bl")."""
    parts = words.split()
    return any("".join(parts[i:]).startswith(initials) for i in range(len(parts)))


def _rank(cat: Category, text: str, initials: str) -> int:
    """0 exact name; 1 whole-name initials ("ld" = 路灯); 2 name prefix, whole-name initials prefix
    or full-pinyin prefix; 3 initials from the start of one of its words ("bl" in 路灯不亮, "ld" in
    公共路灯); 4 name substring or full-pinyin substring ("deng"); 5 a match in the path only."""
    leaf_initials = cat.pinyin_initials.rsplit("/", 1)[-1]
    name = cat.name.lower()
    if name == text:
        return 0
    if initials and leaf_initials == initials:
        return 1
    if name.startswith(text) or (
        initials and (leaf_initials.startswith(initials) or cat.pinyin_full.startswith(initials))
    ):
        return 2
    if initials and _from_a_word(cat.pinyin_words, initials):
        return 3
    if text in name or (initials and len(initials) > 1 and initials in cat.pinyin_full):
        return 4
    return 5


def default_prefer(actor: Actor) -> str:
    """The scheme the picker prefers when the request names none: the jurisdiction's entry in
    ZHIGUAN_CATEGORY_PREFER ("330114=city_management,330102=12345"), else none."""
    code = getattr(actor.jurisdiction, "code", None)
    for item in str(getattr(settings, "ZHIGUAN_CATEGORY_PREFER", "") or "").split(","):
        key, _sep, value = item.strip().partition("=")
        if key.strip() in (code, "*") and value.strip() in Scheme.values:
            return value.strip()
    return ""


def _check_prefer(prefer: str) -> str:
    prefer = prefer.strip()
    if prefer and prefer not in Scheme.values:
        raise InvalidInput(
            _("Unknown classification scheme."),
            code="invalid_scheme",
            field="prefer",
            allowed=list(Scheme.values),
        )
    return prefer


def search_categories(
    actor: Actor, q: str, *, prefer: str | None = None, limit: int = SEARCH_LIMIT
) -> list[Category]:
    """Active categories whose name contains `q`, or whose pinyin matches it: the initials of the
    whole name or of any of its words ("ld" → 路灯, "bl" → 路灯不亮), or the full pinyin ("ludeng").

    Best first: an exact name; then, when a scheme is preferred (`prefer`, else the jurisdiction's
    default: `default_prefer`), that scheme's hits before the others; then the match tier of
    `_rank`; ties: leaves first (cases are filed on leaves), the deeper level, the shorter name,
    the path. Each hit carries `is_leaf` and `pinyin_syllables` (for highlighting). At most `limit` hits; an unknown scheme is refused."""
    prefer = _check_prefer(prefer) if prefer is not None else default_prefer(actor)
    text = " ".join(q.split()).lower()
    if not text:
        return []
    # Only letters, digits and "/" can be initials; "ld" and "szgl/ld" both work.
    compact = text.replace(" ", "")
    initials = compact if all(ch.isascii() and (ch.isalnum() or ch == "/") for ch in compact) else ""
    match = Q(name__icontains=text) | Q(path_name__icontains=text)
    if initials:
        match |= Q(pinyin_initials__contains=initials)
        if "/" not in initials:
            match |= Q(pinyin_full__contains=initials) | Q(pinyin_words__contains=initials)
    visible = _visible(actor, include_retired=False)
    candidates = list(visible.filter(match))
    parents = set(
        visible.filter(parent_id__in=[c.pk for c in candidates]).values_list("parent_id", flat=True)
    )
    for c in candidates:
        c.is_leaf = c.pk not in parents  # type: ignore[attr-defined]

    def key(c: Category) -> tuple[Any, ...]:
        tier = _rank(c, text, initials)
        return (
            tier != 0,
            bool(prefer) and c.scheme != prefer,
            tier,
            not c.is_leaf,  # type: ignore[attr-defined]
            -c.level,
            len(c.name),
            c.path_name,
        )

    hits = sorted(candidates, key=key)[:limit]
    for c in hits:
        c.pinyin_syllables = syllables(c.name)  # type: ignore[attr-defined]
    return hits


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
