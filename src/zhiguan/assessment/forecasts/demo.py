"""The demo district's forecasts and early warnings: one refresh of each frequency and a warning scan
over the last month (as if the nightly scan had run every night), so that 预测预警 shows data."""

from __future__ import annotations

import time

from zhiguan.assessment.forecasts import services
from zhiguan.org.permissions import Actor

# the busiest five level-1 categories and streets only (11 series a frequency): 18 s for both
# refreshes on two cores loaded 6-deep; eight each took 29 s there and 7 s on a quieter machine
DEMO_SERIES = 5
DEMO_SCAN_DAYS = 30


def build_demo_forecasts(*, actor: Actor) -> dict[str, object]:
    started = time.perf_counter()
    runs = {
        freq: services.refresh(jurisdiction=actor.jurisdiction, freq=freq, max_series=DEMO_SERIES)
        for freq in ("W", "M")
    }
    alerts = services.scan_warnings(jurisdiction=actor.jurisdiction, days=DEMO_SCAN_DAYS)
    return {
        "weekly_series": runs["W"].series.count(),
        "monthly_series": runs["M"].series.count(),
        "alerts": len(alerts),
        "seconds": round(time.perf_counter() - started, 1),
    }
