"""The dashboard's event stream (text/event-stream): `change` events carrying the new version.

A connection lives `STREAM_SECONDS` and then ends; the browser's EventSource reconnects by itself
(after `retry` ms) and sends the last version it heard (`Last-Event-ID`), so a served thread is
never held for long (gunicorn gthread: four threads a worker) and a reconnect misses nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from zhiguan.assessment.dashboard import live, rollups

STREAM_SECONDS = 45.0
KEEPALIVE_SECONDS = 15.0
RETRY_MS = 1000


def _event(version: int) -> str:
    return f"id: {version}\nevent: change\ndata: {json.dumps({'version': version})}\n\n"


def events(*, jurisdiction_id: int, seen: int | None, seconds: float = STREAM_SECONDS) -> Iterator[str]:
    """The stream of one connection: at once the current version if newer than `seen`, then each change."""
    current = rollups.current_version(jurisdiction_id)
    live.hub.set(jurisdiction_id, current)
    yield f"retry: {RETRY_MS}\n\n"
    if seen is None or current != seen:
        yield _event(current)
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        latest = live.hub.wait(jurisdiction_id, current, timeout=min(KEEPALIVE_SECONDS, left))
        if latest != current:
            current = latest
            yield _event(current)
        else:
            yield ": keep-alive\n\n"
