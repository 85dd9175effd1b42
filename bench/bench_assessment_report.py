"""One month's comprehensive analysis report (综合分析月报) on the demo district. Prints BENCH report_month_s.

Builds the demo (25 months of history, about 14,000 requests: `zhiguan demo`) in a throwaway
database, then times what `zhiguan report monthly` does for the last full month as the leader sees
it — the figures (data.gather), the HTML with its charts and map, the PDF — three times; the
median is the figure. ZHIGUAN_BENCH_REPORT_RUNS sets the number of runs.
"""

from __future__ import annotations

import os
import statistics
import time

from bench.casesdb import throwaway_database


def main() -> None:
    with throwaway_database():
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiguan.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from zhiguan.demo.build import build_demo
        from zhiguan.demo.data import demo_data_dir

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build_demo(data_dir=demo_data_dir(), log=lambda line: None)
        print(f"# demo built in {time.perf_counter() - started:.0f} s", flush=True)
        _run()


def _run() -> None:
    from django.utils import timezone

    from zhiguan.assessment.report import data, render, services
    from zhiguan.cases.models import Case
    from zhiguan.org.models import User
    from zhiguan.org.permissions import Actor

    actor = Actor.for_user(User.objects.get(username="leader"))
    assert actor is not None
    month = services.previous_month(timezone.localdate())
    print(f"# {Case.objects.count()} cases; month {month:%Y-%m}", flush=True)
    timings = []
    for _ in range(int(os.environ.get("ZHIGUAN_BENCH_REPORT_RUNS", "3"))):
        t0 = time.perf_counter()
        figures = data.gather(actor, month)
        t1 = time.perf_counter()
        page = render.html(figures, jurisdiction_id=actor.jurisdiction.pk)
        t2 = time.perf_counter()
        pdf = render.pdf(page)
        t3 = time.perf_counter()
        timings.append(t3 - t0)
        print(
            f"# figures {t1 - t0:.2f} s, html+charts {t2 - t1:.2f} s, pdf {t3 - t2:.2f} s;"
            f" {figures['totals']['count']} requests, {len(pdf) // 1024} KB",
            flush=True,
        )
    print(f"BENCH report_month_s {statistics.median(timings):.2f} s", flush=True)
