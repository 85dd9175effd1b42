"""The hotline bridge and the caller's history on the intake screen."""

from __future__ import annotations

from tests.conftest import ApiClient, assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.intake.channels.models import CallSession

CALLS = "channels/calls/events"
CALLER = "13812345678"


def _started(**extra):
    return {
        "event": "started",
        "call_id": "C-1001",
        "line": "12345",
        "caller": CALLER,
        "agent_extension": "8001",
        **extra,
    }


def test_the_bridge_opens_the_callers_screen_at_the_agents_extension(world, machine):
    bridge = machine("case.create")
    r = bridge.post(CALLS, _started())
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "active"
    operator = world.api("operator")
    current = operator.get("channels/calls/current", extension="8001")
    assert current.status_code == 200
    assert (current.json()["caller"], current.json()["call_id"]) == (CALLER, "C-1001")
    # Nobody is calling extension 8002.
    assert operator.get("channels/calls/current", extension="8002").status_code == 204


def test_a_call_ends_with_its_recording_and_repeats_change_nothing(world, machine):
    bridge = machine("case.create")
    bridge.post(CALLS, _started())
    again = bridge.post(CALLS, _started())
    assert again.status_code == 200 and again.json()["created"] is False
    ended = bridge.post(CALLS, {**_started(), "event": "ended", "recording_ref": "rec/2026/12/C-1001.wav"})
    assert ended.status_code == 200
    session = CallSession.objects.get(call_id="C-1001")
    assert (session.state, session.recording_ref) == ("ended", "rec/2026/12/C-1001.wav")
    assert session.ended_at is not None
    assert world.api("operator").get("channels/calls/current", extension="8001").status_code == 204
    assert AuditRecord.objects.filter(action="channels.call_ended").count() == 1


def test_an_end_that_arrives_before_its_start_records_an_ended_call(world, machine):
    r = machine("case.create").post(CALLS, {**_started(), "event": "ended", "recording_ref": "r1"})
    assert r.status_code == 201
    assert r.json()["state"] == "ended"


def test_the_bridge_needs_a_valid_token_with_the_intake_scope(world, machine):
    assert_error(ApiClient(machine("case.create").client).post(CALLS, _started()), 401, "not_authenticated")
    assert_error(
        ApiClient(world.api("operator").client.__class__(), token="zg_bad_token").post(CALLS, _started()),
        401,
        "not_authenticated",
    )
    assert_error(machine("registry.view").post(CALLS, _started()), 403, "forbidden")
    assert not CallSession.objects.exists()


def test_bad_call_events_are_refused_with_the_field_named(world, machine):
    bridge = machine("case.create")
    assert_error(bridge.post(CALLS, _started(event="ringing")), 422, "invalid_input")
    assert_error(bridge.post(CALLS, _started(caller="call me")), 422, "invalid_input")
    assert_error(bridge.post(CALLS, _started(colour="red")), 422, "invalid_input")
    assert_error(bridge.post(CALLS, _started(at="2026-12-02T10:00:00")), 422, "invalid_input")
    assert_error(bridge.post(CALLS, "{not json"), 400, "malformed_body")
    assert not CallSession.objects.exists()


def test_the_caller_history_shows_earlier_cases_outcomes_and_ratings(world):
    done = world.case_in("callback_done")
    world.new_case(description="又一次占道经营")
    world.new_case(reporters=[{"name": "李四", "phone": "13900000000"}])
    r = world.api("operator").get(f"channels/callers/{CALLER}/history")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["total"], body["open"]) == (2, 1)
    by_number = {c["number"]: c for c in body["cases"]}
    assert by_number[done.number]["status"] == "callback_done"
    assert by_number[done.number]["callback_result"] == "dissatisfied"
    assert body["dissatisfied"] == 1
    assert by_number[done.number]["category_name"] == "占道经营"
    # Looking a phone number up is audited like a search by reporter.
    assert AuditRecord.objects.filter(
        action="case.reporter_searched", actor_label=str(world.users["operator"])
    ).exists()


def test_the_caller_history_counts_the_callers_calls(world, machine):
    bridge = machine("case.create")
    bridge.post(CALLS, _started())
    bridge.post(CALLS, _started(call_id="C-1002"))
    body = world.api("operator").get(f"channels/callers/{CALLER}/history").json()
    assert body["calls"] == 2 and body["last_call_at"]


def test_only_intake_roles_see_a_callers_history_or_the_current_call(world, machine):
    world.new_case()
    for who in ("lead", "inspector", "leader"):
        assert_error(world.api(who).get(f"channels/callers/{CALLER}/history"), 403, "forbidden")
        assert_error(world.api(who).get("channels/calls/current", extension="8001"), 403, "forbidden")
    # A machine client may post call events, not read people's histories.
    assert_error(machine("case.create").get(f"channels/callers/{CALLER}/history"), 403, "forbidden")
    for who in ("dispatcher", "supervisor", "admin"):
        assert world.api(who).get(f"channels/callers/{CALLER}/history").status_code == 200


def test_a_bad_phone_number_is_refused(world):
    assert_error(world.api("operator").get("channels/callers/abc/history"), 422, "invalid_input")


def test_a_case_registered_from_a_call_keeps_the_recording(world, machine):
    bridge = machine("case.create")
    bridge.post(CALLS, _started(recording_ref="rec/C-1001.wav"))
    case = world.new_case()
    operator = world.api("operator")
    r = operator.post("channels/calls/C-1001/cases", {"number": case.number})
    assert r.status_code == 200, r.content
    assert operator.post("channels/calls/C-1001/cases", {"number": case.number}).status_code == 200
    events = case.events.filter(action="call_link")
    assert events.count() == 1
    assert events.get().payload["recording_ref"] == "rec/C-1001.wav"
    origin = operator.get(f"channels/origins/{case.number}").json()
    assert (origin["kind"], origin["recording_ref"], origin["line"]) == ("call", "rec/C-1001.wav", "12345")
    assert_error(operator.post("channels/calls/NOPE/cases", {"number": case.number}), 404, "unknown_call")


def test_a_start_arriving_after_its_end_does_not_reopen_the_call(world, machine):
    bridge = machine("case.create")
    bridge.post(CALLS, {**_started(), "event": "ended"})
    late = bridge.post(CALLS, _started())
    assert late.status_code == 200 and late.json()["state"] == "ended"
    assert world.api("operator").get("channels/calls/current", extension="8001").status_code == 204
