"""Rate limits cannot be dodged with a made-up X-Forwarded-For and are shared by every worker."""

from __future__ import annotations

import json

from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory

from tests.conftest import assert_error
from zhiguan.network import client_address


def _login(xff: str | None = None, addr: str = "10.0.0.5"):
    headers = {"X-Forwarded-For": xff} if xff else {}
    return Client(REMOTE_ADDR=addr, headers=headers).post(
        "/api/v1/auth/login",
        json.dumps({"username": "nobody", "password": "wrong-password"}),
        content_type="application/json",
    )


def test_a_new_forwarded_for_value_per_request_does_not_reset_the_log_in_limit(db, settings):
    settings.ZHIGUAN_LOGIN_RATE = "3/m"
    cache.clear()
    codes = [_login(xff=f"203.0.113.{i}").status_code for i in range(5)]
    assert codes[:3] == [401, 401, 401]
    assert codes[3:] == [429, 429]
    assert_error(_login(xff="198.51.100.1"), 429, "rate_limited")
    # Another real client is not affected.
    assert _login(addr="10.0.0.6").status_code == 401


def test_the_client_address_believes_only_the_trusted_proxies(settings):
    rf = RequestFactory()
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.ZHIGUAN_TRUSTED_PROXIES = 0
    assert client_address(request) == "10.0.0.1"
    settings.ZHIGUAN_TRUSTED_PROXIES = 1
    assert client_address(request) == "198.51.100.7"
    settings.ZHIGUAN_TRUSTED_PROXIES = 2
    assert client_address(request) == "6.6.6.6"
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    settings.ZHIGUAN_TRUSTED_PROXIES = 1
    assert client_address(garbage) == "10.0.0.1"


def test_behind_one_trusted_proxy_a_spoofed_left_entry_is_the_same_client(db, settings):
    settings.ZHIGUAN_TRUSTED_PROXIES = 1
    settings.ZHIGUAN_LOGIN_RATE = "2/m"
    cache.clear()
    codes = [_login(xff=f"{i}.{i}.{i}.{i}, 198.51.100.9").status_code for i in range(1, 4)]
    assert codes == [401, 401, 429]


def test_counts_live_in_the_shared_database_cache_not_in_one_workers_memory(db, settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.clear()
    _login()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM zhiguan_cache")
        (rows,) = cursor.fetchone()
    assert rows >= 1
