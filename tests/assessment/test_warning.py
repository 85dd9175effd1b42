"""Early warning of an unusual rise: detection of an injected rise, quiet on stationary Poisson series."""

from __future__ import annotations

from datetime import date

import numpy as np
from scipy import stats

from zhiguan.assessment import warning as W

FIRST = date(2020, 1, 1)


def test_an_injected_tripling_is_detected_within_its_first_week() -> None:
    y = np.random.default_rng(3).poisson(4.0, 400).astype(float)
    risen = W.inject_rise(y, 320, 14, 3.0, seed=1)
    found = [a for a in W.scan(risen, FIRST, start=300) if 320 <= (a.day - FIRST).days < 334]
    assert found, "the rise raised no alert"
    assert (found[0].day - FIRST).days - 320 <= 7
    assert found[0].ratio > 1.5 and found[0].p_value < W.ALPHA
    assert not W.scan(y, FIRST, start=300), "the same days without the rise stay quiet"
    assert W.latest(risen[:328], FIRST) is not None
    assert W.latest(y[:328], FIRST) is None


def test_stationary_poisson_series_stay_quiet_at_the_measured_rate() -> None:
    rng = np.random.default_rng(11)
    series = [rng.poisson(10.0, 2000).astype(float) for _ in range(6)]
    rate, years = W.false_alarm_rate(series, FIRST)
    assert years > 25
    # measured 0.03 alerts per series-year at rate 10 (bench: warning_false_alarms_poisson10)
    assert rate < 0.3
    sparse = [rng.poisson(2.0, 2000).astype(float) for _ in range(6)]
    assert W.false_alarm_rate(sparse, FIRST)[0] < 1.0  # measured 0.39


def test_upper_tail_is_poisson_without_overdispersion_and_wider_with_it() -> None:
    assert abs(W.upper_tail(15, 8.0, 1.0) - stats.poisson.sf(14, 8.0)) < 1e-12
    assert W.upper_tail(15, 8.0, 3.0) > W.upper_tail(15, 8.0, 1.0)
    assert W.upper_tail(0, 8.0, 1.0) == 1.0


def test_episodes_merge_consecutive_days_and_cusum_sees_a_step() -> None:
    y = np.random.default_rng(5).poisson(3.0, 300).astype(float)
    y[250:] += np.random.default_rng(6).poisson(6.0, 50)
    alerts = W.scan(y, FIRST)
    groups = W.episodes(alerts)
    assert 1 <= len(groups) <= 3 and sum(len(g) for g in groups) == len(alerts)
    assert any((a.day - FIRST).days >= 250 for a in W.cusum(y, FIRST))
    assert not [a for a in W.cusum(y[:250], FIRST) if (a.day - FIRST).days > 100]
