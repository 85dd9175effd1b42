"""API keys (issued by command, only the hash stored, the demo's printed), and the rate limits:
per address on every endpoint, per key on writes, and a flood that never reaches the staff."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.open311.conftest import BASE, client, error, form
from zhiguan.cases.models import Case
from zhiguan.intake.open311 import services
from zhiguan.intake.open311.models import Open311Key


def test_issue_key_prints_a_key_that_works_and_only_its_hash_is_stored(world):
    out = StringIO()
    call_command(
        "open311", "issue-key", "--jurisdiction", world.jurisdiction.code, "--name", "fixmystreet", stdout=out
    )
    key = out.getvalue().strip()
    assert key.startswith("o311_")
    row = Open311Key.objects.get()
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(list(Open311Key.objects.values()))
    assert client().post(BASE + "requests.json", form(world, key)).status_code == 201
    assert Case.objects.get().registered_by_client == row.client
    listing = StringIO()
    call_command("open311", "list-keys", stdout=listing)
    assert "fixmystreet" in listing.getvalue() and key not in listing.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "open311", "issue-key", "--jurisdiction", world.jurisdiction.code, "--name", "fixmystreet"
        )
    with pytest.raises(CommandError):
        call_command("open311", "issue-key", "--jurisdiction", "999999", "--name", "x")


def test_the_demo_key_is_printed_the_same_every_time_and_works(world):
    lines: list[str] = []
    services.print_demo_key(lines.append)
    services.print_demo_key(lines.append)
    assert lines[1] == lines[3] and lines[1].strip().startswith("o311_")
    assert world.jurisdiction.code in lines[0]
    assert Open311Key.objects.filter(name="演示客户端").count() == 1
    assert client().post(BASE + "requests.json", form(world, lines[1].strip())).status_code == 201


def test_the_demo_command_prints_the_key_with_the_log_ins(world, monkeypatch):
    from zhiguan.demo.management.commands import demo

    monkeypatch.setattr(demo, "demo_logins", lambda: [("operator", "intake_operator", "区政府")])
    lines: list[str] = []
    demo.print_logins(lines.append)
    assert any("/open311/v2/" in line for line in lines) and lines[-1].strip().startswith("o311_")


def test_requests_per_address_are_limited_in_the_spec_format(world, settings):
    settings.ZHIGUAN_OPEN311_RATE = "3/m"
    for _ in range(3):
        assert client().get(BASE + "services.json").status_code == 200
    error(client().get(BASE + "services.json"), 429, "json")
    error(client().get(BASE + "requests.xml"), 429)
    # Another address has its own allowance.
    assert Client(REMOTE_ADDR="10.1.2.3").get(BASE + "services.json").status_code == 200


def test_writes_per_key_are_limited_wherever_they_come_from(world, api_key, settings):
    settings.ZHIGUAN_OPEN311_KEY_RATE = "2/m"
    for n in range(2):
        assert (
            Client(REMOTE_ADDR=f"10.0.0.{n}").post(BASE + "requests.json", form(world, api_key)).status_code
            == 201
        )
    error(Client(REMOTE_ADDR="10.0.0.9").post(BASE + "requests.json", form(world, api_key)), 429, "json")
    assert Case.objects.count() == 2


def test_a_flood_from_one_source_is_refused_cheaply_and_staff_work_on(
    world, api_key, settings, django_assert_max_num_queries
):
    settings.ZHIGUAN_OPEN311_RATE = "5/m"
    staff = world.api("operator")
    world.new_case()
    codes = [client().post(BASE + "requests.json", form(world, api_key)).status_code for _ in range(40)]
    assert codes.count(201) == 5 and codes.count(429) == 35
    # A refused request costs the cache look-up, no case query: the flood cannot load the database.
    with django_assert_max_num_queries(3):
        assert client().get(BASE + "requests.json").status_code == 429
    # The staff, from the same address, are untouched: their allowance is their own.
    for _ in range(10):
        r = staff.get("cases")
        assert r.status_code == 200, r.content
    assert Case.objects.count() == 6
