"""Channel tests run on the cases' test district (`world`), with media in tmp; a machine client
with a bearer token stands for the telephony bridge, the camera analytics system or the sensors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.cases.conftest import _media_in_tmp
from tests.conftest import ApiClient
from tests.video.conftest import world
from zhiguan.org.services import create_client, issue_token

__all__ = ["_media_in_tmp", "world"]


@pytest.fixture
def machine(world: Any) -> Callable[..., ApiClient]:
    """machine("case.create") → an API client with a bearer token of a new machine client."""
    counter = {"n": 0}

    def make(*scopes: str, kind: str = "channel") -> ApiClient:
        counter["n"] += 1
        admin = world.actor("admin")
        client = create_client(actor=admin, name=f"接入{counter['n']}", kind=kind, scopes=list(scopes))
        _token, secret = issue_token(actor=admin, client_id=client.pk)
        return ApiClient(Client(), token=secret)

    return make
