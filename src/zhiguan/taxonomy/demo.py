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
    ("政法", "法制建设"): "XFJ",
    ("公共安全", "消防安全"): "YJJ",
    ("公共安全", "安全生产"): "YJJ",
    ("公共安全", "防灾减灾"): "YJJ",
}

# Leaves of the real taxonomy whose owner differs from their level-2 (物业/小区 → 住建, buses → 交通).
LEVEL3_LEADS: dict[tuple[str, str, str], str] = {
    ("城乡建设", "城市建设和市政管理", "小区管理"): "ZJJ",
    ("城乡建设", "城市建设和市政管理", "公共汽车"): "JTJ",
    ("城乡建设", "城市建设和市政管理", "地铁城铁"): "JTJ",
    ("城乡建设", "建筑市场", "企业资质和执业资格"): "ZJJ",
    ("教育文体", "教师队伍和待遇", "工资福利"): "JYJ",
    ("商贸旅游", "质监检验检疫", "出入境检验检疫"): "SCJG",
    ("民政", "优抚", "生活住房医疗"): "MZJ",
    ("农村农业", "水库移民", "移民补偿安置"): "NYJ",
    ("农村农业", "水利水电", "工程建设管理"): "NYJ",
    ("农村农业", "水利水电", "规划设计"): "NYJ",
    ("科技与信息产业", "科学技术", "发展规划"): "KJJ",
    ("科技与信息产业", "信息化建设", "信息产业发展规划"): "JJXX",
    ("交通运输", "建设管理", "规划建设"): "JTJ",
    ("交通运输", "建设管理", "设施维护"): "JTJ",
    ("政法", "法制建设", "立法规划"): "XFJ",
}

# Words in a category's name → the department that owns such matters, most specific first (the
# first entry with a word in the name wins). Checked against the category's own name, then its
# parent's, then its level 1's, so 路灯 under 市政设施 goes to the lighting unit, not the bureau.
# The same table tells the demo which department a petition text is about (`lead_codes_in`).
LEAD_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("GDGS", ("电力", "供电", "停电", "电网")),
    ("SWGS", ("自来水", "供水", "停水", "水质问题", "上水", "水管破裂")),
    ("RQGS", ("燃气", "煤气", "天然气")),
    ("CGJLD", ("路灯", "照明", "亮灯", "亮化")),
    ("JJJC", ("贪污", "贿赂", "受贿", "挪用公款", "渎职", "失职", "滥用职权", "以权谋私", "打击报复",
              "官僚主义", "形式主义", "享乐主义", "奢靡", "党纪", "政纪", "买官", "玩忽职守", "廉政")),
    ("YJJ", ("安全生产", "安全隐患", "事故处理", "危化品", "消防", "防灾", "减灾", "防汛防台", "应急")),
    ("CGJZF", ("城管执法", "综合执法", "占道", "摊", "店外经营", "违章搭建", "违建", "违法建设", "违章建筑",
               "阳台改建", "私搭乱建", "乱搭", "乱贴乱画", "小广告", "张贴", "户外广告", "广告牌", "沿街晾晒",
               "乱堆乱放", "共享单车", "非机动车", "游商", "无照经营", "施工扰民", "乱设")),
    ("JTJ", ("出租车", "网约车", "的士", "公交", "公共汽车", "地铁", "城铁", "客运", "货运", "客货运输",
             "旅客运输", "邮政", "快递", "公路", "交通运输", "驾校")),
    ("GAJ", ("信号灯", "交通标志", "标线", "违章停车", "交通事故", "交通管理", "交通安全", "道路交通",
             "机动车", "驾驶", "治安", "户籍", "身份证", "出入境", "流动人口", "噪音扰民", "黄赌毒", "邪教",
             "恐怖", "拐卖", "走私", "刑事", "刑案", "侦查", "羁押", "刑讯", "监狱", "社区矫正", "警务", "打黑")),
    ("ZJJ", ("公积金", "小区")),
    ("RSJ", ("劳动", "工资", "社保", "社会保险", "养老保险", "医疗保险", "失业保险", "工伤", "生育保险",
             "养老金", "退休", "就业", "职业培训", "职业技能", "创业补贴", "人事仲裁", "农民工", "欠薪")),
    ("JYJ", ("教育", "学校", "招生", "入学", "学区", "培训", "幼儿园", "托育", "校园", "教师", "学籍",
             "学历", "学位", "考试", "校车", "失学", "辍学", "希望工程", "校外", "学生")),
    ("MZJ", ("养老服务", "养老机构", "居家养老", "高龄", "低保", "救助", "特困", "福利事业", "慈善", "婚姻",
             "殡葬", "社区建设", "社区服务", "村居选举", "居委会", "村委会", "社团", "民间组织", "区划",
             "地名", "优抚", "退役", "复退", "复员", "转业", "军休", "收养", "流浪", "乞讨", "捐赠", "救灾")),
    ("CGJHW", ("环境卫生", "环卫", "垃圾", "保洁", "不洁", "清扫", "公共厕所", "公厕", "渣土")),
    ("CGJYL", ("园林", "绿化", "绿地", "树木", "行道树", "古树", "公园", "毁绿")),
    ("SCJG", ("食品", "药品", "保健品", "化妆品", "特种设备", "电梯故障", "锅炉", "消费", "价格", "物价",
              "商标", "广告监管", "不正当竞争", "传销", "直销", "商品质量", "产品质量", "质监",
              "检验检疫", "认证", "营业执照", "预付卡", "无证餐饮", "过期")),
    ("WJJ", ("医疗", "医院", "医患", "医政", "医护", "卫生", "计生", "计划生育", "生育", "疫苗", "传染病",
             "疾病", "病媒", "血液", "行医", "失独", "人口")),
    ("STHJ", ("污染", "环保", "环评", "环境监测", "环境执法", "生态", "噪声", "噪音", "油烟", "扬尘",
              "焚烧", "废气", "偷排", "土壤", "辐射", "放射", "电磁", "危险废物", "固废", "固体废物",
              "未批先建", "未验先用", "落后产能")),
    ("CGJSZ", ("井盖", "窨井", "下水道", "道路", "桥梁", "人行道", "路面", "市政", "基础设施", "公共设施",
               "排水", "积水", "污水", "管网", "防涝", "设施维护", "居民服务设施", "消火栓")),
    ("CGJ", ("城市管理", "城管", "市容")),
    ("ZJJ", ("物业", "小区", "住房", "房屋", "房地产", "商品房", "保障房", "业主", "房产", "拆迁", "征收",
             "安置", "回迁", "棚户区", "城中村", "危房", "渗漏", "加装电梯", "老旧小区", "建筑市场", "工程",
             "招投标", "施工", "采暖", "租赁", "不动产", "私房", "公房", "房改")),
    ("MZJ", ("村务",)),
    ("NYJ", ("农", "草原", "草场", "畜", "动物防疫", "扶贫", "惠农", "水利", "水库", "防汛", "抗旱",
             "江河", "野生", "宅基地", "土地承包", "土地流转", "粮食", "良种", "林业", "森林", "水土流失")),
    ("ZRZY", ("规划", "土地", "国土", "矿", "地质", "测绘", "耕地", "海洋", "地震", "气象")),
    ("JJXX", ("电信", "通信", "运营商", "信息化", "软件", "互联网", "信息产业", "能源", "节能", "国资",
              "企业", "破产", "经济")),
    ("KJJ", ("科技", "科学技术", "知识产权", "成果")),
    ("SWJ", ("旅游", "景区", "商业", "贸易", "进出口", "倾销", "垄断", "劳务输出", "商务")),
    ("XFJ", ("法律", "律师", "公证", "司法鉴定", "信访", "诉讼", "复议", "调解", "仲裁")),
    ("ZWFW", ("政务", "办事", "窗口", "政策咨询")),
)  # fmt: skip
# The root of the digital city-management standard tree (`taxonomy.standards`) belongs to 城管局.
ROOT_LEADS = {"城市管理部件": "CGJ", "城市管理事件": "CGJ"}

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


