"""Machine clients and their tokens: known kinds only, nobody hands out more than they hold, and a
token that no longer works is told so (401), whatever the method."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from zhiguan.org.models import ApiClient as ClientRecord
from zhiguan.org.models import ApiToken, DataScope, Role

from ..conftest import ApiClient, assert_error


def _client_with_token(admin: ApiClient, name: str, scopes: list[str]) -> tuple[int, str]:
    made = admin.post("org/clients", {"name": name, "kind": "integrated_system", "scopes": scopes})
    assert made.status_code == 201, made.content
    issued = admin.post(f"org/clients/{made.json()['id']}/tokens", {})
    assert issued.status_code == 201, issued.content
    return made.json()["id"], issued.json()["token"]


def test_unknown_client_kind_is_refused_naming_the_field_and_the_allowed_kinds(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    err = assert_error(
        admin.post("org/clients", {"name": "无名系统", "kind": "rocket", "scopes": []}), 422, "unknown_kind"
    )
    assert err["details"]["field"] == "kind"
    assert err["details"]["allowed"] == ["channel", "smart_module", "integrated_system"]
    assert not ClientRecord.objects.filter(name="无名系统").exists()


def test_a_managing_token_cannot_mint_a_client_with_more_scopes_than_it_holds(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    _, token = _client_with_token(admin, "接入平台", ["client.manage", "department.view"])
    machine = ApiClient(Client(), token=token)
    err = assert_error(
        machine.post(
            "org/clients", {"name": "越权", "kind": "channel", "scopes": ["case.view", "department.view"]}
        ),
        403,
        "grant_exceeds_own",
    )
    assert err["details"] == {"field": "scopes", "exceeding": ["case.view"]}
    assert not ClientRecord.objects.filter(name="越权").exists()
    # Within its own scopes it may still register clients and issue their tokens.
    _, narrower = _client_with_token(machine, "部门目录", ["department.view"])
    assert ApiClient(Client(), token=narrower).get("org/departments").status_code == 200


def test_a_managing_token_cannot_issue_a_token_for_a_client_wider_than_itself(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    wide_id, _ = _client_with_token(admin, "全权系统", ["case.view", "case.act", "client.manage"])
    _, token = _client_with_token(admin, "接入平台", ["client.manage"])
    before = ApiToken.objects.filter(client_id=wide_id).count()
    err = assert_error(
        ApiClient(Client(), token=token).post(f"org/clients/{wide_id}/tokens", {}), 403, "grant_exceeds_own"
    )
    assert err["details"]["exceeding"] == ["case.act", "case.view"]
    assert ApiToken.objects.filter(client_id=wide_id).count() == before


@pytest.fixture
def custom_roles(db):
    # A district may define roles narrower than the administrator's; the built-in ones stay as they are.
    Role.objects.create(
        code="integrator",
        name="对接员",
        data_scope=DataScope.DEPARTMENT,
        permissions=["client.manage", "case.view", "department.view"],
    )
    Role.objects.create(
        code="personnel",
        name="人事专员",
        data_scope=DataScope.JURISDICTION,
        permissions=["person.view", "person.manage", "department.view"],
    )
    Role.objects.create(
        code="reader", name="查阅员", data_scope=DataScope.JURISDICTION, permissions=["department.view"]
    )


def test_a_person_cannot_mint_a_client_beyond_their_own_grants_or_data_scope(
    api_as, jurisdiction, root_department, custom_roles
):
    integrator = api_as("integrator", jurisdiction=jurisdiction, department=root_department)
    # A token acts jurisdiction-wide: holding case.view for one's own department is not enough.
    err = assert_error(
        integrator.post(
            "org/clients", {"name": "案件同步", "kind": "integrated_system", "scopes": ["case.view"]}
        ),
        403,
        "grant_exceeds_own",
    )
    assert err["details"]["exceeding"] == ["case.view"]
    assert (
        integrator.post("org/clients", {"name": "目录", "kind": "channel", "scopes": []}).status_code == 201
    )


def test_a_person_manager_cannot_grant_roles_beyond_their_own(
    api_as, make_user, jurisdiction, root_department, custom_roles
):
    manager = api_as("personnel", jurisdiction=jurisdiction, department=root_department)
    new = {"username": "newbie", "full_name": "新人", "password": "Long-enough-pw-1"}
    err = assert_error(manager.post("org/people", {**new, "role_codes": ["admin"]}), 403, "grant_exceeds_own")
    assert err["details"]["field"] == "role_codes" and "client.manage" in err["details"]["exceeding"]
    someone = make_user("reader", jurisdiction=jurisdiction, department=root_department)
    assert_error(
        manager.patch(f"org/people/{someone.pk}", {"role_codes": ["dispatcher"]}), 403, "grant_exceeds_own"
    )
    assert sorted(someone.roles.values_list("code", flat=True)) == ["reader"]
    assert manager.post("org/people", {**new, "role_codes": ["reader"]}).status_code == 201


def _revoked_and_expired(admin: ApiClient) -> list[str]:
    client_id, revoked = _client_with_token(admin, "12345热线", ["case.create", "department.view"])
    assert admin.delete(f"org/tokens/{revoked.split('_')[1]}").status_code == 200
    expired = admin.post(f"org/clients/{client_id}/tokens", {}).json()
    ApiToken.objects.filter(prefix=expired["prefix"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    return [revoked, expired["token"], f"zg_{expired['prefix']}_{'x' * 43}", "not-even-a-token"]


def test_a_token_that_no_longer_works_is_told_to_authenticate_on_every_method(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    for token in _revoked_and_expired(admin):
        # A real client: CSRF is enforced as in production (the test client skips it by default).
        machine = ApiClient(Client(enforce_csrf_checks=True), token=token, language="zh-hans")
        for response in (
            machine.post("org/departments", {"code": "X", "name": "X", "kind": "street"}),
            machine.patch("org/departments/1", {"name": "X"}),
            machine.delete("org/tokens/abc"),
            machine.get("org/departments"),
        ):
            err = assert_error(response, 401, "not_authenticated")
            assert err["message"] == "访问令牌无效、已吊销或已过期。", err


def test_a_session_without_its_csrf_token_is_refused_in_the_users_language(make_user, jurisdiction):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user("admin", jurisdiction=jurisdiction))
    response = browser.post(
        "/api/v1/org/departments",
        {"code": "X"},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    err = assert_error(response, 403, "csrf_failed")
    assert err["message"] == "页面已过期或请求来源不明，请刷新页面后重试。"


def test_a_csrf_refusal_outside_ninja_keeps_the_error_shape(make_user, jurisdiction):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_user("admin", jurisdiction=jurisdiction))
    response = browser.post(
        "/api/v2/departments", {}, content_type="application/json", headers={"Accept-Language": "en"}
    )
    err = assert_error(response, 403, "csrf_failed")
    assert "reload the page" in err["message"]
