"""No query can leak another jurisdiction's records.

Both jurisdictions are filled through the real services with records whose names carry a marker;
then every GET endpoint of the API without path parameters is called by an administrator of the
first jurisdiction (who may see everything there) and must never show the second one's marker,
and every detail endpoint asked for one of the second jurisdiction's ids must answer 404.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from zhiguan.api import api
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor
from zhiguan.org.services import create_client, create_department, create_person

MARK_A, MARK_B = "甲区标记", "乙区标记"


def populate(jurisdiction, mark: str) -> dict[str, int]:
    """Records of every kind in one jurisdiction, through the services; returns ids by kind."""
    actor = Actor.system(jurisdiction)
    root = create_department(
        actor=actor, code=f"ROOT-{jurisdiction.code}", name=f"{mark}政府", kind="district"
    )
    dept = create_department(
        actor=actor, code=f"D-{jurisdiction.code}", name=f"{mark}城管局", kind="bureau", parent_id=root.pk
    )
    person = create_person(
        actor=actor,
        username=f"p{jurisdiction.code}",
        full_name=f"{mark}人员",
        password="Long-enough-pw-1",
        role_codes=["handler"],
        department_id=dept.pk,
    )
    client = create_client(actor=actor, name=f"{mark}热线", kind="channel", scopes=["department.view"])
    ids = {"department": dept.pk, "person": person.pk, "client": client.pk}
    for extra in EXTRA_POPULATORS:
        ids.update(extra(actor, mark))
    return ids


def _geography(actor, mark: str) -> dict[str, int]:
    from zhiguan.geo.services import import_geojson

    ring = [[120.30, 30.25], [120.40, 30.25], [120.40, 30.33], [120.30, 30.33], [120.30, 30.25]]
    half = [[120.30, 30.25], [120.35, 30.25], [120.35, 30.33], [120.30, 30.33], [120.30, 30.25]]

    def fc(code: str, name: str, coords: list) -> dict:
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": code, "name": name},
                    "geometry": {"type": "Polygon", "coordinates": [coords]},
                }
            ],
        }

    import_geojson(
        actor=actor, level="district", geojson=fc(actor.jurisdiction.code, f"{mark}辖区", ring), crs="wgs84"
    )
    import_geojson(
        actor=actor,
        level="grid",
        geojson=fc(f"{actor.jurisdiction.code}001", f"{mark}网格", half),
        crs="wgs84",
    )
    return {}


def _taxonomy_and_calendar(actor, mark: str) -> dict[str, int]:
    from zhiguan.taxonomy.profiles import create_profile
    from zhiguan.taxonomy.services import create_category
    from zhiguan.workdays.services import set_override

    profile = create_profile(
        actor=actor, code="GEN", name=f"{mark}时限", accept_hours=2, handle_days=5, callback_days=3
    )
    category = create_category(actor=actor, name=f"{mark}类", deadline_profile_id=profile.pk)
    set_override(actor=actor, day="2026-12-01", kind="holiday", name=f"{mark}假日")
    return {"category": category.pk, "profile": profile.pk}


def _case(actor, mark: str) -> dict[str, int]:
    from zhiguan.cases.services import register
    from zhiguan.taxonomy.models import Category

    category = Category.objects.get(jurisdiction=actor.jurisdiction, name=f"{mark}类")
    case, _ = register(
        actor=actor,
        request_type="complaint",
        channel="hotline",
        category_id=category.pk,
        description=f"{mark}：路灯不亮",
        reporters=[{"name": f"{mark}市民", "phone": "13800001111"}],
        lng=120.32,
        lat=30.30,
        address=f"{mark}路1号",
    )
    return {"case": case.number}


EXTRA_POPULATORS: list = [_geography, _taxonomy_and_calendar, _case]


def _text(response) -> str:
    """The response as text with Chinese characters as characters, whatever the JSON escaping."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    if response.streaming:
        # The dashboard's event stream ends at once for a client that does not ask for events.
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return response.content.decode("utf-8", errors="replace")


def _get_routes() -> list[str]:
    spec = api.get_openapi_schema()
    return [path for path, ops in spec["paths"].items() if "get" in ops]


@pytest.fixture
def two_districts(jurisdiction, other_jurisdiction, make_user):
    ids_a = populate(jurisdiction, MARK_A)
    ids_b = populate(other_jurisdiction, MARK_B)
    admin = make_user(
        "admin", jurisdiction=jurisdiction, department=Department.objects.get(code=f"D-{jurisdiction.code}")
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    return client, ids_a, ids_b


def test_list_endpoints_never_show_another_jurisdiction(two_districts):
    client, _ids_a, _ids_b = two_districts
    checked = 0
    seen_own = 0
    for path in _get_routes():
        if "{" in path:
            continue
        response = client.get(path)
        body = _text(response)
        assert response.status_code < 500, (path, body[:300])
        assert MARK_B not in body, f"{path} leaks the other jurisdiction's records"
        seen_own += MARK_A in body
        checked += 1
    assert checked >= 8
    assert seen_own >= 4, "the probe saw too little of its own jurisdiction to prove anything"


def test_detail_endpoints_answer_404_for_another_jurisdictions_ids(two_districts):
    client, _ids_a, ids_b = two_districts
    routes = {
        "/api/v1/org/departments/{department_id}": ids_b["department"],
        "/api/v1/org/departments/{department_id}/history": ids_b["department"],
    }
    for extra_routes in EXTRA_DETAIL_ROUTES:
        routes.update(extra_routes(ids_b))
    for template, value in routes.items():
        path = re.sub(r"\{[^}]+\}", str(value), template)
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert response.json()["error"]["code"] == "not_found"
    r = client.post(
        f"/api/v1/org/people/{ids_b['person']}/reveal", data={"reason": "x"}, content_type="application/json"
    )
    assert r.status_code == 404


EXTRA_DETAIL_ROUTES: list = [
    lambda ids: {
        "/api/v1/taxonomy/categories/{category_id}": ids["category"],
        "/api/v1/taxonomy/profiles/{profile_id}": ids["profile"],
        "/api/v1/cases/{number}": ids["case"],
        "/api/v1/cases/{number}/timeline": ids["case"],
        "/api/v1/cases/{number}/allowed-actions": ids["case"],
    }
]