def lead_codes_in(name: str) -> list[str]:
    """The department codes whose words occur in `name`, in `LEAD_KEYWORDS` order."""
    return [code for code, words in LEAD_KEYWORDS if any(w in name for w in words)]


def lead_candidates(names: tuple[str, ...]) -> list[str]:
    """Department codes for the category with these path names, most specific first: at each
    level from the category up, the curated table, then the words of that level's name."""
    tables: tuple[dict[Any, str], ...] = (LEVEL1_LEADS, LEVEL2_LEADS, LEVEL3_LEADS)
    out: list[str] = []
    for depth in range(len(names), 0, -1):
        key: Any = names[0] if depth == 1 else names[:depth]
        if depth <= len(tables) and (exact := tables[depth - 1].get(key)):
            out.append(exact)
        if names[depth - 1] != "其他":
            out += lead_codes_in(names[depth - 1])
        if depth == 1 and names[0] in ROOT_LEADS:
            out.append(ROOT_LEADS[names[0]])
    return out


def _lead_code(names: tuple[str, ...], departments: dict[str, Department]) -> str:
    """The most specific candidate that the district has (a missing unit falls back to its bureau)."""
    return next((c for c in lead_candidates(names) if c in departments), "")


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
    standard = _install_city_management(actor)
    assigned = 0
    # Top-down, so that a category names its own lead only where it differs from the one it
    # inherits: the most specific unit the district has (the built-in file's coarse 城管局 becomes
    # its lighting unit for 路灯, and 劳动保障 under 教育文体 goes to 人社局).
    effective: dict[int | None, int | None] = {None: None}
    categories = Category.objects.filter(jurisdiction=actor.jurisdiction, retired_at__isnull=True)
    for cat in categories.order_by("level", "path_name"):
        names = _names(cat)
        changes: dict[str, Any] = {}
        dept = departments.get(_lead_code(names, departments))
        inherited = effective.get(cat.parent_id)
        own = cat.default_lead_department_id
        if dept is not None and (own or inherited) != dept.pk:
            changes["default_lead_department_id"] = dept.pk
        effective[cat.pk] = dept.pk if dept is not None else own or inherited
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
        "city_management": standard,
        "categories_configured": assigned,
    }


def _install_city_management(actor: Actor) -> int | str:
    """The national 数字城管 部件/事件 tree (`taxonomy.standards`): how many categories it has."""
    try:
        from zhiguan.taxonomy.standards import install_city_management
    except ImportError:  # the standard tree is being added beside this module
        return "zhiguan.taxonomy.standards not available"
    return len(install_city_management(actor=actor, lead_departments=None))
