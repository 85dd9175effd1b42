"""An administrator sets a temporary password for a person who lost theirs."""

from __future__ import annotations

from zhiguan.audit.models import AuditRecord

from ..conftest import TEST_PASSWORD, assert_error

NEW_PASSWORD = "Xiasha-temp-2026"


def _log_in(api, username, password):
    return api.post("auth/login", {"username": username, "password": password})


def test_after_a_reset_the_person_logs_in_with_the_temporary_password_only(
    api_as, make_user, jurisdiction, anonymous_api
):
    admin = api_as("admin", jurisdiction=jurisdiction)
    person = make_user("handler", jurisdiction=jurisdiction, username="forgetful")
    r = admin.post(
        f"org/people/{person.pk}/password", {"password": NEW_PASSWORD, "reason": "本人来电，忘记密码"}
    )
    assert r.status_code == 200, r.content
    assert_error(_log_in(anonymous_api, "forgetful", TEST_PASSWORD), 401, "invalid_credentials")
    assert _log_in(anonymous_api, "forgetful", NEW_PASSWORD).status_code == 200


def test_the_reset_is_audited_without_the_password(api_as, make_user, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    person = make_user("handler", jurisdiction=jurisdiction)
    admin.post(f"org/people/{person.pk}/password", {"password": NEW_PASSWORD, "reason": "忘记密码"})
    rec = AuditRecord.objects.get(action="person.password_reset")
    assert rec.note == "忘记密码" and rec.actor_user_id == admin.user.pk and rec.object_id == str(person.pk)
    assert NEW_PASSWORD not in str(rec.before) + str(rec.after) + rec.note


def test_a_reset_lifts_the_lock_out_after_failed_log_ins(
    api_as, make_user, jurisdiction, anonymous_api, settings
):
    person = make_user("handler", jurisdiction=jurisdiction, username="locked")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(anonymous_api, "locked", "wrong-guess")
    assert_error(_log_in(anonymous_api, "locked", TEST_PASSWORD), 429, "login_locked")
    admin = api_as("admin", jurisdiction=jurisdiction)
    assert admin.post(f"org/people/{person.pk}/password", {"password": NEW_PASSWORD}).status_code == 200
    assert _log_in(anonymous_api, "locked", NEW_PASSWORD).status_code == 200


def test_a_weak_password_is_refused_next_to_the_field_and_nothing_changes(
    api_as, make_user, jurisdiction, anonymous_api
):
    admin = api_as("admin", jurisdiction=jurisdiction)
    person = make_user("handler", jurisdiction=jurisdiction, username="weak")
    err = assert_error(
        admin.post(f"org/people/{person.pk}/password", {"password": "123"}), 422, "invalid_input"
    )
    assert err["details"]["field"] == "password"
    assert _log_in(anonymous_api, "weak", TEST_PASSWORD).status_code == 200
    assert not AuditRecord.objects.filter(action="person.password_reset").exists()


def test_only_people_managers_reset_passwords_and_only_in_their_jurisdiction(
    api_as, make_user, jurisdiction, other_jurisdiction
):
    person = make_user("handler", jurisdiction=jurisdiction)
    dispatcher = api_as("dispatcher", jurisdiction=jurisdiction)
    assert_error(
        dispatcher.post(f"org/people/{person.pk}/password", {"password": NEW_PASSWORD}), 403, "forbidden"
    )
    stranger = make_user("handler", jurisdiction=other_jurisdiction)
    admin = api_as("admin", jurisdiction=jurisdiction)
    assert_error(
        admin.post(f"org/people/{stranger.pk}/password", {"password": NEW_PASSWORD}), 404, "not_found"
    )
