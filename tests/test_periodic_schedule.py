"""The embedded scheduler at start-up: frequent sweeps run at once, but no daily or longer job does
(a full dashboard rebuild at every start held SQLite's write lock over the first registrations)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from zhiguan import periodic


def test_no_job_of_a_day_or_longer_runs_when_a_server_starts() -> None:
    now = timezone.now()
    long_jobs = []
    for name, _task, sched in periodic._entries():
        # a job counts as last run one period before the start (what run_due assumes)
        due, _next_in = sched.is_due(now - sched.run_every)
        if isinstance(sched, periodic.AtTimes):
            long_jobs.append(name)
            assert not due, name
            continue
        if sched.run_every >= timedelta(hours=12):
            raise AssertionError(f"{name} runs every {sched.run_every} and so at every start: use AtTimes")
        assert due, name  # the frequent sweeps catch up at once
    assert "dashboard-rebuild" in long_jobs


def test_the_dashboard_rebuild_is_nightly() -> None:
    entries = {name: sched for name, _task, sched in periodic._entries()}
    nightly = entries["dashboard-rebuild"]
    assert nightly.hour == {3} and nightly.minute == {30}
    due, next_in = nightly.is_due(timezone.now())
    assert not due and 0 < next_in <= 86400 + 3600
