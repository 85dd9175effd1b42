from zhiguan.audit.models import AuditRecord
from zhiguan.org.models import User

from ..conftest import TEST_PASSWORD, assert_error


def test_admin_changes_roles_and_the_change_is_audited(api_as, make_user, jurisdiction, root_department):
    admin = api_as("admin", jurisdiction=jurisdiction)
    person = make_user("handler", jurisdiction=jurisdiction, department=root_department)
    r = admin.patch(
        f"org/people/{person.pk}", {"role_codes": ["handler", "inspector"], "reason": "兼任网格员"}
    )
    assert r.status_code == 200 and r.json()["roles"] == ["handler", "inspector"]
    rec = AuditRecord.objects.get(action="person.updated")
    assert rec.before["roles"] == ["handler"] and rec.after["roles"] == ["handler", "inspector"]
    assert rec.note == "兼任网格员"


def test_deactivated_person_cannot_log_in_and_is_kept(api_as, make_user, jurisdiction, anonymous_api):
    admin = api_as("admin", jurisdiction=jurisdiction)
    person = make_user("handler", jurisdiction=jurisdiction, username="leaver")
    assert admin.patch(f"org/people/{person.pk}", {"is_active": False}).json()["is_active"] is False
    assert_error(
        anonymous_api.post("auth/login", {"username": "leaver", "password": TEST_PASSWORD}),
        401,
        "invalid_credentials",
    )
    assert User.objects.filter(username="leaver").exists()


def test_admin_cannot_deactivate_themselves(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    assert_error(admin.patch(f"org/people/{admin.user.pk}", {"is_active": False}), 409, "self_deactivation")
    assert User.objects.get(pk=admin.user.pk).is_active


def test_bad_person_changes_change_nothing(api_as, make_user, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    person = make_user("handler", jurisdiction=jurisdiction, mobile="13800001111")
    before = AuditRecord.objects.count()
    assert_error(admin.patch(f"org/people/{person.pk}", {"role_codes": ["wizard"]}), 422, "invalid_input")
    assert_error(admin.patch(f"org/people/{person.pk}", {"mobile": "12"}), 422, "invalid_input")
    assert_error(admin.patch(f"org/people/{person.pk}", {"department_id": 999999}), 404, "not_found")
    person.refresh_from_db()
    assert person.mobile == "13800001111" and [r.code for r in person.roles.all()] == ["handler"]
    assert AuditRecord.objects.count() == before


def test_person_of_another_jurisdiction_cannot_be_changed(
    api_as, make_user, jurisdiction, other_jurisdiction
):
    admin = api_as("admin", jurisdiction=jurisdiction)
    stranger = make_user("handler", jurisdiction=other_jurisdiction)
    assert_error(admin.patch(f"org/people/{stranger.pk}", {"is_active": False}), 404, "not_found")
