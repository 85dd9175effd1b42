"""Volume forecasts for count series (daily, weekly, monthly), chosen per series by a rolling-origin back-test.

Pure module: no Django, no database. The entry points are

* ``prepare(dates, counts, freq)``: sums duplicate dates, fills missing periods with zeros (counts), and
  decides the period labels (week anchor weekday, month start/end/day) from the input.
* ``forecast_series(series, horizon)``: fits every candidate that the series is long enough for, scores
  them on a rolling-origin back-test against the seasonal-naive baseline (MASE and MAPE), picks the best,
  and returns the forecast with an 80 % interval built from the back-test errors of the chosen model.

Candidates (docs/decisions/086-forecasts.md explains the choice and the measured figures):

``snaive``   seasonal naive (D: same weekday last week; W: same week last year, else last week;
             M: same month last year, else last month) — the baseline every figure is compared with;
``wmean4``   D: mean of the same weekday over the last four weeks; W/M: mean of the last 4 / 3 periods;
``ets``      statsmodels Holt-Winters on log1p counts (additive weekly season for D, damped trend);
``sarima``   statsmodels SARIMAX on log1p counts, small order;
``mstl``     D only: statsmodels MSTL (weekly + yearly) and a damped-trend ETS on the deseasonalised rest
             (measured, not a default candidate: see ``_candidates``);
``dhr``      harmonic regression on log1p counts: weekday, yearly Fourier terms, holidays (US federal and
             Chinese statutory, each used only when the history shows the dip), a ridge-penalised piecewise
             level, plus a share of the recent residual level;
``combo``    mean of the best three non-baseline candidates on the back-test.

Short series fall back to fewer candidates (see ``_candidates``); a series shorter than two seasons only
gets ``snaive`` / ``wmean4`` / naive mean.
"""

from __future__ import annotations

import calendar
import itertools
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

FREQS = ("D", "W", "M")
SEASON = {"D": 7, "W": 52, "M": 12}
YEAR = {"D": 365.25, "W": 52.18, "M": 12.0}
INTERVAL = 0.80
_Q_LOW, _Q_HIGH = (1 - INTERVAL) / 2, 1 - (1 - INTERVAL) / 2


class ForecastError(ValueError):
    """Input that cannot be forecast (the CLI turns it into a Chinese message and exit 2)."""


