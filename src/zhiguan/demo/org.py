"""The demo district's departments and people (钱塘区, 330114). Department names are real kinds of
bureaus and units of a Chinese district; the people are invented.

Every department has a leader (its head), a person of its own who receives escalations; the
demo handlers and duty officers do the day-to-day work (`cases_run.duty_handlers`).
"""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from zhiguan.org.models import Department, DepartmentKind, Role, User
from zhiguan.org.permissions import Actor
from zhiguan.org.services import create_department, update_department

DEMO_PASSWORD = "Zhiguan@2026"

# code, name, duty phone
BUREAUS = [
    ("CYZX", "城市运行管理中心", "0571-86910000"),
    ("CGJ", "城市管理局", "0571-86910012"),
    ("ZJJ", "住房和城乡建设局", "0571-86910023"),
    ("STHJ", "生态环境分局", "0571-86910034"),
    ("JTJ", "交通运输局", "0571-86910045"),
    ("JYJ", "教育局", "0571-86910056"),
    ("RSJ", "人力资源和社会保障局", "0571-86910067"),
    ("WJJ", "卫生健康局", "0571-86910078"),
    ("SWJ", "商务局", "0571-86910089"),
    ("SCJG", "市场监督管理局", "0571-86910090"),
    ("GAJ", "公安分局", "0571-86910110"),
    ("NYJ", "农业农村局", "0571-86910101"),
    ("MZJ", "民政局", "0571-86910112"),
    ("XFJ", "信访局", "0571-86910123"),
    ("ZRZY", "规划和自然资源分局", "0571-86910134"),
    ("KJJ", "科技局", "0571-86910145"),
    ("JJXX", "经济和信息化局", "0571-86910156"),
    ("YJJ", "应急管理局", "0571-86910167"),
    ("ZWFW", "政务服务中心", "0571-86910178"),
    ("JJJC", "纪检监察室", "0571-86910189"),
]

# The seven real streets of 钱塘区 with their 2023 statistical codes.
STREETS = [
    ("330114001", "白杨街道"),
    ("330114002", "下沙街道"),
    ("330114003", "义蓬街道"),
    ("330114004", "新湾街道"),
    ("330114005", "河庄街道"),
    ("330114006", "前进街道"),
    ("330114007", "临江街道"),
]

# The units of the city-management bureau (城管局) that take cases themselves, and the centre's
# duty desk (non-office-time urgent cases).
UNITS = [
    ("CGJ", "CGJLD", "路灯管理所", "0571-86910013"),
    ("CGJ", "CGJSZ", "市政设施养护中心", "0571-86910014"),
    ("CGJ", "CGJHW", "环境卫生管理处", "0571-86910015"),
    ("CGJ", "CGJYL", "园林绿化管理所", "0571-86910016"),
    ("CGJ", "CGJZF", "综合行政执法大队", "0571-86910017"),
    ("CYZX", "CYZXZB", "城运中心值班室", "0571-86910009"),
]
# Each street's own units, code = street code + suffix: the law-enforcement squadron stationed
# there (占道经营, 乱设摊) and the street's city-management section (环卫, 市容).
STREET_UNITS = [("ZF", "综合行政执法中队"), ("CG", "城管科")]

# Utilities take dispatched cases like a bureau (联动单位): an external unit cannot lead a case
# (`Department.can_lead`), and outages and gas leaks are theirs to handle.
UTILITIES = [
    ("GDGS", "国网钱塘供电公司", "95598"),
    ("SWGS", "钱塘水务有限公司", "0571-86920001"),
    ("RQGS", "钱塘燃气有限公司", "0571-86920002"),
]

# username, full name, roles, department code
PEOPLE = [
    ("admin", "系统管理员", ["admin"], "CYZX"),
    ("operator", "王晓燕", ["intake_operator"], "CYZX"),
    ("operator2", "李娜", ["intake_operator"], "CYZX"),
    ("dispatcher", "陈志强", ["dispatcher"], "CYZX"),
    ("supervisor", "周建国", ["supervisor"], "CYZX"),
    ("leader", "赵立新", ["leader"], "GOV"),
    ("handler_cgj", "孙伟", ["handler"], "CGJ"),
    ("handler_zjj", "吴敏", ["handler"], "ZJJ"),
    ("handler_sthj", "郑洁", ["handler"], "STHJ"),
    ("handler_xiasha", "冯涛", ["handler"], "330114002"),
    ("handler_baiyang", "何丽", ["handler"], "330114001"),
    ("inspector", "许刚", ["inspector"], "330114002"),
    ("inspector2", "蒋平", ["inspector"], "330114001"),
    ("dataofficer", "沈静", ["data_officer"], "CGJ"),
]


