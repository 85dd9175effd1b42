"""Reports near a point on the citizen's map, and "我也遇到了这个问题" instead of a duplicate."""

from __future__ import annotations

import pytest

from tests.cases.conftest import INSIDE
from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import CaseEvent
from zhiguan.geo.crs import haversine_m

# The world's cases are registered at INSIDE (120.36, 30.26); these points are ~100 m and ~3 km off.
HERE = {"lng": 120.361, "lat": 30.2605}
FAR = (120.39, 30.26)
DEVICE = "device-0001-abcd"


def _nearby(anonymous_api, world, **params):
    return anonymous_api.get("cases/public/nearby", jurisdiction=world.jurisdiction.code, **(HERE | params))


def _me_too(anonymous_api, world, case, device=DEVICE, phone=""):
    body = {"jurisdiction": world.jurisdiction.code, "device": device, "phone": phone}
    return anonymous_api.post(f"cases/public/reports/{case.pk}/me-too", body)


def test_nearby_shows_public_reports_with_their_public_status_and_no_personal_data(world, anonymous_api):
    dispatched = world.walk(
        world.new_case(description="金沙路占道经营 电话13812345678"), "submit", "dispatch"
    )
    far = world.new_case(lng=FAR[0], lat=FAR[1])
    r = _nearby(anonymous_api, world)
    assert r.status_code == 200, r.content
    items = r.json()
    assert [i["id"] for i in items] == [dispatched.pk]
    item = items[0]
    assert (item["status"], item["open"], item["category_name"], item["me_too_count"]) == (
        "in_progress",
        True,
        "市容环境",  # the level-2 name, not the internal level-3 one
        0,
    )
    assert item["category2_id"] == world.category.parent_id
    # An approximate point: near the real one, not on it.
    off = haversine_m(*INSIDE, item["lng"], item["lat"])
    assert 0 < off < 120
    text = r.content.decode()
    for private in ("王小明", "13812345678", "金沙路", dispatched.number, "下沙街道金沙路1号"):
        assert private not in text
    assert far.pk not in [i["id"] for i in _nearby(anonymous_api, world, radius=1000).json()]


def test_confidential_request_types_rejected_and_hidden_categories_stay_off_the_map(
    world, anonymous_api, settings
):
    shown = world.new_case()
    world.new_case(request_type="report")  # 举报: the informant is protected
    world.new_case(request_type="consultation", category_id=world.consult_category.pk)
    world.case_in("rejected")
    assert [i["id"] for i in _nearby(anonymous_api, world).json()] == [shown.pk]
    settings.ZHIGUAN_PUBLIC_HIDDEN_CATEGORIES = (world.category.parent.parent.code,)
    assert _nearby(anonymous_api, world).json() == []


def test_me_too_is_counted_once_per_device_and_once_per_phone(world, anonymous_api):
    case = world.new_case()
    first = _me_too(anonymous_api, world, case, phone="13900001111")
    assert first.status_code == 200, first.content
    assert first.json() == {"created": True, "me_too_count": 1}
    assert _me_too(anonymous_api, world, case).json() == {"created": False, "me_too_count": 1}
    same_phone = _me_too(anonymous_api, world, case, device="another-device-2", phone="139 0000 1111")
    assert same_phone.json() == {"created": False, "me_too_count": 1}
    other = _me_too(anonymous_api, world, case, device="another-device-3")
    assert other.json() == {"created": True, "me_too_count": 2}
    events = CaseEvent.objects.filter(case=case, action="me_too")
    assert events.count() == 2 and case.events.count() == 3
    assert "13900001111" not in str(list(events.values_list("payload", flat=True)))
    assert AuditRecord.objects.filter(action="case.me_too_added").count() == 2
    assert _nearby(anonymous_api, world).json()[0]["me_too_count"] == 2
    case.refresh_from_db()
    assert case.version == 1  # nobody's open form goes stale


def test_me_too_refuses_hidden_closed_and_unknown_reports_and_changes_nothing(world, anonymous_api):
    private = world.new_case(request_type="report")
    assert_error(_me_too(anonymous_api, world, private), 404, "not_found")
    closed = world.case_in("closed")
    assert_error(_me_too(anonymous_api, world, closed), 409, "not_open")
    bad = {"jurisdiction": world.jurisdiction.code, "device": "x"}
    assert_error(anonymous_api.post(f"cases/public/reports/{private.pk}/me-too", bad), 422, "invalid_input")
    assert not CaseEvent.objects.filter(action="me_too").exists()


@pytest.mark.parametrize(
    ("params", "code"),
    [({"radius": 0}, "invalid_input"), ({"radius": 5000}, "invalid_input"), ({"crs": "mars"}, "unknown_crs")],
)
def test_bad_nearby_questions_get_clear_codes(world, anonymous_api, params, code):
    assert_error(_nearby(anonymous_api, world, **params), 422, code)


def test_nearby_in_an_unknown_district_is_404(world, anonymous_api):
    r = anonymous_api.get("cases/public/nearby", jurisdiction="999999", **HERE)
    assert_error(r, 404, "not_found")


def test_me_too_is_throttled_like_the_citizen_submission(world, anonymous_api, settings):
    settings.ZHIGUAN_CITIZEN_RATE = "3/m"
    case = world.new_case()
    codes = [_me_too(anonymous_api, world, case, device=f"device-{i:08d}").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    assert CaseEvent.objects.filter(action="me_too").count() == 3
