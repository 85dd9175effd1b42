"""Shared fixtures. Tests build state through the real service functions, not by poking rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from zhiguan.org.models import Department, Role, User
from zhiguan.org.permissions import Actor
from zhiguan.tenancy.models import Jurisdiction

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

TEST_PASSWORD = "Zg-test-pass-2026"


def pytest_configure(config: pytest.Config) -> None:
    # Fast hashing in tests; production keeps Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data; skips the test with a clear message when the data set is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (clone ../shared beside the repo to run this test)")
    return path


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def jurisdiction(db: Any) -> Jurisdiction:
    return Jurisdiction.objects.create(code="330114", name="钱塘区")


@pytest.fixture
def other_jurisdiction(db: Any) -> Jurisdiction:
    return Jurisdiction.objects.create(code="330108", name="滨江区")


@pytest.fixture
def system(jurisdiction: Jurisdiction) -> Actor:
    return Actor.system(jurisdiction)


@pytest.fixture
def root_department(jurisdiction: Jurisdiction) -> Department:
    from zhiguan.org.services import create_department

    return create_department(actor=Actor.system(jurisdiction), code="GOV", name="区政府", kind="district")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = {"n": 0}

    def make(
        *roles: str, jurisdiction: Jurisdiction, department: Department | None = None, **extra: Any
    ) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=extra.pop("username", f"user{counter['n']}"),
            password=TEST_PASSWORD,
            jurisdiction=jurisdiction,
            department=department,
            full_name=extra.pop("full_name", f"测试{counter['n']}"),
            **extra,
        )
        user.roles.set(Role.objects.filter(code__in=roles))
        return user

    return make


class ApiClient:
    """A thin JSON client for /api/v1/ that logs in as a person or carries a bearer token."""

    def __init__(self, client: Client, token: str | None = None, language: str = "en"):
        self.client = client
        self.headers: dict[str, str] = {"Accept-Language": language}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        fn = getattr(self.client, method)
        if method in ("get", "delete") and body is None:
            return fn(url, params or None, headers=self.headers)
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return fn(url, data=data, content_type="application/json", headers=self.headers)

    def get(self, path: str, **params: Any) -> Any:
        return self._call("get", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self._call("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self._call("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._call("put", path, body)

    def delete(self, path: str) -> Any:
        return self._call("delete", path)


@pytest.fixture
def api_as(make_user: Callable[..., User]) -> Callable[..., ApiClient]:
    """api_as("dispatcher", jurisdiction=j) → a client logged in as a new person with that role."""

    def make(
        *roles: str,
        jurisdiction: Jurisdiction,
        department: Department | None = None,
        language: str = "en",
        **extra: Any,
    ) -> ApiClient:
        user = make_user(*roles, jurisdiction=jurisdiction, department=department, **extra)
        client = Client()
        client.force_login(user)
        api = ApiClient(client, language=language)
        api.user = user  # type: ignore[attr-defined]
        return api

    return make


@pytest.fixture
def anonymous_api(db: Any) -> ApiClient:
    return ApiClient(Client())


def assert_error(response: Any, status: int, code: str) -> dict:
    """The response carries the one error shape with this status and code."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> None:
    # Throttles and lock-out counters live in the cache (the database cache by default): each test
    # that reaches the database starts with none.
    names = set(request.fixturenames)
    if not ({"db", "transactional_db"} & names or request.node.get_closest_marker("django_db")):
        return
    from django.core.cache import cache

    request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
    cache.clear()
