"""A system's signed event becomes a case once; every refusal has its stable code and writes nothing."""

from __future__ import annotations

import json
import time

from django.test import Client

from tests.conftest import assert_error
from tests.systems.conftest import MAPPING, event, send
from zhiguan.cases.models import Case
from zhiguan.intake.systems import services


def test_a_signed_event_registers_a_case_from_the_system(police):
    r = send(Client(), police, event())
    assert r.status_code == 201, r.content
    body = r.json()
    case = Case.objects.get(number=body["case_number"])
    assert body["created"] is True
    assert case.channel == "system" and case.external_ref == "110:JJ20261202001"
    assert case.description.startswith("金沙路口")
    assert case.address == "下沙街道金沙路1号"
    assert case.reporters.get().name == "李警官"


def test_the_same_event_sent_again_returns_the_same_case_and_creates_nothing(police):
    first = send(Client(), police, event()).json()
    again = send(Client(), police, event(), timestamp=int(time.time()) - 1)
    assert again.status_code == 200
    assert again.json() == {**first, "created": False}
    assert Case.objects.count() == 1


def test_a_replayed_signed_request_is_refused(police):
    ts = int(time.time())
    assert send(Client(), police, event(), timestamp=ts).status_code == 201
    assert_error(send(Client(), police, event(), timestamp=ts), 409, "replayed")


def test_a_wrong_signature_or_secret_is_refused(police):
    assert_error(send(Client(), police, event(), secret="not-the-secret"), 401, "bad_signature")
    assert_error(send(Client(), police, event(), signature="sha256=00"), 401, "bad_signature")
    r = Client().post(
        f"/api/v1/systems/inbound/{police.jurisdiction.code}/110", data=b"{}", content_type="application/json"
    )
    assert_error(r, 401, "bad_signature")
    assert Case.objects.count() == 0


def test_a_stale_or_future_timestamp_is_refused(police):
    assert_error(send(Client(), police, event(), timestamp=int(time.time()) - 3600), 401, "stale_timestamp")
    assert_error(send(Client(), police, event(), timestamp=int(time.time()) + 3600), 401, "stale_timestamp")
    assert Case.objects.count() == 0


def test_an_unmapped_category_is_refused_and_the_fixed_event_is_accepted(police):
    err = assert_error(send(Client(), police, event(typeCode="Z99")), 422, "unmapped_category")
    assert err["details"]["field"] == "typeCode"
    assert Case.objects.count() == 0
    ts = int(time.time())
    # Refused content leaves no nonce behind: the same moment, fixed, goes through.
    assert send(Client(), police, event(typeCode="Z99"), timestamp=ts).status_code == 422
    assert send(Client(), police, event(), timestamp=ts).status_code == 201


def test_missing_fields_malformed_json_and_unknown_systems_are_refused(police):
    assert_error(send(Client(), police, event(content="")), 422, "missing_field")
    assert_error(send(Client(), police, b"{not json"), 422, "malformed_json")
    assert_error(send(Client(), police, b"[1, 2]"), 422, "malformed_json")
    r = Client().post("/api/v1/systems/inbound/330114/nope", data=b"{}", content_type="application/json")
    assert_error(r, 404, "unknown_system")
    assert Case.objects.count() == 0


def test_a_disabled_system_is_refused(police, world):
    data = services.SystemInput(
        code="110",
        name=police.name,
        kind=police.kind,
        callback_url=police.callback_url,
        enabled=False,
        mapping=police.mapping,
    )
    services.save_system(actor=world.actor("admin"), data=data, system_id=police.pk)
    assert_error(send(Client(), police, event()), 404, "unknown_system")


def test_an_urgent_level_makes_an_urgent_case(police):
    number = send(Client(), police, event(level="1")).json()["case_number"]
    assert Case.objects.get(number=number).urgency == "urgent"


# ------------------------------------------------------------------------------- the mapping, saved


def _body(world, **overrides):
    mapping = {**MAPPING, "categories": {"A01": world.category.code}}
    return {
        "code": "SZCG",
        "name": "数字城管",
        "kind": "digital_city",
        "callback_url": "http://127.0.0.1:9/cb",
        "enabled": True,
        "mapping": mapping,
        **overrides,
    }


def test_the_administrator_adds_a_system_and_sees_its_secrets_once(world):
    admin = world.api("admin")
    r = admin.post("systems/", _body(world))
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["inbound_secret"] and created["callback_secret"]
    assert created["system"]["inbound_url"] == "/api/v1/systems/inbound/330114/SZCG"
    listed = admin.get("systems/").json()
    assert [s["code"] for s in listed] == ["SZCG"]
    assert "inbound_secret" not in json.dumps(listed)
    assert_error(admin.post("systems/", _body(world)), 409, "system_code_taken")


def test_a_mapping_is_checked_when_saved(world):
    admin = world.api("admin")
    bad_target = _body(world)
    bad_target["mapping"] = {**bad_target["mapping"], "fields": {**MAPPING["fields"], "x": "colour"}}
    assert_error(admin.post("systems/", bad_target), 422, "invalid_mapping")
    no_id = _body(world)
    no_id["mapping"] = {**no_id["mapping"], "fields": {"content": "description", "typeCode": "category"}}
    assert_error(admin.post("systems/", no_id), 422, "invalid_mapping")
    bad_category = _body(world)
    bad_category["mapping"] = {**bad_category["mapping"], "categories": {"A01": "NO-SUCH"}}
    assert_error(admin.post("systems/", bad_category), 422, "invalid_mapping")
    bad_status = _body(world)
    bad_status["mapping"] = {**bad_status["mapping"], "statuses": {"1": "finished"}}
    assert_error(admin.post("systems/", bad_status), 422, "invalid_mapping")
    assert admin.get("systems/").json() == []


def test_only_an_administrator_manages_systems(world):
    operator = world.api("operator")
    assert_error(operator.get("systems/"), 403, "forbidden")
    assert_error(operator.post("systems/", _body(world)), 403, "forbidden")
