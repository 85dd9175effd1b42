"""What the demo cases say: real petition messages and replies read at run time, else our own text.

The TipDM 2020 messages (`tipdm2020_c/train.csv`, rows whose text is raw) and official replies
(`csv/fj4_replies_2816.csv`) are read from the shared data folder when it is there and are never
copied into the repository. Without them, messages come from the templates below, written for
this project: a few dozen problems, each filed under a leaf of the built-in taxonomy, combined
with invented places.

The real messages come from another province with its places anonymised (西地省, A市, A3区,
J6县 …) and often address officials by name ("尊敬的胡厅长", "书记大人"). `localise` makes them
read as 钱塘区's: the province becomes 浙江省, the one city 杭州市, the first county code 钱塘区
and a second a neighbouring district; roads, estates and towns named by code or in the text
become slots that the planner fills with the case's own street, estate and a road of the demo
district; officials are addressed as 领导. A message naming other real provinces' places or
institutions, several cities, more than two counties, or a code left over is dropped.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

TRAIN_CSV = Path("tipdm2020_c") / "train.csv"
REPLIES_CSV = Path("tipdm2020_c") / "csv" / "fj4_replies_2816.csv"
ESTATES_CSV = Path("geo_qiantang") / "xiasha_estates_lianjia_2019.csv"
MAX_TEXT = 2000


@dataclass(frozen=True)
class Message:
    """A request's text, with slots ({street}, {estate}, {road} …) the planner fills for its place."""

    text: str
    level1: str  # the gold level-1 label (real) or the level-1 of the template's leaf (generated)
    leaf: str = ""  # the leaf the template was written for; empty for real messages
    topic: str = ""  # the department code the text is about, by `taxonomy.demo.LEAD_KEYWORDS`


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史黎贺顾毛郝龚邵万钱戴孔汤施陶洪倪严俞章"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建文辉力鹏飞红梅宇浩凯晨欣怡佳琪子涵梓轩雨婷俊峰海燕志国"

# Our own estate names for each street (used where the real 下沙 names do not reach).
STREET_ESTATES: dict[str, tuple[str, ...]] = {
    "330114001": ("学林雅苑", "文泽花园", "白杨雅居", "云滨公寓", "学府雅苑", "文海家园"),
    "330114002": ("金沙湾花园", "云水苑", "听潮苑", "江滨花园", "东方悦府", "福城公寓"),
    "330114003": ("义蓬新苑", "春潮花园", "东沙公寓", "花木城小区", "义南家园", "蓬园新村"),
    "330114004": ("新湾人家", "海塘公寓", "新港花苑", "三丰家园", "湾东新村", "创新佳苑"),
    "330114005": ("河庄小区", "建华新苑", "向阳花园", "新江家园", "永丰公寓", "青龙苑"),
    "330114006": ("前进家园", "联围新村", "前丰花苑", "富乐小区", "先锋公寓", "围垦新苑"),
    "330114007": ("临江新村", "临海花园", "红垦家园", "群力公寓", "丰收小区", "江海苑"),
}
ESTATES = tuple(e for names in STREET_ESTATES.values() for e in names)
# The Lianjia 板块 of the real 下沙 estate list → the street it lies in (高教园区 and 大学城北 in
# 白杨, 金沙湖 and the riverside boards in 下沙).
BANKUAI_STREETS = {
    "金沙湖": "330114002",
    "沿江北": "330114002",
    "沿江南": "330114002",
    "高教园区东": "330114001",
    "高教园区西": "330114001",
    "大学城北": "330114001",
}
# A second county code in a message becomes a neighbouring district of Hangzhou.
NEIGHBOURS = ("上城区", "临平区", "萧山区")
ROADS = (
    "学林街",
    "文渊路",
    "金沙大道",
    "听涛路",
    "江东大道",
    "义蓬路",
    "新湾路",
    "福城路",
    "海达路",
    "幸福南路",
)
SHOPS = ("烧烤店", "小吃店", "便利店", "饭店", "水果店", "洗车店", "汽修店", "夜宵摊")

