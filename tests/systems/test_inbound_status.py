"""A system's signed status update moves the case it sent, along the few workflow rows a system may
drive, as the dispatcher's account the administrator named; anything else is kept with its reason."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest
from django.test import Client

from tests.conftest import assert_error
from tests.systems.conftest import MAPPING, event, send
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case
from zhiguan.intake.systems import services, signing
from zhiguan.intake.systems.models import Callback, ExternalSystem, InboundStatus

STATUS_MAPPING = {
    **MAPPING,
    "fields": {**MAPPING["fields"], "state": "status", "remark": "note"},
    "statuses": {"20": "to_dispatch", "30": "dispatched", "80": "rejected", "90": "closed"},
}


def _save(world: Any, system: ExternalSystem, *, acting: str | None, mapping: dict | None = None) -> None:
    services.save_system(
        actor=world.actor("admin"),
        data=services.SystemInput(
            code=system.code,
            name=system.name,
            kind=system.kind,
            callback_url=system.callback_url,
            mapping={**(mapping or STATUS_MAPPING), "categories": {"A01": world.category.code}},
            acting_user_id=world.users[acting].pk if acting else None,
        ),
        system_id=system.pk,
    )


@pytest.fixture
def police_acting(police: ExternalSystem, world: Any) -> ExternalSystem:
    _save(world, police, acting="dispatcher")
    return ExternalSystem.objects.get(pk=police.pk)


_SENT = itertools.count(1)


def status(client: Client, system: ExternalSystem, body: dict[str, Any] | bytes, **kw: Any) -> Any:
    # Each update its own bytes (a field the mapping ignores): the same signed bytes twice are a
    # replay, which only the replay test sends on purpose (fixed timestamp, same body).
    if not isinstance(body, bytes) and "timestamp" not in kw:
        body = {**body, "sent": next(_SENT)}
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    ts = str(kw.get("timestamp") or int(time.time()))
    sig = kw.get("signature") or signing.sign(system.inbound_secret, ts, raw)
    return client.post(
        f"/api/v1/systems/inbound/{system.jurisdiction.code}/{system.code}/status",
        data=raw,
        content_type="application/json",
        headers={"X-Zhiguan-Timestamp": ts, "X-Zhiguan-Signature": sig, "Accept-Language": "en"},
    )


def _case(police: ExternalSystem) -> Case:
    r = send(Client(), police, event())
    assert r.status_code == 201, r.content
    return Case.objects.get(number=r.json()["case_number"])


def test_a_withdrawal_moves_the_case_to_not_accepted_as_the_acting_dispatcher(police_acting, world):
    case = _case(police_acting)
    r = status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "80", "remark": "报警人撤警"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["outcome"] == "applied" and body["action"] == "reject"
    assert body["from_status"] == "registered" and body["status"] == "rejected"
    case.refresh_from_db()
    assert case.status == "rejected"
    last = case.events.order_by("-seq").first()
    assert last.action == "reject" and last.note == "报警人撤警"
    assert last.actor_user_id == world.users["dispatcher"].pk
    assert AuditRecord.objects.filter(action="system.status_applied").count() == 1


def test_a_confirmation_submits_the_case_and_the_system_hears_back(police_acting):
    case = _case(police_acting)
    r = status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "20"})
    assert r.json()["outcome"] == "applied"
    case.refresh_from_db()
    assert case.status == "to_dispatch"
    # The change is confirmed to the sender by the ordinary callback (their own code, read backwards).
    callback = Callback.objects.get(case=case)
    assert callback.payload["status"] == "20"


def test_the_same_status_again_changes_nothing(police_acting):
    case = _case(police_acting)
    assert status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "80"}).json()["outcome"] == (
        "applied"
    )
    again = status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "80"})
    assert again.status_code == 200 and again.json()["outcome"] == "already"
    assert case.events.filter(action="reject").count() == 1


def test_a_status_no_system_move_leads_to_is_kept_not_applied(police_acting):
    case = _case(police_acting)
    # Closing a case that was never handled: the workflow's close is only from verified.
    r = status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "90"})
    assert r.status_code == 200 and r.json()["outcome"] == "no_transition"
    # Dispatching is a dispatcher's decision (departments), never a system's.
    r = status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "30"})
    assert r.json()["outcome"] == "no_transition"
    case.refresh_from_db()
    assert case.status == "registered"
    assert InboundStatus.objects.filter(case=case).count() == 2


def test_without_an_acting_account_the_update_is_only_kept(police, world):
    _save(world, police, acting=None)
    police.refresh_from_db()
    case = _case(police)
    r = status(Client(), police, {"eventId": "JJ20261202001", "state": "80"})
    assert r.json()["outcome"] == "no_acting_user" and r.json()["action"] == "reject"
    case.refresh_from_db()
    assert case.status == "registered"


def test_only_a_dispatcher_or_supervisor_can_be_the_acting_account(police, world):
    from zhiguan.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        _save(world, police, acting="operator")
    assert exc.value.code == "acting_user_not_dispatcher"
    _save(world, police, acting="supervisor")


def test_refusals_have_their_codes_and_write_nothing(police_acting):
    _case(police_acting)
    assert_error(status(Client(), police_acting, {"eventId": "NOPE", "state": "80"}), 404, "unknown_case")
    assert_error(
        status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "77"}), 422, "unmapped_status"
    )
    assert_error(status(Client(), police_acting, {"eventId": "JJ20261202001"}), 422, "missing_field")
    assert_error(status(Client(), police_acting, b"{nope"), 422, "malformed_json")
    assert_error(
        status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "80"}, signature="sha256=00"),
        401,
        "bad_signature",
    )
    ts = int(time.time())
    assert (
        status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "20"}, timestamp=ts).status_code
        == 200
    )
    assert_error(
        status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "20"}, timestamp=ts),
        409,
        "replayed",
    )
    assert InboundStatus.objects.count() == 1


def test_a_mapping_without_a_status_field_refuses_status_updates(police, world):
    _save(world, police, acting="dispatcher", mapping=MAPPING)
    police.refresh_from_db()
    _case(police)
    assert_error(
        status(Client(), police, {"eventId": "JJ20261202001", "state": "80"}), 422, "invalid_mapping"
    )


def test_administrators_list_the_updates_with_their_outcome(police_acting, world):
    _case(police_acting)
    status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "90"})
    status(Client(), police_acting, {"eventId": "JJ20261202001", "state": "80"})
    api = world.api("admin")
    rows = api.get("/api/v1/systems/status-updates").json()
    assert [r["outcome"] for r in rows] == ["applied", "no_transition"]
    assert rows[0]["outcome_label"]
    only = api.get("/api/v1/systems/status-updates", outcome="no_transition").json()
    assert len(only) == 1
    systems = api.get("/api/v1/systems/").json()
    assert systems[0]["acting_user_id"] == world.users["dispatcher"].pk
    assert systems[0]["status_url"].endswith("/110/status")


def test_a_change_that_leaves_the_acting_account_out_keeps_it(police_acting, world):
    api = world.api("admin")
    system = api.get("/api/v1/systems/").json()[0]
    body = {k: system[k] for k in ("code", "name", "kind", "callback_url", "enabled")}
    body["mapping"] = {**system["mapping"], "statuses": {**system["mapping"]["statuses"], "81": "rejected"}}
    r = api.put(f"/api/v1/systems/{system['id']}", body)
    assert r.status_code == 200, r.content
    assert r.json()["acting_user_id"] == world.users["dispatcher"].pk
    r = api.put(f"/api/v1/systems/{system['id']}", {**body, "acting_user_id": None})
    assert r.json()["acting_user_id"] is None
