"""Demo components: along roads (here the generated street grid of a district without roads)."""

from __future__ import annotations

from collections import Counter

from zhiguan.components.codes import validate_code
from zhiguan.components.demo import build_demo_components
from zhiguan.components.models import Component
from zhiguan.registries import versions


def test_demo_components_are_valid_located_and_owned(world):
    before = versions.current_token(world.actor.jurisdiction.pk, "components")
    counts = build_demo_components(actor=world.actor, target=400)
    assert 300 <= counts["components"] <= 400
    comps = list(Component.objects.select_related("category", "owner"))
    assert len(comps) == counts["components"]
    types = Counter(c.category.code for c in comps)
    assert {"DCM-P-0128", "DCM-P-0103", "DCM-P-0101", "DCM-P-0304"} <= set(types)
    assert all(validate_code(c.code, "330114", c.category.code) == [] for c in comps)
    assert all(
        120.30 <= c.lng <= 120.40 and 30.25 <= c.lat <= 30.35 and c.grid_id and c.h3_r11 for c in comps
    )
    assert {c.owner.code for c in comps if c.category.code == "DCM-P-0128"} == {"CGJLD"}
    assert Counter(c.state for c in comps)["damaged"] > 0
    assert Component.history.filter(history_source="demo").count() == len(comps)
    assert versions.current_token(world.actor.jurisdiction.pk, "components") != before
