"""How a category is named and found: path names, pinyin initials and generated codes."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

from zhiguan.taxonomy.models import Category

PATH_SEPARATOR = " / "
MAX_LEVEL = 3


def pinyin_initials(name: str) -> str:
    """路灯 → "ld"; 12345热线 → "12345rx"; punctuation is dropped. What operators type in the picker."""
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER)
    return "".join(ch for part in parts for ch in part.lower() if ch.isascii() and ch.isalnum())


def apply_path(cat: Category) -> None:
    """Set the path name ("城乡建设 / 城乡规划 / 违章建筑") and path initials ("csjs/cxgh/wzjz")
    from the category's (already up-to-date) parent."""
    parent = cat.parent
    if parent is None:
        cat.path_name, cat.pinyin_initials = cat.name, pinyin_initials(cat.name)
    else:
        cat.path_name = f"{parent.path_name}{PATH_SEPARATOR}{cat.name}"
        cat.pinyin_initials = f"{parent.pinyin_initials}/{pinyin_initials(cat.name)}"


def next_child_code(*, jurisdiction_id: int, parent: Category | None, taken: set[str] | None = None) -> str:
    """The next free code under `parent`: "07" for a level-1, "07.03" below it, "07.03.012" for a leaf.

    `taken` (every code of the jurisdiction) is passed by bulk imports to avoid a query per node;
    the caller adds the returned code to it.
    """
    if taken is None:
        taken = set(Category.objects.filter(jurisdiction_id=jurisdiction_id).values_list("code", flat=True))
    width = 3 if parent is not None and parent.level == MAX_LEVEL - 1 else 2
    prefix = f"{parent.code}." if parent is not None else ""
    depth = prefix.count(".")
    n = 1 + sum(1 for c in taken if c.startswith(prefix) and c.count(".") == depth)
    while f"{prefix}{n:0{width}d}" in taken:
        n += 1
    return f"{prefix}{n:0{width}d}"
