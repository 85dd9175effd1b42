"""The demo district's routing rules: what its dispatchers would have configured.

Through `cases.routing.create_rule`, in the order a rule table is read (first match wins):
- by keyword, anywhere: gas leaks to the gas company on the urgent profile, taxi and
  ride-hailing complaints to 交通运输局 whatever they were filed under;
- by time of day: noise at night (22:00–06:00) to the law-enforcement brigade, urgent municipal
  cases outside office time to the operations centre's duty desk;
- by category and street (属地): street vending and 城管执法 to the street's law-enforcement
  squadron, exposed rubbish, 环境卫生 and the standard's other 事件 to the street's
  city-management section (construction sites and muck trucks to 城管局 itself, first);
- by category: the matters a bureau owns in every street (labour, schools, health, transport …).
Before all of them, a case about a city component (城市部件) goes to the component's owner.
Only the categories the demo taxonomy has get rules (the real TipDM one or the built-in one, and
the 数字城管 standard tree when installed). Rules name no co-handlers: the demo plans who co-handles.
Few enough that `route`, which reads the whole table at every dispatch, stays cheap (about 60).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any

from zhiguan.cases.models import Case, Urgency
from zhiguan.cases.routing import create_rule, route
from zhiguan.geo.models import Area
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor
from zhiguan.taxonomy.models import Category, DeadlineProfile

# Category paths, per taxonomy (TipDM, built-in, 数字城管); a path the district does not have is skipped.
MUNICIPAL = ("城乡建设 / 城市建设和市政管理", "市政设施", "城市管理部件", "城市管理事件 / 突发事件")
_EVENT = "城市管理事件 / "
VENDING = (
    "城乡建设 / 城市建设和市政管理 / 城管执法",
    "城市管理 / 占道经营",
    *(_EVENT + "街面秩序 / " + n for n in ("占道经营", "店外经营")),
)
SANITATION = ("城乡建设 / 城市建设和市政管理 / 环境卫生", "市容环境 / 环境卫生")
# The standard's 事件 (暴露垃圾, 私搭乱建, 乱停放 …) are the street's to handle (属地), vending aside.
EVENTS = ("城市管理事件",)
_PART = "城市管理部件 / "
# Construction sites, muck trucks and outdoor advertising are the bureau's own offices' in every
# street (渣土管理, 户外广告审批), so before the street rules.
BUREAU_WIDE = (_EVENT + "施工管理", "城市管理 / 渣土管理", "城市管理 / 户外广告")
# (rule name, category paths, lead department code): one rule per path found.
BY_CATEGORY: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("食品药品 → 市场监管局", ("卫生计生 / 食品药品监管", "市场监管 / 食品安全"), "SCJG"),
    ("市场监管 → 市场监管局", ("商贸旅游 / 市场监管", "商贸旅游 / 质监检验检疫", "市场监管"), "SCJG"),
    ("旅游 → 商务局", ("商贸旅游 / 旅游管理", "商贸旅游 / 商业贸易"), "SWJ"),
    ("劳动保障 → 人社局", ("劳动和社会保障", "劳动社保"), "RSJ"),
    ("教育 → 教育局", ("教育文体", "教育"), "JYJ"),
    ("医疗卫生 → 卫健局", ("卫生计生", "医疗卫生"), "WJJ"),
    ("环境保护 → 生态环境分局", ("环境保护", "生态环境"), "STHJ"),
    ("交通运输 → 交通运输局", ("交通运输", "交通出行 / 公共交通", "交通出行 / 出租车与网约车"), "JTJ"),
    (
        "住房保障 → 住建局",
        ("城乡建设 / 住房保障与房地产", "城乡建设 / 国有土地上房屋征收与补偿", "住房建设"),
        "ZJJ",
    ),
    (
        "路灯 → 路灯管理所",
        ("市政设施 / 照明设施", _PART + "公用设施 / 路灯", _PART + "公用设施 / 景观灯"),
        "CGJLD",
    ),
    (
        "井盖 → 市政设施养护中心",
        ("市政设施 / 井盖管网", _PART + "公用设施 / 雨水井盖", _PART + "公用设施 / 污水井盖"),
        "CGJSZ",
    ),
    ("环卫设施 → 环境卫生管理处", (_PART + "市容环境 / 垃圾箱", _PART + "市容环境 / 公共厕所"), "CGJHW"),
    ("园林绿化 → 园林绿化管理所", (_PART + "园林绿化", "市容环境 / 园林绿化"), "CGJYL"),
    ("交通设施 → 公安分局", (_PART + "道路交通 / 交通信号灯", _PART + "道路交通 / 交通标志牌"), "GAJ"),
    ("公交站亭 → 交通运输局", (_PART + "道路交通 / 公交站亭",), "JTJ"),
    ("供电 → 供电公司", ("城乡建设 / 城市建设和市政管理 / 电力供应",), "GDGS"),
    ("供水 → 水务公司", ("城乡建设 / 城市建设和市政管理 / 自来水供应", "市政设施 / 供水供气 / 停水"), "SWGS"),
)
GAS_LEAK = ("燃气泄漏", "煤气泄漏", "天然气泄漏", "漏气", "燃气味", "煤气味")
TAXI = ("出租车", "网约车", "的士", "滴滴")
NOISE = ("噪音", "噪声", "施工扰民")


def _category(jurisdiction_id: int, path: str) -> Category | None:
    return Category.objects.filter(
        jurisdiction_id=jurisdiction_id, path_name=path, retired_at__isnull=True
    ).first()


def _categories(jurisdiction_id: int, paths: Iterable[str]) -> list[Category]:
    return [c for c in (_category(jurisdiction_id, p) for p in paths) if c is not None]


def build_demo_routing(*, actor: Actor, departments: dict[str, Department]) -> dict[str, int]:
    """Create the demo rules (see the module docstring) for the departments and categories present.

    Returns the number of rules by kind. Run once, on an empty rule table.
    """
    jid = actor.jurisdiction.pk
    urgent = DeadlineProfile.objects.filter(jurisdiction_id=jid, code="URGENT").first()
    counts = {"component": 0, "keyword": 0, "time": 0, "street": 0, "category": 0}
    # First: a case about a city component goes to the component's owner (权属单位) when it can
    # lead; else on down the table (docs/decisions/074).
    create_rule(actor=actor, name="部件类案件 → 部件权属单位", position=5, target="component_owner")
    counts["component"] += 1

    def add(kind: str, position: int, name: str, lead: str, **conditions: Any) -> None:
        if lead in departments:
            create_rule(
                actor=actor,
                name=name,
                position=position,
                lead_department_id=departments[lead].pk,
                **conditions,
            )
            counts[kind] += 1

    add(
        "keyword",
        10,
        "燃气泄漏 → 燃气公司（紧急）",
        "RQGS",
        keywords=list(GAS_LEAK),
        deadline_profile_id=urgent.pk if urgent else None,
    )
    add("keyword", 20, "出租车、网约车 → 交通运输局", "JTJ", keywords=list(TAXI))
    add("time", 30, "夜间噪音（22:00–06:00）→ 综合行政执法大队", "CGJZF", keywords=list(NOISE),
        time_from=time(22), time_to=time(6))  # fmt: skip
    for category in _categories(jid, MUNICIPAL):
        add("time", 40, f"非工作时间紧急{category.name} → 城运中心值班室", "CYZXZB",
            category_id=category.pk, office_time="out", urgencies=[Urgency.URGENT])  # fmt: skip
    for category in _categories(jid, BUREAU_WIDE):
        add("category", 90, f"{category.name} → 城市管理局", "CGJ", category_id=category.pk)
    streets = Area.objects.filter(jurisdiction_id=jid, level="street").order_by("code")
    for street in streets:
        for paths, suffix in ((VENDING, "ZF"), (SANITATION, "CG"), (EVENTS, "CG")):
            lead = f"{street.code}{suffix}"
            unit = departments[lead].name if lead in departments else ""
            for category in _categories(jid, paths):
                add("street", 100, f"{street.name}{category.name} → {unit}", lead,
                    category_id=category.pk, area_id=street.pk)  # fmt: skip
    for name, paths, lead in BY_CATEGORY:
        for category in _categories(jid, paths):
            add("category", 200, f"{name}（{category.name}）", lead, category_id=category.pk)
    return counts


def routed_share(cases: Iterable[Case]) -> tuple[int, int]:
    """(cases a rule routes, cases) by `cases.routing.route` at each case's registration time."""
    routed = total = 0
    for case in cases:
        total += 1
        routed += route(case).rule is not None
    return routed, total
