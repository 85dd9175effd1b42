"""All writes to categories and deadline profiles. Each checks "taxonomy.manage", runs in one
transaction (all or nothing) and writes its audit record with before/after.

Importing lives in `zhiguan.taxonomy.importing` and deadline profiles in `zhiguan.taxonomy.profiles`;
both are re-exported here, so callers need only this module.
"""

from __future__ import annotations

from typing import Any, Final

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import Conflict, InvalidInput
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, get_or_404, require
from zhiguan.taxonomy.importing import import_taxonomy, import_taxonomy_csv
from zhiguan.taxonomy.models import Category, DeadlineProfile, Priority
from zhiguan.taxonomy.naming import MAX_LEVEL, apply_path, next_child_code, pinyin_initials
from zhiguan.taxonomy.profiles import create_profile, update_profile

CATEGORY_FIELDS = [
    "code",
    "name",
    "level",
    "parent",
    "path_name",
    "default_lead_department",
    "priority",
    "deadline_profile",
    "retired_at",
    "sort_order",
]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


# "Leave as it is", as opposed to None, which clears a nullable field.
UNSET: Final = _Unset()


def _state(cat: Category) -> dict[str, Any]:
    return audit.snapshot(cat, CATEGORY_FIELDS)


def _refresh_descendants(cat: Category) -> None:
    # At most two levels below; a loop per level keeps it to a handful of queries.
    for child in Category.objects.filter(parent=cat).select_related("parent"):
        child.parent = cat
        apply_path(child)
        child.save(update_fields=["path_name", "pinyin_initials", "updated_at"])
        _refresh_descendants(child)


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("A category needs a name."), field="name")
    if "/" in name:
        # The slash separates levels in the path name and in the pinyin initials.
        raise InvalidInput(_("A category name cannot contain a slash."), field="name")
    return name


def _parent(actor: Actor, parent_id: int) -> Category:
    parent = Category.objects.filter(jurisdiction=actor.jurisdiction, pk=parent_id).first()
    if parent is None:
        raise InvalidInput(_("The parent category does not exist."), code="unknown_parent", field="parent_id")
    if parent.level >= MAX_LEVEL:
        raise InvalidInput(
            _("A level-3 category cannot have sub-categories."), code="wrong_level", field="parent_id"
        )
    if parent.retired:
        raise InvalidInput(
            _("The parent category is retired; restore it first."), code="retired_parent", field="parent_id"
        )
    return parent


def _check_name_free(actor: Actor, name: str, parent: Category | None, exclude_pk: int | None = None) -> None:
    # Retired siblings count too: restoring one is the way back, not a second node of the same name.
    qs = Category.objects.filter(jurisdiction=actor.jurisdiction, parent=parent, name=name)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    clash = qs.first()
    if clash is not None:
        raise Conflict(
            _("A category with this name already exists at this place."),
            code="duplicate_name",
            field="name",
            existing_id=clash.pk,
            existing_retired=clash.retired,
        )


