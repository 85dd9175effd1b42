from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from zhiguan.workdays import queries
from zhiguan.workdays.calendar import TZ


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    # Each test starts cold, as a freshly started app server would.
    queries.clear_cache()
    yield
    queries.clear_cache()


def at(text: str) -> datetime:
    """'2026-09-30 10:00' as an aware Asia/Shanghai datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)
