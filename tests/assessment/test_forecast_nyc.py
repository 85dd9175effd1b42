"""The real NYC daily request counts: the chosen forecasts beat both baselines (skipped without the data)."""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from zhiguan.assessment.forecast import _season, forecast_series, mase_scale, prepare, snaive, wmean4


def _data() -> Path:
    env = os.environ.get("ZHIGUAN_DEMO_DATA")
    base = Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"
    path = base / "nyc_daily_counts" / "nyc_council_cases_daily_total.csv"
    if not path.exists():
        pytest.skip(
            f"real data not available: {path} (put ../shared/data beside the repo or set ZHIGUAN_DEMO_DATA)"
        )
    return path


def test_daily_total_beats_seasonal_naive_and_weekday_mean_on_held_back_weeks() -> None:
    with _data().open(encoding="utf-8") as f:
        rows = [(date.fromisoformat(r["date"]), float(r["count"])) for r in csv.DictReader(f)]
    rows = [r for r in rows if r[0] <= date(2023, 11, 30)]  # the README's cut: later days are stray cases
    series = prepare([d for d, _ in rows], [c for _, c in rows], "D")
    n, h = len(series), 7
    scores: dict[str, list[float]] = {"chosen": [], "snaive": [], "wmean4": []}
    for origin in (n - h - 200, n - h - 96, n - h - 11):  # three held-back weeks of 2023
        head = series.head(origin)
        actual = series.values[origin : origin + h]
        scale = mase_scale(head.values, _season(head))
        fc = forecast_series(head, h)
        for name, pred in (("chosen", fc.mean), ("snaive", snaive(head, h)), ("wmean4", wmean4(head, h))):
            scores[name].append(float(np.mean(np.abs(actual - pred))) / scale)
    mean = {k: float(np.mean(v)) for k, v in scores.items()}
    assert mean["chosen"] < mean["snaive"], mean
    assert mean["chosen"] < mean["wmean4"], mean