# ---------------------------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Periods:
    """How period labels are written: daily dates, weeks anchored on a weekday, months by day-of-month."""

    freq: str
    anchor: int = 0  # W: weekday of the labels (0 = Monday); M: 0 = first day, -1 = last day, else the day

    def key(self, d: date) -> int:
        """An integer index of the period holding ``d`` (consecutive periods differ by one)."""
        if self.freq == "D":
            return d.toordinal()
        if self.freq == "W":
            # weeks labelled by the anchor weekday: the label is the anchor day on/after d's week start
            # the week holding d is labelled by the first anchor weekday on or after d (ISO Monday: before)
            return -((self.anchor + 1 - d.toordinal()) // 7) if self.anchor else (d.toordinal() - 1) // 7
        return d.year * 12 + d.month - 1

    def label(self, key: int) -> date:
        if self.freq == "D":
            return date.fromordinal(key)
        if self.freq == "W":
            return date.fromordinal(key * 7 + 1 + self.anchor)
        year, month = divmod(key, 12)
        month += 1
        last = calendar.monthrange(year, month)[1]
        if self.anchor == 0:
            return date(year, month, 1)
        if self.anchor == -1:
            return date(year, month, last)
        return date(year, month, min(self.anchor, last))

    def days(self, key: int) -> list[date]:
        """The calendar days a period covers (for holiday and working-day features)."""
        if self.freq == "D":
            return [date.fromordinal(key)]
        if self.freq == "W":
            end = self.label(key)
            if self.anchor == 0:  # labelled by the Monday that starts the ISO week
                return [end + timedelta(days=i) for i in range(7)]
            return [end - timedelta(days=6 - i) for i in range(7)]
        year, month = divmod(key, 12)
        first = date(year, month + 1, 1)
        return [first + timedelta(days=i) for i in range(calendar.monthrange(year, month + 1)[1])]


def _periods_for(freq: str, dates: Sequence[date]) -> Periods:
    if freq == "D":
        return Periods("D")
    if freq == "W":
        weekdays = {d.weekday() for d in dates}
        # one row a week on a fixed weekday: keep that weekday as the label (a week ending on it when it is
        # not Monday); otherwise the rows are days or mixed, summed into ISO weeks labelled by their Monday
        return Periods("W", weekdays.pop() if len(weekdays) == 1 else 0)
    days = {d.day for d in dates}
    if days == {1}:
        return Periods("M", 0)
    if all(d.day == calendar.monthrange(d.year, d.month)[1] for d in dates):
        return Periods("M", -1)
    if len(days) == 1:
        return Periods("M", days.pop())
    return Periods("M", 0)


@dataclass
class Series:
    """A dense series of counts per period (zeros filled in), oldest first."""

    periods: Periods
    first: int  # period key of values[0]
    values: np.ndarray

    @property
    def freq(self) -> str:
        return self.periods.freq

    def __len__(self) -> int:
        return len(self.values)

    def labels(self, start: int, count: int) -> list[date]:
        return [self.periods.label(self.first + start + i) for i in range(count)]

    def head(self, n: int) -> Series:
        return Series(self.periods, self.first, self.values[:n])

    def tail(self, n: int) -> Series:
        cut = max(0, len(self.values) - n)
        return Series(self.periods, self.first + cut, self.values[cut:])


def prepare(dates: Sequence[date], counts: Sequence[float], freq: str) -> Series:
    if freq not in FREQS:
        raise ForecastError(f"unknown freq {freq!r}")
    if not dates:
        raise ForecastError("empty series")
    periods = _periods_for(freq, dates)
    keys = [periods.key(d) for d in dates]
    first, last = min(keys), max(keys)
    values = np.zeros(last - first + 1)
    np.add.at(values, np.array(keys) - first, np.asarray(counts, dtype=float))
    return Series(periods, first, values)


# --------------------------------------------------------------------------------------------- holidays


@lru_cache(maxsize=64)
def _us_holidays(year: int) -> dict[date, str]:
    from pandas.tseries.holiday import USFederalHolidayCalendar

    cal = USFederalHolidayCalendar()
    out: dict[date, str] = {}
    for rule in cal.rules:
        for ts in rule.dates(date(year, 1, 1), date(year, 12, 31)):
            out[ts.date()] = str(rule.name)
    for d, name in list(out.items()):
        if name == "Thanksgiving Day":
            out[d + timedelta(days=1)] = "Day after Thanksgiving"
    out[date(year, 12, 24)] = out.get(date(year, 12, 24), "Christmas Eve")
    out[date(year, 12, 31)] = out.get(date(year, 12, 31), "New Year's Eve")
    return out


@lru_cache(maxsize=64)
def _cn_days(year: int) -> dict[date, str]:
    """Chinese statutory holidays by name, and the weekend days made working days ("workday")."""
    import chinese_calendar as cc

    out: dict[date, str] = {}
    start = date(year, 1, 1)
    for i in range(366):
        d = start + timedelta(days=i)
        if d.year != year:
            break
        try:
            holiday, name = cc.get_holiday_detail(d)
        except NotImplementedError:  # outside the library's table: no Chinese features for that year
            return {}
        if holiday and name:
            out[d] = str(name)
        elif not holiday and d.weekday() >= 5:
            out[d] = "workday"
    return out


def _holiday_names(days: Sequence[date], which: str) -> list[str | None]:
    table = _us_holidays if which == "us" else _cn_days
    return [table(d.year).get(d) for d in days]


def _detect_calendars(series: Series) -> tuple[str, ...]:
    """The holiday calendars whose days visibly differ from the same weekday around them (daily only)."""
    if series.freq != "D" or len(series) < 120:
        return ()
    y = np.log1p(series.values)
    days = series.labels(0, len(series))
    n = len(y)
    chosen = []
    for which in ("us", "cn"):
        names = _holiday_names(days, which)
        gaps = []
        for i, name in enumerate(names):
            if name is None or name == "workday":
                continue
            around = [y[j] for j in (i - 14, i - 7, i + 7, i + 14) if 0 <= j < n and names[j] is None]
            if len(around) >= 2:
                gaps.append(y[i] - float(np.median(around)))
        if len(gaps) >= 5 and float(np.mean(gaps)) < -0.15:
            chosen.append(which)
    return tuple(chosen)


# -------------------------------------------------------------------------------------------- candidates

Model = Callable[[Series, int], np.ndarray]


def _season(series: Series) -> int:
    m = SEASON[series.freq]
    if series.freq in ("W", "M") and len(series) < 2 * m:
        return 1
    return m


def snaive(series: Series, h: int) -> np.ndarray:
    y = series.values
    m = min(_season(series), len(y))
    return np.array([y[len(y) - m + (j % m)] for j in range(h)], dtype=float)


def wmean4(series: Series, h: int) -> np.ndarray:
    y = series.values
    n = len(y)
    if series.freq == "D":
        weeks = max(1, min(4, n // 7))
        out = []
        for j in range(h):
            idx = [k for k in (n - 7 * i + (j % 7) for i in range(1, weeks + 1)) if 0 <= k < n]
            out.append(float(np.mean(y[idx])) if idx else float(np.mean(y)))  # under a week: the mean
        return np.array(out)
    k = 4 if series.freq == "W" else 3
    return np.full(h, float(np.mean(y[-k:])))


def _quiet_fit(fn: Callable[[], np.ndarray]) -> np.ndarray:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn()


def ets(series: Series, h: int) -> np.ndarray:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    window = {"D": 730, "W": 260, "M": 120}[series.freq]
    z = np.log1p(series.values[-window:])
    m = 7 if series.freq == "D" else (12 if series.freq == "M" and len(z) >= 36 else 0)

    def fit() -> np.ndarray:
        model = ExponentialSmoothing(
            z,
            trend="add",
            damped_trend=True,
            seasonal="add" if m else None,
            seasonal_periods=m or None,
            initialization_method="estimated",
        )
        return np.asarray(model.fit().forecast(h))

    return np.expm1(_quiet_fit(fit))


def sarima(series: Series, h: int) -> np.ndarray:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    if series.freq == "D":
        z, order, seasonal = np.log1p(series.values[-365:]), (1, 0, 1), (0, 1, 1, 7)
    elif series.freq == "W":
        z, order, seasonal = np.log1p(series.values[-260:]), (1, 1, 1), (0, 0, 0, 0)
    else:
        z = np.log1p(series.values[-120:])
        order, seasonal = (0, 1, 1), ((0, 1, 1, 12) if len(z) >= 36 else (0, 0, 0, 0))

    def fit() -> np.ndarray:
        model = SARIMAX(z, order=order, seasonal_order=seasonal, trend="n")
        return np.asarray(model.fit(disp=False, maxiter=50).forecast(h))

    return np.expm1(_quiet_fit(fit))


def mstl(series: Series, h: int) -> np.ndarray:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    from statsmodels.tsa.seasonal import MSTL

    z = np.log1p(series.values[-3 * 365 :])

    def fit() -> np.ndarray:
        res = MSTL(z, periods=(7, 365), iterate=1).fit()
        seasonal = np.asarray(res.seasonal)  # columns: weekly, yearly
        rest = z - seasonal.sum(axis=1)
        level = ExponentialSmoothing(rest, trend="add", damped_trend=True, initialization_method="estimated")
        ahead = np.asarray(level.fit().forecast(h))
        n = len(z)
        week = np.array([seasonal[n - 7 + (j % 7), 0] for j in range(h)])
        year = np.array([seasonal[n - 365 + (j % 365), 1] for j in range(h)])
        return ahead + week + year

    return np.expm1(_quiet_fit(fit))


def _design(
    series: Series, start: int, count: int, calendars: tuple[str, ...], labels: Sequence[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """Calendar features of periods [start, start+count): weekday, yearly Fourier, holidays, working days.

    ``labels`` fixes the holiday columns (those of the fitted window) so future rows line up with them.
    """
    keys = [series.first + start + i for i in range(count)]
    cols: list[np.ndarray] = []
    names: list[str] = []
    freq = series.freq
    if freq == "D":
        days = [date.fromordinal(k) for k in keys]
        wd = np.array([d.weekday() for d in days])
        for w in range(1, 7):
            cols.append((wd == w).astype(float))
            names.append(f"wd{w}")
        t = np.array([d.timetuple().tm_yday for d in days], dtype=float) / 365.25
        n_fourier = 8
    else:
        mids = [series.periods.days(k) for k in keys]
        t = np.array([(d[len(d) // 2].timetuple().tm_yday) for d in mids], dtype=float) / 365.25
        n_fourier = 10 if freq == "W" else 5
        weekdays = np.array([sum(1 for d in ds if d.weekday() < 5) for ds in mids], dtype=float)
        cols.append(weekdays / 5.0)
        names.append("weekdays")
        if freq == "M":
            cols.append(np.array([len(ds) for ds in mids], dtype=float) / 30.0)
            names.append("days")
    for k in range(1, n_fourier + 1):
        cols.append(np.sin(2 * np.pi * k * t))
        cols.append(np.cos(2 * np.pi * k * t))
        names += [f"s{k}", f"c{k}"]
    for which in calendars:
        if freq == "D":
            hol = _holiday_names(days, which)
            wanted = (
                sorted({n for n in hol if n})
                if labels is None
                else [lab.split(":", 2)[2] for lab in labels if lab.startswith(f"h:{which}:")]
            )
            for label in wanted:
                cols.append(np.array([1.0 if n == label else 0.0 for n in hol]))
                names.append(f"h:{which}:{label}")
        else:
            counts = []
            for ds in mids:
                hol = _holiday_names(ds, which)
                counts.append(sum(1 for n in hol if n and n != "workday"))
            cols.append(np.array(counts, dtype=float))
            names.append(f"h:{which}")
    return np.column_stack(cols) if cols else np.zeros((count, 0)), names


def dhr(series: Series, h: int) -> np.ndarray:
    """Harmonic regression on log1p counts with a penalised piecewise level and recent-residual corrections."""
    freq = series.freq
    n = len(series)
    window = {"D": 3000, "W": 8 * 52, "M": 10 * 12}[freq]
    start = max(0, n - window)
    z = np.log1p(series.values[start:])
    m = len(z)
    cals = _detect_calendars(series.tail(window)) if freq == "D" else ("us", "cn")
    x_cal, labels = _design(series, start, m, cals)
    x_new, _ = _design(series, n, h, cals, labels)
    if m < {"D": 365, "W": 104, "M": 36}[freq]:  # less than about two years: no yearly terms
        keep = [i for i in range(x_cal.shape[1]) if i < (6 if freq == "D" else 1)]
        x_cal, x_new = x_cal[:, keep], x_new[:, keep]
    # piecewise-linear level: hinges every `step` periods, ridge-penalised; frozen at its last value ahead
    step = {"D": 182, "W": 26, "M": 12}[freq]
    knots = np.arange(step, m - step // 2, step)
    tt = np.arange(m, dtype=float)
    hinge = (
        np.column_stack([np.maximum(0.0, tt - k) / step for k in knots]) if len(knots) else np.zeros((m, 0))
    )
    ones = np.ones((m, 1))
    slope = (tt / step)[:, None]
    x = np.hstack([ones, slope, hinge, x_cal])
    n_level = 2 + hinge.shape[1]
    penalty = np.zeros(x.shape[1])
    penalty[1:n_level] = 10.0
    penalty[n_level:] = 0.3
    # exponential time weights: recent years count more (half-life two years)
    half_life = {"D": 730.0, "W": 104.0, "M": 24.0}[freq]
    w = 0.5 ** ((m - 1 - tt) / half_life)
    xw = x * w[:, None]
    beta = np.linalg.solve(x.T @ xw + np.diag(penalty), xw.T @ z)
    level_end = float(np.hstack([ones[-1], slope[-1], hinge[-1]]) @ beta[:n_level])
    fitted = x @ beta
    resid = z - fitted
    recent = {"D": 14, "W": 4, "M": 2}[freq]
    # a third of the recent mean residual as a level correction, and the last residual decaying with the
    # lag-1 autocorrelation of the residuals (an AR(1) error); both tuned on the NYC back-test (decision 086)
    nudge = 0.3 * float(np.mean(resid[-recent:]))
    r = resid[-365:]
    rho = float(np.corrcoef(r[:-1], r[1:])[0, 1]) if len(r) > 10 and np.std(r) > 0 else 0.0
    ar = float(resid[-1]) * max(0.0, rho) ** np.arange(1, h + 1)
    return np.expm1(level_end + nudge + ar + x_new @ beta[n_level:])


CANDIDATES: dict[str, Model] = {
    "snaive": snaive,
    "wmean4": wmean4,
    "ets": ets,
    "sarima": sarima,
    "mstl": mstl,
    "dhr": dhr,
}


def _candidates(series: Series) -> list[str]:
    n, freq = len(series), series.freq
    names = ["snaive", "wmean4"]
    if freq == "D":
        if n >= 8 * 7:
            names += ["ets", "dhr"]
        if n >= 120:
            names.append("sarima")
        # mstl is kept callable but not a default candidate: on the NYC back-test it was the worst model at
        # every horizon (its yearly component repeats last year's noise) and the slowest (decision 086)
    elif freq == "W":
        if n >= 26:
            names += ["ets", "dhr", "sarima"]
    else:
        if n >= 24:
            names += ["ets", "dhr", "sarima"]
    return names


# --------------------------------------------------------------------------------------------- scoring


def mase_scale(y: np.ndarray, m: int) -> float:
    """In-sample mean absolute error of the seasonal-naive forecast (the MASE denominator)."""
    m = max(1, min(m, len(y) - 1)) if len(y) > 1 else 1
    if len(y) <= m:
        return max(float(np.mean(np.abs(y))), 1.0)
    scale = float(np.mean(np.abs(y[m:] - y[:-m])))
    return scale if scale > 0 else max(float(np.mean(np.abs(y))), 1.0)


def mape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Mean absolute percentage error in percent, over periods with a non-zero actual (nan when none)."""
    mask = actual > 0
    if not mask.any():
        return float("nan")
    return float(np.mean(np.abs(actual[mask] - forecast[mask]) / actual[mask]) * 100)


@dataclass
class Backtest:
    origins: list[int]
    horizon: int
    forecasts: dict[str, list[np.ndarray]] = field(default_factory=dict)
    actuals: list[np.ndarray] = field(default_factory=list)
    scales: list[float] = field(default_factory=list)

    def mase(self, name: str) -> float:
        errors = [
            float(np.mean(np.abs(a - f))) / s
            for a, f, s in zip(self.actuals, self.forecasts[name], self.scales, strict=True)
        ]
        return float(np.mean(errors))

    def mape(self, name: str) -> float:
        values = [mape(a, f) for a, f in zip(self.actuals, self.forecasts[name], strict=True)]
        values = [v for v in values if not math.isnan(v)]
        return float(np.mean(values)) if values else float("nan")


def _origins(series: Series, h: int) -> list[int]:
    """Rolling origins over the recent past: enough to hold about 56 daily errors (3 to 6 origins) or 40
    weekly / monthly ones (6 to 10 origins: those series are short, so fits are cheap)."""
    n = len(series)
    if series.freq == "D":
        count = int(np.clip(math.ceil(56 / h), 3, 6))
    else:
        count = int(np.clip(math.ceil(40 / h), 6, 10))
    # steps that are not multiples of 7 days, so daily origins fall on every weekday
    step = {"D": 5, "W": 2, "M": 1}[series.freq] if h <= 7 else h
    minimum = {"D": 28, "W": 13, "M": 12}[series.freq]
    origins = [n - h - i * step for i in range(count)]
    return sorted(o for o in origins if o >= minimum)


def _safe(name: str, series: Series, h: int) -> np.ndarray | None:
    try:
        out = CANDIDATES[name](series, h)
    except Exception:  # a candidate that cannot fit this series just drops out of the choice
        return None
    out = np.asarray(out, dtype=float)
    if out.shape != (h,) or not np.all(np.isfinite(out)):
        return None
    return np.clip(out, 0.0, None)


def backtest(series: Series, h: int, names: Sequence[str] | None = None) -> Backtest:
    names = list(names or _candidates(series))
    bt = Backtest(origins=_origins(series, h), horizon=h)
    m = _season(series)
    failed: set[str] = set()
    bt.forecasts = {name: [] for name in names}
    for origin in bt.origins:
        head = series.head(origin)
        bt.actuals.append(series.values[origin : origin + h])
        bt.scales.append(mase_scale(head.values, m))
        for name in names:
            if name in failed:
                continue
            out = _safe(name, head, h)
            if out is None:
                failed.add(name)
                continue
            bt.forecasts[name].append(out)
    for name in failed:
        del bt.forecasts[name]
    return bt


# -------------------------------------------------------------------------------------------- forecast


@dataclass
class Forecast:
    labels: list[date]
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    model: str
    scores: dict[str, dict[str, float]]  # model -> {"mase": .., "mape": ..} on the back-test
    beats_baseline: bool  # the chosen model's back-test MASE is below the seasonal-naive one

    @property
    def note(self) -> str:
        chosen = self.scores.get(self.model, {})
        base = self.scores.get("snaive", {})
        return (
            f"model={self.model} mase={chosen.get('mase', float('nan')):.3f} "
            f"snaive_mase={base.get('mase', float('nan')):.3f} "
            f"wmean4_mase={self.scores.get('wmean4', {}).get('mase', float('nan')):.3f} "
            f"beats_baseline={'yes' if self.beats_baseline else 'no'}"
        )


def _combo_members(bt: Backtest) -> list[str]:
    ranked = sorted((bt.mase(n), n) for n in bt.forecasts if n not in ("snaive",))
    return [n for _, n in ranked[:3]]


def forecast_series(series: Series, horizon: int) -> Forecast:
    """Choose the model by back-test and forecast ``horizon`` periods after the series' last one."""
    from threadpoolctl import threadpool_limits

    # one BLAS thread: the fits are small, and threads fighting over two cores made SARIMAX 30x slower
    with threadpool_limits(limits=1):
        return _forecast_series(series, horizon)


def _forecast_series(series: Series, horizon: int) -> Forecast:
    if horizon < 1:
        raise ForecastError("horizon must be at least 1")
    n = len(series)
    labels = series.labels(n, horizon)
    if n < 2:
        level = float(series.values[-1]) if n else 0.0
        return Forecast(
            labels,
            np.full(horizon, level),
            np.zeros(horizon),
            np.full(horizon, level * 2 + 1),
            "naive",
            {},
            False,
        )
    # back-test at least a week / 4 weeks / 3 months ahead (more errors to choose on and to size the
    # interval with), at most two months / half a year / a year
    h_bt = min(max(horizon, {"D": 7, "W": 4, "M": 3}[series.freq]), {"D": 56, "W": 26, "M": 12}[series.freq])
    bt = backtest(series, h_bt)
    scores: dict[str, dict[str, float]] = {}
    if bt.origins:
        for name in bt.forecasts:
            scores[name] = {"mase": bt.mase(name), "mape": bt.mape(name)}
        members = _combo_members(bt)
        if len(members) >= 2:
            combo = [np.mean([bt.forecasts[m][i] for m in members], axis=0) for i in range(len(bt.origins))]
            bt.forecasts["combo"] = combo
            scores["combo"] = {"mase": bt.mase("combo"), "mape": bt.mape("combo")}
        # lowest MASE wins; ties go to the simpler model (the dict order above)
        chosen = min(scores, key=lambda k: (round(scores[k]["mase"], 6), list(scores).index(k)))
    else:
        members = []
        chosen = "wmean4" if series.freq == "D" and n >= 7 else "snaive"
    if chosen == "combo":
        parts = [_safe(m, series, horizon) for m in members]
        good = [p for p in parts if p is not None]
        mean = np.mean(good, axis=0) if good else wmean4(series, horizon)
    else:
        out = _safe(chosen, series, horizon)
        mean = out if out is not None else snaive(series, horizon)
    mean = np.clip(mean, 0.0, None)
    lower, upper = _interval(series, bt, chosen, mean)
    base = scores.get("snaive", {}).get("mase", float("inf"))
    beats = chosen != "snaive" and scores.get(chosen, {}).get("mase", float("inf")) < base
    return Forecast(labels, mean, lower, upper, chosen, scores, beats)


def _interval(series: Series, bt: Backtest, chosen: str, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """80 % interval from the chosen model's back-test errors on the log1p scale, widening past them."""
    h = len(mean)
    errors: list[np.ndarray] = []
    if chosen in bt.forecasts:
        errors = [np.log1p(a) - np.log1p(f) for a, f in zip(bt.actuals, bt.forecasts[chosen], strict=True)]
    zf = np.log1p(mean)
    if sum(len(e) for e in errors) < 8:
        # too little back-test: the in-sample errors of seasonal naive when there are enough of them,
        # else a Poisson-style band around the forecast, wide enough to be honest
        y, m = series.values, _season(series)
        if len(y) > m + 8:
            naive = np.log1p(y[m:][-200:]) - np.log1p(y[:-m][-200:])
            lo_q, hi_q = np.quantile(naive, [_Q_LOW, _Q_HIGH])
            return np.clip(np.expm1(zf + min(lo_q, 0.0)), 0.0, None), np.expm1(zf + max(hi_q, 0.0))
        spread = 1.2816 * np.sqrt(np.maximum(mean, 1.0)) * 1.5
        return np.clip(mean - spread, 0.0, None), mean + spread
    err = np.vstack(errors)  # origins x steps
    steps = err.shape[1]
    # quantiles of all back-test errors pooled (a few dozen: steadier than per step), then scaled per step
    # by how the spread grows with the lead time (mean absolute error per third of the steps, relative)
    # weekly and monthly: at the split-conformal level for that many errors, ⌈(n + 1)·0.9⌉ / n, rather
    # than 0.9; with their few dozen errors the plain quantiles covered 70-77 % of NYC weeks and months
    # (daily intervals, sized on ~56 errors, covered 80-86 % already: decision 086)
    n = err.size
    level = _Q_HIGH if series.freq == "D" else min(1.0, math.ceil((n + 1) * _Q_HIGH) / n)
    lo_q, hi_q = np.quantile(err.ravel(), [1.0 - level, level])
    overall = float(np.mean(np.abs(err))) or 1.0
    growth = np.ones(h)
    edges = sorted({0, *(round(steps * f) for f in (1 / 3, 2 / 3)), steps})
    for a, b in itertools.pairwise(edges):
        if b > a:
            growth[a : min(b, h)] = np.clip(float(np.mean(np.abs(err[:, a:b]))) / overall, 0.7, 1.5)
    if h > steps:
        growth[steps:] = growth[steps - 1] * np.sqrt(np.arange(steps + 1, h + 1) / steps)
    # widened by a quarter for the optimism of choosing the best candidate on these same errors
    # (measured: 80 % intervals covered 72-77 % of NYC days without it, decision 086)
    lower = np.expm1(zf + 1.25 * min(lo_q, 0.0) * growth)
    upper = np.expm1(zf + 1.25 * max(hi_q, 0.0) * growth)
    # never narrower than half a Poisson 80 % band: a history that was exactly regular still has noise ahead
    floor = 0.5 * 1.2816 * np.sqrt(np.maximum(mean, 1.0))
    lower, upper = np.minimum(lower, mean - floor), np.maximum(upper, mean + floor)
    return np.clip(np.minimum(lower, mean), 0.0, None), np.maximum(upper, mean)


def forecast_many(named: dict[str, Series], horizon: int, workers: int = 1) -> dict[str, Forecast]:
    """Forecast many series, in parallel processes when ``workers`` > 1 and there are several series."""
    if workers <= 1 or len(named) < 3:
        return {name: forecast_series(s, horizon) for name, s in named.items()}
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(forecast_series, s, horizon) for name, s in named.items()}
        return {name: fut.result() for name, fut in futures.items()}