# (leaf of the built-in taxonomy, template). {estate} {road} {shop} {days} {n} are filled in.
TEMPLATES: tuple[tuple[str, str], ...] = (
    ("路灯", "{estate}门口的路灯不亮已经{days}天了，晚上出行很不安全，请尽快维修。"),
    ("路灯", "{road}与{road2}交叉口往东一段路灯全部不亮，夜里一片漆黑，希望尽快修复。"),
    ("路面破损", "{road}靠近{estate}一段路面坑洼严重，下雨天积水，电动车经过容易摔倒。"),
    ("人行道破损", "{estate}南门外人行道地砖松动翘起，已有老人绊倒，请相关部门修复。"),
    ("井盖缺失", "{road}{n}号附近有一个窨井盖缺失，只用树枝挡着，非常危险，请马上处理。"),
    ("道路积水", "每次下雨{road}{estate}段都严重积水，水深没过脚踝，排水不畅已经很久了。"),
    ("污水外溢", "{estate}{n}幢楼下污水井冒水，臭味很大，已经{days}天没人处理。"),
    ("停水", "{estate}从今天早上开始停水，没有任何通知，老人小孩生活很不方便，请问什么时候恢复？"),
    ("燃气泄漏", "{estate}{n}幢一单元楼道里有明显的燃气味，担心泄漏，请尽快派人检查。"),
    ("流动摊贩", "{road}地铁口每天傍晚聚集大量流动摊贩，占用人行道，垃圾遍地，请城管管一管。"),
    ("店外经营", "{road}{n}号{shop}长期把桌椅摆到人行道上经营，行人只能走机动车道。"),
    ("夜市摊点", "{estate}旁边的夜市摊一直营业到凌晨两三点，油烟和吵闹声严重影响休息。"),
    ("违章搭建", "{estate}{n}幢一楼住户在公共绿地上私自搭建阳光房，请查处。"),
    ("乱贴乱画", "{estate}各单元门口和电梯里贴满了小广告，清理后很快又贴上。"),
    ("渣土车抛洒", "{road}上渣土车经过时沿路抛洒泥土，晴天扬尘雨天泥泞，车辆行人都受影响。"),
    ("建筑垃圾偷倒", "{road}东侧空地上有人夜里偷倒建筑垃圾，已经堆成小山。"),
    ("垃圾清运不及时", "{estate}垃圾房的垃圾{days}天没有清运，气味难闻，招来很多苍蝇。"),
    ("暴露垃圾", "{road}绿化带里有大量生活垃圾，无人清理，影响市容。"),
    ("垃圾桶破损", "{estate}{n}幢楼下的分类垃圾桶破损严重，盖子都没了，希望更换。"),
    ("树木倒伏", "昨晚大风后{road}一棵行道树倒在非机动车道上，至今没人清理。"),
    ("树木修剪", "{estate}{n}幢前的树木长得太高，遮挡了低层住户的采光，请安排修剪。"),
    ("共享单车乱停放", "{road}地铁站出口共享单车乱停乱放，堵住了盲道和出入口。"),
    ("乱堆乱放", "{estate}楼道里堆满了杂物和纸箱，存在消防隐患，物业不管。"),
    ("信号灯故障", "{road}与{road2}路口的红绿灯坏了{days}天，车辆通行混乱，很容易发生事故。"),
    ("违章停车", "{estate}门口道路两侧长期违章停车，消防车和救护车都进不去。"),
    ("停车收费", "{estate}物业停车费一年内涨了两次，收费标准也没有公示，请问是否合规？"),
    ("公交站点", "{road}的公交站没有候车亭，下雨天乘客只能淋雨等车，建议增设。"),
    ("公交线路", "{estate}附近没有直达地铁站的公交，建议调整线路或增加班次。"),
    ("出租车拒载", "在{road}地铁站打车，出租车司机嫌路近拒载，车牌号浙A{n}X{days}。"),
    ("餐饮油烟", "{estate}底商{shop}的油烟直排，楼上住户窗户都不敢开。"),
    ("工地扬尘", "{road}旁的工地不做围挡和洒水，风一吹尘土飞扬，附近居民意见很大。"),
    ("夜间施工噪声", "{road}的工地每天晚上施工到十一点以后，噪声很大，孩子无法入睡。"),
    ("河道污染", "{estate}旁边的河道水发黑发臭，还漂着死鱼，怀疑有企业偷排。"),
    ("露天焚烧", "{road}东侧农田里经常有人焚烧垃圾和秸秆，烟雾很大。"),
    ("物业服务", "{estate}物业服务差，电梯坏了一周没修，保安也不在岗，业主投诉无门。"),
    ("房屋渗漏", "{estate}{n}幢顶楼下雨天屋顶渗水，找开发商和物业互相推诿。"),
    ("加装电梯", "{estate}是老小区，想加装电梯，请问需要哪些手续，政府有没有补贴？"),
    ("商品房交付", "{estate}二期已经逾期交房{days}个月，开发商一直不给明确答复。"),
    ("拖欠工资", "我在{road}一家装修公司工作，老板拖欠我们{n}个工人三个月工资，请帮忙追讨。"),
    ("养老保险", "灵活就业人员缴纳养老保险，请问最低缴费基数是多少，怎么办理？"),
    ("医疗保险", "请问外地户籍在本区工作，医保怎么办理异地就医备案？"),
    ("就业服务", "我是应届毕业生，想了解区里有没有就业见习岗位和补贴政策。"),
    ("入学咨询", "请问{estate}对应的是哪所小学和初中，今年什么时候开始报名？"),
    ("违规培训", "{road}一家培训机构在工作日晚上给中小学生上学科类课程，是否违规？"),
    ("培训退费", "{road}一家培训机构突然关门，预交的一万多元学费退不回来。"),
    ("幼儿园入园", "孩子今年三岁，想了解公办幼儿园的报名时间和条件。"),
    ("服务态度", "在区政务服务中心办理业务时，窗口工作人员态度很差，不耐烦。"),
    ("政策咨询", "请问新落户的人才租房补贴怎么申请，需要准备什么材料？"),
    ("办事指南", "请问办理居住证需要带哪些材料，在哪里办？"),
    ("过期食品", "在{road}一家超市买到过期的牛奶，商家拒绝退换。"),
    ("无证餐饮", "{estate}底商有一家小饭店没有营业执照，卫生条件很差。"),
    ("预付卡退费", "{road}的健身房老板跑路了，办的年卡还剩大半年，怎么退费？"),
    ("电梯故障", "{estate}{n}幢电梯经常突然停运，有人被困，请检查电梯安全。"),
    ("噪音扰民", "{estate}{n}幢有住户每天深夜大声放音乐，多次劝说无效。"),
    ("消防通道堵塞", "{estate}的消防通道被私家车长期占用，存在严重安全隐患。"),
    ("电动车违规充电", "{estate}有住户把电动车推进楼道充电，飞线到处都是，很危险。"),
    ("低保", "家里老人生病，生活困难，请问低保怎么申请？"),
    ("居家养老", "{estate}附近有没有居家养老服务中心，能不能提供送餐服务？"),
    ("高龄补贴", "我母亲今年满八十岁了，请问高龄补贴怎么申领？"),
    ("病媒生物防制", "{estate}老鼠很多，晚上在绿化带里乱窜，希望组织灭鼠。"),
    ("疫苗接种", "请问社区卫生服务中心周末能不能接种疫苗，需要预约吗？"),
)

