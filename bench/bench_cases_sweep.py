"""The periodic sweeps over 100,000 open cases, each with a running handling deadline. Prints
BENCH warning_sweep_s and warning_sweep_again_s.

Bulk-loads the cases and their deadlines into a throwaway database with the demo district, then
times what the scheduler runs every few minutes: the cases' warning sweep
(`cases.tasks.sweep_warning_levels()`) and supervision's sweep (`supervision.tasks.sweep()`:
escalations, then overdue notices), once from cold and once again in the steady state.
"""

from __future__ import annotations

import os
import time

from bench.casesdb import bulk_cases, setup_district, throwaway_database


def main() -> None:
    with throwaway_database():
        n = int(os.environ.get("ZHIGUAN_BENCH_OPEN_CASES", 100_000))
        jurisdiction = setup_district()
        bulk_cases(jurisdiction, n, statuses=["in_progress", "dispatched", "to_verify"])
        _deadlines()
        from django.db.models import Count

        from zhiguan.cases import tasks
        from zhiguan.cases.models import Case
        from zhiguan.supervision import tasks as supervision_tasks

        started = time.perf_counter()
        changed = tasks.sweep_warning_levels()
        swept = supervision_tasks.sweep()
        elapsed = time.perf_counter() - started
        levels = dict(Case.objects.values_list("warning_level").annotate(n=Count("id")))
        print(f"# {n} open cases, {changed} warning levels changed, now {levels}", flush=True)
        print(
            f"# {swept['escalated']} stages escalated (an escalation, a timeline event and an audit "
            f"record each), {swept['notices_flagged']} notices flagged overdue",
            flush=True,
        )
        print(f"BENCH warning_sweep_s {elapsed:.1f} s", flush=True)
        # The steady state: the next run changes little and escalates nothing new.
        started = time.perf_counter()
        tasks.sweep_warning_levels()
        supervision_tasks.sweep()
        print(f"BENCH warning_sweep_again_s {time.perf_counter() - started:.1f} s", flush=True)


def _deadlines() -> None:
    """A running handling stage per case: 20 days from creation (so old ones are overdue)."""
    from django.db import connection

    due = (
        "created_at + interval '20 days'"
        if connection.vendor == "postgresql"
        else "datetime(created_at, '+20 days')"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_casedeadline (case_id, stage, started_at, due_at, explanation, warnings, active) "
            f"SELECT id, 'handle', created_at, {due}, '', '[]', %s FROM cases_case",
            [True],
        )
        cursor.execute("UPDATE cases_case SET warning_level = 'green'")
