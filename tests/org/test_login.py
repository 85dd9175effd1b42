from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from zhiguan.org.models import ApiToken

from ..conftest import TEST_PASSWORD, ApiClient, assert_error


@pytest.fixture
def person(make_user, jurisdiction):
    return make_user("dispatcher", jurisdiction=jurisdiction, username="dispatcher1")


def test_login_returns_roles_and_permissions_then_session_works(person, anonymous_api):
    r = anonymous_api.post("auth/login", {"username": "dispatcher1", "password": TEST_PASSWORD})
    assert r.status_code == 200, r.content
    me = r.json()
    assert me["roles"] == ["dispatcher"] and me["jurisdiction_code"] == "330114"
    assert me["permissions"]["department.view"] == "jurisdiction"
    assert anonymous_api.get("auth/me").json()["username"] == "dispatcher1"
    anonymous_api.post("auth/logout")
    assert_error(anonymous_api.get("auth/me"), 401, "not_authenticated")


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(person, anonymous_api):
    err = assert_error(
        anonymous_api.post("auth/login", {"username": "dispatcher1", "password": "nope"}),
        401,
        "invalid_credentials",
    )
    assert "password" in err["message"].lower()
    assert_error(
        anonymous_api.post("auth/login", {"username": "nobody", "password": "nope"}),
        401,
        "invalid_credentials",
    )


def test_repeated_failures_lock_the_account_even_for_the_right_password(person, anonymous_api, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anonymous_api.post("auth/login", {"username": "dispatcher1", "password": "wrong"})
    err = assert_error(
        anonymous_api.post("auth/login", {"username": "dispatcher1", "password": TEST_PASSWORD}),
        429,
        "login_locked",
    )
    assert err["details"]["retry_after_minutes"] == 15
    # Another person from the same address is not locked out by someone else's failures.
    assert_error(
        anonymous_api.post("auth/login", {"username": "someone", "password": "x"}), 401, "invalid_credentials"
    )


def test_success_before_the_limit_resets_the_failure_count(person, anonymous_api, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        anonymous_api.post("auth/login", {"username": "dispatcher1", "password": "wrong"})
    assert (
        anonymous_api.post("auth/login", {"username": "dispatcher1", "password": TEST_PASSWORD}).status_code
        == 200
    )
    anonymous_api.post("auth/logout")
    anonymous_api.post("auth/login", {"username": "dispatcher1", "password": "wrong"})
    assert (
        anonymous_api.post("auth/login", {"username": "dispatcher1", "password": TEST_PASSWORD}).status_code
        == 200
    )


def test_login_messages_follow_the_request_language(person):
    zh = ApiClient(Client(), language="zh-hans")
    err = assert_error(
        zh.post("auth/login", {"username": "dispatcher1", "password": "x"}), 401, "invalid_credentials"
    )
    assert err["message"] == "用户名或密码错误。"


def _issue(admin, scopes):
    client = admin.post("org/clients", {"name": "12345热线", "kind": "channel", "scopes": scopes}).json()
    r = admin.post(f"org/clients/{client['id']}/tokens", {})
    assert r.status_code == 201, r.content
    return r.json()


def test_machine_client_token_is_stored_hashed_and_limited_to_its_scopes(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    issued = _issue(admin, ["department.view"])
    token = issued["token"]
    stored = ApiToken.objects.get(prefix=issued["prefix"])
    assert token not in stored.key_hash and len(stored.key_hash) == 64
    machine = ApiClient(Client(), token=token)
    assert machine.get("org/departments").status_code == 200
    assert_error(machine.get("org/people"), 403, "forbidden")
    assert ApiToken.objects.get(prefix=issued["prefix"]).last_used_at is not None


def test_revoked_or_expired_or_forged_tokens_are_refused(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    issued = _issue(admin, ["department.view"])
    machine = ApiClient(Client(), token=issued["token"])
    assert admin.delete(f"org/tokens/{issued['prefix']}").status_code == 200
    assert_error(machine.get("org/departments"), 401, "not_authenticated")

    second = admin.post(
        "org/clients/" + str(ApiToken.objects.get(prefix=issued["prefix"]).client_id) + "/tokens", {}
    ).json()
    ApiToken.objects.filter(prefix=second["prefix"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(ApiClient(Client(), token=second["token"]).get("org/departments"), 401, "not_authenticated")
    forged = f"zg_{second['prefix']}_{'x' * 43}"
    assert_error(ApiClient(Client(), token=forged).get("org/departments"), 401, "not_authenticated")


def test_token_with_unknown_scope_is_refused(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    err = assert_error(
        admin.post("org/clients", {"name": "x", "kind": "channel", "scopes": ["launch.missiles"]}),
        422,
        "invalid_input",
    )
    assert err["details"]["unknown"] == ["launch.missiles"]