# Template leaf → the 数字城管 小类 the same problem is filed under in the standard tree, so the
# city-management cases the demo generates use the standard's categories.
CITY_LEAVES = {
    "路灯": "路灯",
    "井盖缺失": "雨水井盖",
    "道路积水": "道路积水",
    "污水外溢": "下水道堵塞或破损",
    "燃气泄漏": "燃气管道破裂",
    "流动摊贩": "无照经营游商",
    "店外经营": "店外经营",
    "夜市摊点": "占道经营",
    "违章搭建": "私搭乱建",
    "乱贴乱画": "非法小广告",
    "渣土车抛洒": "道路遗撒",
    "建筑垃圾偷倒": "积存垃圾渣土",
    "垃圾清运不及时": "垃圾满溢",
    "暴露垃圾": "暴露垃圾",
    "垃圾桶破损": "垃圾箱",
    "树木倒伏": "树木倒伏",
    "树木修剪": "行道树",
    "共享单车乱停放": "非机动车乱停放",
    "信号灯故障": "交通信号灯",
    "违章停车": "机动车乱停放",
    "公交站点": "公交站亭",
    "餐饮油烟": "餐饮油烟污染",
    "工地扬尘": "工地扬尘",
    "夜间施工噪声": "施工扰民",
}

CONSULT_ANSWERS = (
    "已按知识库答复：请携带身份证件到区政务服务中心相应窗口办理，也可在浙里办App线上申请。",
    "已告知办理条件、所需材料和受理地点，市民表示清楚。",
    "已答复相关政策规定并告知咨询电话，市民无异议。",
    "已根据知识库答复办理流程，并发送短信告知网上办理入口。",
)
REJECT_NOTES = (
    "反映内容不属于本平台受理范围，已告知通过司法途径解决。",
    "诉求不明确，多次联系市民未果，不予受理。",
    "属于民事纠纷，已告知向人民法院起诉。",
)
RETURN_REASONS = (
    "该问题属于属地管理事项，不属于本单位职责，请改派所在街道。",
    "经核实，事发地点不在本单位管辖范围内。",
)
EXTENSION_REASONS = (
    "涉及多个部门协调，需延期办理。",
    "需要招标采购后施工，申请延期。",
    "需等待检测结果，申请延期。",
)
SUSPENSION_REASONS = ("等待司法鉴定结论。", "涉及诉讼，待法院判决后处理。", "需等待市级部门批复。")
REOPEN_NOTES = ("市民对处理结果不满意，问题仍未解决，要求重新办理。", "回访时市民反映问题反复出现，重办。")
REPLIES = (
    "已安排工作人员到现场核实，问题已整改完毕，并已电话告知市民处理结果。",
    "经现场查看，情况属实，已责令相关单位限期整改，目前已整改到位。",
    "已联系施工单位和物业公司现场处理，后续将加强巡查，防止问题反复。",
    "经调查核实，已按规定处理，并向市民解释了相关政策。",
    "已维修完毕，恢复正常使用。感谢您对我们工作的监督和支持。",
)
CO_REPLIES = ("已配合主办单位现场处置。", "已提供相关资料并配合核查。", "已安排人员协助整改到位。")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('356789')}{rng.randrange(10**9):09d}"


