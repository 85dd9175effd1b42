"""Demo knowledge articles: the consultations a district hotline answers every day (decision 078).

Sixty articles written for the demo district (generated text, not official policy): social
insurance, housing fund, household registration, waste sorting, parking, schooling, civil affairs,
market supervision, utilities. Each names the category and department it belongs to; a few have
ended (hidden from answers, on the review list) and a few are due for review. The consultations
the demo answered at intake are linked to the article that best matches their text, so the
screens show how often each article answered and how those callers rated it.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from zhiguan.cases.models import Case, RequestType
from zhiguan.cases.status import Status
from zhiguan.intake.knowledge import queries, services
from zhiguan.intake.knowledge.models import Article, ArticleUse, CannedReply
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor
from zhiguan.taxonomy.models import Category

# (question, answer, tags, category leaf, department code)
ARTICLES: list[tuple[str, str, list[str], str, str]] = [
    (
        "社保卡丢了怎么补办？",
        "先拨打12333或在“浙里办”挂失，再携带本人身份证到区人力社保局服务大厅或合作银行网点申请补卡，即时制卡网点当场领取，其他网点约7个工作日。",
        ["社保卡", "补卡", "挂失"],
        "医疗保险",
        "RSJ",
    ),
    (
        "灵活就业人员怎么缴纳社保？",
        "本区户籍或持居住证的灵活就业人员，可在“浙里办”或社保服务大厅办理参保登记，按月或按年缴纳养老和医疗保险，缴费基数可在规定范围内自选。",
        ["社保", "灵活就业", "缴费"],
        "养老保险",
        "RSJ",
    ),
    (
        "养老保险关系怎么从外地转过来？",
        "在新参保地社保经办机构或“浙里办”提出转移接续申请，由新参保地向原参保地发函，一般45个工作日内办结，无需本人往返两地。",
        ["养老保险", "转移接续"],
        "养老保险",
        "RSJ",
    ),
    (
        "退休手续怎么办理？",
        "达到法定退休年龄前一个月，由单位（灵活就业人员由本人）向社保经办机构申报，携带身份证和档案材料，审核通过后次月起发放养老金。",
        ["退休", "养老金"],
        "养老保险",
        "RSJ",
    ),
    (
        "失业金怎么申领？",
        "非本人意愿中断就业、已办理失业登记并有求职要求，且失业前缴纳失业保险满一年的，可在“浙里办”或就业服务窗口申领，按月发放。",
        ["失业金", "失业保险"],
        "失业保险",
        "RSJ",
    ),
    (
        "医保异地就医怎么备案？",
        "通过“国家医保服务平台”APP或“浙里办”办理异地就医备案，选择长期居住或临时外出就医类型，备案后可在就医地定点医院直接结算。",
        ["医保", "异地就医", "备案"],
        "医疗保险",
        "RSJ",
    ),
    (
        "新生儿医保怎么办？",
        "新生儿出生后办理户口登记，即可在“浙里办”或社区服务站办理城乡居民医保参保，出生当年参保缴费的，出生之日起发生的医疗费用可按规定报销。",
        ["新生儿", "医保"],
        "医疗保险",
        "RSJ",
    ),
    (
        "公司拖欠工资怎么办？",
        "可向区劳动保障监察大队投诉（需提供劳动合同或考勤、工资条等证据），也可向劳动人事争议仲裁委员会申请仲裁；农民工欠薪可拨打12345专线。",
        ["欠薪", "工资", "劳动监察"],
        "拖欠工资",
        "RSJ",
    ),
    (
        "公司不签劳动合同合法吗？",
        "用人单位自用工之日起超过一个月不满一年未签订书面劳动合同的，应向劳动者每月支付二倍工资。可向劳动保障监察机构投诉或申请劳动仲裁。",
        ["劳动合同", "二倍工资"],
        "劳动合同",
        "RSJ",
    ),
    (
        "创业补贴怎么申请？",
        "在本区登记注册并正常经营的初创企业，可申请一次性创业补贴和创业担保贷款贴息，通过“浙里办”提交营业执照、社保缴纳证明等材料。",
        ["创业", "补贴"],
        "创业补贴",
        "RSJ",
    ),
    (
        "公积金租房提取需要什么材料？",
        "本人及配偶在本市无自有住房且租房自住的，凭身份证在“浙里办”或公积金中心申请租房提取，每年可提取一次，额度按本市规定执行。",
        ["公积金", "租房提取"],
        "不动产登记",
        "ZJJ",
    ),
    (
        "公积金贷款最高能贷多少？",
        "公积金贷款额度与账户余额、缴存年限和所购住房套数有关，具体以公积金中心当年公布的最高额度为准，可在公积金中心网站试算。",
        ["公积金", "贷款"],
        "不动产登记",
        "ZJJ",
    ),
    (
        "离职后公积金怎么办？",
        "离职后公积金账户封存，新单位缴存时可办理转移；离开本市且户口迁出的，可申请销户提取。",
        ["公积金", "离职", "封存"],
        "不动产登记",
        "ZJJ",
    ),
    (
        "新生儿怎么上户口？",
        "出生一个月内，由父母一方携带出生医学证明、父母双方户口簿和身份证、结婚证到户口所在地派出所办理出生登记，也可通过“浙里办”出生“一件事”联办。",
        ["户口", "出生登记", "落户"],
        "办事指南",
        "GAJ",
    ),
    (
        "外地人怎么办理居住证？",
        "在本区居住半年以上，有合法稳定就业、住所或连续就读的，可凭身份证和居住登记凭证到居住地派出所或“浙里办”申领居住证。",
        ["居住证", "居住登记"],
        "办事指南",
        "GAJ",
    ),
    (
        "人才落户需要什么条件？",
        "具有全日制本科及以上学历或符合本市人才认定标准的，可在“浙里办”申请人才落户，按要求提交学历证书、劳动合同或社保证明。",
        ["落户", "人才"],
        "办事指南",
        "GAJ",
    ),
    (
        "身份证过期了去哪里换？",
        "可到任一派出所户籍窗口或出入境办证大厅换领，携带原身份证和户口簿，现场采集照片，一般20个工作日内制证，可邮寄到家。",
        ["身份证", "换证"],
        "办事指南",
        "GAJ",
    ),
    (
        "垃圾分类投放时间是几点？",
        "小区生活垃圾实行定时定点投放，一般为早上7点至9点、晚上6点至8点，具体以小区公示为准；厨余垃圾需破袋投放，其他时间可投放至误时投放点。",
        ["垃圾分类", "投放时间"],
        "分类投放",
        "CGJHW",
    ),
    (
        "大件垃圾怎么处理？",
        "旧家具、床垫等大件垃圾请预约物业或拨打环卫预约电话上门收运，也可放到小区大件垃圾临时堆放点，不得随意丢弃在路边。",
        ["大件垃圾", "预约清运"],
        "分类收运",
        "CGJHW",
    ),
    (
        "装修垃圾怎么清运？",
        "装修垃圾应袋装后堆放到小区指定的装修垃圾堆放点，由物业联系有资质的单位清运，清运费按物业公示标准收取。",
        ["装修垃圾", "建筑垃圾"],
        "建筑垃圾偷倒",
        "CGJHW",
    ),
    (
        "过期药品属于什么垃圾？",
        "过期药品属于有害垃圾，请投放到红色有害垃圾桶或药店设置的回收点。",
        ["有害垃圾", "过期药品"],
        "分类投放",
        "CGJHW",
    ),
    (
        "小区垃圾桶坏了找谁？",
        "小区内垃圾桶由物业负责维护，可先联系物业更换；道路上的垃圾桶由环卫部门负责，可拨打12345报修。",
        ["垃圾桶", "报修"],
        "垃圾桶破损",
        "CGJHW",
    ),
    (
        "路边停车怎么收费？",
        "道路临时停车泊位实行分时段收费，首30分钟免费，之后按小时计费，夜间部分路段免费，具体以泊位旁公示牌为准，可用“杭州停车”APP缴费。",
        ["停车", "收费", "泊位"],
        "停车收费",
        "SCJG",
    ),
    (
        "停车被贴罚单了怎么处理？",
        "可通过“交管12123”APP查询违法记录并在线缴纳罚款，对处罚有异议的，可在15日内到交警大队违法处理窗口申请复核。",
        ["违停", "罚单"],
        "违章停车",
        "GAJ",
    ),
    (
        "小区门口被车堵了怎么办？",
        "机动车堵塞小区出入口的，可拨打110或12345，由交警或属地派出所联系车主挪车；消防通道被占的，可向应急管理部门反映。",
        ["挪车", "堵门"],
        "违章停车",
        "GAJ",
    ),
    (
        "新能源车停车有优惠吗？",
        "本区公共停车场对新能源汽车实行首小时免费等优惠，具体以各停车场公示为准。",
        ["新能源", "停车优惠"],
        "停车收费",
        "SCJG",
    ),
    (
        "公交卡在哪里办理？",
        "可在公交集团客服网点办理实体公交卡，也可在“杭州公交”APP或支付宝使用乘车码；老年卡需携带身份证到指定网点办理。",
        ["公交卡", "乘车码"],
        "公交服务",
        "JTJ",
    ),
    (
        "小孩上小学怎么报名？",
        "适龄儿童在每年规定时间内通过“浙里办”义务教育招生入学平台报名，按学区划分确定就读学校，需提供户口簿和房产证明或居住证明。",
        ["入学", "报名", "小学"],
        "入学咨询",
        "JYJ",
    ),
    (
        "我家属于哪个学区？",
        "各校学区范围以区教育局每年公布的学区划分为准，可在区教育局网站或“浙里办”输入地址查询。",
        ["学区", "划分"],
        "学区划分",
        "JYJ",
    ),
    (
        "随迁子女怎么入学？",
        "持本区居住证的随迁子女，按积分入学办法申请，积分按居住、社保缴纳年限等计算，在招生平台提交材料后统筹安排。",
        ["随迁子女", "积分入学"],
        "入学咨询",
        "JYJ",
    ),
    (
        "幼儿园怎么报名？",
        "满3周岁的适龄幼儿每年5月前后在招生平台报名公办幼儿园，按片区和登记顺序录取；民办幼儿园可直接联系园方。",
        ["幼儿园", "报名"],
        "幼儿园入园",
        "JYJ",
    ),
    (
        "校外培训机构不退费怎么办？",
        "可先与机构协商，协商不成向区教育局或市场监管局投诉，并保留合同和缴费凭证；预付费超过规定的部分应纳入资金监管。",
        ["培训退费", "预付费"],
        "培训退费",
        "JYJ",
    ),
    (
        "低保怎么申请？",
        "家庭人均收入低于本地低保标准且财产符合规定的，可向户籍所在地街道社会救助窗口或“浙里办”提出申请，经入户调查和公示后审批。",
        ["低保", "社会救助"],
        "低保",
        "MZJ",
    ),
    (
        "高龄补贴怎么领？",
        "本区户籍80周岁以上老人可享受高龄津贴，由本人或家属到社区申请，审核通过后按月发放到社保卡。",
        ["高龄补贴", "老人"],
        "高龄补贴",
        "MZJ",
    ),
    (
        "结婚登记需要带什么？",
        "双方携带本人身份证和户口簿（或居住证）到任一婚姻登记处办理，需提前在“浙里办”预约，现场拍照，当场领证。",
        ["结婚", "婚姻登记"],
        "婚姻登记",
        "MZJ",
    ),
    (
        "居家养老服务怎么申请？",
        "60周岁以上老人可向社区申请居家养老服务，经济困难、失能老人可申请政府购买服务补贴，由服务机构上门提供助餐、助洁等服务。",
        ["居家养老", "助餐"],
        "居家养老",
        "MZJ",
    ),
    (
        "老年食堂在哪里？",
        "各街道均设有老年食堂或助餐点，可在社区服务中心查询就近地址，60周岁以上老人凭身份证就餐享受补贴。",
        ["老年食堂", "助餐"],
        "居家养老",
        "MZJ",
    ),
    (
        "营业执照怎么办理？",
        "个体工商户和企业可通过“浙江政务服务网”企业开办一件事在线办理营业执照，材料齐全的一般1个工作日内办结，也可到区政务服务中心窗口办理。",
        ["营业执照", "开办企业"],
        "营业执照",
        "SCJG",
    ),
    (
        "买到过期食品怎么投诉？",
        "保留购物小票和食品实物，拨打12315或12345投诉，也可在全国12315平台在线投诉；经查实的可按规定获得赔偿。",
        ["过期食品", "投诉"],
        "过期食品",
        "SCJG",
    ),
    (
        "健身房跑路预付卡怎么退？",
        "保留合同、付款凭证和会员卡，向市场监管部门投诉或到法院起诉；涉嫌诈骗的可向公安机关报案。",
        ["预付卡", "退费"],
        "预付卡退费",
        "SCJG",
    ),
    (
        "电梯坏了找谁修？",
        "住宅电梯由物业或电梯维保单位负责维修，被困时请按电梯内警铃或拨打96333；电梯经常故障的，可向市场监管局特种设备部门反映。",
        ["电梯", "故障", "96333"],
        "电梯故障",
        "SCJG",
    ),
    (
        "停水了怎么查原因？",
        "可拨打钱塘水务服务热线或关注其公众号查询计划停水公告；非计划停水请报修，一般抢修后24小时内恢复供水。",
        ["停水", "供水"],
        "停水",
        "ZJJ",
    ),
    (
        "家里闻到燃气味怎么办？",
        "立即关闭燃气阀门，打开门窗通风，不要开关电器、不要使用明火，到室外拨打燃气公司抢修电话或119。",
        ["燃气泄漏", "安全"],
        "燃气泄漏",
        "ZJJ",
    ),
    (
        "老旧小区加装电梯怎么申请？",
        "由本单元业主协商一致后，向街道提出申请，经规划公示、审批后施工，政府按规定给予补助，具体流程可咨询街道城建办。",
        ["加装电梯", "老旧小区"],
        "加装电梯",
        "ZJJ",
    ),
    (
        "物业费涨价合法吗？",
        "物业费调整应按物业服务合同约定，经业主大会或专有部分面积过半数且人数过半数的业主同意；未经同意擅自涨价的，可向街道或住建局投诉。",
        ["物业费", "涨价"],
        "物业收费",
        "ZJJ",
    ),
    (
        "怎么成立业主委员会？",
        "由业主向街道提出书面申请，街道指导成立业主大会筹备组，选举产生业主委员会并到街道备案。",
        ["业委会", "业主大会"],
        "业主委员会",
        "ZJJ",
    ),
    (
        "不动产证怎么办理？",
        "新房由开发商统一办理或业主到不动产登记中心申请，二手房买卖双方携带身份证、合同、完税凭证到登记中心一窗办理，也可网上预约。",
        ["不动产证", "房产证"],
        "不动产登记",
        "ZRZY",
    ),
    (
        "房屋出租需要登记吗？",
        "出租房屋应向属地派出所或社区办理出租房屋登记，租客需办理居住登记，可通过“浙里办”在线办理。",
        ["出租", "登记"],
        "房屋租赁",
        "ZJJ",
    ),
    (
        "电动车可以在楼道充电吗？",
        "禁止在楼道、楼梯间、安全出口等公共区域停放电动车或充电，请使用小区集中充电设施；违规充电的，物业和消防部门可依法处理。",
        ["电动车", "充电", "消防"],
        "电动车违规充电",
        "YJJ",
    ),
    (
        "消防通道被占用找谁？",
        "小区内的由物业负责劝离，劝离无效可拨打96119或12345，由消防救援部门或属地依法处理。",
        ["消防通道"],
        "消防通道堵塞",
        "YJJ",
    ),
    (
        "狂犬疫苗在哪里打？",
        "被猫狗抓伤咬伤后，用肥皂水和清水交替冲洗伤口15分钟，并尽快到就近的狂犬病暴露处置门诊接种疫苗，地址可在卫健局网站查询。",
        ["狂犬疫苗", "疫苗接种"],
        "疫苗接种",
        "WJJ",
    ),
    (
        "孩子打疫苗要预约吗？",
        "儿童预防接种需在社区卫生服务中心预防接种门诊预约，可通过“浙里办”或接种门诊电话预约，携带接种证按时接种。",
        ["疫苗", "预约", "儿童"],
        "疫苗接种",
        "WJJ",
    ),
    (
        "医院收费不合理怎么投诉？",
        "可先向医院医务科或患者服务中心反映，对处理结果不满意的，可向区卫健局或医保局投诉，并保留收费清单。",
        ["医疗收费", "投诉"],
        "医疗收费",
        "WJJ",
    ),
    (
        "晚上施工太吵怎么办？",
        "夜间22时至次日6时禁止产生噪声的建筑施工，确需连续施工的须取得夜间施工许可并公示；无许可夜间施工的，可拨打12345或110投诉。",
        ["夜间施工", "噪声"],
        "夜间施工噪声",
        "STHJ",
    ),
    (
        "楼下饭店油烟大怎么处理？",
        "餐饮单位应安装油烟净化设施并正常使用，油烟直排或扰民的，可拨打12345，由生态环境或综合执法部门核查处理。",
        ["油烟", "餐饮"],
        "餐饮油烟",
        "STHJ",
    ),
    (
        "路灯不亮找谁报修？",
        "道路路灯由区路灯管理所负责维修，可拨打12345报修并说明路名和灯杆编号；小区内路灯由物业负责。",
        ["路灯", "报修"],
        "路灯",
        "CGJLD",
    ),
    (
        "树枝挡住窗户能修剪吗？",
        "公共绿地树木修剪由园林部门负责，居民不得自行砍伐；小区内树木由物业按规定修剪，可向物业或12345提出申请。",
        ["树木修剪", "绿化"],
        "树木修剪",
        "CGJYL",
    ),
    (
        "共享单车乱停谁来管？",
        "共享单车运营企业负责车辆调度和清理，城管部门负责监督，可拨打12345反映具体位置，或在APP内举报。",
        ["共享单车", "乱停放"],
        "共享单车乱停放",
        "CGJ",
    ),
    (
        "防台期间要注意什么？",
        "关注气象预警，及时收回阳台花盆等悬挂物，远离广告牌、大树，不要到江边观潮；如需帮助可拨打12345或所在社区电话。",
        ["防台", "防汛"],
        "防汛防台",
        "YJJ",
    ),
    (
        "2025年度个税汇算什么时候办？",
        "2025年度个人所得税综合所得汇算清缴办理时间为2026年3月1日至6月30日，可通过“个人所得税”APP办理。",
        ["个税", "汇算"],
        "政策咨询",
        "ZWFW",
    ),
    (
        "消费券怎么领？",
        "本轮消费券已于活动结束日停止发放，新一轮活动以商务局公告为准。",
        ["消费券"],
        "政策咨询",
        "SWJ",
    ),
]
# Articles whose policy ended (hidden from answers, on the review list) and those due for review.
ENDED = {"2025年度个税汇算什么时候办？", "消费券怎么领？"}
REVIEW_DUE = {"公积金贷款最高能贷多少？", "路边停车怎么收费？", "人才落户需要什么条件？"}

REPLIES: list[tuple[str, str, str]] = [
    ("registered", "已受理", "您反映的问题已受理，工单号为{number}，我们将尽快转交相关部门处理。"),
    ("dispatched", "已转办", "您的诉求已转交相关部门办理，承办单位将在规定时限内联系您。"),
    ("in_progress", "办理中", "承办单位正在处理您反映的问题，请耐心等待，如有新情况可随时来电补充。"),
    ("closed", "已办结", "您反映的问题已办结，稍后会有回访短信，请您对办理结果进行评价。"),
    ("answered", "咨询答复", "感谢来电，如还有其他问题，欢迎再次拨打12345。"),
]


def _category(categories: dict[str, int], leaf: str, tags: list[str]) -> int | None:
    """The category of that name, else the first whose name holds the leaf or a tag (the demo
    taxonomy may be the real district's, with its own names), else a consultation category."""
    if leaf in categories:
        return categories[leaf]
    for word in (leaf, *tags):
        for name, pk in categories.items():
            if len(word) >= 2 and (word in name or (len(name) >= 2 and name in word)):
                return pk
    return next((pk for name, pk in categories.items() if "咨询" in name), None)


def build_demo_knowledge(*, actor: Actor) -> str:
    """The demo district's articles, canned replies, and the answered consultations linked to them."""
    j = actor.jurisdiction
    today = timezone.localdate()
    categories: dict[str, int] = {}
    rows = Category.objects.filter(jurisdiction=j, retired_at__isnull=True).order_by("-level", "id")
    for pk, name in rows.values_list("pk", "name"):
        categories.setdefault(name, pk)
    departments = dict(Department.objects.filter(jurisdiction=j).values_list("code", "pk"))
    for question, answer, tags, leaf, dept in ARTICLES:
        services.create_article(
            actor=actor,
            question=question,
            answer=answer,
            tags=tags,
            category_id=_category(categories, leaf, tags),
            department_id=departments.get(dept),
            valid_from=today - timedelta(days=400),
            valid_to=today - timedelta(days=20) if question in ENDED else None,
            review_on=today - timedelta(days=3) if question in REVIEW_DUE else today + timedelta(days=180),
        )
    for order, (status, title, text) in enumerate(REPLIES):
        services.save_reply(actor=actor, case_status=status, title=title, text=text, sort_order=order)
    # The demo's consultations answered at intake, linked to the article their text finds first.
    answered = Case.objects.filter(
        jurisdiction=j, request_type=RequestType.CONSULTATION, status=Status.ANSWERED
    ).only("pk", "description")
    uses = []
    for case in answered.iterator():
        found = queries.search(actor, case.description, limit=1)
        if found:
            uses.append(ArticleUse(jurisdiction=j, article=found[0][0], case=case))
    ArticleUse.objects.bulk_create(uses, batch_size=500)
    return f"{Article.objects.filter(jurisdiction=j).count()} articles, {CannedReply.objects.filter(jurisdiction=j).count()} replies, {len(uses)} answers linked"
