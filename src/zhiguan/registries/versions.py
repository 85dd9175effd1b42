"""The change token of each registry: read by in-memory indexes, replaced by every write."""

from __future__ import annotations

import uuid

from zhiguan.registries.models import RegistryVersion


def current_token(jurisdiction_id: int, registry: str) -> str:
    row = RegistryVersion.objects.filter(jurisdiction_id=jurisdiction_id, registry=registry).first()
    return row.token if row else ""


def bump(jurisdiction_id: int, registry: str) -> str:
    """A new token for the registry; call inside the transaction of the write (rolled back with it)."""
    token = uuid.uuid4().hex
    RegistryVersion.objects.update_or_create(
        jurisdiction_id=jurisdiction_id, registry=registry, defaults={"token": token}
    )
    return token
