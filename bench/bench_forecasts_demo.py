"""The platform's weekly and monthly district totals (预测预警) back-tested on a built demo district.

    DATABASE_URL=sqlite:////path/demo.sqlite3 .venv/bin/python -m bench forecasts_demo

Reads the series exactly as `assessment.forecasts.services.refresh` builds them (complete ISO weeks /
months of `created_at`, Asia/Shanghai) and scores honest rolling origins as
bench_assessment_forecast does: at each origin the chooser sees only the periods before it and runs
its own inner back-test; the forecast is scored on the next H periods against seasonal naive and the
recent mean. Origins every 4 weeks over the last 52 weeks, every month over the last 12. Skipped when
the database holds no demo district (330114). Figures: docs/decisions/086-forecasts.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor

import numpy as np


def main() -> None:
    import django

    django.setup()
    from django.utils import timezone

    from bench.bench_assessment_forecast import _score_one
    from zhiguan.assessment import forecast
    from zhiguan.assessment.forecasts import services
    from zhiguan.tenancy.models import Jurisdiction

    try:
        j = Jurisdiction.objects.filter(code="330114").first()
        empty = j is None or services._first_day(j) is None
    except Exception:  # no database there (make bench without a demo): nothing to measure
        j, empty = None, True
    if j is None or empty:
        print("# no demo district in this database: skipped (set DATABASE_URL to a built demo)", flush=True)
        return
    today = timezone.localdate()
    with ProcessPoolExecutor(2) as pool:
        for freq, horizons, span, step in (("W", (1, 4, 8), 52, 4), ("M", (1, 3), 12, 1)):
            last_label, as_of = services.last_complete(today, freq)
            first = services._first_complete(services._first_day(j), freq)  # type: ignore[arg-type]
            labels = services._labels(first, last_label, freq)
            per: dict = defaultdict(int)
            for day, _cat, _street, n in services.daily_counts(j, labels[0], as_of):
                per[services.period_start(day, freq)] += n
            series = forecast.prepare(labels, [per.get(x, 0) for x in labels], freq)
            n = len(series)
            name = {"W": "weekly", "M": "monthly"}[freq]
            for h in horizons:
                origins = list(range(n - h - span + 1, n - h + 1, step))
                rows = list(pool.map(_score_one, [(series, o, h) for o in origins]))
                m = {
                    k: float(np.nanmean([r[k] for r in rows])) for k in rows[0] if k not in ("model", "beats")
                }
                models = Counter(r["model"] for r in rows)
                for k in ("chosen", "snaive", "wmean4"):
                    print(f"BENCH demo_{name}_{k}_mase_h{h} {m[f'{k}_mase']:.3f} mase", flush=True)
                    print(f"BENCH demo_{name}_{k}_mape_h{h} {m[f'{k}_mape']:.1f} %", flush=True)
                print(
                    f"BENCH demo_{name}_vs_snaive_ratio_h{h} {m['chosen_mase'] / m['snaive_mase']:.3f} ratio"
                )
                print(f"BENCH demo_{name}_coverage80_h{h} {m['covered'] * 100:.1f} %", flush=True)
                print(
                    f"# demo {name} total: {n} periods, h{h}, {len(rows)} origins, models {dict(models)}",
                    flush=True,
                )
