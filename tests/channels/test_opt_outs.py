"""A caller's SMS opt-out recorded by staff: listed masked, found by the full number, lifted; the
notices door then keeps a notice unsent for that number (docs/decisions/085)."""

from __future__ import annotations

from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.notifications import citizen
from zhiguan.notifications.models import CitizenOptOut

URL = "/api/v1/channels/opt-outs"


def test_an_operator_records_a_callers_opt_out_and_no_sms_follows(world):
    api = world.api("operator")
    r = api.post(URL, {"phone": "+86 138-1234-5678", "note": "来电要求不再接收短信"})
    assert r.status_code == 201, r.content
    assert r.json()["address"] != "13812345678" and r.json()["channel"] == "sms"
    assert citizen.opted_out(world.jurisdiction, "sms", "13812345678")
    again = api.post(URL, {"phone": "13812345678"})
    assert again.status_code == 200 and CitizenOptOut.objects.count() == 1
    record = AuditRecord.objects.get(action="notification.opted_out")
    assert record.actor_user_id == world.users["operator"].pk


def test_the_list_is_masked_filtered_and_searchable_by_the_full_number(world):
    api = world.api("operator")
    api.post(URL, {"phone": "13812345678"})
    api.post(URL, {"phone": "13900001111"})
    citizen.set_opt_out(
        jurisdiction=world.jurisdiction, channel="wechat", address="oyORnuP8q7ou2gfYjqLzSIWZf0rs", out=True
    )
    rows = api.get(URL).json()
    assert len(rows) == 3
    assert not any(r["address"] in ("13812345678", "13900001111") for r in rows)
    assert [r["channel"] for r in api.get(URL, channel="wechat").json()] == ["wechat"]
    found = api.get(URL, number="138 1234 5678").json()
    assert len(found) == 1 and found[0]["address"].startswith("138")


def test_lifting_an_opt_out_resumes_notices(world):
    api = world.api("operator")
    row = api.post(URL, {"phone": "13812345678"}).json()
    assert api.delete(f"{URL}/{row['id']}").status_code == 204
    assert not citizen.opted_out(world.jurisdiction, "sms", "13812345678")
    assert AuditRecord.objects.filter(action="notification.opted_in").count() == 1
    assert_error(api.delete(f"{URL}/{row['id']}"), 404, "not_found")


def test_bad_numbers_and_people_without_reveal_are_refused(world):
    assert_error(world.api("operator").post(URL, {"phone": "0571-86001234"}), 422, "not_mobile")
    assert_error(world.api("lead").get(URL), 403, "forbidden")
    assert_error(world.api("lead").post(URL, {"phone": "13812345678"}), 403, "forbidden")
    assert not CitizenOptOut.objects.exists()
