"""The slot for the city's vital signs (城市体征), filled by the vital-signs issue (decision 090).

An app that measures the city registers a provider in its `AppConfig.ready()`:

    from zhiguan.assessment.dashboard.vitals import register
    register("vitals.air", provide_air)   # provide_air(actor, level=..., area_id=...) -> list of tiles

Each tile is a dict `{"key", "label", "value", "unit", "status"}` (status: normal / warning /
alarm). Until one registers, the dashboard shows the slot as 待接入 (`status: "pending"`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from zhiguan.org.permissions import Actor

logger = logging.getLogger(__name__)

Provider = Callable[..., list[dict[str, Any]]]
_PROVIDERS: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    """Add (or replace) the provider `key`; called from an app's `ready()`."""
    _PROVIDERS[key] = provider


def unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def collect(actor: Actor, *, level: str, area_id: int | None) -> dict[str, Any]:
    """Every registered provider's tiles; a failing provider is logged and left out."""
    tiles: list[dict[str, Any]] = []
    for key, provider in sorted(_PROVIDERS.items()):
        try:
            tiles += [{**t, "provider": key} for t in provider(actor, level=level, area_id=area_id)]
        except Exception:
            logger.exception("vital-signs provider %s failed", key)
    return {"status": "live" if _PROVIDERS else "pending", "tiles": tiles}
