"""Which category an event type becomes: the administrator's table first, then a default by name.

The defaults name categories as the national standard does (数字城管 事件 names); a district whose
taxonomy has a category of that name needs no configuration for it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhiguan.errors import InvalidInput
from zhiguan.intake.channels.models import EventSource, EventTypeMapping
from zhiguan.org.permissions import Actor, require
from zhiguan.taxonomy.models import Category

# event type (as camera analytics, drones and sensors name them) → the category's Chinese name.
DEFAULT_NAMES: dict[str, dict[str, str]] = {
    EventSource.VIDEO: {
        "street_vending": "占道经营",
        "occupy_road": "占道经营",
        "exposed_garbage": "暴露垃圾",
        "illegal_parking": "违章停车",
        "outdoor_advertising": "违规广告",
        "overflowing_bin": "垃圾满溢",
        "construction_waste": "渣土撒漏",
        "road_damage": "道路破损",
        "waterlogging": "道路积水",
        "smoke": "焚烧垃圾",
    },
    EventSource.ALARM: {
        "manhole_cover": "井盖",
        "manhole_tilt": "井盖",
        "water_level": "道路积水",
        "waterlogging": "道路积水",
        "bin_full": "垃圾满溢",
        "smoke": "消防",
        "gas_leak": "燃气",
        "streetlight_fault": "路灯",
        "vital_signs": "独居老人",
    },
}
DEFAULT_NAMES[EventSource.DRONE] = DEFAULT_NAMES[EventSource.VIDEO]


def category_for(*, jurisdiction_id: int, source: str, event_type: str) -> Category:
    """The live category for this event type, or 422 `unmapped_event_type` naming the type."""
    row = (
        EventTypeMapping.objects.filter(jurisdiction_id=jurisdiction_id, source=source, event_type=event_type)
        .select_related("category")
        .first()
    )
    category = row.category if row is not None else None
    if category is None:
        name = DEFAULT_NAMES.get(source, {}).get(event_type)
        if name:
            category = (
                Category.objects.filter(jurisdiction_id=jurisdiction_id, name=name, retired_at__isnull=True)
                .order_by("-level", "id")
                .first()
            )
    if category is None or category.retired_at is not None:
        raise InvalidInput(
            _("No category is set for this event type; an administrator maps it first."),
            code="unmapped_event_type",
            field="event_type",
            event_type=event_type,
        )
    return category


def set_mapping(
    *, actor: Actor, source: str, event_type: str, category_id: int | None
) -> EventTypeMapping | None:
    """An administrator maps an event type to a category (None removes the row: defaults apply again)."""
    from zhiguan.audit import services as audit

    require(actor, "taxonomy.manage")
    if source not in EventSource.values:
        raise InvalidInput(_("Unknown value."), field="source", allowed=list(EventSource.values))
    jid = actor.jurisdiction.pk
    with transaction.atomic():
        row = EventTypeMapping.objects.filter(
            jurisdiction_id=jid, source=source, event_type=event_type
        ).first()
        before = {"category_id": row.category_id} if row is not None else None
        if category_id is None:
            if row is not None:
                row.delete()
                audit.record(
                    actor=actor,
                    action="channels.mapping_removed",
                    before=before,
                    after={"source": source, "event_type": event_type},
                )
            return None
        category = Category.objects.filter(
            pk=category_id, jurisdiction_id=jid, retired_at__isnull=True
        ).first()
        if category is None:
            raise InvalidInput(
                _("Unknown or retired category."), code="unknown_category", field="category_id"
            )
        row = row or EventTypeMapping(jurisdiction_id=jid, source=source, event_type=event_type)
        row.category = category
        row.save()
        audit.record(
            actor=actor,
            action="channels.mapping_set",
            target=row,
            before=before,
            after={"source": source, "event_type": event_type, "category_id": category.pk},
        )
    return row


def mappings(*, actor: Actor) -> list[dict[str, str | int | None]]:
    """The table as an administrator sees it: configured rows, then the defaults not overridden."""
    require(actor, "taxonomy.view")
    jid = actor.jurisdiction.pk
    rows: list[dict[str, str | int | None]] = []
    seen = set()
    for m in (
        EventTypeMapping.objects.filter(jurisdiction_id=jid)
        .select_related("category")
        .order_by("source", "event_type")
    ):
        seen.add((m.source, m.event_type))
        rows.append(
            {
                "source": m.source,
                "event_type": m.event_type,
                "category_id": m.category_id,
                "category_name": m.category.path_name or m.category.name,
                "configured": True,
            }
        )
    for source, table in DEFAULT_NAMES.items():
        for event_type, name in table.items():
            if (source, event_type) in seen:
                continue
            found = (
                Category.objects.filter(jurisdiction_id=jid, name=name, retired_at__isnull=True)
                .order_by("-level", "id")
                .first()
            )
            rows.append(
                {
                    "source": source,
                    "event_type": event_type,
                    "category_id": found.pk if found else None,
                    "category_name": (found.path_name or found.name) if found else name,
                    "configured": False,
                }
            )
    return rows
