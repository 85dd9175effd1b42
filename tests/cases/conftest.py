"""A small district for case tests, built through the real services: departments, people, categories, areas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from tests.conftest import ApiClient
from zhiguan.cases import services
from zhiguan.cases.models import Case
from zhiguan.org.models import Department, User
from zhiguan.org.permissions import Actor

ROLES_BY_NAME = {
    "operator": ("intake_operator", None),
    "dispatcher": ("dispatcher", None),
    "supervisor": ("supervisor", None),
    "lead": ("handler", "CGJ"),
    "co": ("handler", "HBJ"),
    "other": ("handler", "JTJ"),
    "street": ("handler", "330114002"),
    "inspector": ("inspector", None),
    "inspector2": ("inspector", None),
    "leader": ("leader", "GOV"),
    "admin": ("admin", None),
    "data_officer": ("data_officer", "CGJ"),
}


def _square(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def _features(*items: tuple[str, str, dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": c, "name": n}, "geometry": g} for c, n, g in items
        ],
    }


# A point in street 330114002, community 33011400201, grid G1.
INSIDE = (120.36, 30.26)
# A point in street 330114003.
EAST = (120.52, 30.3)
OUTSIDE = (121.5, 31.2)

# The action each test actor performs by default, and a payload that passes.
ACTOR_FOR = {
    "answer": "operator",
    "reject": "dispatcher",
    "submit": "operator",
    "dispatch": "dispatcher",
    "accept": "lead",
    "return": "lead",
    "accept_return": "dispatcher",
    "refuse_return": "dispatcher",
    "reply": "lead",
    "accept_co": "co",
    "reply_co": "co",
    "request_extension": "lead",
    "approve_extension": "dispatcher",
    "refuse_extension": "dispatcher",
    "request_suspension": "lead",
    "approve_suspension": "dispatcher",
    "refuse_suspension": "dispatcher",
    "resume": "dispatcher",
    "feed_back": "lead",
    "assign_inspector": "dispatcher",
    "verify_pass": "dispatcher",
    "verify_fail": "dispatcher",
    "close": "dispatcher",
    "callback": "operator",
    "reopen": "supervisor",
    "merge": "dispatcher",
    "unmerge": "supervisor",
}


@dataclass
class World:
    jurisdiction: Any
    system: Actor
    depts: dict[str, Department]
    users: dict[str, User]
    category: Any
    consult_category: Any
    profile: Any
    areas: dict[str, Any] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        actor = Actor.for_user(User.objects.get(pk=self.users[name].pk))
        assert actor is not None
        return actor

    def api(self, name: str) -> ApiClient:
        client = Client()
        client.force_login(self.users[name])
        api = ApiClient(client)
        api.user = self.users[name]  # type: ignore[attr-defined]
        return api

    def new_case(self, *, by: str = "operator", **overrides: Any) -> Case:
        data: dict[str, Any] = {
            "request_type": "complaint",
            "channel": "hotline",
            "category_id": self.category.pk,
            "description": "小区门口占道经营，油烟扰民",
            "reporters": [{"name": "王小明", "phone": "13812345678", "id_number": "330104199001011234"}],
            "lng": INSIDE[0],
            "lat": INSIDE[1],
            "address": "下沙街道金沙路1号",
        }
        data.update(overrides)
        case, _created = services.register(actor=self.actor(by), **data)
        return case

    def payload(self, action: str, case: Case) -> dict[str, Any]:
        if action == "merge":
            return {"into": self.new_case(description="重复投诉 另一件").number}
        return {
            "answer": {"note": "已答复政策"},
            "reject": {"note": "不属于受理范围"},
            "dispatch": {
                "lead_department_id": self.depts["CGJ"].pk,
                "co_handler_ids": [self.depts["HBJ"].pk],
            },
            "return": {"reason": "不属于本单位职责"},
            "reply": {"reply": "已现场处理"},
            "reply_co": {"reply": "已配合检测"},
            "request_extension": {"working_days": 3, "reason": "需要协调"},
            "request_suspension": {"reason": "等待司法鉴定"},
            "verify_pass": {"method": "camera", "camera": "CAM-001"},
            "verify_fail": {"method": "camera", "camera": "CAM-001", "note": "仍有占道"},
            "callback": {"result": "dissatisfied"},
            "reopen": {"note": "市民不满意，重办"},
            "unmerge": {"note": "不是同一问题，撤销合并"},
            "assign_inspector": {"inspector_id": self.users["inspector"].pk},
        }.get(action, {})

    def do(self, case: Case, action: str, *, by: str | None = None, **payload: Any) -> Case:
        data = self.payload(action, case) | payload
        return services.perform(
            actor=self.actor(by or ACTOR_FOR[action]), case_id=case.pk, action=action, **data
        )

    def case_in(self, status: str) -> Case:
        """A fresh case brought to `status` along `PATHS`."""
        extra = (
            {"request_type": "consultation", "category_id": self.consult_category.pk}
            if status == "answered"
            else {}
        )
        return self.walk(self.new_case(**extra), *PATHS[status])

    def walk(self, case: Case, *actions: str) -> Case:
        for action in actions:
            case = self.do(case, action)
        return case


# Paths from registration to every status (with the default actors and payloads).
PATHS = {
    "registered": [],
    "answered": ["answer"],
    "rejected": ["reject"],
    "to_dispatch": ["submit"],
    "dispatched": ["submit", "dispatch"],
    "returned": ["submit", "dispatch", "return"],
    "in_progress": ["submit", "dispatch", "accept"],
    "extension_requested": ["submit", "dispatch", "accept", "request_extension"],
    "suspension_requested": ["submit", "dispatch", "accept", "request_suspension"],
    "suspended": ["submit", "dispatch", "accept", "request_suspension", "approve_suspension"],
    "to_verify": ["submit", "dispatch", "accept", "reply", "feed_back"],
    "verified": ["submit", "dispatch", "accept", "reply", "feed_back", "verify_pass"],
    # The co-handler replies before the case is closed (docs/decisions/064).
    "closed": [
        "submit",
        "dispatch",
        "accept",
        "reply",
        "feed_back",
        "verify_pass",
        "accept_co",
        "reply_co",
        "close",
    ],
    "callback_done": [
        "submit",
        "dispatch",
        "accept",
        "reply",
        "feed_back",
        "verify_pass",
        "accept_co",
        "reply_co",
        "close",
        "callback",
    ],
    # Merged after acceptance: undoing the merge brings it back to dispatch (docs/decisions/087).
    "merged": ["submit", "merge"],
}


def build_world(jurisdiction: Any) -> World:
    from zhiguan.geo.services import import_geojson
    from zhiguan.org.services import create_department
    from zhiguan.taxonomy.services import create_category, create_profile

    system = Actor.system(jurisdiction)
    gov = create_department(actor=system, code="GOV", name="区政府", kind="district")
    depts = {"GOV": gov}
    for code, name, kind in [
        ("CGJ", "城管局", "bureau"),
        ("HBJ", "环保局", "bureau"),
        ("JTJ", "交通局", "bureau"),
        ("330114002", "下沙街道", "street"),
        ("330114003", "白杨街道", "street"),
    ]:
        depts[code] = create_department(actor=system, code=code, name=name, kind=kind, parent_id=gov.pk)
    import_geojson(
        actor=system,
        level="district",
        crs="wgs84",
        geojson=_features(("330114", "钱塘区", _square(120.3, 30.2, 120.6, 30.4))),
    )
    import_geojson(
        actor=system,
        level="street",
        crs="wgs84",
        geojson=_features(
            ("330114002", "下沙街道", _square(120.3, 30.2, 120.45, 30.4)),
            ("330114003", "白杨街道", _square(120.45, 30.2, 120.6, 30.4)),
        ),
    )
    import_geojson(
        actor=system,
        level="community",
        crs="wgs84",
        geojson=_features(("33011400201", "金沙社区", _square(120.3, 30.2, 120.4, 30.3))),
    )
    import_geojson(
        actor=system,
        level="grid",
        crs="wgs84",
        geojson=_features(("G1", "金沙1号网格", _square(120.3, 30.2, 120.4, 30.3))),
    )
    from zhiguan.geo.models import Area

    areas = {a.code: a for a in Area.objects.filter(jurisdiction=jurisdiction)}
    profile = create_profile(
        actor=system,
        code="std",
        name="标准",
        accept_hours=2,
        handle_days=5,
        callback_days=3,
        urgent_accept_hours=1,
        urgent_handle_days=2,
    )
    consult = create_profile(
        actor=system, code="consult", name="咨询", accept_hours=1, handle_days=1, callback_days=1
    )
    root = create_category(
        actor=system,
        name="城市管理",
        default_lead_department_id=depts["CGJ"].pk,
        deadline_profile_id=profile.pk,
    )
    mid = create_category(actor=system, name="市容环境", parent_id=root.pk)
    leaf = create_category(actor=system, name="占道经营", parent_id=mid.pk)
    consult_cat = create_category(
        actor=system,
        name="政策咨询",
        deadline_profile_id=consult.pk,
        default_lead_department_id=depts["CGJ"].pk,
    )
    users = {}
    for name, (role, dept_code) in ROLES_BY_NAME.items():
        user = User.objects.create_user(
            username=f"{name}-{jurisdiction.code}",
            password="Zg-test-pass-2026",
            jurisdiction=jurisdiction,
            department=depts.get(dept_code) if dept_code else None,
            full_name=name,
        )
        from zhiguan.org.models import Role

        user.roles.set(Role.objects.filter(code=role))
        users[name] = user
    return World(jurisdiction, system, depts, users, leaf, consult_cat, profile, areas)


@pytest.fixture
def world(jurisdiction: Any) -> World:
    return build_world(jurisdiction)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
