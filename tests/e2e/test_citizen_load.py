"""The citizen portal is usable within 3 s on a slow phone (1.6 Mbit/s, 150 ms latency, cold cache),
and a returning phone fetches almost nothing (decision 067). The measurement itself is
bench/bench_intake_citizen_load.py (`python -m bench citizen_load` prints the figures)."""

from __future__ import annotations

from typing import Any

import pytest
from bench.bench_intake_citizen_load import TARGET_S, measure

pytestmark = pytest.mark.e2e


def test_the_portal_is_usable_within_3_s_at_1_6_mbit_and_cached_on_return(browser: Any, server: str) -> None:
    result = measure(browser, server, cold_runs=2)
    cold = result.cold[0]
    print(
        f"\ncitizen portal at 1.6 Mbit/s: usable at {[round(load.usable_s, 2) for load in result.cold]} s, "
        f"{result.cold_bytes_until_usable / 1024:.1f} KiB until usable, {result.cold_bytes / 1024:.1f} KiB "
        f"cold once settled, {result.warm.bytes / 1024:.1f} KiB on return"
    )
    for url, size in cold.fetched()[:10]:
        print(f"  {size / 1024:7.1f} KiB  {url.replace(server, '')}")

    # Cold: every file came over the (throttled) network, compressed, none of the console's charts.
    static = [(url, size) for url, size, _ in cold.transfers if "/static/" in url]
    assert static and all(size > 0 for _, size in static), static
    assert not [url for url, _ in static if "/echarts-" in url], "the portal loads the console's charts"
    assert result.usable_s <= TARGET_S, (
        f"usable after {result.usable_s:.2f} s at 1.6 Mbit/s (target {TARGET_S} s)"
    )

    # Returning: the hashed files come from the cache without asking, the map's outlines from the
    # cache or as a bodiless 304; what is left is the page itself (never cached) and small API
    # answers, a few per cent of the first visit.
    warm_static = [(url, size) for url, size, _ in result.warm.transfers if "/static/" in url]
    assert warm_static and all(size == 0 for _, size in warm_static), result.warm.fetched()
    outlines = [size for url, size, _ in result.warm.transfers if "areas.geojson" in url]
    assert all(size < 600 for size in outlines), result.warm.fetched()
    assert result.warm.bytes < 0.1 * result.cold_bytes, result.warm.fetched()
