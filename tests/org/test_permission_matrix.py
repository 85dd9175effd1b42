"""The role × action matrix, exercised through the HTTP API.

The expected table is written out here by hand, from PRODUCT.md's description of who does what,
independently of `zhiguan.org.permissions`: if the code's roles drift from the policy, this fails.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.files import JPEG
from zhiguan.org.models import User
from zhiguan.org.permissions import Actor
from zhiguan.org.services import create_department

ROLES = [
    "intake_operator",
    "dispatcher",
    "supervisor",
    "handler",
    "inspector",
    "leader",
    "data_officer",
    "admin",
]

# Y = allowed, . = refused with 403 forbidden.
MATRIX = """
action              intake_operator dispatcher supervisor handler inspector leader data_officer admin
department.view     Y               Y          Y          Y       Y         Y      Y            Y
department.manage   .               .          .          .       .         .      .            Y
person.view         Y               Y          Y          Y       .         Y      Y            Y
person.manage       .               .          .          .       .         .      .            Y
person.reveal       .               Y          Y          .       .         .      .            Y
client.manage       .               .          .          .       .         .      .            Y
audit.view          .               .          .          .       .         Y      .            Y
geo.view            Y               Y          Y          Y       Y         Y      Y            Y
geo.manage          .               .          .          .       .         .      Y            Y
registry.view       Y               Y          Y          Y       Y         Y      Y            Y
registry.manage     .               .          .          .       .         .      Y            Y
taxonomy.view       Y               Y          Y          Y       Y         Y      Y            Y
taxonomy.manage     .               .          .          .       .         .      .            Y
calendar.view       Y               Y          Y          Y       Y         Y      Y            Y
calendar.manage     .               .          .          .       .         .      .            Y
case.view           Y               Y          Y          Y       Y         Y      .            Y
case.create         Y               Y          Y          .       Y         .      .            Y
case.act            Y               Y          Y          Y       Y         .      .            Y
case.reveal         Y               Y          Y          .       .         .      .            Y
case.export         .               Y          Y          .       .         Y      .            Y
case.import         .               .          .          .       .         .      .            Y
routing.view        Y               Y          Y          .       .         Y      .            Y
routing.manage      .               .          Y          .       .         .      .            Y
supervision.view    .               Y          Y          Y       .         Y      .            Y
supervision.issue   .               .          Y          .       .         .      .            Y
supervision.answer  .               .          .          Y       .         .      .            Y
video.report        .               .          .          .       .         .      .            Y
video.view_stream   .               Y          Y          .       .         .      Y            Y
classification.manage .             .          .          .       .         .      .            Y
duplicates.manage   .               .          .          .       .         .      .            Y
evaluation.manage   .               .          .          .       .         .      .            Y
evaluation.publish  .               .          Y          .       .         .      .            Y
"""


def _expected() -> dict[tuple[str, str], bool]:
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header = lines[0][1:]
    return {
        (role, row[0]): flag == "Y" for row in lines[1:] for role, flag in zip(header, row[1:], strict=True)
    }


EXPECTED = _expected()
_counter = itertools.count()


def _probe(api, action: str, ctx: dict):
    n = next(_counter)
    if action == "department.view":
        return api.get("org/departments")
    if action == "department.manage":
        return api.post(
            "org/departments",
            {"code": f"M{n}", "name": f"新部门{n}", "kind": "bureau", "parent_id": ctx["root"].pk},
        )
    if action == "person.view":
        return api.get("org/people")
    if action == "person.manage":
        return api.post(
            "org/people",
            {
                "username": f"new{n}",
                "full_name": "新人",
                "password": "Long-enough-pw-1",
                "role_codes": ["handler"],
            },
        )
    if action == "person.reveal":
        return api.post(f"org/people/{ctx['colleague'].pk}/reveal", {"reason": "回访联系"})
    if action == "client.manage":
        return api.post("org/clients", {"name": f"c{n}", "kind": "channel", "scopes": []})
    if action == "audit.view":
        return api.get("audit/records")
    if action == "geo.view":
        return api.get("geo/areas")
    if action == "geo.manage":
        return api.post("geo/import", ctx["geo_import"])
    if action == "taxonomy.view":
        return api.get("taxonomy/categories")
    if action == "taxonomy.manage":
        return api.post(
            "taxonomy/profiles",
            {"code": f"p{n}", "name": f"时限{n}", "accept_hours": 2, "handle_days": 5, "callback_days": 3},
        )
    if action == "calendar.view":
        return api.get("workdays/status")
    if action == "calendar.manage":
        return api.put(
            "workdays/office-hours",
            {"periods": [{"start": "08:30", "end": "12:00"}, {"start": "13:30", "end": "17:30"}]},
        )
    if action == "video.report":
        return api.post("video/heartbeats", {"beats": []})
    if action == "classification.manage":
        return api.put("classification/settings", {"threshold": 0.4})
    if action == "duplicates.manage":
        return api.put("duplicates/settings", {"auto_merge": False, "threshold": 0.9})
    if action == "evaluation.manage":
        items = [{"indicator": "handling_rate", "weight": 60}, {"indicator": "satisfaction", "weight": 40}]
        return api.post("evaluation/schemes", {"valid_from": "2026-01", "items": items})
    if action == "evaluation.publish":
        # A reason on every call: the second allowed role publishes a correction of the same month.
        last = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        return api.post(f"evaluation/months/{last}/publish", {"reason": "权限检查"})
    if action == "video.view_stream":
        from zhiguan.video.models import Camera

        camera = Camera.objects.create(
            jurisdiction=ctx["root"].jurisdiction,
            code=f"330114000813260{n:05d}",
            name="测试摄像头",
            lng=120.4,
            lat=30.3,
            owner=ctx["colleague"].department,
        )
        return api.get(f"video/cameras/{camera.pk}/stream")
    if action == "registry.view":
        return api.get("registries/pois/records")
    if action == "registry.manage":
        if "geo_ready" not in ctx:  # a district to place the point in, made once per test
            from zhiguan.geo.services import import_geojson

            import_geojson(actor=Actor.system(api.user.jurisdiction), **ctx["geo_import"])
            ctx["geo_ready"] = True
        return api.post(
            "registries/pois/records",
            {"values": {"code": f"POI{n}", "name": f"兴趣点{n}", "lng": 120.45, "lat": 30.3}},
        )
    if action.startswith(("case.", "routing.")):
        return _probe_case(api, action, ctx, n)
    if action.startswith("supervision."):
        return _probe_supervision(api, action, ctx, n)
    raise AssertionError(f"no probe for {action}")


def _case_ctx(api, ctx: dict) -> dict:
    """A category and a registered case, made once per test through the real services."""
    if "case" not in ctx:
        from zhiguan.cases.services import register
        from zhiguan.org.permissions import Actor
        from zhiguan.taxonomy.services import create_category

        system = Actor.system(api.user.jurisdiction)
        ctx["category"] = create_category(actor=system, name="市容环境")
        ctx["case"], _ = register(
            actor=system,
            request_type="complaint",
            channel="hotline",
            category_id=ctx["category"].pk,
            description="占道经营",
            reporters=[{"name": "王五", "phone": "13812345678"}],
        )
    return ctx


def _probe_case(api, action: str, ctx: dict, n: int):
    import io

    ctx = _case_ctx(api, ctx)
    if action == "case.view":
        return api.get("cases")
    if action == "case.create":
        return api.post(
            "cases",
            {
                "request_type": "complaint",
                "channel": "web",
                "category_id": ctx["category"].pk,
                "description": f"投诉{n}",
                "reporters": [{"name": "张三"}],
            },
        )
    if action == "case.act":
        photo = io.BytesIO(JPEG)
        photo.name = "p.jpg"
        return api.client.post("/api/v1/cases/attachments", {"file": photo}, headers=api.headers)
    if action == "case.reveal":
        return api.post(f"cases/{ctx['case'].number}/reporters/reveal", {"reason": "回访联系"})
    if action == "case.export":
        return api.get("cases/export")
    if action == "case.import":
        return _service_probe(api, action)
    if action == "routing.view":
        return api.post("cases/routing/dry-run", {"category_id": ctx["category"].pk})
    if action == "routing.manage":
        return api.post(
            "cases/routing/rules", {"name": f"规则{n}", "lead_department_id": ctx["colleague"].department_id}
        )
    raise AssertionError(f"no probe for {action}")


class _Outcome:
    """A service call's outcome in the shape of a response (for actions without an HTTP door)."""

    def __init__(self, status_code: int, code: str = ""):
        self.status_code, self.content, self._code = status_code, code.encode(), code

    def json(self) -> dict:
        return {"error": {"code": self._code}}


