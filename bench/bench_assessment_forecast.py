"""Forecast back-test on the real NYC daily request counts (../shared/data/nyc_daily_counts).

Honest rolling origins: at each origin the chooser sees only the days before it (and runs its own inner
back-test there); the forecast is then scored on the next H periods against the seasonal-naive and the
weekday-mean-of-the-last-four-weeks baselines. Origins every 28 days through 2019 (before COVID) and
through the last year of the series (Dec 2022 → Nov 2023); the series is cut at 2023-11-30 (README).

MASE is scaled by the in-sample seasonal-naive MAE before each origin (m = 7 days, 52 weeks, 12 months);
MAPE is over periods with a non-zero count. Ratios are mean MASE of the chosen model / mean MASE of the
baseline (< 1 is better). Also measures the empirical coverage of the 80 % interval.

  .venv/bin/python -m bench assessment_forecast       # full (a few minutes on 2 cores)
  ZHIGUAN_BENCH_QUICK=1 .venv/bin/python -m bench assessment_forecast
"""

from __future__ import annotations

import csv
import os
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import numpy as np

CUT = date(2023, 11, 30)


def data_dir() -> Path | None:
    env = os.environ.get("ZHIGUAN_DEMO_DATA")
    base = Path(env) if env else Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    path = base / "nyc_daily_counts"
    return path if path.is_dir() else None


def load_total(root: Path) -> tuple[list[date], list[float]]:
    with (root / "nyc_council_cases_daily_total.csv").open(encoding="utf-8") as f:
        rows = [(date.fromisoformat(r["date"]), float(r["count"])) for r in csv.DictReader(f)]
    rows = [r for r in rows if r[0] <= CUT]
    return [d for d, _ in rows], [c for _, c in rows]


def load_categories(root: Path, top: int) -> dict[str, tuple[list[date], list[float]]]:
    series: dict[str, dict[date, float]] = defaultdict(dict)
    with (root / "nyc_council_cases_daily_by_category.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            d = date.fromisoformat(r["date"])
            if d <= CUT:
                series[r["category"]][d] = float(r["count"])
    junk = ("(missing)", "@", "Please", "COVID")
    ranked = sorted((k for k in series if not k.startswith(junk)), key=lambda k: -sum(series[k].values()))[
        :top
    ]
    first = date(2015, 1, 1)
    days = [first + timedelta(days=i) for i in range((CUT - first).days + 1)]
    return {k: (days, [series[k].get(d, 0.0) for d in days]) for k in ranked}


def _origins(series, freq: str, h: int, quick: bool) -> list[int]:
    """Indices of origins: every 28 days (4 weeks, 1 month) in 2019 and in the last year of the series."""
    from zhiguan.assessment.forecast import Series

    assert isinstance(series, Series)
    n = len(series)
    step = {"D": 54 if quick else 26, "W": 8 if quick else 4, "M": 2 if quick else 1}[freq]
    span = {"D": 364, "W": 52, "M": 12}[freq]
    last = list(range(n - h - span, n - h + 1, step))
    labels = series.labels(0, n)
    start19 = next(i for i, d in enumerate(labels) if d.year == 2019)
    early = list(range(start19, start19 + span - h + 1, step))
    return early + last


def _score_one(args):
    from zhiguan.assessment.forecast import _season, forecast_series, mape, mase_scale, snaive, wmean4

    series, origin, h = args
    head = series.head(origin)
    actual = series.values[origin : origin + h]
    scale = mase_scale(head.values, _season(head))
    started = time.perf_counter()
    fc = forecast_series(head, h)
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, "model": fc.model, "beats": fc.beats_baseline}
    for name, pred in (("chosen", fc.mean), ("snaive", snaive(head, h)), ("wmean4", wmean4(head, h))):
        out[f"{name}_mase"] = float(np.mean(np.abs(actual - pred))) / scale
        out[f"{name}_mape"] = mape(actual, pred)
    out["covered"] = float(np.mean((actual >= fc.lower) & (actual <= fc.upper)))
    return out


