"""The demo district's integrated systems: six, each with a mapping the server accepts."""

from __future__ import annotations

from typing import Any

import pytest

from zhiguan.intake.systems.demo import build_demo_systems
from zhiguan.intake.systems.models import ExternalSystem


@pytest.mark.django_db
def test_the_demo_connects_six_systems_and_110_acts_as_a_dispatcher(world: Any) -> None:
    out = build_demo_systems(actor=world.system)
    assert out["systems"] == 6
    systems = {s.code: s for s in ExternalSystem.objects.filter(jurisdiction=world.jurisdiction)}
    assert set(systems) == {"110", "ENV", "DCM", "ZF", "AJ", "XF"}
    police = systems["110"]
    assert police.acting_user is not None and police.acting_user.roles.filter(code="dispatcher").exists()
    assert systems["ENV"].acting_user is None
    # The one category name the test district has is mapped wherever a system names it.
    assert police.mapping["categories"]["A01"] == world.category.code
    assert police.mapping["statuses"]["80"] == "closed"
