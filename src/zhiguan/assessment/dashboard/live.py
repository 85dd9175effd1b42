"""Telling open dashboards that something changed, on every app server (decision 090).

After a rebuild raises a jurisdiction's `DashboardVersion`, `publish` announces the new version:

- with Redis configured (`settings.REDIS_URL`), on the pub/sub channel `zhiguan:dashboard`, which
  every app server's process subscribes to once (one listener thread per process);
- always in-process, so the streams of the process that made the change hear it at once;
- and every process without Redis reads the version row every `POLL_SECONDS` (one primary-key
  read per process, not per screen), so the embedded set-up — several gunicorn workers, even two
  servers on one database file — hears changes made anywhere.

The version is the only thing sent: a screen that hears a higher number fetches the snapshot
again (through its own data scope). A screen that reconnects says which version it shows and
hears at once if it missed one.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

CHANNEL = "zhiguan:dashboard"
POLL_SECONDS = 0.5


def _redis_url() -> str:
    return str(getattr(settings, "REDIS_URL", "") or "")


class Hub:
    """The latest version of each jurisdiction this process knows, and the streams waiting on it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._latest: dict[int, int] = {}
        self._thread: threading.Thread | None = None
        self.mode = ""

    def note(self, jurisdiction_id: int, version: int) -> None:
        with self._cond:
            if version > self._latest.get(jurisdiction_id, -1):
                self._latest[jurisdiction_id] = version
                self._cond.notify_all()

    def set(self, jurisdiction_id: int, version: int) -> None:
        """The version as read from the database, which is authoritative (a restored database may go back)."""
        with self._cond:
            if self._latest.get(jurisdiction_id) != version:
                self._latest[jurisdiction_id] = version
                self._cond.notify_all()

    def wait(self, jurisdiction_id: int, seen: int, timeout: float) -> int:
        """Block until the jurisdiction's version differs from `seen` or `timeout` passes; the latest known."""
        self.start()
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._latest.get(jurisdiction_id, -1) == seen or jurisdiction_id not in self._latest:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return self._latest.get(jurisdiction_id, seen)

    def start(self) -> None:
        if self._thread is not None:
            return
        with self._cond:
            if self._thread is not None:
                return
            self.mode = "redis" if _redis_url() else "poll"
            target = self._listen_redis if self.mode == "redis" else self._poll
            self._thread = threading.Thread(target=target, name="dashboard-hub", daemon=True)
            self._thread.start()

    def poll_once(self) -> None:
        """Read every jurisdiction's version from the shared database (one small query)."""
        from zhiguan.assessment.dashboard.models import DashboardVersion

        for j, n in DashboardVersion.objects.values_list("jurisdiction_id", "n"):
            self.set(j, int(n))

    def _poll(self) -> None:
        while True:
            try:
                self.poll_once()
            except Exception:  # a database restart: try again on the next round
                logger.warning("dashboard version poll failed", exc_info=True)
                try:
                    close_old_connections()
                    connection.close()
                except Exception:
                    logger.debug("closing the poll connection failed", exc_info=True)
            time.sleep(POLL_SECONDS)

    def _listen_redis(self) -> None:
        import redis

        while True:
            try:
                client = redis.Redis.from_url(_redis_url())
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                for message in pubsub.listen():
                    data = json.loads(message["data"])
                    self.note(int(data["j"]), int(data["v"]))
            except Exception:
                logger.warning("dashboard pub/sub listener lost Redis; reconnecting", exc_info=True)
                time.sleep(1)


hub = Hub()
_publisher: Any = None


def publish(*, jurisdiction_id: int, version: int) -> None:
    """Announce a committed version to every open screen (this process first, then the others)."""
    global _publisher
    hub.note(jurisdiction_id, version)
    url = _redis_url()
    if not url:
        return
    try:
        import redis

        if _publisher is None:
            _publisher = redis.Redis.from_url(url)
        _publisher.publish(CHANNEL, json.dumps({"j": jurisdiction_id, "v": version}))
    except Exception:  # the screens still catch up on their next reconnect (they send their version)
        logger.warning("dashboard publish failed", exc_info=True)
        _publisher = None