def evaluate(series, freq: str, horizons, quick: bool, pool) -> dict[int, dict[str, float]]:
    table = {}
    for h in horizons:
        jobs = [(series, o, h) for o in _origins(series, freq, h, quick)]
        rows = list(pool.map(_score_one, jobs))
        agg = {k: float(np.nanmean([r[k] for r in rows])) for k in rows[0] if k not in ("model",)}
        models: dict[str, int] = defaultdict(int)
        for r in rows:
            models[r["model"]] += 1
        agg["origins"] = len(rows)
        agg["models"] = dict(models)  # type: ignore[assignment]
        table[h] = agg
    return table


def aggregate(dates: list[date], counts: list[float], freq: str):
    from zhiguan.assessment.forecast import prepare

    if freq == "W":  # weeks ending Sunday, labelled by that Sunday; drop the partial last week
        keep = [
            (d, c)
            for d, c in zip(dates, counts, strict=True)
            if d <= CUT - timedelta(days=(CUT.weekday() + 1) % 7)
        ]
        labels = [d + timedelta(days=6 - d.weekday()) for d, _ in keep]
        return prepare(labels, [c for _, c in keep], "W")
    if freq == "M":
        return prepare([d.replace(day=1) for d in dates], counts, "M")
    return prepare(dates, counts, "D")


def report(prefix: str, table: dict[int, dict[str, float]], unit: str) -> None:
    for h, row in table.items():
        print(f"BENCH {prefix}_mase_h{h} {row['chosen_mase']:.3f} mase", flush=True)
        print(f"BENCH {prefix}_mape_h{h} {row['chosen_mape']:.1f} %", flush=True)
        print(f"BENCH {prefix}_snaive_mase_h{h} {row['snaive_mase']:.3f} mase", flush=True)
        print(f"BENCH {prefix}_weekday4_mase_h{h} {row['wmean4_mase']:.3f} mase", flush=True)
        print(f"BENCH {prefix}_snaive_mape_h{h} {row['snaive_mape']:.1f} %", flush=True)
        print(f"BENCH {prefix}_weekday4_mape_h{h} {row['wmean4_mape']:.1f} %", flush=True)
        print(
            f"BENCH {prefix}_vs_snaive_ratio_h{h} {row['chosen_mase'] / row['snaive_mase']:.3f} ratio",
            flush=True,
        )
        print(
            f"BENCH {prefix}_vs_weekday4_ratio_h{h} {row['chosen_mase'] / row['wmean4_mase']:.3f} ratio",
            flush=True,
        )
        print(f"BENCH {prefix}_coverage80_h{h} {row['covered'] * 100:.1f} %", flush=True)
        print(f"BENCH {prefix}_seconds_per_fit_h{h} {row['seconds']:.2f} s", flush=True)
        print(f"# {prefix} h{h} origins={row['origins']} models={row['models']} ({unit})", flush=True)


