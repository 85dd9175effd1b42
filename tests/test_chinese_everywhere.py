"""Every message a Chinese user can meet is in Chinese: the whole API walked, and the Django pages.

The walk takes every operation of the OpenAPI document, as an administrator, a handler and an
anonymous visitor, in Chinese (Accept-Language zh-Hans) and with no language header (Chinese is the
default): GETs with valid ids from the test world and with bad ids and parameters, and every body
operation with the kinds of bad input people and programs send. A message (not a code, not data)
with an English word fails the test, naming the request. New operations are walked without a
change here (docs/decisions/062-chinese-everywhere.md).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from tests.cases.conftest import build_world
from tests.english import english_words, has_chinese
from zhiguan.cases.models import Case

pytestmark = pytest.mark.django_db

LANGUAGES = {"zh-Hans": {"Accept-Language": "zh-Hans,zh;q=0.9"}, "default": {}}
# The keys whose text a person reads; everything else is a code or data.
MESSAGE_KEYS = {"message", "messages", "label", "title", "hint", "explanation", "due_explanation", "warnings"}
# Would end the session the walk goes on with.
SKIP = {("post", "/api/v1/auth/logout")}
BAD_IDS = ["999999999", "abc", "-1", "9" * 30]


@pytest.fixture
def world(jurisdiction: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ZHIGUAN_API_RATE = "100000/m"
    return build_world(jurisdiction)


def _spec() -> dict[str, Any]:
    from zhiguan.api import api

    return api.get_openapi_schema()


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _names(spec: dict[str, Any]) -> set[str]:
    """Field names, parameter names and enum values of the document: a message may quote them."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            names.update(str(v) for v in node.get("enum", []))
            if node.get("in") and node.get("name"):
                names.add(node["name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return names


def _messages(node: Any, key: str | None = None) -> list[str]:
    if isinstance(node, dict):
        return [m for k, v in node.items() for m in _messages(v, k)]
    if isinstance(node, list):
        return [m for v in node for m in _messages(v, key)]
    return [node] if isinstance(node, str) and key in MESSAGE_KEYS else []


def _bad_value(schema: dict[str, Any], spec: dict[str, Any], kind: str) -> Any:
    schema = _resolve(spec, schema)
    if "anyOf" in schema:
        schema = _resolve(spec, next((s for s in schema["anyOf"] if s.get("type") != "null"), {}))
    typ = schema.get("type")
    if kind == "too_long":
        return "长" * 6000 if typ == "string" else ["x"] * 2000 if typ == "array" else 10**40
    return {"string": 12345, "integer": "abc", "number": "abc", "boolean": "yes", "array": "x"}.get(typ, 5)


def _query_value(schema: dict[str, Any]) -> str:
    typ = schema.get("type") or next((s.get("type") for s in schema.get("anyOf", []) if s.get("type")), "")
    if schema.get("format") in ("date", "date-time"):
        return "2026-13-45"
    return {"integer": "abc", "number": "abc", "boolean": "perhaps", "array": "x" * 300}.get(typ, "x" * 3000)


class Walk:
    def __init__(self, world: Any, client: Client, persona: str):
        self.world, self.client, self.persona = world, client, persona
        self.spec = _spec()
        self.allowed = _names(self.spec)
        self.findings: list[str] = []
        self.case = world.case_in("to_dispatch")
        self.count = 0

    def valid_path_values(self) -> dict[str, str]:
        w = self.world
        return {
            "department_id": str(w.depts["CGJ"].pk),
            "person_id": str(w.users["lead"].pk),
            "category_id": str(w.category.pk),
            "profile_id": str(w.profile.pk),
            "number": Case.objects.get(pk=self.case.pk).number,
            "day": "2026-05-01",
            "year": "2026",
        }

    def check(self, method: str, url: str, how: str, response: Any) -> None:
        self.count += 1
        where = f"{self.persona} {method.upper()} {url} [{how}] → {response.status_code}"
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("application/json"):
            if response.status_code >= 400:
                self.findings.append(f"{where}: not the error shape ({content_type})")
            return
        body = response.json()
        allowed = set(self.allowed)
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
            allowed.add(str(error.get("code")))
            for item in (error.get("details") or {}).get("fields") or []:
                allowed |= {str(item.get("field")), str(item.get("type"))}
            if not has_chinese(str(error.get("message", ""))):
                self.findings.append(f"{where}: message not in Chinese: {error.get('message')!r}")
        for text in _messages(body):
            if words := english_words(text, allowed):
                self.findings.append(f"{where}: {text!r} → {words}")

    def send(self, method: str, url: str, how: str, headers: dict[str, str], **kwargs: Any) -> None:
        response = getattr(self.client, method)(url, headers=headers, **kwargs)
        self.check(method, url, how, response)

    def run(self, languages: dict[str, dict[str, str]]) -> None:
        valid = self.valid_path_values()
        for path, item in self.spec["paths"].items():
            for method, op in item.items():
                if (method, path) in SKIP:
                    continue
                for n, (language, headers) in enumerate(languages.items()):
                    # Every kind of request in the first language; a sample in the others.
                    self.operation(path, method, op, valid, language, headers, full=n == 0)
        for language, headers in languages.items():
            self.send("get", "/api/v1/no-such-thing", f"unknown route, {language}", headers)
            self.send("get", "/api/v2/", f"unknown API, {language}", headers)
            self.send("delete", "/api/v1/cases/stats/by-status", f"wrong method, {language}", headers)

    def operation(
        self,
        path: str,
        method: str,
        op: dict,
        valid: dict[str, str],
        language: str,
        headers: dict[str, str],
        *,
        full: bool,
    ) -> None:
        params = [p for p in op.get("parameters", []) if p["in"] == "path"]
        query = [p for p in op.get("parameters", []) if p["in"] == "query"]

        def url(values: dict[str, str]) -> str:
            out = path
            for p in params:
                out = out.replace("{" + p["name"] + "}", values.get(p["name"], BAD_IDS[0]))
            return out

        for bad in BAD_IDS[: (len(BAD_IDS) if full else 1) if params else 0]:
            self.send(method, url(dict.fromkeys(valid, bad)), f"bad id, {language}", headers)
        good = url(valid)
        body = op.get("requestBody", {}).get("content", {})
        if method == "get":
            self.send("get", good, f"valid, {language}", headers)
            if query and full:
                bad_query = {p["name"]: _query_value(p.get("schema", {})) for p in query}
                self.send("get", good, f"bad query, {language}", headers, data=bad_query)
                self.send("get", good, f"unknown query, {language}", headers, data={"zz_unknown": "1"})
            return
        if "application/json" in body:
            self.json_bodies(method, good, body["application/json"]["schema"], language, headers, full=full)
        elif "multipart/form-data" in body:
            self.send(method, good, f"empty form, {language}", headers, data={})
            self.send(
                method,
                good,
                f"JSON to a form, {language}",
                headers,
                data="{}",
                content_type="application/json",
            )
        elif method == "post" and not params:
            self.send(method, good, f"no body, {language}", headers)

    def json_bodies(
        self, method: str, url: str, schema: dict, language: str, headers: dict[str, str], *, full: bool
    ) -> None:
        schema = _resolve(self.spec, schema)
        props = schema.get("properties", {})
        bodies: dict[str, Any] = {
            "empty object": "{}",
            "not JSON": "{not json",
            "a list": "[]",
            "unknown field": json.dumps({"zz_unknown": 1}),
            "wrong types": json.dumps({k: _bad_value(v, self.spec, "wrong") for k, v in props.items()}),
            "too long": json.dumps({k: _bad_value(v, self.spec, "too_long") for k, v in props.items()}),
        }
        for how, data in bodies.items():
            if full or how in ("empty object", "wrong types"):
                self.send(
                    method, url, f"{how}, {language}", headers, data=data, content_type="application/json"
                )
        if full:
            self.send(
                method,
                url,
                f"form to JSON, {language}",
                headers,
                data="a=1",
                content_type="application/x-www-form-urlencoded",
            )


def _client(world: Any, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


@pytest.mark.parametrize("persona", ["admin", "lead", "anonymous"])
def test_every_api_message_is_in_chinese(world: Any, persona: str) -> None:
    walk = Walk(world, _client(world, persona), persona)
    # The default language is checked once (as the administrator): it must be Chinese too.
    walk.run(LANGUAGES if persona == "admin" else {"zh-Hans": LANGUAGES["zh-Hans"]})
    assert walk.count > 300
    assert not walk.findings, f"{len(walk.findings)} English messages:\n" + "\n".join(walk.findings[:60])


# A ctx of each kind pydantic-core sends, so that every message is rendered with its limits filled in.
SAMPLE_CTX = {
    "min_length": 2, "max_length": 5, "gt": 0, "ge": 1, "lt": 10, "le": 9, "multiple_of": 3,
    "max_digits": 4, "decimal_places": 2, "whole_digits": 2, "expected": "'a', 'b' or 'c'",
    "expected_tags": "'x' or 'y'", "discriminator": "'kind'", "expected_schemes": "'http' or 'https'",
    "expected_version": 4, "tz_expected": 28800, "pattern": "^\\d+$", "error": "input is too short",
    "field_type": "List", "actual_length": 7,
}  # fmt: skip


def test_every_pydantic_error_type_has_a_chinese_message_with_its_limits() -> None:
    import typing

    from django.utils import translation
    from pydantic_core.core_schema import ErrorType

    from zhiguan.validation import _MESSAGES, field_errors

    kinds = [k for k in typing.get_args(ErrorType) if k != "value_error"]
    assert not [k for k in kinds if k not in _MESSAGES], "a pydantic error type without a message"
    with translation.override("zh-hans"):
        for kind in kinds:
            (item,) = field_errors([{"type": kind, "loc": ("description",), "ctx": SAMPLE_CTX}])
            assert has_chinese(item["message"]) and not english_words(item["message"]), (kind, item)
            assert has_chinese(item["label"]), item
        messages = {
            k: field_errors([{"type": k, "loc": ("x",), "ctx": SAMPLE_CTX}])[0]["message"] for k in kinds
        }
    assert messages["string_too_long"] == "过长，最多 5 个字符。"
    assert messages["too_long"] == "过多，最多 5 项。"
    assert messages["greater_than_equal"] == "须不小于 1。"
    assert messages["literal_error"] == "请从以下取值中选择：a、b、c。"
    assert messages["timezone_offset"] == "时区须为 +08:00。"


def test_the_first_field_error_names_the_field_in_chinese(world: Any) -> None:
    api = world.api("admin")
    api.headers = {"Accept-Language": "zh-Hans"}
    error = api.post("org/departments", {"code": "X" * 100, "name": "测试", "kind": "bureau"}).json()["error"]
    assert error["message"] == "代码：过长，最多 32 个字符。", error
    assert error["details"]["fields"][0]["label"] == "代码"


def test_english_words_finds_english_and_lets_codes_and_acronyms_pass() -> None:
    assert english_words("String should have at least 1 character") == [
        "String",
        "should",
        "have",
        "least",
        "character",
    ]
    assert english_words("Field required") == ["Field", "required"]
    assert english_words("请发送 JSON（Content-Type: application/json）。") == []
    assert english_words("坐标须为 WGS-84，GeoJSON 格式，见 https://example.org/x") == []
    assert english_words("字段 lead_department_id 无效") == []
    assert english_words("部门 CGJ 已停用", allowed=["CGJ"]) == []
    assert english_words("lead 不存在", allowed=["lead"]) == []


# --- Django's own pages ---------------------------------------------------------------------------


class _PageText(HTMLParser):
    """The text a reader sees on a page and the attributes a screen reader or a hover shows."""

    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        self.parts += [v for k, v in attrs if k in self.ATTRIBUTES and v]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def page_text(html: str) -> str:
    parser = _PageText()
    parser.feed(html)
    return "\n".join(p for p in parser.parts if not _is_data(p))


def _data_words(world: Any) -> set[str]:
    # What the admin lists show as data: the test world's usernames, names and codes.
    from zhiguan.geo.models import Area
    from zhiguan.org.models import Role
    from zhiguan.taxonomy.models import DeadlineProfile

    words = {u.username for u in world.users.values()} | {u.full_name for u in world.users.values()}
    words |= {d.code for d in world.depts.values()} | set(Role.objects.values_list("code", flat=True))
    words |= set(DeadlineProfile.objects.values_list("code", flat=True))
    # django-axes's name for a log-in it could not name, and the audit trail's label of the platform
    # itself, both stored as written (reported: docs/decisions/062-chinese-everywhere.md).
    words |= {"unknown", "system"}
    return words | set(Area.objects.values_list("source", flat=True))


def _is_data(line: str) -> bool:
    # A JSON value shown as it is stored (an audit record's before and after, a role's actions).
    try:
        return isinstance(json.loads(line), dict | list)
    except ValueError:
        return False


def assert_page_in_chinese(response: Any, where: str, allowed: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    text = page_text(response.content.decode())
    words = english_words(text, allowed)
    assert has_chinese(text), f"{where}: no Chinese on the page"
    assert not words, f"{where}: English on the page: {sorted(set(words))}"


def _admin_urls(superuser: Any) -> list[str]:
    """Every admin list, add form and one change form of each model that has a record."""
    from types import SimpleNamespace

    from django.contrib import admin
    from django.urls import reverse

    # Load the URLconf first: it finishes configuring the admin site (zhiguan.admin_site.configure
    # unregisters Django's groups), so the registry read below is the one the pages are built from.
    reverse("admin:index")
    request = SimpleNamespace(user=superuser)
    urls = []
    for model, model_admin in list(admin.site._registry.items()):
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


@pytest.fixture
def superuser(world: Any) -> Any:
    from zhiguan.org.models import User

    return User.objects.create_superuser(
        username="root-admin",
        password="Zg-test-pass-2026",
        jurisdiction=world.jurisdiction,
        full_name="系统管理员",
    )


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_admin_site_is_in_chinese(world: Any, superuser: Any, language: str) -> None:
    world.case_in("to_dispatch")
    client = Client()
    client.force_login(superuser)
    headers = LANGUAGES[language]
    allowed = _data_words(world) | {superuser.username}
    findings = []
    for url in ["/admin/", "/admin/password_change/", *_admin_urls(superuser)]:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        text = page_text(response.content.decode())
        if words := english_words(text, allowed):
            findings.append(f"{url}: {sorted(set(words))}")
        if not has_chinese(text):
            findings.append(f"{url}: no Chinese on the page")
    assert not findings, "English on admin pages:\n" + "\n".join(findings)


def test_the_admin_log_in_page_and_a_wrong_password_are_in_chinese(world: Any) -> None:
    client = Client()
    assert_page_in_chinese(client.get("/admin/login/"), "/admin/login/")
    response = client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    assert_page_in_chinese(response, "wrong password")
    assert "用户名" in page_text(response.content.decode())


def test_a_locked_out_admin_log_in_is_a_chinese_page_and_the_api_says_so_in_chinese(world: Any) -> None:
    from django.conf import settings

    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post("/admin/login/", {"username": "lead-330114", "password": "wrong"})
    assert response.status_code == 429
    assert_page_in_chinese(response, "admin lock-out")
    assert "登录" in page_text(response.content.decode())
    api = client.post(
        "/api/v1/auth/login",
        {"username": "lead-330114", "password": "wrong"},
        content_type="application/json",
    )
    assert api.status_code == 429 and has_chinese(api.json()["error"]["message"])


def test_the_admin_not_authorized_page_is_in_chinese(world: Any) -> None:
    # A person of the platform who is no staff member: Django's "You are authenticated as …" page.
    client = Client()
    client.force_login(world.users["lead"])
    response = client.get("/admin/", follow=True)
    assert_page_in_chinese(response, "not authorized", _data_words(world))


def test_error_pages_are_in_chinese_and_plain(world: Any, settings: Any) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    for language, headers in LANGUAGES.items():
        response = client.get("/no-such-page/", headers=headers)
        assert response.status_code == 404
        assert_page_in_chinese(response, f"404, {language}")


def test_pages_speak_chinese_to_an_english_browser_until_english_is_chosen(world: Any) -> None:
    # An official's browser set to English still gets Chinese pages; the console's switch (the
    # language cookie) changes them. The API keeps following Accept-Language.
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    assert_page_in_chinese(client.get("/admin/login/"), "English browser")
    client.cookies["django_language"] = "en"
    assert "Log in" in client.get("/admin/login/").content.decode()
    english = Client(headers={"Accept-Language": "en"}).get("/api/v1/org/departments").json()
    assert english["error"]["message"] == "Log in first."


def test_the_csrf_failure_page_is_in_chinese(world: Any, superuser: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    response = client.post("/admin/logout/")
    assert response.status_code == 403
    assert_page_in_chinese(response, "CSRF failure")
    assert "<link" not in response.content.decode() and "<script" not in response.content.decode()


@pytest.mark.parametrize("template", ["400.html", "403.html", "404.html", "500.html", "403_csrf.html"])
def test_each_error_page_template_renders_chinese_without_outside_assets(template: str) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("zh-hans"):
        html = render_to_string(template, {"request_path": "/x/", "reason": ""})
    assert has_chinese(html) and not english_words(page_text(html)), template
    assert "http" not in html and "<script" not in html, template
