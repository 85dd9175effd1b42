"""The demo district reads like 钱塘区: sensible lead departments, routing rules that route most
cases, leaders for every department, local place names in the texts and addresses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, shared_data
from zhiguan.cases.models import Case
from zhiguan.cases.routing import route
from zhiguan.demo.build import build_demo
from zhiguan.demo.cases_run import build_demo_cases
from zhiguan.demo.routing import routed_share
from zhiguan.geo.models import Area
from zhiguan.org.models import Department
from zhiguan.supervision.models import CaseEscalation
from zhiguan.taxonomy.models import Category
from zhiguan.taxonomy.queries import effective_lead_department

pytestmark = pytest.mark.django_db

STREETS = ("白杨街道", "下沙街道", "义蓬街道", "新湾街道", "河庄街道", "前进街道", "临江街道")
# What a dispatcher expects: category path → the lead department's name.
SPOT_CHECKS_REAL = {
    "城乡建设 / 城市建设和市政管理 / 城管执法": "综合行政执法大队",
    "城乡建设 / 城市建设和市政管理 / 环境卫生": "环境卫生管理处",
    "城乡建设 / 城市建设和市政管理 / 电力供应": "国网钱塘供电公司",
    "城乡建设 / 城市建设和市政管理 / 燃气供应": "钱塘燃气有限公司",
    "城乡建设 / 城市建设和市政管理 / 公共汽车": "交通运输局",
    "城乡建设 / 住房保障与房地产 / 物业服务": "住房和城乡建设局",
    "劳动和社会保障": "人力资源和社会保障局",
    "劳动和社会保障 / 退休政策及待遇 / 退休金发放": "人力资源和社会保障局",
    "教育文体": "教育局",
    "教育文体 / 考试招生 / 招生录取": "教育局",
    "交通运输 / 出租车管理 / 网约车问题": "交通运输局",
    "卫生计生 / 医患纠纷 / 医疗事故争议": "卫生健康局",
    "卫生计生 / 食品药品监管 / 食品安全": "市场监督管理局",
    "城市管理部件 / 公用设施 / 路灯": "路灯管理所",
    "城市管理部件 / 公用设施 / 雨水井盖": "市政设施养护中心",
    "城市管理部件 / 公用设施 / 上水井盖": "钱塘水务有限公司",
    "城市管理部件 / 园林绿化 / 行道树": "园林绿化管理所",
    "城市管理事件 / 市容环境 / 暴露垃圾": "环境卫生管理处",
    "城市管理事件 / 街面秩序 / 占道经营": "综合行政执法大队",
    "城市管理事件 / 突发事件 / 燃气管道破裂": "钱塘燃气有限公司",
}
SPOT_CHECKS_BUILTIN = {
    "市政设施 / 照明设施 / 路灯": "路灯管理所",
    "市政设施 / 井盖管网 / 井盖缺失": "市政设施养护中心",
    "市容环境 / 环境卫生 / 暴露垃圾": "环境卫生管理处",
    "城市管理 / 占道经营 / 流动摊贩": "综合行政执法大队",
    "劳动社保 / 劳动关系 / 拖欠工资": "人力资源和社会保障局",
    "教育 / 入学招生 / 学区划分": "教育局",
    "交通出行 / 出租车与网约车 / 出租车拒载": "交通运输局",
}
NOT_CITY_MANAGEMENT = ("出租车", "网约车", "的士", "养老金", "养老保险", "退休金")


def _assert_every_category_led(spot_checks: dict[str, str]) -> None:
    for category in Category.objects.select_related("parent__parent"):
        lead = effective_lead_department(category)
        assert lead is not None and lead.can_lead, f"{category.path_name} has no lead department"
    for path, name in spot_checks.items():
        category = Category.objects.get(path_name=path)
        assert effective_lead_department(category).name == name, path


def _assert_every_department_has_a_leader() -> None:
    for dept in Department.objects.select_related("leader"):
        assert dept.leader is not None, f"{dept.name} has no leader"
        assert re.fullmatch(r"[\u4e00-\u9fa5]{2,3}", dept.leader.full_name), dept.leader.full_name
        assert dept.leader.department_id == dept.pk
        assert "书记" not in dept.leader.full_name


def _assert_local_places() -> None:
    names = list(Area.objects.filter(level__in=["community", "grid"]).values_list("name", flat=True))
    assert names and not [n for n in names if re.search(r"第[一二三四五六七八九十\d]+社区", n)]
    assert not [n for n in names if any(street in n for street in STREETS)]
    addresses = [a for a in Case.objects.values_list("address", flat=True) if a]
    assert addresses
    for address in addresses:
        assert sum(address.count(street) for street in STREETS) == 1, address
        assert re.search(r"街道[\u4e00-\u9fa5]+社区", address), address


def test_demo_from_generated_content_leads_every_category_to_a_sensible_department() -> None:
    jurisdiction = build_demo(data_dir=None, cases=0, log=lambda _line: None)
    build_demo_cases(
        jurisdiction=jurisdiction, data_dir=None, count=60, log=lambda _line: None, history=False
    )

    _assert_every_category_led(SPOT_CHECKS_BUILTIN)
    _assert_every_department_has_a_leader()
    _assert_local_places()


def test_real_demo_routes_most_cases_by_rule_and_keeps_taxi_and_pension_cases_away_from_city_management() -> (
    None
):
    data_dir: Path = shared_data("tipdm2020_c", "train.csv").parent.parent
    if not (SHARED_DATA / "geo_qiantang").is_dir():
        pytest.skip(f"real 下沙 estate names not available: {SHARED_DATA}")
    jurisdiction = build_demo(data_dir=data_dir, cases=0, log=lambda _line: None)
    built = build_demo_cases(
        jurisdiction=jurisdiction, data_dir=data_dir, count=200, log=lambda _line: None, history=False
    )
    assert built["failed"] == {}

    _assert_every_category_led(SPOT_CHECKS_REAL)
    _assert_every_department_has_a_leader()
    _assert_local_places()

    dispatched = Case.objects.filter(lead_department__isnull=False).select_related("category__parent__parent")
    routed, total = routed_share(dispatched)
    assert total >= 80 and routed / total >= 0.7, (routed, total)
    # What the dispatcher sees on the case: the rule that routed it.
    by_rule = dispatched.filter(routing_rule__isnull=False).select_related("routing_rule")
    assert by_rule.count() / total >= 0.6
    for case in by_rule:
        assert (
            case.routing_rule.name in case.routing_reason
            and f"#{case.routing_rule.key}" in case.routing_reason
        )

    city = Department.objects.get(code="CGJ")
    city_cases = Case.objects.filter(tasks__department__path__startswith=city.path).distinct()
    led_by_city = dispatched.filter(lead_department__path__startswith=city.path).count()
    assert 0.05 <= led_by_city / total <= 0.5, (led_by_city, total)
    for case in city_cases:
        assert not any(word in case.description for word in NOT_CITY_MANAGEMENT), case.description[:80]
    # A street's vending case goes to that street's squadron.
    vending = Category.objects.get(path_name="城乡建设 / 城市建设和市政管理 / 城管执法")
    for case in Case.objects.filter(category=vending, street__isnull=False).select_related("street"):
        r = route(case)
        if r.rule is not None and r.rule.area_id is not None:
            assert r.lead.name.startswith(case.street.name.removesuffix("街道")), r.lead.name

    # Texts read as 钱塘区's: no anonymised codes, no "书记大人".
    for text in Case.objects.values_list("description", flat=True):
        assert not re.search(r"[A-Z]\d+[区县市]|西地省|(书记|局长|厅长|市长)大人", text), text[:80]
        assert not re.search(r"\{(street|estate|road|other_district)\}", text), text[:80]
    for escalation in CaseEscalation.objects.select_related("leader"):
        assert escalation.leader is not None
