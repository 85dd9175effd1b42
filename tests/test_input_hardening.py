"""Crafted input at the HTTP edge: no input gives a 500, text is clean, every body is strict.

The generic tests walk the OpenAPI document, so that a schema added later is held to the same rules
(docs/decisions/050-input-hardening.md).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from tests.cases.conftest import build_world
from zhiguan.org.models import ApiClient as MachineClient
from zhiguan.org.models import Department

from .conftest import ApiClient, assert_error

ERROR_STATUSES = ("400", "401", "403", "404", "409", "413", "422", "429")


@pytest.fixture
def world(jurisdiction: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(jurisdiction)


@pytest.fixture
def admin(api_as, jurisdiction, root_department) -> ApiClient:
    return api_as("admin", jurisdiction=jurisdiction, department=root_department)


def _csrf_client(force_login: Any = None) -> tuple[Client, dict[str, str]]:
    """A client that runs the CSRF check as a browser or a fuzzer meets it (the test client skips it)."""
    client = Client(enforce_csrf_checks=True)
    if force_login is not None:
        client.force_login(force_login)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return client, {"X-CSRFToken": token, "Accept-Language": "en"}


def _spec(api: ApiClient) -> dict[str, Any]:
    return api.get("/api/v1/openapi.json").json()


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _operations(spec: dict[str, Any]):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


# --- 5. No input gives a 500 -------------------------------------------------------------------

# A JSON operation behind the session's CSRF check, the anonymous log-in, a file upload, a citizen's form.
MULTIPART_TARGETS = [
    "/api/v1/org/departments",
    "/api/v1/auth/login",
    "/api/v1/cases/attachments",
    "/api/v1/cases/public/submit",
]
LOGIN_NEEDED = {"/api/v1/org/departments", "/api/v1/cases/attachments"}


@pytest.mark.parametrize("path", MULTIPART_TARGETS)
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "admin"])
@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "b" * 300,
        'multipart/form-data; boundary="a b\x7f"',
    ],
    ids=["no-boundary", "empty-boundary", "long-boundary", "bad-boundary"],
)
def test_multipart_without_a_valid_boundary_is_a_malformed_body_not_a_server_error(
    path, logged_in, content_type, make_user, jurisdiction, root_department
):
    user = make_user("admin", jurisdiction=jurisdiction, department=root_department) if logged_in else None
    client, headers = _csrf_client(user)
    r = client.post(
        path,
        data=b"--x\r\nContent-Disposition: form-data\r\n\r\n",
        content_type=content_type,
        headers=headers,
    )
    if not logged_in and path in LOGIN_NEEDED:
        # Refused as anonymous before the body is read, or on reading it: never a 500.
        assert_error(r, r.status_code, {400: "malformed_body", 401: "not_authenticated"}[r.status_code])
    else:
        assert_error(r, 400, "malformed_body")


def test_truncated_multipart_body_is_a_malformed_body(make_user, jurisdiction, root_department):
    client, headers = _csrf_client(make_user("admin", jurisdiction=jurisdiction, department=root_department))
    body = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc'
    r = client.post(
        "/api/v1/cases/attachments",
        data=body,
        content_type="multipart/form-data; boundary=xyz",
        headers=headers,
    )
    assert r.status_code in (400, 422), r.content
    assert_error(r, r.status_code, "malformed_body" if r.status_code == 400 else "invalid_input")


def test_json_body_over_the_upload_limit_is_413_in_the_error_shape(admin, anonymous_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = {"code": "X", "name": "x" * 2000, "kind": "bureau"}
    assert_error(admin.post("org/departments", big), 413, "payload_too_large")
    assert_error(
        anonymous_api.post("auth/login", {"username": "u" * 2000, "password": "p"}), 413, "payload_too_large"
    )
    assert not Department.objects.filter(code="X").exists()


def test_multipart_form_over_the_upload_limit_is_413(anonymous_api, settings, jurisdiction):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client, headers = _csrf_client()
    r = client.post(
        "/api/v1/cases/public/submit",
        {
            "jurisdiction": "330114",
            "request_type": "complaint",
            "category_id": 1,
            "description": "x" * 2000,
            "name": "王",
            "phone": "13812345678",
        },
        headers=headers,
    )
    assert_error(r, 413, "payload_too_large")


@pytest.mark.parametrize(
    "extra",
    [{"actor": "admin"}, {"case_id": 1}, {"action": "close"}, {"role": "lead"}, {"payload": {}}],
    ids=lambda e: next(iter(e)),
)
def test_workflow_action_body_with_extra_keys_is_refused_in_the_users_language(world, extra):
    case = world.case_in("to_dispatch")
    events = case.events.count()
    api = world.api("dispatcher")
    api.headers["Accept-Language"] = "zh-hans"
    body = {"lead_department_id": world.depts["CGJ"].pk, **extra}
    err = assert_error(api.post(f"cases/{case.number}/actions/dispatch", body), 422, "invalid_input")
    field = next(iter(extra))
    assert [(f["field"], f["type"]) for f in err["details"]["fields"]] == [(field, "extra_forbidden")]
    assert err["details"]["fields"][0]["message"] == "此处不接受该字段。"
    case.refresh_from_db()
    assert case.status == "to_dispatch" and case.events.count() == events


def test_token_expiry_without_a_time_zone_is_refused(admin, jurisdiction):
    client = MachineClient.objects.create(jurisdiction=jurisdiction, name="热线", kind="channel", scopes=[])
    err = assert_error(
        admin.post(f"org/clients/{client.pk}/tokens", {"expires_at": "2030-01-01T00:00:00"}),
        422,
        "invalid_input",
    )
    assert [(f["field"], f["type"]) for f in err["details"]["fields"]] == [("expires_at", "timezone_aware")]
    assert not client.tokens.exists()
    r = admin.post(f"org/clients/{client.pk}/tokens", {"expires_at": "2030-01-01T00:00:00+08:00"})
    assert r.status_code == 201, r.content


def test_a_false_parent_does_not_move_a_department_to_the_root(admin, root_department):
    dept = admin.post(
        "org/departments", {"code": "B1", "name": "城管局", "kind": "bureau", "parent_id": root_department.pk}
    ).json()
    for parent in (False, 0, "1", 1.0):
        err = assert_error(
            admin.post(f"org/departments/{dept['id']}/move", {"parent_id": parent}), 422, "invalid_input"
        )
        assert err["details"]["field"] == "parent_id"
    assert Department.objects.get(pk=dept["id"]).parent_id == root_department.pk


def test_a_zero_does_not_deactivate_a_department(admin, root_department):
    dept = admin.post(
        "org/departments", {"code": "B1", "name": "城管局", "kind": "bureau", "parent_id": root_department.pk}
    ).json()
    for active in (0, "false", "", None):
        err = assert_error(
            admin.post(f"org/departments/{dept['id']}/active", {"active": active}), 422, "invalid_input"
        )
        assert err["details"]["field"] == "active"
    assert Department.objects.get(pk=dept["id"]).active is True


def test_query_parameters_are_still_read_from_text(admin, root_department):
    assert admin.get("org/departments", include_inactive="true").status_code == 200
    assert admin.get("audit/records", limit="50", before_id="9").status_code == 200
    assert (
        admin.get("cases", limit="5", department_id=str(root_department.pk), status="registered").status_code
        == 200
    )
    assert admin.get("cases/supervision/notices", open="true", department_id="1").status_code == 200


def test_every_json_body_refuses_unknown_fields_and_loose_ids_and_booleans(admin):
    """Every operation with a JSON body: an unknown key, `false` for a number and `0` for a boolean are
    each named in one 422 (nothing reaches a service)."""
    spec = _spec(admin)
    checked = 0
    for path, method, operation in _operations(spec):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        schema = _resolve(spec, content["application/json"]["schema"])
        body: dict[str, Any] = {"zz_unknown": "x"}
        for name, prop in schema.get("properties", {}).items():
            kinds = {_resolve(spec, s).get("type") for s in prop.get("anyOf", [prop])}
            if kinds & {"integer", "number"} and "boolean" not in kinds:
                body[name] = False
            elif kinds == {"boolean"} or kinds == {"boolean", "null"}:
                body[name] = 0
        url = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path.removeprefix("/api/v1"))
        r = getattr(admin.client, method)(url, data=json.dumps(body), content_type="application/json")
        err = assert_error(r, 422, "invalid_input")
        named = {f["field"] for f in err["details"]["fields"]}
        assert set(body) <= named, (method, path, body, err["details"]["fields"])
        checked += 1
    assert checked > 40


def test_a_field_that_takes_two_kinds_of_value_is_named_as_the_client_sent_it(admin):
    err = assert_error(admin.post("geo/import", {"level": "grid", "geojson": 5}), 422, "invalid_input")
    assert {f["field"] for f in err["details"]["fields"]} == {"geojson"}


def test_every_operation_documents_its_error_responses_with_the_error_schema(admin):
    spec = _spec(admin)
    error = _resolve(spec, {"$ref": "#/components/schemas/ErrorOut"})
    assert error["required"] == ["error"]
    inner = _resolve(spec, error["properties"]["error"])
    assert set(inner["required"]) == {"code", "message", "details"}
    for path, method, operation in _operations(spec):
        for status in ERROR_STATUSES:
            response = operation["responses"].get(status)
            assert response, (method, path, status)
            assert response["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }


# --- 6. Text is clean ---------------------------------------------------------------------------

UNCLEAN = ["\x00", "\x07", "\x1b[31m", "\u202e", "\u2066", "\x7f", "\x85"]


@pytest.mark.parametrize("bad", UNCLEAN, ids=lambda c: f"U+{ord(c[0]):04X}")
def test_control_characters_and_direction_overrides_are_refused_in_bodies(admin, bad, root_department):
    err = assert_error(
        admin.post("org/departments", {"code": "B1", "name": f"城管{bad}局", "kind": "bureau"}),
        422,
        "invalid_input",
    )
    assert [(f["field"], f["type"]) for f in err["details"]["fields"]] == [("name", "invalid_text")]
    assert not Department.objects.filter(code="B1").exists()


def test_unclean_text_is_refused_in_lists_nested_objects_and_free_mappings(world):
    admin = world.api("admin")
    err = assert_error(
        admin.post(
            "org/people",
            {"username": "u1", "full_name": "王", "password": "Zg-pass-2026!", "role_codes": ["handler\x00"]},
        ),
        422,
        "invalid_input",
    )
    assert err["details"]["field"] == "role_codes"
    case_body = {
        "request_type": "complaint",
        "channel": "hotline",
        "category_id": world.category.pk,
        "description": "占道经营",
        "reporters": [{"name": "王\u202e小明", "phone": "13812345678"}],
    }
    operator = world.api("operator")
    err = assert_error(operator.post("cases", case_body), 422, "invalid_input")
    assert err["details"]["field"] == "reporters.0.name"
    geojson = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"code": "G9", "name": "网格\x00"}, "geometry": None}],
    }
    err = assert_error(admin.post("geo/import", {"level": "grid", "geojson": geojson}), 422, "invalid_input")
    assert err["details"]["field"] == "geojson"


def test_multi_line_text_keeps_its_newlines_and_tabs(world):
    case = world.case_in("to_dispatch")
    api = world.api("dispatcher")
    r = api.post(
        f"cases/{case.number}/actions/dispatch",
        {"lead_department_id": world.depts["CGJ"].pk, "note": "第一行\n\t第二行\r\n第三行"},
    )
    assert r.status_code == 200, r.content
    assert case.events.order_by("-seq").first().note == "第一行\n\t第二行\r\n第三行"


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\u202e"], ids=["NUL", "ESC", "RLO"])
def test_unclean_text_in_a_query_or_a_path_is_refused_not_sent_to_the_database(world, bad):
    api = world.api("dispatcher")
    err = assert_error(api.get("cases", q=f"油烟{bad}"), 422, "invalid_input")
    assert err["details"]["field"] == "q"
    assert_error(api.get("taxonomy/categories/search", q=bad), 422, "invalid_input")
    assert_error(api.get(f"cases/2026{bad}"), 422, "invalid_input")
    assert_error(world.api("admin").get("audit/records", object_id=bad), 422, "invalid_input")


def test_every_text_field_of_a_body_or_a_query_has_a_length_limit(admin):
    spec = _spec(admin)
    unbounded: list[str] = []

    def walk(schema: dict[str, Any], where: str, seen: frozenset[str] = frozenset()) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            if name not in seen:
                walk(_resolve(spec, schema), where, seen | {name})
            return
        for branch in schema.get("anyOf", []) + schema.get("allOf", []):
            walk(branch, where, seen)
        if (
            schema.get("type") == "string"
            and not (
                "enum" in schema
                or "const" in schema
                or schema.get("format") in {"date", "date-time", "time", "binary"}
            )
            and "maxLength" not in schema
        ):
            unbounded.append(where)
        if schema.get("type") == "array":
            if "maxItems" not in schema:
                unbounded.append(f"{where}[]")
            walk(schema.get("items", {}), f"{where}[]", seen)
        for name, prop in schema.get("properties", {}).items():
            walk(prop, f"{where}.{name}", seen)

    for path, method, operation in _operations(spec):
        for param in operation.get("parameters", []):
            if param["in"] == "query":
                walk(param["schema"], f"{method} {path} ?{param['name']}")
        for media in operation.get("requestBody", {}).get("content", {}).values():
            walk(media["schema"], f"{method} {path} body")
    assert not unbounded, "\n".join(unbounded)