def _service_probe(api, action: str):
    from zhiguan.cases import services
    from zhiguan.errors import DomainError

    actor = Actor.for_user(User.objects.get(pk=api.user.pk))
    try:
        # An empty batch: allowed actors get past the permission check to "nothing to import".
        services.import_history(actor=actor, records=[], source="旧系统")
    except DomainError as exc:
        return _Outcome(exc.status, exc.code) if exc.code == "forbidden" else _Outcome(200)
    return _Outcome(200)


def _supervision_ctx(api, ctx: dict) -> dict:
    """A case dispatched to the colleague's department and a notice about it, through the real services."""
    if "notice" not in ctx:
        from zhiguan.cases import services
        from zhiguan.cases.services import register
        from zhiguan.org.permissions import Actor
        from zhiguan.supervision import services as supervision_services
        from zhiguan.taxonomy.services import create_category, create_profile

        system = Actor.system(api.user.jurisdiction)
        profile = create_profile(
            actor=system, code="sv", name="督办时限", accept_hours=2, handle_days=5, callback_days=3
        )
        category = create_category(actor=system, name="督办类", deadline_profile_id=profile.pk)
        case, _ = register(
            actor=system,
            request_type="complaint",
            channel="hotline",
            category_id=category.pk,
            description="占道经营",
            reporters=[{"name": "王五", "phone": "13812345678"}],
        )
        from zhiguan.org.models import Role

        dispatcher = User.objects.create_user(
            username=f"dispatcher-{api.user.pk}", jurisdiction=system.jurisdiction
        )
        dispatcher.roles.set(Role.objects.filter(code="dispatcher"))
        for action, extra in (
            ("submit", {}),
            ("dispatch", {"lead_department_id": ctx["colleague"].department_id}),
        ):
            services.perform(actor=Actor.for_user(dispatcher), case_id=case.pk, action=action, **extra)
        ctx["supervised_case"] = case
        ctx["notice"] = supervision_services.issue_notice(
            actor=system,
            department_id=ctx["colleague"].department_id,
            case_numbers=[case.number],
            level="general",
            text="请尽快办理",
            working_days=2,
        )
    return ctx


