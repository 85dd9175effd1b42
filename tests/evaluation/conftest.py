"""The evaluation's tests run on the cases' test district (`world`)."""

from __future__ import annotations

from tests.cases.conftest import _media_in_tmp, world

__all__ = ["_media_in_tmp", "world"]
