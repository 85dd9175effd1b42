"""An inspector's report about a city component (城市部件): checked, and placed at it when needed."""

from __future__ import annotations

from tests.cases.conftest import INSIDE
from tests.cases.test_components import FAR, NEAR, parts
from tests.conftest import assert_error
from tests.intake.test_field_reports import URL, _photo, _report
from zhiguan.cases.models import Case

__all__ = ["parts"]


def test_a_report_names_a_component_by_code_and_takes_its_type(world, parts):
    form = {"description": "井盖缺失", "lng": NEAR[0], "lat": NEAR[1], "component": parts["cover"].code}
    r = world.api("inspector").client.post(URL, data={**form, "photos": [_photo()]})
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()["number"])
    assert case.component_id == parts["cover"].pk
    assert case.category_id == parts["type"].pk
    assert r.json()["position_source"] == "device"


def test_without_a_position_the_report_stands_at_the_component(world, parts):
    r = _report(world, component=str(parts["cover"].pk))
    assert r.status_code == 201, r.content
    assert r.json()["position_source"] == "component"
    assert (r.json()["lng"], r.json()["lat"]) == INSIDE
    assert r.json()["grid_name"] == "金沙1号网格"


def test_a_report_far_from_its_component_or_naming_none_that_exists_is_refused(world, parts):
    before = Case.objects.count()
    assert_error(
        _report(world, lng=FAR[0], lat=FAR[1], component=parts["cover"].code), 422, "component_too_far"
    )
    assert_error(
        _report(world, lng=NEAR[0], lat=NEAR[1], component="330114000000000000"), 422, "unknown_component"
    )
    # No position and no component: still the position is asked for.
    assert_error(_report(world), 422, "position_required")
    assert Case.objects.count() == before