def _probe_supervision(api, action: str, ctx: dict, n: int):
    ctx = _supervision_ctx(api, ctx)
    if action == "supervision.view":
        return api.get("cases/supervision/notices")
    if action == "supervision.issue":
        return api.post(
            "cases/supervision/notices",
            {
                "department_id": ctx["colleague"].department_id,
                "case_numbers": [ctx["supervised_case"].number],
                "level": "key",
                "text": f"督办{n}",
                "working_days": 3,
            },
        )
    if action == "supervision.answer":
        return api.post(f"cases/supervision/notices/{ctx['notice'].pk}/answer", {"text": "已督促办理"})
    raise AssertionError(f"no probe for {action}")


def test_matrix_covers_every_action_and_role():
    from zhiguan.org.permissions import ACTIONS, BUILTIN_ROLES

    assert {a for _, a in EXPECTED} == set(ACTIONS)
    assert {r for r, _ in EXPECTED} == set(BUILTIN_ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_role_may_do_exactly_what_the_matrix_says(role, api_as, jurisdiction, root_department):
    dept = create_department(
        actor=Actor.system(jurisdiction),
        code="D1",
        name="城管局",
        kind="bureau",
        parent_id=root_department.pk,
    )
    api = api_as(role, jurisdiction=jurisdiction, department=dept)
    colleague = User.objects.create_user(
        username=f"colleague-{role}", jurisdiction=jurisdiction, department=dept, mobile="13812345678"
    )
    ctx = {
        "root": root_department,
        "colleague": colleague,
        "geo_import": {
            "level": "district",
            "crs": "wgs84",
            "geojson": {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "330114", "name": "钱塘区"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [[120.3, 30.2], [120.6, 30.2], [120.6, 30.4], [120.3, 30.4], [120.3, 30.2]]
                            ],
                        },
                    }
                ],
            },
        },
    }
    failures = []
    for action in sorted({a for _, a in EXPECTED}):
        response = _probe(api, action, ctx)
        allowed = EXPECTED[(role, action)]
        if allowed and response.status_code >= 400:
            failures.append(
                f"{action}: expected success, got {response.status_code} {response.content[:200]!r}"
            )
        if not allowed and (response.status_code != 403 or response.json()["error"]["code"] != "forbidden"):
            failures.append(f"{action}: expected 403 forbidden, got {response.status_code}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


def test_data_scope_limits_which_people_each_role_sees(api_as, make_user, jurisdiction, root_department):
    from zhiguan.org.permissions import Actor
    from zhiguan.org.services import create_department

    system = Actor.system(jurisdiction)
    street = create_department(
        actor=system, code="S", name="下沙街道", kind="street", parent_id=root_department.pk
    )
    community = create_department(
        actor=system, code="C", name="金沙社区", kind="community", parent_id=street.pk
    )
    other = create_department(
        actor=system, code="B", name="城管局", kind="bureau", parent_id=root_department.pk
    )
    make_user("handler", jurisdiction=jurisdiction, department=street, username="in_street")
    make_user("handler", jurisdiction=jurisdiction, department=community, username="in_community")
    make_user("handler", jurisdiction=jurisdiction, department=other, username="elsewhere")

    def seen(api):
        return {p["username"] for p in api.get("org/people").json()} & {
            "in_street",
            "in_community",
            "elsewhere",
        }

    assert seen(api_as("leader", jurisdiction=jurisdiction, department=root_department)) == {
        "in_street",
        "in_community",
        "elsewhere",
    }
    assert seen(api_as("data_officer", jurisdiction=jurisdiction, department=street)) == {
        "in_street",
        "in_community",
    }
    assert seen(api_as("handler", jurisdiction=jurisdiction, department=street)) == {"in_street"}


def test_person_out_of_scope_is_not_found_rather_than_forbidden(
    api_as, make_user, jurisdiction, root_department
):
    from zhiguan.org.permissions import Actor
    from zhiguan.org.services import create_department

    system = Actor.system(jurisdiction)
    a = create_department(actor=system, code="A", name="甲局", kind="bureau", parent_id=root_department.pk)
    b = create_department(actor=system, code="B", name="乙局", kind="bureau", parent_id=root_department.pk)
    target = make_user("handler", jurisdiction=jurisdiction, department=b, mobile="13900001111")
    # A dispatcher-like role scoped to its own department cannot reach people of another department.
    from zhiguan.org.models import Role

    Role.objects.create(
        code="dept_dispatcher",
        name="部门派遣",
        data_scope="department",
        permissions=["person.view", "person.reveal"],
    )
    api = api_as("dept_dispatcher", jurisdiction=jurisdiction, department=a)
    r = api.post(f"org/people/{target.pk}/reveal", {"reason": "x"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
