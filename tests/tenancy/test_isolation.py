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


# Other apps add their own records here (geography, taxonomy, calendar, cases).
EXTRA_POPULATORS: list = []


def _text(response) -> str:
    """The response as text with Chinese characters as characters, whatever the JSON escaping."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
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
        assert response.status_code < 500, (path, response.content[:300])
        body = _text(response)
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


EXTRA_DETAIL_ROUTES: list = []