def _fill(template: str, rng: random.Random) -> str:
    """The template with its numbers, shop and second road drawn; the place's slots stay for the planner."""
    return template.format(
        estate="{estate}",
        road="{road}",
        road2=rng.choice(ROADS),
        shop=rng.choice(SHOPS),
        days=rng.randint(2, 9),
        n=rng.randint(1, 36),
    )


def topic_of(text: str) -> str:
    """The department code whose words occur most often in the text (the first of a tie), or ''."""
    from zhiguan.taxonomy.demo import LEAD_KEYWORDS

    best, best_hits = "", 0
    for code, words in LEAD_KEYWORDS:
        hits = sum(text.count(w) for w in words)
        if hits > best_hits:
            best, best_hits = code, hits
    return best


def generated_messages(rng: random.Random, count: int, level1_of_leaf: dict[str, str]) -> list[Message]:
    """`count` messages from our templates; `level1_of_leaf` maps the taxonomy's leaf names to their level 1."""
    out = []
    for _ in range(count):
        leaf, template = rng.choice(TEMPLATES)
        out.append(Message(_fill(template, rng), level1_of_leaf.get(leaf, ""), leaf))
    return out


def city_messages(rng: random.Random, count: int, level1_of_leaf: dict[str, str]) -> list[Message]:
    """`count` city-management messages from our templates, each filed under its 数字城管 小类
    (`CITY_LEAVES`); [] when the taxonomy has none of them (`level1_of_leaf`: leaf name → level 1)."""
    templates = [(CITY_LEAVES[leaf], t) for leaf, t in TEMPLATES if CITY_LEAVES.get(leaf) in level1_of_leaf]
    out = []
    for _ in range(count if templates else 0):
        leaf, template = rng.choice(templates)
        out.append(Message(_fill(template, rng), level1_of_leaf[leaf], leaf))
    return out


