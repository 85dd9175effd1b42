"""Intake's tests run on the cases' test district (`world`), with media in tmp; the fresh cache
(throttles, wrong-try counters) comes from tests/conftest.py."""

from __future__ import annotations

from tests.cases.conftest import _media_in_tmp, world

__all__ = ["_media_in_tmp", "world"]