def warning_bench(root: Path, quick: bool) -> None:
    """False alarms on the real category histories and detection of injected rises (warning.scan)."""
    from zhiguan.assessment import warning as W

    first = date(2015, 1, 1)
    n = (CUT - first).days + 1
    cats: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n))
    with (root / "nyc_council_cases_daily_by_category.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            d = date.fromisoformat(r["date"])
            if d <= CUT:
                cats[r["category"]][(d - first).days] += float(r["count"])
    series = {k: v for k, v in cats.items() if v.sum() >= 2000}  # categories with >= 2,000 cases
    started = time.perf_counter()
    for alpha in (0.01, 0.001, 0.0001):
        rate, years = W.false_alarm_rate(list(series.values()), first, alpha=alpha)
        print(f"BENCH warning_false_alarms_alpha{alpha:g} {rate:.2f} alerts/series-year", flush=True)
    print(f"# warning: {len(series)} category series, {years:.0f} series-years of history", flush=True)
    cusum_alerts = sum(len(W.cusum(v, first)) for v in series.values())
    print(f"BENCH warning_cusum_false_alarms {cusum_alerts / years:.2f} alerts/series-year", flush=True)
    rng = np.random.default_rng(7)
    for lam in (2.0, 10.0):
        ys = [rng.poisson(lam, 3000).astype(float) for _ in range(10)]
        rate, _ = W.false_alarm_rate(ys, first)
        print(f"BENCH warning_false_alarms_poisson{lam:g} {rate:.3f} alerts/series-year", flush=True)
    for factor in (1.5, 2.0, 3.0):
        hits, total, delays = 0, 0, []
        for k, v in enumerate(series.values()):
            for j, at in enumerate(range(800, n - 30, 600 if quick else 300)):
                y = W.inject_rise(v, at, 14, factor, seed=k * 100 + j)
                found = [a for a in W.scan(y, first, start=at) if (a.day - first).days < at + 14]
                total += 1
                if found:
                    hits += 1
                    delays.append((found[0].day - first).days - at)
        print(f"BENCH warning_detect_x{factor:g}_14d {hits / total * 100:.1f} %", flush=True)
        cusum_hits = 0
        for k, v in enumerate(series.values()):
            for j, at in enumerate(range(800, n - 30, 600 if quick else 300)):
                y = W.inject_rise(v, at, 14, factor, seed=k * 100 + j)
                cusum_hits += any(at <= (a.day - first).days < at + 14 for a in W.cusum(y, first))
        print(f"BENCH warning_cusum_detect_x{factor:g}_14d {cusum_hits / total * 100:.1f} %", flush=True)
        if delays:
            print(f"BENCH warning_delay_x{factor:g}_days {float(np.median(delays)):.0f} days", flush=True)
    print(f"BENCH warning_scan_s {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    root = data_dir()
    if root is None:
        print("# nyc_daily_counts not found (set ZHIGUAN_DEMO_DATA); skipped", flush=True)
        return
    quick = bool(os.environ.get("ZHIGUAN_BENCH_QUICK"))
    only = os.environ.get("ZHIGUAN_BENCH_ONLY", "")
    from zhiguan.assessment.forecast import forecast_series

    dates, counts = load_total(root)
    daily = aggregate(dates, counts, "D")
    forecast_series(daily.head(len(daily) - 7), 28)  # warm: imports statsmodels
    started, cpu = time.perf_counter(), time.process_time()
    forecast_series(daily, 28)
    print(f"BENCH forecast_daily_9y_h28_s {time.perf_counter() - started:.2f} s", flush=True)
    print(f"BENCH forecast_daily_9y_h28_cpu_s {time.process_time() - cpu:.2f} s", flush=True)
    started, cpu = time.perf_counter(), time.process_time()
    forecast_series(daily, 7)
    print(f"BENCH forecast_daily_9y_h7_cpu_s {time.process_time() - cpu:.2f} s", flush=True)
    ratios_s, ratios_w = [], []
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        if not only or "total" in only:
            table = evaluate(daily, "D", (1, 7, 28), quick, pool)
            report("forecast_daily_total", table, "days")
            ratios_s += [r["chosen_mase"] / r["snaive_mase"] for r in table.values()]
            ratios_w += [r["chosen_mase"] / r["wmean4_mase"] for r in table.values()]
        if not only or "week" in only:
            report(
                "forecast_weekly_total",
                evaluate(aggregate(dates, counts, "W"), "W", (1, 4, 13), quick, pool),
                "weeks",
            )
        if not only or "month" in only:
            report(
                "forecast_monthly_total",
                evaluate(aggregate(dates, counts, "M"), "M", (1, 3, 6), quick, pool),
                "months",
            )
        if not only or "category" in only:
            cats = load_categories(root, 4 if quick else 6)
            per_h: dict[int, list[dict[str, float]]] = defaultdict(list)
            for _name, (d, c) in cats.items():
                table = evaluate(aggregate(d, c, "D"), "D", (7, 28), True, pool)
                for h, row in table.items():
                    per_h[h].append(row)
            merged = {}
            for h, rows in per_h.items():
                merged[h] = {k: float(np.mean([r[k] for r in rows])) for k in rows[0] if k not in ("models",)}
                models: dict[str, int] = defaultdict(int)
                for r in rows:
                    for m, k in r["models"].items():  # type: ignore[union-attr]
                        models[m] += k
                merged[h]["models"] = dict(models)  # type: ignore[assignment]
            report(f"forecast_daily_category_top{len(cats)}", merged, "days, mean over categories")
    if not only or "warning" in only:
        warning_bench(root, quick)
    if ratios_s:
        print(f"BENCH forecast_vs_snaive_ratio {float(np.mean(ratios_s)):.3f} ratio", flush=True)
        print(f"BENCH forecast_vs_weekday4_ratio {float(np.mean(ratios_w)):.3f} ratio", flush=True)


if __name__ == "__main__":
    main()
