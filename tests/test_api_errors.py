"""The one error shape, in the request's language, for every kind of bad request."""

from django.test import Client

from .conftest import ApiClient, assert_error


def test_unknown_endpoint_gets_json_not_found(anonymous_api):
    assert_error(anonymous_api.get("/api/v1/no/such/thing"), 404, "not_found")
    assert_error(anonymous_api.get("/api/v2/departments"), 404, "not_found")


def test_anonymous_request_is_told_to_log_in(anonymous_api):
    assert_error(anonymous_api.get("org/departments"), 401, "not_authenticated")


def test_malformed_json_and_wrong_types_get_clear_codes(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    assert_error(admin.post("org/departments", "{not json"), 400, "malformed_body")
    err = assert_error(
        admin.post("org/departments", {"code": "X", "name": "X", "kind": 3, "parent_id": "abc"}),
        422,
        "invalid_input",
    )
    assert {f["field"] for f in err["details"]["fields"]} >= {"parent_id"}


def test_wrong_method_gets_the_error_shape(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    assert_error(admin.put("org/departments", {}), 405, "method_not_allowed")


def test_messages_are_chinese_by_default_and_english_on_request(db):
    zh = ApiClient(Client(), language="zh-hans")
    assert assert_error(zh.get("org/departments"), 401, "not_authenticated")["message"] == "请先登录。"
    default = Client().get("/api/v1/org/departments")
    assert default.json()["error"]["message"] == "请先登录。"
    en = ApiClient(Client(), language="en")
    assert assert_error(en.get("org/departments"), 401, "not_authenticated")["message"] == "Log in first."


def test_openapi_document_and_docs_are_served_without_a_cdn(make_user, jurisdiction):
    # In production mode (the default) they need a log-in: tests/test_security_headers.py.
    client = Client()
    client.force_login(make_user("dispatcher", jurisdiction=jurisdiction))
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "Zhiguan API"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower() and b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_ids_beyond_the_database_range_are_invalid_input_not_a_crash(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    huge = 10**20
    assert_error(admin.get("geo/areas", parent_id=huge), 422, "invalid_input")
    assert admin.get("audit/records", before_id=huge).status_code == 200
    assert_error(admin.get(f"org/departments/{huge}"), 404, "not_found")
