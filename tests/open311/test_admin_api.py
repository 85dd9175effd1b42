"""Staff administration of Open311: API keys (issued once, listed without the key, revoked at once)
and service attributes (what GET services/{code} publishes and POST requests checks)."""

from __future__ import annotations

from typing import Any

from tests.conftest import assert_error
from tests.open311.conftest import BASE, client, form, xml
from zhiguan.audit.models import AuditRecord
from zhiguan.intake.open311.models import Open311Key, ServiceAttribute

URL = "/api/v1/open311"


def _issue(world: Any, name: str = "fixmystreet") -> dict:
    r = world.api("admin").post(f"{URL}/keys", {"name": name})
    assert r.status_code == 201, r.content
    return r.json()


def test_a_key_issued_in_the_console_is_shown_once_and_works(world):
    body = _issue(world)
    key = body["api_key"]
    assert key.startswith("o311_") and body["key"]["active"] is True
    listed = world.api("admin").get(f"{URL}/keys").json()
    assert [k["name"] for k in listed] == ["fixmystreet"]
    assert "api_key" not in listed[0] and key not in str(listed)
    assert Open311Key.objects.get().key_hash != key  # only the hash is kept
    r = client().post(f"{BASE}requests.json", form(world, key))
    assert r.status_code == 201, r.content
    assert world.api("admin").get(f"{URL}/keys").json()[0]["requests"] == 1
    assert AuditRecord.objects.filter(action="open311.key_issued_by_staff").count() == 1


def test_a_revoked_key_stops_working_at_once(world):
    body = _issue(world)
    r = world.api("admin").post(f"{URL}/keys/{body['key']['id']}/revoke")
    assert r.status_code == 200 and r.json()["active"] is False
    r = client().post(f"{BASE}requests.xml", form(world, body["api_key"]))
    assert r.status_code == 403 and xml(r).find("error/code").text == "403"
    assert_error(world.api("admin").post(f"{URL}/keys/{body['key']['id']}/revoke"), 409, "already_revoked")
    assert AuditRecord.objects.filter(action="open311.key_revoked").count() == 1


def test_keys_need_client_manage_and_names_are_unique(world):
    _issue(world)
    assert_error(world.api("admin").post(f"{URL}/keys", {"name": "fixmystreet"}), 422, "duplicate")
    assert_error(world.api("admin").post(f"{URL}/keys", {"name": ""}), 422, "invalid_input")
    assert_error(world.api("dispatcher").get(f"{URL}/keys"), 403, "forbidden")
    assert_error(world.api("operator").post(f"{URL}/keys", {"name": "x"}), 403, "forbidden")


SIZE = {
    "code": "size",
    "description": "摊位大小",
    "datatype": "singlevaluelist",
    "required": True,
    "order": 1,
    "values": [{"key": "small", "name": "小"}, {"key": "large", "name": "大"}],
}


def test_attributes_added_in_the_console_are_published_and_checked(world):
    api = world.api("admin")
    services = api.get(f"{URL}/services").json()
    leaf = next(s for s in services if s["category_id"] == world.category.pk)
    assert leaf["attributes"] == 0 and leaf["code"] == world.category.code
    # Only leaf categories are services.
    assert all(s["category_id"] != world.category.parent_id for s in services)
    r = api.post(f"{URL}/services/{world.category.pk}/attributes", SIZE)
    assert r.status_code == 201, r.content
    assert r.json()["datatype_label"]
    definition = client().get(f"{BASE}services/{world.category.code}.json").json()
    assert definition["attributes"][0]["code"] == "size"
    assert [v["key"] for v in definition["attributes"][0]["values"]] == ["small", "large"]
    key = _issue(world)["api_key"]
    # Required now: a request without it is refused, with it accepted.
    assert client().post(f"{BASE}requests.json", form(world, key)).status_code == 400
    ok = client().post(f"{BASE}requests.json", {**form(world, key), "attribute[size]": "small"})
    assert ok.status_code == 201, ok.content
    assert api.get(f"{URL}/services").json()[services.index(leaf)]["attributes"] == 1


def test_attributes_are_changed_and_removed_audited(world):
    api = world.api("admin")
    made = api.post(f"{URL}/services/{world.category.pk}/attributes", SIZE).json()
    changed = api.put(
        f"{URL}/services/{world.category.pk}/attributes/{made['id']}",
        {**SIZE, "required": False, "description": "摊位规模"},
    )
    assert changed.status_code == 200 and changed.json()["required"] is False
    rows = api.get(f"{URL}/services/{world.category.pk}/attributes").json()
    assert [(r["code"], r["description"]) for r in rows] == [("size", "摊位规模")]
    assert api.delete(f"{URL}/services/{world.category.pk}/attributes/{made['id']}").status_code == 204
    assert not ServiceAttribute.objects.exists()
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"open311.attribute_created", "open311.attribute_changed", "open311.attribute_deleted"} <= actions


def test_bad_attributes_are_refused_naming_the_field(world):
    api = world.api("admin")
    path = f"{URL}/services/{world.category.pk}/attributes"
    assert_error(api.post(path, {**SIZE, "values": []}), 422, "values_required")
    dup = [{"key": "a", "name": "甲"}, {"key": "a", "name": "乙"}]
    assert_error(api.post(path, {**SIZE, "values": dup}), 422, "duplicate_value")
    err = assert_error(api.post(path, {**SIZE, "code": "size code"}), 422, "invalid_input")
    assert err["details"]["field"] == "code"
    assert_error(api.post(path, {**SIZE, "datatype": "blob"}), 422, "invalid_input")
    assert api.post(path, SIZE).status_code == 201
    assert_error(api.post(path, SIZE), 409, "attribute_code_taken")
    # A text attribute keeps no values.
    text = api.post(path, {**SIZE, "code": "note", "datatype": "text"}).json()
    assert text["values"] == []
    assert_error(world.api("dispatcher").post(path, SIZE), 403, "forbidden")
    assert_error(api.post(f"{URL}/services/999999/attributes", SIZE), 404, "not_found")