def fill_place(text: str, slots: Mapping[str, str], rng: random.Random) -> str:
    """The message for one place: its slots filled with the place's street, estate and a road."""
    values = {
        "street": slots.get("street_name") or "钱塘区",
        "estate": slots.get("estate") or rng.choice(ESTATES),
        "road": rng.choice(ROADS),
        "other_district": rng.choice(NEIGHBOURS),
    }
    return text.format_map(values)


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_TEXT]


# Places of other provinces a text cannot be made local with (the data set is from 湖南: 西地省).
FOREIGN = (
    "湖南", "湘", "长沙", "星沙", "株洲", "岳阳", "常德", "衡阳", "邵阳", "益阳", "郴州", "永州", "怀化",
    "娄底", "张家界", "北京", "上海", "广东", "广州", "深圳", "江西", "湖北", "武汉", "四川", "重庆",
    "贵州", "河南", "江苏", "浙江", "杭州", "楚南", "南华大学", "wangcheng",
)  # fmt: skip
_CODE = r"(?<![A-Za-z0-9])"
PREFECTURE = re.compile(_CODE + r"([A-Z])市")
COUNTY = re.compile(_CODE + r"([A-Z]\d{1,2})[区县市]")
ROAD_CODE = re.compile(_CODE + r"[A-Z]\d{0,2}[区县市]?[东南西北中]?(?:大道|路|街)")
ESTATE_CODE = re.compile(_CODE + r"[A-Z]\d{1,2}区(?:苑|园)(?:小区)?")
# A town or street of the other province: by what follows it (村, 政府 …) or right after 钱塘区.
TOWN = re.compile(
    r"(?:(?<=钱塘区)[\u4e00-\u9fa5]{2,3}(?:街道|镇|乡))"
    r"|(?:[\u4e00-\u9fa5]{2,3}(?:街道|镇|乡)(?=[\u4e00-\u9fa5]{0,5}?(?:村|组|政府|办事处|中学|小学|卫生院|派出所|居委会)))"
)
TOWN_STOP = set("的了在和与及各本该所这那其我你他们城小古加强提高为家全到个于市县区省返回")
COUNTY_WORDS = (
    ("钱塘区县", "钱塘区"),
    ("县人民政府", "区人民政府"),
    ("县政府", "区政府"),
    ("县委", "区委"),
    ("县城", "城区"),
    ("我县", "我区"),
    ("全县", "全区"),
    ("本县", "本区"),
    ("县里", "区里"),
    ("县长", "区长"),
    ("乡镇", "街道"),
)
COUNTY_BUREAU = re.compile(r"(?<![A-Za-z0-9])县(?=[\u4e00-\u9fa5]{1,4}局)")
LEFTOVER = re.compile(r"[A-Z]\d|[A-Z]市|西地|\d县")
TITLES = "书记|厅长|市长|省长|局长|县长|区长|主任|处长"
SURNAME_CLASS = f"[{SURNAMES}易瞿]"
# "尊敬的胡厅长" / "尊敬的张健书记" → 尊敬的领导; "书记大人", "陈书记", "请书记…" → 领导.
GREETING = re.compile(
    rf"(?:尊敬的|敬爱的|亲爱的)[\u4e00-\u9fa5]{{0,3}}?(?:{TITLES})(?:大人)?|^(?:{TITLES})(?=[：:，,])"
)
OFFICIAL = re.compile(
    rf"{SURNAME_CLASS}?(?:{TITLES})大人"
    rf"|{SURNAME_CLASS}(?:{TITLES})(?!助)"
    rf"|(?<=[请问恳望求])(?:{TITLES})"
    rf"|(?<![委部总副党支省市县区局厅处室长])书记(?=[您你，,：:！!])"
)


