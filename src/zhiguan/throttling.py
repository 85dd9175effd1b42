"""Rate limits that hold: keyed on the trusted client address (`zhiguan.network`) or the actor, and
counted in the shared cache (Redis, or the database cache of the embedded set-up), so that every
gunicorn worker sees the same counts and a made-up `X-Forwarded-For` is no new identity.

Each throttle names the setting that holds its rate ("30/m"); the rate is read when a request
arrives, never bound at import (a test or an operator changing it is honoured).

A check is one round trip (docs/decisions/084-intake-performance.md): a counter per key whose
window opens with its first request and lasts the rate's period (as django-ratelimit counts, but
anchored at the first request rather than the clock, so "3/m" is three until a minute after the
first). On the database cache that is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` on the cache
table (SQLite ≥ 3.35 and PostgreSQL; there without waiting for the disk: `synchronous_commit` off
for that statement), on Redis one pipelined `SET NX EX` + `INCR` + `TTL`; any
other cache (a test's local memory) counts with `add` + `incr`. Ninja's own throttles keep a list
of timestamps that they read and write back whole: five to seven statements on the database cache.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from zhiguan.network import client_address

# The counters' keys in the cache (never read through `cache.get`: on the database cache they hold
# the count as plain text, not pickled).
PREFIX = "zhiguan-throttle:"
# One check in this many also deletes the expired counters (Django's cache culls on its own writes).
CULL_ONE_IN = 500


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/m" → (30, 60); the units of Ninja's throttles (s, m, h, d, sec, min, hour, day, "5m")."""
    return SimpleRateThrottle.parse_rate(SimpleRateThrottle, rate)  # type: ignore[arg-type,return-value]


def hit(key: str, period: int) -> tuple[int, float]:
    """Count one request under `key`: (requests in the key's current window, seconds it has left)."""
    from django.core.cache.backends.db import DatabaseCache

    backend = caches["default"]
    if isinstance(backend, DatabaseCache):
        return _hit_database(backend, key, period)
    if backend.__class__.__name__ == "RedisCache":
        return _hit_redis(backend, key, period)
    return _hit_generic(backend, key, period)


def _hit_database(backend: object, key: str, period: int) -> tuple[int, float]:
    table = backend._table  # type: ignore[attr-defined]
    db = router.db_for_write(backend.cache_model_class)  # type: ignore[attr-defined]
    connection = connections[db]
    quoted = connection.ops.quote_name(table)
    now = timezone.now().replace(microsecond=0)  # naive local time without USE_TZ, as Django's cache
    expires = now + timedelta(seconds=period)
    adapt = connection.ops.adapt_datetimefield_value
    cast = "INTEGER" if connection.vendor == "sqlite" else "bigint"
    sql = (
        f"INSERT INTO {quoted} (cache_key, value, expires) VALUES (%s, '1', %s) "
        f"ON CONFLICT (cache_key) DO UPDATE SET "
        f"value = CASE WHEN {quoted}.expires <= %s THEN '1' "
        f"ELSE CAST(CAST({quoted}.value AS {cast}) + 1 AS TEXT) END, "
        f"expires = CASE WHEN {quoted}.expires <= %s THEN excluded.expires ELSE {quoted}.expires END "
        f"RETURNING value, expires"
    )
    lazy = (
        connection.vendor == "postgresql" and connection.get_autocommit() and not connection.in_atomic_block
    )
    if lazy:
        # A counter need not outlive a crash: the statement's own (implicit) transaction commits
        # without waiting for the WAL flush, so a check costs no disk wait. LOCAL: this statement only.
        sql = "SET LOCAL synchronous_commit = off; " + sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [PREFIX + key, adapt(expires), adapt(now), adapt(now)])
        if lazy:
            cursor.nextset()
        value, until = cursor.fetchone()
        if random.randrange(CULL_ONE_IN) == 0:
            cursor.execute(
                f"DELETE FROM {quoted} WHERE cache_key LIKE %s AND expires < %s", [PREFIX + "%", adapt(now)]
            )
    if isinstance(until, str):  # SQLite: the text Django wrote (UTC with USE_TZ)
        until = datetime.fromisoformat(until)
    if until.tzinfo is None and now.tzinfo is not None:
        until = until.replace(tzinfo=UTC)
    return int(value), max(0.0, (until - now).total_seconds())


def _hit_redis(backend: object, key: str, period: int) -> tuple[int, float]:
    full = backend.make_and_validate_key(PREFIX + key)  # type: ignore[attr-defined]
    client = backend._cache.get_client(full, write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=False)
    pipe.set(full, 0, ex=period, nx=True)
    pipe.incr(full)
    pipe.ttl(full)
    _created, count, ttl = pipe.execute()
    return int(count), float(max(ttl, 0))


# Local-memory and other caches: the window's end is kept beside the count.
_lock = threading.Lock()


def _hit_generic(backend: object, key: str, period: int) -> tuple[int, float]:
    now = time.time()
    with _lock:
        until = backend.get(PREFIX + key + ":until")  # type: ignore[attr-defined]
        if until is None or until <= now:
            until = now + period
            backend.set(PREFIX + key + ":until", until, period)  # type: ignore[attr-defined]
            backend.set(PREFIX + key, 0, period)  # type: ignore[attr-defined]
        backend.add(PREFIX + key, 0, period)  # type: ignore[attr-defined]
        count = backend.incr(PREFIX + key)  # type: ignore[attr-defined]
    return int(count), max(0.0, until - now)


class _SettingRate(BaseThrottle):
    """A throttle whose rate is the setting `setting`, counted by `hit` under `get_cache_key`."""

    scope = ""
    cache_format = "%(scope)s:%(ident)s"

    def __init__(self, setting: str, *, scope: str | None = None) -> None:
        self.setting = setting
        if scope:
            self.scope = scope
        # One instance serves every request of the process (Ninja keeps it on the operation):
        # what `wait` reports is the current thread's.
        self._state = threading.local()

    def get_cache_key(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: HttpRequest) -> bool:
        self._state.wait = None
        limit, period = parse_rate(getattr(settings, self.setting))
        key = self.get_cache_key(request)
        if key is None:
            return True
        count, left = hit(key, period)
        if count <= limit:
            return True
        self._state.wait = left
        return False

    def wait(self) -> float | None:
        """Seconds until the window that refused the request closes (Ninja's `Retry-After`)."""
        return getattr(self._state, "wait", None)

    def get_ident(self, request: HttpRequest) -> str:
        return client_address(request)


class AnonThrottle(_SettingRate):
    """Requests without a log-in, per client address."""

    scope = "anon"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if getattr(request, "auth", None) is not None:
            return None  # only requests without a log-in
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ActorThrottle(_SettingRate):
    """Requests of one person or machine client; anonymous ones per client address."""

    scope = "auth"

    def get_cache_key(self, request: HttpRequest) -> str:
        actor = getattr(request, "auth", None)
        if actor is not None and getattr(actor, "user", None) is not None:
            ident = f"user:{actor.user.pk}"
        elif actor is not None and getattr(actor, "client", None) is not None:
            ident = f"client:{actor.client.pk}"
        else:
            ident = f"addr:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
