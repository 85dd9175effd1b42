"""Open screens hear a committed change as a new version, at once on reconnect, within seconds otherwise."""

from __future__ import annotations

import threading
import time

import pytest

from zhiguan.assessment.dashboard import live, rollups, stream


@pytest.fixture(autouse=True)
def _no_hub_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test database lives in the test's transaction: a background poll thread cannot see it.
    monkeypatch.setattr(live.hub, "start", lambda: None)


def _events(chunks: list[str]) -> list[str]:
    return [c for c in chunks if c.startswith("id: ")]


def test_a_screen_reconnecting_with_an_old_version_hears_the_new_one_at_once(world):
    version = rollups.rebuild_all(jurisdiction_id=world.jurisdiction.pk)
    gen = stream.events(jurisdiction_id=world.jurisdiction.pk, seen=version - 1, seconds=0.01)
    chunks = list(gen)
    assert chunks[0].startswith("retry: ")
    assert _events(chunks) == [f'id: {version}\nevent: change\ndata: {{"version": {version}}}\n\n']
    same = list(stream.events(jurisdiction_id=world.jurisdiction.pk, seen=version, seconds=0.01))
    assert _events(same) == []


def test_a_change_published_while_a_screen_waits_reaches_it_within_a_second(world):
    version = rollups.rebuild_all(jurisdiction_id=world.jurisdiction.pk)
    gen = stream.events(jurisdiction_id=world.jurisdiction.pk, seen=version, seconds=5)
    assert next(gen).startswith("retry: ")
    started = time.monotonic()
    timer = threading.Timer(
        0.2, lambda: live.publish(jurisdiction_id=world.jurisdiction.pk, version=version + 1)
    )
    timer.start()
    chunk = next(gen)
    assert chunk.startswith(f"id: {version + 1}\n")
    assert time.monotonic() - started < 1.0
    gen.close()


def test_the_stream_endpoint_speaks_event_stream_and_takes_the_last_event_id(world):
    version = rollups.rebuild_all(jurisdiction_id=world.jurisdiction.pk)
    api = world.api("leader")
    original = stream.STREAM_SECONDS
    stream.STREAM_SECONDS = 0.01
    try:
        response = api.client.get(
            "/api/v1/dashboard/stream",
            {"version": 0},
            headers={"Last-Event-ID": str(version - 1), "Accept": "text/event-stream"},
        )
    finally:
        stream.STREAM_SECONDS = original
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    body = b"".join(response.streaming_content).decode()
    assert f"id: {version}\nevent: change" in body
    refused = world.api("inspector").client.get("/api/v1/dashboard/stream")
    assert refused.status_code == 403


def test_the_poll_fallback_hears_a_version_raised_by_another_server(world, monkeypatch):
    from django.db.models import F

    from zhiguan.assessment.dashboard.models import DashboardVersion

    hub = live.Hub()
    monkeypatch.setattr(hub, "start", lambda: None)  # polled by hand below, not by a thread
    version = rollups.rebuild_all(jurisdiction_id=world.jurisdiction.pk)
    hub.poll_once()
    assert hub.wait(world.jurisdiction.pk, version - 1, timeout=0.01) == version
    # Another app server raised the counter in the shared database: this process's hub reads it.
    DashboardVersion.objects.filter(jurisdiction=world.jurisdiction).update(n=F("n") + 1)
    assert hub.wait(world.jurisdiction.pk, version, timeout=0.01) == version
    hub.poll_once()
    assert hub.wait(world.jurisdiction.pk, version, timeout=0.01) == version + 1
