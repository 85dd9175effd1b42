import pytest

from zhiguan.audit.models import AuditRecord

from ..conftest import assert_error
from .conftest import fingerprint

URGENT = {"code": "URGENT", "name": "紧急", "accept_hours": 0.5, "handle_days": 1, "callback_days": 1}


@pytest.fixture
def admin(api_as, jurisdiction):
    return api_as("admin", jurisdiction=jurisdiction)


def test_admin_creates_and_updates_a_profile_with_audit(admin):
    r = admin.post("taxonomy/profiles", URGENT)
    assert r.status_code == 201, r.content
    profile = r.json()
    assert profile["urgent_accept_hours"] == 0.5 and profile["urgent_handle_days"] == 1
    r = admin.patch(f"taxonomy/profiles/{profile['id']}", {"callback_days": 2, "name": "特急"})
    assert r.status_code == 200 and r.json()["callback_days"] == 2
    record = AuditRecord.objects.get(action="deadline_profile.updated")
    assert record.before["callback_days"] == 1 and record.after["callback_days"] == 2
    assert [p["code"] for p in admin.get("taxonomy/profiles").json()] == ["URGENT"]


def test_consultation_profile_may_accept_at_intake(admin):
    r = admin.post(
        "taxonomy/profiles",
        {"code": "CONSULT", "name": "咨询", "accept_hours": 0, "handle_days": 1, "callback_days": 1},
    )
    assert r.status_code == 201 and r.json()["accept_hours"] == 0


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"accept_hours": -1}, 422, "invalid_profile"),
        ({"handle_days": 0}, 422, "invalid_profile"),
        ({"callback_days": -3}, 422, "invalid_profile"),
        ({"handle_days": 366}, 422, "invalid_profile"),
        ({"accept_hours": 10000}, 422, "invalid_profile"),
        ({"accept_hours": 0.125}, 422, "invalid_profile"),
        ({"urgent_handle_days": 5}, 422, "invalid_profile"),
        ({"name": " "}, 422, "invalid_input"),
        ({"code": "GENERAL"}, 409, "duplicate_code"),
    ],
)
def test_bad_profile_is_rejected_and_nothing_is_written(admin, general, changes, status, code):
    before = fingerprint()
    assert_error(admin.post("taxonomy/profiles", {**URGENT, **changes}), status, code)
    assert fingerprint() == before


def test_bad_profile_update_changes_nothing(admin, general):
    before = fingerprint()
    assert_error(admin.patch(f"taxonomy/profiles/{general.pk}", {"handle_days": 0}), 422, "invalid_profile")
    assert_error(
        admin.patch(f"taxonomy/profiles/{general.pk}", {"urgent_accept_hours": 3}), 422, "invalid_profile"
    )
    assert fingerprint() == before


def test_inactive_profile_stays_on_its_categories_but_cannot_be_chosen(admin, general, tree):
    top = tree["城乡建设"]
    admin.patch(f"taxonomy/categories/{top.pk}", {"deadline_profile_id": general.pk})
    admin.patch(f"taxonomy/profiles/{general.pk}", {"active": False})
    assert admin.get(f"taxonomy/categories/{top.pk}").json()["effective_profile"]["code"] == "GENERAL"
    assert admin.get("taxonomy/profiles").json() == []
    before = fingerprint()
    other = tree["经济管理"]
    assert_error(
        admin.patch(f"taxonomy/categories/{other.pk}", {"deadline_profile_id": general.pk}),
        422,
        "invalid_profile",
    )
    assert fingerprint() == before


def test_profiles_are_per_jurisdiction(api_as, other_jurisdiction, general):
    foreign = api_as("admin", jurisdiction=other_jurisdiction)
    assert foreign.get("taxonomy/profiles").json() == []
    assert_error(foreign.get(f"taxonomy/profiles/{general.pk}"), 404, "not_found")
    assert foreign.post("taxonomy/profiles", {**URGENT, "code": "GENERAL"}).status_code == 201


def test_intake_operator_sees_profiles_but_cannot_create(api_as, jurisdiction, general):
    operator = api_as("intake_operator", jurisdiction=jurisdiction)
    assert [p["code"] for p in operator.get("taxonomy/profiles").json()] == ["GENERAL"]
    assert_error(operator.post("taxonomy/profiles", URGENT), 403, "forbidden")