def _lead_department(actor: Actor, department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    dept = Department.objects.filter(jurisdiction=actor.jurisdiction, pk=department_id).first()
    if dept is None:
        raise InvalidInput(
            _("The department does not exist."), code="unknown_department", field="default_lead_department_id"
        )
    if not dept.can_lead:
        raise InvalidInput(
            _("Only an active bureau or street office can lead cases."),
            code="department_cannot_lead",
            field="default_lead_department_id",
        )
    return dept


def _profile_for_category(actor: Actor, profile_id: int | None) -> DeadlineProfile | None:
    if profile_id is None:
        return None
    profile = DeadlineProfile.objects.filter(jurisdiction=actor.jurisdiction, pk=profile_id).first()
    if profile is None or not profile.active:
        raise InvalidInput(
            _("The deadline profile does not exist or is no longer in use."),
            code="invalid_profile",
            field="deadline_profile_id",
        )
    return profile


def _priority(value: str) -> str:
    if value not in Priority.values:
        raise InvalidInput(
            _("Unknown priority."), code="invalid_priority", field="priority", allowed=list(Priority.values)
        )
    return value


@transaction.atomic
def create_category(
    *,
    actor: Actor,
    name: str,
    parent_id: int | None = None,
    code: str | None = None,
    default_lead_department_id: int | None = None,
    priority: str = Priority.NORMAL,
    deadline_profile_id: int | None = None,
    sort_order: int | None = None,
) -> Category:
    """Create a category under `parent_id` (a level-1 when None); its level follows from the parent.

    The code is generated from the parent's code when not given and is unique in the jurisdiction;
    the name is unique among its siblings. Nothing is written when any check fails.
    """
    require(actor, "taxonomy.manage")
    name = _clean_name(name)
    parent = _parent(actor, parent_id) if parent_id is not None else None
    code = (code or "").strip() or next_child_code(jurisdiction_id=actor.jurisdiction.pk, parent=parent)
    if Category.objects.filter(jurisdiction=actor.jurisdiction, code=code).exists():
        raise Conflict(_("Another category already has this code."), code="duplicate_code", field="code")
    _check_name_free(actor, name, parent)
    if sort_order is None:
        siblings = Category.objects.filter(jurisdiction=actor.jurisdiction, parent=parent)
        sort_order = (siblings.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    cat = Category(
        jurisdiction=actor.jurisdiction,
        parent=parent,
        level=parent.level + 1 if parent is not None else 1,
        code=code,
        name=name,
        default_lead_department=_lead_department(actor, default_lead_department_id),
        priority=_priority(priority),
        deadline_profile=_profile_for_category(actor, deadline_profile_id),
        sort_order=max(sort_order, 0),
    )
    apply_path(cat)
    cat.save()
    audit.record(actor=actor, action="category.created", target=cat, after=_state(cat))
    return cat


@transaction.atomic
def update_category(
    *,
    actor: Actor,
    category_id: int,
    name: str | None = None,
    parent_id: int | _Unset | None = UNSET,
    default_lead_department_id: int | _Unset | None = UNSET,
    priority: str | None = None,
    deadline_profile_id: int | _Unset | None = UNSET,
    sort_order: int | None = None,
) -> Category:
    """Rename a category, move it under another parent of the level above, or change its lead
    department, priority, deadline profile or sort order. Its code never changes; path names and
    pinyin of the whole subtree follow a rename or move. A retired category cannot be edited."""
    require(actor, "taxonomy.manage")
    cat = get_or_404(actor, Category.objects.select_for_update(), "taxonomy.manage", pk=category_id)
    if cat.retired:
        raise InvalidInput(_("Restore the category before editing it."), code="retired_category")
    before = _state(cat)
    new_name = _clean_name(name) if name is not None else cat.name
    new_parent = cat.parent
    if not isinstance(parent_id, _Unset) and parent_id != cat.parent_id:
        if parent_id is None:
            raise InvalidInput(
                _("Only a level-1 category has no parent."), code="wrong_level", field="parent_id"
            )
        new_parent = _parent(actor, parent_id)
        if new_parent.level != cat.level - 1:
            raise InvalidInput(
                _("A category can only move under a category of the level above it."),
                code="wrong_level",
                field="parent_id",
            )
    moved_or_renamed = new_name != cat.name or new_parent != cat.parent
    if moved_or_renamed:
        _check_name_free(actor, new_name, new_parent, exclude_pk=cat.pk)
    if not isinstance(default_lead_department_id, _Unset):
        cat.default_lead_department = _lead_department(actor, default_lead_department_id)
    if not isinstance(deadline_profile_id, _Unset) and deadline_profile_id != cat.deadline_profile_id:
        cat.deadline_profile = _profile_for_category(actor, deadline_profile_id)
    if priority is not None:
        cat.priority = _priority(priority)
    if sort_order is not None:
        cat.sort_order = max(sort_order, 0)
    cat.name, cat.parent = new_name, new_parent
    apply_path(cat)
    cat.save()
    if moved_or_renamed:
        _refresh_descendants(cat)
    after = _state(cat)
    if after != before:
        kind = "moved" if before["parent"] != after["parent"] else "updated"
        audit.record(actor=actor, action=f"category.{kind}", target=cat, before=before, after=after)
    return cat


def _subtree_ids(cat: Category) -> list[int]:
    ids, frontier = [cat.pk], [cat.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


@transaction.atomic
def retire_category(*, actor: Actor, category_id: int, reason: str = "") -> Category:
    """Retire a category and everything below it: hidden from the picker, still resolvable by id,
    so that old cases keep their meaning. Descendants retired earlier keep their own date."""
    require(actor, "taxonomy.manage")
    cat = get_or_404(actor, Category.objects.select_for_update(), "taxonomy.manage", pk=category_id)
    if cat.retired:
        return cat
    before = _state(cat)
    now = timezone.now()
    count = Category.objects.filter(pk__in=_subtree_ids(cat), retired_at__isnull=True).update(
        retired_at=now, updated_at=now
    )
    cat.refresh_from_db()
    audit.record(
        actor=actor,
        action="category.retired",
        target=cat,
        before=before,
        after={**_state(cat), "retired_count": count},
        note=reason,
    )
    return cat


@transaction.atomic
def restore_category(*, actor: Actor, category_id: int, reason: str = "") -> Category:
    """Bring back a retired category and the descendants that were retired together with it
    (same moment); ones retired on their own before stay retired. Its parent must be active."""
    require(actor, "taxonomy.manage")
    cat = get_or_404(actor, Category.objects.select_for_update(), "taxonomy.manage", pk=category_id)
    if not cat.retired:
        return cat
    if cat.parent is not None and cat.parent.retired:
        raise InvalidInput(
            _("The parent category is retired; restore it first."), code="retired_parent", field="parent_id"
        )
    before = _state(cat)
    count = Category.objects.filter(pk__in=_subtree_ids(cat), retired_at=cat.retired_at).update(
        retired_at=None, updated_at=timezone.now()
    )
    cat.refresh_from_db()
    audit.record(
        actor=actor,
        action="category.restored",
        target=cat,
        before=before,
        after={**_state(cat), "restored_count": count},
        note=reason,
    )
    return cat


__all__ = [
    "UNSET",
    "create_category",
    "create_profile",
    "import_taxonomy",
    "import_taxonomy_csv",
    "pinyin_initials",
    "restore_category",
    "retire_category",
    "update_category",
    "update_profile",
]
