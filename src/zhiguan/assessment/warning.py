"""Early warning: an unusual rise of a category in an area, against the series' own history.

Pure module (numpy + scipy), no Django. Two detectors on a dense daily count series:

``scan``   the count of the last ``window`` days against a negative-binomial upper tail. The expected count
           is the mean of the same-length windows over the ``baseline_weeks`` weeks before a one-week
           guard band (so a rise that has started does not raise its own baseline; whole weeks, so the
           weekday cycle cancels). Over-dispersion is the variance/mean ratio of the weekly sums over the
           previous half year (at least 1: Poisson). A day alerts when the upper-tail probability is below
           ``alpha``, at least ``min_count`` cases were seen and at least ``min_ratio`` times the expected.
``cusum``  a Poisson CUSUM on the daily counts (reference value for a doubling of the weekday rate),
           kept as a second opinion for slow rises.

``episodes`` merges consecutive alert days into one alert, which is what a supervisor receives; the false
alarm rate (alerts per series-year on history) and the detection of injected rises are measured in
bench/bench_assessment_forecast.py and recorded in docs/decisions/086-forecasts.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy import stats

ALPHA = 0.001
MIN_COUNT = 5
MIN_RATIO = 1.5


@dataclass(frozen=True)
class Alert:
    day: date  # the last day of the window that rose
    observed: float  # cases in the window
    expected: float  # expected cases in the window from the history
    p_value: float  # upper-tail probability of seeing at least `observed`
    window_days: int

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected > 0 else float("inf")


def upper_tail(observed: float, expected: float, dispersion: float) -> float:
    """P(X >= observed) for a count with mean ``expected`` and variance ``dispersion * expected``."""
    k = int(np.ceil(observed))
    if k <= 0:
        return 1.0
    mu = max(expected, 1e-9)
    if dispersion <= 1.0 + 1e-9:
        return float(stats.poisson.sf(k - 1, mu))
    n = mu / (dispersion - 1.0)
    p = 1.0 / dispersion
    return float(stats.nbinom.sf(k - 1, n, p))


def _window_sums(values: np.ndarray, window: int) -> np.ndarray:
    """sums[t] = values[t-window+1 .. t] (nan for the first window-1 days)."""
    c = np.concatenate([[0.0], np.cumsum(values)])
    out = np.full(len(values), np.nan)
    out[window - 1 :] = c[window:] - c[:-window]
    return out


def scan(
    values: Sequence[float] | np.ndarray,
    first: date,
    *,
    window: int = 7,
    baseline_weeks: int = 8,
    guard_days: int = 7,
    dispersion_weeks: int = 26,
    alpha: float = ALPHA,
    min_count: float = MIN_COUNT,
    min_ratio: float = MIN_RATIO,
    start: int | None = None,
) -> list[Alert]:
    """Every day (from ``start``, default as soon as the history allows) whose trailing window rose."""
    y = np.asarray(values, dtype=float)
    n = len(y)
    sums = _window_sums(y, window)
    weekly = _window_sums(y, 7)
    need = window + guard_days + max(baseline_weeks, dispersion_weeks) * 7
    alerts = []
    for t in range(max(need, start or 0), n):
        end = t - window - guard_days  # last day of the baseline
        base_idx = [end - 7 * i for i in range(baseline_weeks)]
        expected = (
            float(np.mean(sums[base_idx])) if window == 7 else float(np.mean(weekly[base_idx])) * window / 7
        )
        observed = float(sums[t])
        if observed < min_count or observed < min_ratio * max(expected, 0.5):
            continue
        disp_idx = [end - 7 * i for i in range(dispersion_weeks)]
        w = weekly[disp_idx]
        mean_w = float(np.mean(w))
        # differences of consecutive (non-overlapping) weekly sums: slow trends and seasons cancel
        d = np.diff(w)
        dispersion = max(1.0, float(np.mean(d**2)) / (2 * mean_w)) if mean_w > 0 else 1.0
        # the weekly dispersion applies to a window of another length in proportion (quasi-Poisson)
        p = upper_tail(observed, max(expected, 0.5 * window / 7), dispersion)
        if p < alpha:
            alerts.append(Alert(first + timedelta(days=t), observed, expected, p, window))
    return alerts


def episodes(alerts: Sequence[Alert], gap_days: int = 1) -> list[list[Alert]]:
    """Consecutive alert days (at most ``gap_days`` apart) as one alert episode."""
    out: list[list[Alert]] = []
    for a in sorted(alerts, key=lambda a: a.day):
        if out and (a.day - out[-1][-1].day).days <= gap_days:
            out[-1].append(a)
        else:
            out.append([a])
    return out


def latest(values: Sequence[float] | np.ndarray, first: date, **kw: object) -> Alert | None:
    """The alert for the series' last day, if its trailing window is an unusual rise (what the platform checks)."""
    n = len(values)
    found = scan(values, first, start=n - 1, **kw)  # type: ignore[arg-type]
    return found[-1] if found else None


def cusum(
    values: Sequence[float] | np.ndarray,
    first: date,
    *,
    baseline_weeks: int = 8,
    guard_days: int = 7,
    shift: float = 2.0,
    threshold: float = 40.0,
) -> list[Alert]:
    """Poisson CUSUM (Lucas 1985) of daily counts against the weekday rate of the baseline weeks.

    The reference value k = (mu1 - mu0) / ln(mu1 / mu0) targets a rise to ``shift`` times the rate; the
    statistic restarts at zero after each alert. The decision limit is ``threshold`` × √mu0 + 1: 40 gives
    2.5 alerts per series-year on the NYC category histories and finds 77 % of injected triplings within
    their two weeks (8: 8.9 and 98 %; 25: 3.7 and 87 %; decision 086).
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    need = guard_days + baseline_weeks * 7 + 1
    s = 0.0
    out = []
    for t in range(need, n):
        end = t - guard_days
        same_weekday = [y[end - 7 * i] for i in range(1, baseline_weeks + 1) if end - 7 * i >= 0]
        mu0 = max(float(np.mean(same_weekday)), 0.2)
        mu1 = shift * mu0
        k = (mu1 - mu0) / np.log(mu1 / mu0)
        s = max(0.0, s + y[t] - k)
        if s > threshold * np.sqrt(mu0) + 1.0:
            out.append(Alert(first + timedelta(days=t), float(y[t]), mu0, float("nan"), 1))
            s = 0.0
    return out


def false_alarm_rate(
    series: Sequence[Sequence[float] | np.ndarray], first: date, **kw: object
) -> tuple[float, float]:
    """(alert episodes per series-year, series-years scanned) over the given history, no injected rises."""
    count = 0
    years = 0.0
    for values in series:
        alerts = scan(values, first, **kw)  # type: ignore[arg-type]
        count += len(episodes(alerts))
        need = 7 + 7 + 26 * 7
        years += max(0, len(values) - need) / 365.25
    return (count / years if years else 0.0), years


def inject_rise(
    values: Sequence[float] | np.ndarray, at: int, days: int, factor: float, seed: int = 0
) -> np.ndarray:
    """A copy with extra Poisson cases from day ``at`` for ``days`` days: the rate times ``factor``."""
    y = np.array(values, dtype=float)
    rng = np.random.default_rng(seed)
    base = max(float(np.mean(y[max(0, at - 56) : at])), 0.5)
    extra = rng.poisson(base * (factor - 1.0), size=min(days, len(y) - at))
    y[at : at + len(extra)] += extra
    return y
