"""A registry that scopes by department (城市部件, by owning department) holds through the generic API."""

from __future__ import annotations

import pytest

pytest.importorskip("zhiguan.components.registry")

from ..components.conftest import LAT, LNG, add_component, world  # noqa: F401


def test_a_data_officer_of_another_department_cannot_change_a_component(api_as, world):  # noqa: F811
    water = add_component(
        world.actor, code="3301140101000001", category="上水井盖", owner="SWGS", lng=LNG, lat=LAT, name="井盖"
    )
    officer = api_as("data_officer", jurisdiction=world.actor.jurisdiction, department=world.cgj)
    r = officer.patch(f"registries/components/records/{water.pk}", {"values": {"name": "改名"}})
    assert r.status_code in (403, 404)
    water.refresh_from_db()
    assert water.name == "井盖" and water.history.count() == 1
    own = api_as("data_officer", jurisdiction=world.actor.jurisdiction, department=world.sw)
    r = own.patch(f"registries/components/records/{water.pk}", {"values": {"name": "改名"}})
    assert r.status_code == 200, r.content
    water.refresh_from_db()
    assert water.name == "改名"
