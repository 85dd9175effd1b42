"""add_working_days throughput on the real WorkCalendar (library table, default office hours, no database)."""

import random
import time
from datetime import datetime, timedelta

import django


def main() -> None:
    django.setup()
    from zhiguan.workdays.calendar import TZ, WorkCalendar

    calendar = WorkCalendar()
    rng = random.Random(12345)
    first = datetime(2024, 1, 1, tzinfo=TZ)
    span = int((datetime(2027, 1, 1, tzinfo=TZ) - first).total_seconds())
    cases = [(first + timedelta(seconds=rng.randrange(span)), rng.randint(1, 20)) for _ in range(200_000)]
    add = calendar.add_working_days
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for start, n in cases:
            add(start, n)
        best = max(best, len(cases) / (time.perf_counter() - started))
    print(f"BENCH add_working_days_per_s {best:.0f} calls/s", flush=True)
