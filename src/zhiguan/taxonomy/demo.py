"""The demo district's taxonomy: deadline profiles, the categories and their lead departments.

The real TipDM 附件1 taxonomy is used when the shared data set is present; otherwise our own
built-in taxonomy (`data/builtin_taxonomy.csv`, written for this project).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor
from zhiguan.taxonomy import services
from zhiguan.taxonomy.models import Category, DeadlineProfile
from zhiguan.taxonomy.naming import PATH_SEPARATOR

BUILTIN_CSV = Path(__file__).resolve().parent / "data" / "builtin_taxonomy.csv"
REAL_CSV = Path("tipdm2020_c") / "csv" / "fj1_taxonomy.csv"

# code, name, accept hours, handle working days, callback days, urgent accept hours, urgent handle days.
# After the common 12345 practice: ordinary requests accepted within 2 h and handled within 15
# working days; urgent ones (safety, outages) within half an hour and one working day;
# consultations answered at intake; multi-department or legal cases get 30 working days.
PROFILES: list[tuple[str, str, Decimal, int, int, Decimal, int]] = [
    ("GENERAL", "一般", Decimal(2), 15, 3, Decimal("0.5"), 1),
    ("URGENT", "紧急", Decimal("0.5"), 1, 1, Decimal("0.5"), 1),
    ("CONSULT", "咨询", Decimal(0), 1, 1, Decimal(0), 1),
    ("COMPLEX", "复杂", Decimal(4), 30, 5, Decimal(1), 5),
]

# Level-1 name → lead department code: the 15 TipDM 附件1 names, then our built-in ones.
LEVEL1_LEADS: dict[str, str] = {
    "城乡建设": "ZJJ",
    "农村农业": "NYJ",
    "政法": "GAJ",
    "教育文体": "JYJ",
    "劳动和社会保障": "RSJ",
    "民政": "MZJ",
    # 党的建设, 宣传, 政治体制…: no single bureau owns them; the service centre coordinates.
    "党务政务": "ZWFW",
    "经济管理": "JJXX",
    "卫生计生": "WJJ",
    "商贸旅游": "SWJ",
    "环境保护": "STHJ",
    "交通运输": "JTJ",
    "纪检监察": "JJJC",
    "国土资源": "ZRZY",
    "科技与信息产业": "KJJ",
    "城市管理": "CGJ",
    "市容环境": "CGJ",
    "市政设施": "CGJ",
    "交通出行": "JTJ",
    "生态环境": "STHJ",
    "住房建设": "ZJJ",
    "劳动社保": "RSJ",
    "教育": "JYJ",
    "医疗卫生": "WJJ",
    "市场监管": "SCJG",
    "公共安全": "GAJ",
    "民政服务": "MZJ",
    "政务服务": "ZWFW",
}

# (level-1, level-2) → a more specific lead than the level-1 one.
LEVEL2_LEADS: dict[tuple[str, str], str] = {
    ("城乡建设", "城市建设和市政管理"): "CGJ",
    ("城乡建设", "住房保障与房地产"): "ZJJ",
    ("城乡建设", "国有土地上房屋征收与补偿"): "ZJJ",
    ("城乡建设", "集体土地上房屋拆迁与补偿"): "ZJJ",
    ("城乡建设", "城乡规划"): "ZRZY",
    ("城乡建设", "安全生产"): "YJJ",
    ("城乡建设", "村镇建设"): "NYJ",
    ("经济管理", "安全生产"): "YJJ",
    ("商贸旅游", "市场监管"): "SCJG",
    ("商贸旅游", "质监检验检疫"): "SCJG",
    ("卫生计生", "食品药品监管"): "SCJG",
    ("科技与信息产业", "信息化建设"): "JJXX",
    ("科技与信息产业", "电信"): "JJXX",
    ("政法", "交通管理"): "GAJ",
    ("政法", "法律服务"): "XFJ",
    ("公共安全", "消防安全"): "YJJ",
    ("公共安全", "安全生产"): "YJJ",
    ("公共安全", "防灾减灾"): "YJJ",
}

# Leaves of the real taxonomy whose owner differs from their level-2 (物业/小区 → 住建, buses → 交通).
LEVEL3_LEADS: dict[tuple[str, str, str], str] = {
    ("城乡建设", "城市建设和市政管理", "小区管理"): "ZJJ",
    ("城乡建设", "城市建设和市政管理", "公共汽车"): "JTJ",
    ("城乡建设", "城市建设和市政管理", "地铁城铁"): "JTJ",
    ("城乡建设", "城市建设和市政管理", "燃气供应"): "ZJJ",
}

# Deadline profiles for the real taxonomy (it has none): every level-1 is GENERAL, with these
# exceptions by (level-1, level-2) or (level-1, level-2, level-3).
REAL_PROFILES: dict[tuple[str, ...], str] = {
    ("城乡建设", "国有土地上房屋征收与补偿"): "COMPLEX",
    ("城乡建设", "集体土地上房屋拆迁与补偿"): "COMPLEX",
    ("政法", "诉讼"): "COMPLEX",
    ("政法", "行政复议"): "COMPLEX",
    ("城乡建设", "安全生产", "安全隐患"): "URGENT",
    ("城乡建设", "城市建设和市政管理", "燃气供应"): "URGENT",
    ("城乡建设", "城市建设和市政管理", "自来水供应"): "URGENT",
    ("城乡建设", "城市建设和市政管理", "电力供应"): "URGENT",
    ("环境保护", "环境污染"): "URGENT",
}


def _seed_profiles(actor: Actor) -> dict[str, DeadlineProfile]:
    existing = {p.code: p for p in DeadlineProfile.objects.filter(jurisdiction=actor.jurisdiction)}
    for code, name, accept, handle, callback, urgent_accept, urgent_handle in PROFILES:
        if code not in existing:
            existing[code] = services.create_profile(
                actor=actor,
                code=code,
                name=name,
                accept_hours=accept,
                handle_days=handle,
                callback_days=callback,
                urgent_accept_hours=urgent_accept,
                urgent_handle_days=urgent_handle,
            )
    return existing


def _names(cat: Category) -> tuple[str, ...]:
    return tuple(cat.path_name.split(PATH_SEPARATOR))


def _lead_code(names: tuple[str, ...]) -> str:
    if len(names) == 1:
        return LEVEL1_LEADS.get(names[0], "")
    if len(names) == 2:
        return LEVEL2_LEADS.get((names[0], names[1]), "")
    return LEVEL3_LEADS.get((names[0], names[1], names[2]), "")


@transaction.atomic
def build_demo_taxonomy(
    *, actor: Actor, data_dir: Path | None, departments: dict[str, Department]
) -> dict[str, Any]:
    """Seed the deadline profiles, import the taxonomy (real when found, else built-in) and set
    default lead departments and profiles. Safe to run twice: nothing already there is duplicated."""
    profiles = _seed_profiles(actor)
    real = data_dir / REAL_CSV if data_dir is not None else None
    source = real if real is not None and real.is_file() else BUILTIN_CSV
    counts = services.import_taxonomy_csv(actor=actor, path=source)
    assigned = 0
    for cat in Category.objects.filter(jurisdiction=actor.jurisdiction, retired_at__isnull=True):
        names = _names(cat)
        changes: dict[str, Any] = {}
        dept = departments.get(_lead_code(names))
        if dept is not None and cat.default_lead_department_id is None:
            changes["default_lead_department_id"] = dept.pk
        profile_code = "GENERAL" if cat.level == 1 else REAL_PROFILES.get(names) if source == real else None
        if profile_code and cat.deadline_profile_id is None:
            changes["deadline_profile_id"] = profiles[profile_code].pk
        if changes:
            services.update_category(actor=actor, category_id=cat.pk, **changes)
            assigned += 1
    return {
        "source": "tipdm2020_c" if source == real else "builtin",
        "profiles": len(profiles),
        "categories": Category.objects.filter(jurisdiction=actor.jurisdiction).count(),
        **{k: v for k, v in counts.items() if k.startswith("level")},
        "categories_configured": assigned,
    }
