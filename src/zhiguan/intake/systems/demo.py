"""The demo district's integrated systems (对接系统): the six a 钱塘区-sized district connects.

Each has a field mapping of the kind their interface documents describe (their JSON paths → ours),
a few of their category codes mapped to the district's categories found by name, and their status
codes; the 110 and 数字城管 systems may move the cases they sent (acting as the dispatcher). No
callback address is set: the demo has no receiving end, so nothing is queued for delivery.
"""

from __future__ import annotations

from typing import Any

from zhiguan.intake.systems import services
from zhiguan.org.models import User
from zhiguan.org.permissions import Actor
from zhiguan.taxonomy.models import Category

_FIELDS = {
    "eventId": "external_id",
    "content": "description",
    "typeCode": "category",
    "location.addr": "address",
    "location.x": "lng",
    "location.y": "lat",
    "reporter.name": "reporter_name",
    "reporter.tel": "reporter_phone",
    "level": "urgency",
    "state": "status",
    "remark": "note",
}
_STATUSES = {"10": "registered", "20": "dispatched", "30": "in_progress", "80": "closed", "90": "rejected"}

# code, name, kind, request type, acts (may move its cases), {their code: our category, by the
# first of these names the district's taxonomy has}
SYSTEMS: list[tuple[str, str, str, str, bool, dict[str, tuple[str, ...]]]] = [
    (
        "110",
        "110社会联动",
        "police_110",
        "help",
        True,
        {"A01": ("占道经营",), "A02": ("噪声扰民", "噪音污染"), "A03": ("违章停车", "乱停车", "停车场")},
    ),
    (
        "ENV",
        "智慧环保监测",
        "environment",
        "report",
        False,
        {"E01": ("大气污染",), "E02": ("水污染",), "E03": ("噪音污染", "噪声扰民")},
    ),
    (
        "DCM",
        "数字城管",
        "digital_city",
        "report",
        True,
        {
            "P0101": ("上水井盖", "井盖"),
            "P0103": ("雨水井盖",),
            "E0101": ("暴露垃圾",),
            "E0201": ("占道经营",),
        },
    ),
    (
        "ZF",
        "综合行政执法",
        "enforcement",
        "report",
        False,
        {"Z01": ("违章建筑", "违法建设"), "Z02": ("占道经营",)},
    ),
    ("AJ", "安全生产监管", "work_safety", "report", False, {"S01": ("安全隐患",), "S02": ("消防安全",)}),
    (
        "XF",
        "信访系统",
        "petitions",
        "complaint",
        False,
        {"X01": ("物业服务", "物业管理"), "X02": ("工资发放", "拖欠工资")},
    ),
]


def _category_codes(actor: Actor) -> dict[str, str]:
    """Category code by name (the deepest category of that name with a code)."""
    out: dict[str, str] = {}
    rows = Category.objects.filter(jurisdiction=actor.jurisdiction, retired_at__isnull=True).exclude(code="")
    for name, code in rows.order_by("-level", "id").values_list("name", "code"):
        out.setdefault(name, code)
    return out


def build_demo_systems(*, actor: Actor) -> dict[str, Any]:
    codes = _category_codes(actor)
    dispatcher = (
        User.objects.filter(jurisdiction=actor.jurisdiction, is_active=True, roles__code="dispatcher")
        .order_by("username")
        .first()
    )
    made = mapped = 0
    for code, name, kind, request_type, acts, categories in SYSTEMS:
        ours = {
            theirs: codes[found]
            for theirs, names in categories.items()
            if (found := next((n for n in names if n in codes), None))
        }
        mapped += len(ours)
        services.save_system(
            actor=actor,
            data=services.SystemInput(
                code=code,
                name=name,
                kind=kind,
                mapping={
                    "fields": _FIELDS,
                    "categories": ours,
                    "statuses": _STATUSES,
                    "request_type": request_type,
                    "crs": "wgs84",
                    "urgent_values": ["1"],
                },
                acting_user_id=dispatcher.pk if acts and dispatcher is not None else None,
            ),
        )
        made += 1
    return {"systems": made, "categories_mapped": mapped}
