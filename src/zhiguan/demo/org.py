"""The demo district's departments and people (钱塘区, 330114). Department names are real kinds of
bureaus of a Chinese district; the people are invented."""

from __future__ import annotations

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

EXTERNAL = [
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
    ("leader", "赵书记", ["leader"], "GOV"),
    ("handler_cgj", "孙伟", ["handler"], "CGJ"),
    ("handler_zjj", "吴敏", ["handler"], "ZJJ"),
    ("handler_sthj", "郑洁", ["handler"], "STHJ"),
    ("handler_xiasha", "冯涛", ["handler"], "330114002"),
    ("handler_baiyang", "何丽", ["handler"], "330114001"),
    ("inspector", "许刚", ["inspector"], "330114002"),
    ("inspector2", "蒋平", ["inspector"], "330114001"),
    ("dataofficer", "沈静", ["data_officer"], "CGJ"),
]


@transaction.atomic
def build_demo_org(
    *, actor: Actor, communities: dict[str, list[tuple[str, str]]] | None = None
) -> dict[str, Department]:
    """Create the department tree and one or more people for every built-in role.

    `communities` maps a street code to (community code, community name) pairs, so that the
    community departments match the community areas of the demo geography.
    """
    depts: dict[str, Department] = {}
    depts["GOV"] = create_department(
        actor=actor,
        code="GOV",
        name="钱塘区人民政府",
        kind=DepartmentKind.DISTRICT,
        duty_phone="0571-86910001",
    )
    for code, name, phone in BUREAUS:
        depts[code] = create_department(
            actor=actor,
            code=code,
            name=name,
            kind=DepartmentKind.BUREAU,
            parent_id=depts["GOV"].pk,
            duty_phone=phone,
        )
    for code, name in STREETS:
        depts[code] = create_department(
            actor=actor, code=code, name=name, kind=DepartmentKind.STREET, parent_id=depts["GOV"].pk
        )
        for c_code, c_name in (communities or {}).get(code, []):
            depts[c_code] = create_department(
                actor=actor, code=c_code, name=c_name, kind=DepartmentKind.COMMUNITY, parent_id=depts[code].pk
            )
    for code, name, phone in EXTERNAL:
        depts[code] = create_department(
            actor=actor,
            code=code,
            name=name,
            kind=DepartmentKind.EXTERNAL,
            parent_id=depts["GOV"].pk,
            duty_phone=phone,
        )
    roles = {r.code: r for r in Role.objects.all()}
    for i, (username, full_name, role_codes, dept_code) in enumerate(PEOPLE):
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            jurisdiction=actor.jurisdiction,
            department=depts[dept_code],
            mobile=f"1381234{5600 + i:04d}",
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        user.roles.set([roles[c] for c in role_codes])
        # The demo's department handlers double as their department's leader, who receives escalations.
        if role_codes == ["handler"] and depts[dept_code].leader_id is None:
            update_department(
                actor=actor, department_id=depts[dept_code].pk, leader_id=user.pk, reason="演示数据"
            )
            depts[dept_code].refresh_from_db()
    return depts


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, roles, department) of the demo people whose password is still the demo password."""
    rows = []
    for username, _full_name, role_codes, _dept in PEOPLE:
        user = User.objects.filter(username=username).select_related("department").first()
        if user is not None and user.check_password(DEMO_PASSWORD):
            rows.append((username, ",".join(role_codes), user.department.name if user.department else ""))
    return rows