def _town(match: re.Match[str]) -> str:
    """A town's name becomes the street slot; words before it that are not part of a name stay."""
    found = match.group(0)
    name = found.lstrip("".join(TOWN_STOP))
    suffix = 2 if found.endswith("街道") else 1
    if len(name) - suffix < 2:
        return found
    return found[: len(found) - len(name)] + "{street}"


def localise(text: str) -> str | None:
    """The message made local to the demo district (see the module docstring), or None when it
    cannot be: the result is a `str.format` template whose slots `fill_place` fills."""
    if any(word in text for word in FOREIGN) or len(set(PREFECTURE.findall(text))) > 1:
        return None
    text = text.replace("{", "{{").replace("}", "}}")
    text = text.replace("问政西地省", "12345").replace("西地省", "浙江省")
    text = re.sub(r"07\d\d-", "0571-", text)  # the other province's area codes
    text = ESTATE_CODE.sub("{estate}", text)
    text = ROAD_CODE.sub("{road}", text)
    codes = list(dict.fromkeys(COUNTY.findall(text)))
    if len(codes) > 2:
        return None
    for code, name in zip(codes, ("钱塘区", "{other_district}"), strict=False):
        text = re.sub(_CODE + code + "[区县市]", name, text)
    text = PREFECTURE.sub("杭州市", text)
    for county, district in COUNTY_WORDS:
        text = text.replace(county, district)
    text = COUNTY_BUREAU.sub("区", text)
    text = TOWN.sub(_town, text)
    if LEFTOVER.search(text):
        return None
    text = GREETING.sub(lambda m: "尊敬的领导" if m.group(0)[0] in "尊敬亲" else "领导", text)
    return OFFICIAL.sub("领导", text)


def real_messages(data_dir: Path | None) -> list[Message]:
    """The raw-text labelled TipDM messages (title and text) made local, or [] when the data set
    is absent. Deterministic: the same file gives the same messages in the same order."""
    path = data_dir / TRAIN_CSV if data_dir is not None else None
    if path is None or not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("text_kind") != "raw" or not row.get("text", "").strip():
                continue
            title, text = row.get("title", "").strip(), row["text"].strip()
            local = localise(_clean(f"{title}。{text}" if title else text))
            if local is not None:
                out.append(Message(local, row.get("label", "").strip(), topic=topic_of(local)))
    return out


def estates_by_street(data_dir: Path | None) -> dict[str, list[str]]:
    """Estate names per street code: the real 下沙 ones (`geo_qiantang`, read at run time) where
    they are, then our own for every street."""
    out: dict[str, list[str]] = {code: [] for code in STREET_ESTATES}
    path = data_dir / ESTATES_CSV if data_dir is not None else None
    if path is not None and path.is_file():
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                street = BANKUAI_STREETS.get(row.get("lianjia_bankuai", "").strip())
                name = row.get("estate_name", "").strip()
                if street and name:
                    out[street].append(name)
    for code, names in STREET_ESTATES.items():
        out[code] += names
    return out


def real_replies(data_dir: Path | None) -> list[str]:
    """Official reply texts (答复意见) of the TipDM 附件4, or [] when absent."""
    path = data_dir / REPLIES_CSV if data_dir is not None else None
    if path is None or not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [_clean(r["答复意见"]) for r in csv.DictReader(f) if r.get("答复意见", "").strip()]
