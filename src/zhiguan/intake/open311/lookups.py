"""What every Open311 request looks up and almost never changes, kept per process: the district of a
`jurisdiction_id` and a service's attributes (docs/decisions/084-intake-performance.md).

An entry lives `TTL_SECONDS` at most; a save or delete of a district or an attribute in this process
empties the lot at once (the admin API saves rows one by one), so another gunicorn worker sees a
change within `TTL_SECONDS`. Categories are not kept: retiring one is a bulk `update()` (no
signal), and a retired service must be refused at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models.signals import post_delete, post_save

from zhiguan.intake.open311.models import ServiceAttribute
from zhiguan.tenancy.models import Jurisdiction

TTL_SECONDS = 30.0
T = TypeVar("T")

_entries: dict[tuple[Any, ...], tuple[float, Any]] = {}
_lock = threading.Lock()


def cached(key: tuple[Any, ...], load: Callable[[], T]) -> T:
    """`load()`'s value under `key`, loaded again once older than TTL_SECONDS."""
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]  # type: ignore[no-any-return]
    value = load()
    with _lock:
        _entries[key] = (now + TTL_SECONDS, value)
    return value


def forget(*_args: Any, **_kwargs: Any) -> None:
    with _lock:
        _entries.clear()


def jurisdiction(code: str) -> Jurisdiction | None:
    """The active district with this administrative code, or None."""
    return cached(("jurisdiction", code), lambda: Jurisdiction.objects.filter(code=code, active=True).first())


def only_jurisdiction() -> Jurisdiction | None:
    """The installation's only active district, None when there are none or several."""

    def load() -> Jurisdiction | None:
        active = list(Jurisdiction.objects.filter(active=True)[:2])
        return active[0] if len(active) == 1 else None

    return cached(("only",), load)


def attributes(category_id: int) -> list[ServiceAttribute]:
    """The service's variable attributes in their order."""
    return cached(
        ("attributes", category_id),
        lambda: list(
            ServiceAttribute.objects.filter(category_id=category_id, variable=True).order_by("order", "code")
        ),
    )


for _model in (Jurisdiction, ServiceAttribute):
    post_save.connect(forget, sender=_model, dispatch_uid=f"open311.lookups.save.{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"open311.lookups.delete.{_model.__name__}")