def street_unit_name(street_name: str, unit: str) -> str:
    """下沙街道 + 综合行政执法中队 → 下沙综合行政执法中队; 下沙街道 + 城管科 → 下沙街道城管科."""
    return f"{street_name.removesuffix('街道')}{unit}" if unit.endswith("中队") else f"{street_name}{unit}"


@transaction.atomic
def build_demo_org(
    *, actor: Actor, communities: dict[str, list[tuple[str, str]]] | None = None
) -> dict[str, Department]:
    """Create the department tree, one or more people for every built-in role, and a leader for
    every department.

    `communities` maps a street code to (community code, community name) pairs, so that the
    community departments match the community areas of the demo geography.
    """
    depts: dict[str, Department] = {}

    def add(code: str, name: str, kind: str, parent: str | None, phone: str = "") -> None:
        parent_id = depts[parent].pk if parent else None
        depts[code] = create_department(
            actor=actor, code=code, name=name, kind=kind, parent_id=parent_id, duty_phone=phone
        )

    add("GOV", "钱塘区人民政府", DepartmentKind.DISTRICT, None, "0571-86910001")
    for code, name, phone in BUREAUS:
        add(code, name, DepartmentKind.BUREAU, "GOV", phone)
    for parent, code, name, phone in UNITS:
        add(code, name, DepartmentKind.BUREAU, parent, phone)
    for code, name in STREETS:
        add(code, name, DepartmentKind.STREET, "GOV")
        for suffix, unit in STREET_UNITS:
            add(f"{code}{suffix}", street_unit_name(name, unit), DepartmentKind.BUREAU, code)
        for c_code, c_name in (communities or {}).get(code, []):
            add(c_code, c_name, DepartmentKind.COMMUNITY, code)
    for code, name, phone in UTILITIES:
        add(code, name, DepartmentKind.BUREAU, "GOV", phone)
    roles = {r.code: r for r in Role.objects.all()}
    # One hash for all: Argon2 is slow on purpose.
    password = make_password(DEMO_PASSWORD)
    for i, (username, full_name, role_codes, dept_code) in enumerate(PEOPLE):
        user = User.objects.create(
            username=username,
            password=password,
            full_name=full_name,
            jurisdiction=actor.jurisdiction,
            department=depts[dept_code],
            mobile=f"1381234{5600 + i:04d}",
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        user.roles.set([roles[c] for c in role_codes])
        if role_codes == ["leader"] and depts[dept_code].leader_id is None:
            _set_leader(actor, depts, dept_code, user)
    _add_leaders(actor, depts, roles["handler"], password)
    return depts


def _set_leader(actor: Actor, depts: dict[str, Department], code: str, user: User) -> None:
    update_department(actor=actor, department_id=depts[code].pk, leader_id=user.pk, reason="演示数据")
    depts[code].leader = user
    depts[code].leader_id = user.pk


def _add_leaders(actor: Actor, depts: dict[str, Department], role: Role, password: str) -> None:
    """A head (`head_<code>`) for every department still without a leader: they see their own
    department's cases and supervision notices, and receive its escalations."""
    from zhiguan.demo.cases_content import GIVEN, SURNAMES

    rng = random.Random(330114)
    taken: set[str] = set(User.objects.values_list("full_name", flat=True))
    for code, dept in depts.items():
        if dept.leader_id is not None:
            continue
        name = ""
        while not name or name in taken:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        taken.add(name)
        user = User.objects.create(
            username=f"head_{code.lower()}",
            full_name=name,
            password=password,
            jurisdiction=actor.jurisdiction,
            department=dept,
            mobile=f"139{rng.randrange(10**8):08d}",
        )
        user.roles.set([role])
        _set_leader(actor, depts, code, user)


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, roles, department) of the demo people whose password is still the demo password."""
    rows = []
    for username, _full_name, role_codes, _dept in PEOPLE:
        user = User.objects.filter(username=username).select_related("department").first()
        if user is not None and user.check_password(DEMO_PASSWORD):
            rows.append((username, ",".join(role_codes), user.department.name if user.department else ""))
    return rows
