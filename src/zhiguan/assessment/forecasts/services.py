"""Forecast refreshes, the early-warning scan and acknowledging an alert (预测预警).

`refresh` counts the cases registered per week or month (Asia/Shanghai dates of `created_at`) for the
district, each level-1 category and each street, forecasts every series with `forecast.forecast_many`
(the model chosen per series by its rolling-origin back-test, decision 086) and stores the run; only
the latest `KEEP_RUNS` runs per frequency stay. `scan_warnings` runs `warning.scan` on the daily counts
of every level-1 category in every street and raises an alert for a new unusual rise, with the cases
of the rising window, telling every supervisor by text message. `acknowledge` marks an alert seen.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhiguan.assessment import forecast, warning
from zhiguan.assessment.forecasts.models import (
    AlertStatus,
    Dimension,
    ForecastRun,
    ForecastSeries,
    WarningAlert,
)
from zhiguan.audit import services as audit
from zhiguan.cases.queries import visible_cases
from zhiguan.errors import Conflict, DomainError, InvalidInput
from zhiguan.geo.models import Area
from zhiguan.notifications.services import mobile_number, send_sms
from zhiguan.org.models import User
from zhiguan.org.permissions import Actor, get_or_404
from zhiguan.taxonomy.models import Category
from zhiguan.tenancy.models import Jurisdiction

HORIZON = {"W": 8, "M": 3}
# what a series row keeps of its history for the chart: the last year of weeks, two years of months
HISTORY_SHOWN = {"W": 52, "M": 24}
KEEP_RUNS = 3
# series of a category need this many cases in their whole history to be forecast at all
MIN_CASES = 20
# the daily history a warning scan needs before the first day it checks: the 7-day window, the guard
# week and the 26 weeks the dispersion is measured over (warning.scan)
SCAN_HISTORY = 7 + 7 + 26 * 7
# the last days checked each night (a missed night is caught up); consecutive alert days are one episode
RECHECK_DAYS = 3
MAX_ALERT_CASES = 500
SMS_PURPOSE = "forecast_warning"


# --------------------------------------------------------------------------------------------- periods


def _day_start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())


def period_start(day: date, freq: str) -> date:
    """The Monday of the ISO week (W) or the first of the month (M) holding `day`."""
    return day - timedelta(days=day.weekday()) if freq == "W" else day.replace(day=1)


def _next_period(label: date, freq: str) -> date:
    if freq == "W":
        return label + timedelta(days=7)
    return (label.replace(day=28) + timedelta(days=4)).replace(day=1)


def last_complete(today: date, freq: str) -> tuple[date, date]:
    """(label, last day) of the last period that ended before `today`."""
    end = period_start(today, freq) - timedelta(days=1)
    return period_start(end, freq), end


def _first_complete(first_day: date, freq: str) -> date:
    start = period_start(first_day, freq)
    return start if start == first_day else _next_period(start, freq)


def _labels(first: date, last: date, freq: str) -> list[date]:
    out = []
    label = first
    while label <= last:
        out.append(label)
        label = _next_period(label, freq)
    return out


# ---------------------------------------------------------------------------------------------- counts


def _level1(jurisdiction_id: int) -> dict[int, int]:
    """category id → the id of its level-1 ancestor (itself for a level-1 category)."""
    parents = dict(Category.objects.filter(jurisdiction_id=jurisdiction_id).values_list("pk", "parent_id"))
    out = {}
    for pk in parents:
        root = pk
        for _step in range(5):
            if parents.get(root) is None:
                break
            root = parents[root]
        out[pk] = root
    return out


def _subtree(level1: dict[int, int], root_id: int) -> list[int]:
    return [pk for pk, root in level1.items() if root == root_id]


def daily_counts(
    jurisdiction: Jurisdiction, since: date | None, until: date
) -> list[tuple[date, int, int | None, int]]:
    """(local day, level-1 category id, street id, cases) of every case registered in [since, until]."""
    qs = visible_cases(Actor.system(jurisdiction)).filter(
        created_at__lt=_day_start(until + timedelta(days=1))
    )
    if since is not None:
        qs = qs.filter(created_at__gte=_day_start(since))
    rows = (
        qs.order_by()
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day", "category_id", "street_id")
        .annotate(n=Count("id"))
    )
    level1 = _level1(jurisdiction.pk)
    return [(day, level1.get(cat, cat), street, n) for day, cat, street, n in rows]


def _first_day(jurisdiction: Jurisdiction) -> date | None:
    first = (
        visible_cases(Actor.system(jurisdiction)).order_by("created_at").values_list("created_at", flat=True)
    )
    at = first.first()
    return timezone.localtime(at).date() if at is not None else None


# -------------------------------------------------------------------------------------------- forecasts


@dataclass(frozen=True)
class _Named:
    dimension: str
    key: str
    name: str


def _workers() -> int:
    # A Celery prefork child is a daemon process, which may not start processes of its own; a thread
    # (the embedded scheduler beside the web server) should not fork the process either.
    if multiprocessing.current_process().daemon or threading.current_thread() is not threading.main_thread():
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def _num(value: float | None, digits: int = 3) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def refresh(
    *,
    jurisdiction: Jurisdiction,
    freq: str,
    now: datetime | None = None,
    workers: int | None = None,
    max_series: int | None = None,
) -> ForecastRun:
    """Forecast the weekly (`W`, 8 weeks ahead) or monthly (`M`, 3 months ahead) case counts of the
    district, of each level-1 category and of each street, from the complete periods before `now`.

    Stores one run with a row per series (a category with fewer than `MIN_CASES` cases is left out;
    `max_series` keeps only the busiest categories and streets) and deletes all but the latest
    `KEEP_RUNS` runs of that frequency. A district without a complete period yet gets a run with no
    series. 422 `invalid_freq` for another frequency.
    """
    if freq not in HORIZON:
        raise InvalidInput(
            _("The frequency is W (weekly) or M (monthly)."), code="invalid_freq", field="freq"
        )
    started = time.perf_counter()
    now = now or timezone.now()
    horizon = HORIZON[freq]
    last_label, as_of = last_complete(timezone.localtime(now).date(), freq)
    first_day = _first_day(jurisdiction)
    labels = _labels(_first_complete(first_day, freq), last_label, freq) if first_day else []
    named: dict[str, forecast.Series] = {}
    meta: dict[str, _Named] = {}
    if len(labels) >= 2:
        counts: dict[tuple[str, Any], dict[date, int]] = defaultdict(lambda: defaultdict(int))
        for day, cat, street, n in daily_counts(jurisdiction, labels[0], as_of):
            label = period_start(day, freq)
            counts[(Dimension.TOTAL, "total")][label] += n
            counts[(Dimension.CATEGORY, cat)][label] += n
            if street is not None:
                counts[(Dimension.STREET, street)][label] += n
        names: dict[str, dict[int, str]] = {
            Dimension.CATEGORY: dict(
                Category.objects.filter(jurisdiction=jurisdiction, level=1).values_list("pk", "name")
            ),
            Dimension.STREET: dict(
                Area.objects.filter(jurisdiction=jurisdiction, level="street").values_list("pk", "name")
            ),
        }
        chosen: list[tuple[str, Any]] = [(Dimension.TOTAL, "total")]
        for dim in (Dimension.CATEGORY, Dimension.STREET):
            ranked = sorted(
                (
                    (sum(c.values()), ref)
                    for (d, ref), c in counts.items()
                    if d == dim and ref in names[dim] and sum(c.values()) >= MIN_CASES
                ),
                key=lambda t: (-t[0], t[1]),
            )
            chosen += [(dim, ref) for _n, ref in ranked[: max_series or None]]
        for dimension, ref in chosen:
            per = counts[(dimension, ref)]
            name = str(jurisdiction.name) if dimension == Dimension.TOTAL else names[dimension][ref]
            ident = f"{dimension}:{ref}"
            named[ident] = forecast.prepare(labels, [per.get(label, 0) for label in labels], freq)
            meta[ident] = _Named(str(dimension), str(ref), name)
    results = forecast.forecast_many(named, horizon, workers=workers if workers is not None else _workers())
    rows = [_series_row(jurisdiction, meta[k], named[k], results[k]) for k in named]
    with transaction.atomic():
        run = ForecastRun.objects.create(
            jurisdiction=jurisdiction,
            freq=freq,
            horizon=horizon,
            made_at=now,
            data_as_of=as_of,
            seconds=round(time.perf_counter() - started, 2),
        )
        for row in rows:
            row.run = run
        ForecastSeries.objects.bulk_create(rows)
        old = ForecastRun.objects.filter(jurisdiction=jurisdiction, freq=freq).order_by("-made_at", "-id")
        stale = list(old.values_list("pk", flat=True)[KEEP_RUNS:])
        if stale:
            ForecastRun.objects.filter(pk__in=stale).delete()
        audit.record(
            actor=None,
            action="forecast.refreshed",
            target=run,
            after={"freq": freq, "series": len(rows), "data_as_of": as_of, "seconds": run.seconds},
            jurisdiction_id=jurisdiction.pk,
        )
    return run


def _series_row(
    jurisdiction: Jurisdiction, named: _Named, series: forecast.Series, fc: forecast.Forecast
) -> ForecastSeries:
    shown = series.tail(HISTORY_SHOWN[series.freq])
    history = [
        [d.isoformat(), int(v)] for d, v in zip(shown.labels(0, len(shown)), shown.values, strict=True)
    ]
    points = [
        [d.isoformat(), _num(m, 1), _num(lo, 1), _num(hi, 1)]
        for d, m, lo, hi in zip(fc.labels, fc.mean, fc.lower, fc.upper, strict=True)
    ]
    score = fc.scores.get
    return ForecastSeries(
        jurisdiction=jurisdiction,
        dimension=named.dimension,
        key=named.key,
        name=named.name[:64],
        model=fc.model,
        mase=_num(score(fc.model, {}).get("mase")),
        mape=_num(score(fc.model, {}).get("mape"), 1),
        snaive_mase=_num(score("snaive", {}).get("mase")),
        snaive_mape=_num(score("snaive", {}).get("mape"), 1),
        wmean4_mase=_num(score("wmean4", {}).get("mase")),
        wmean4_mape=_num(score("wmean4", {}).get("mape"), 1),
        beats_baseline=bool(fc.beats_baseline),
        history=history,
        points=points,
        total=int(np.sum(shown.values)),
    )


# -------------------------------------------------------------------------------------------- warnings


def scan_warnings(
    *, jurisdiction: Jurisdiction, now: datetime | None = None, days: int = RECHECK_DAYS
) -> list[WarningAlert]:
    """Scan the daily cases of every level-1 category in every street up to yesterday; returns the
    alerts raised by this scan.

    A rise (`warning.scan`: the trailing 7 days against the negative-binomial tail of the weeks before,
    p < 0.001, at least 5 cases and 1.5 × expected) found on one of the last `days` days raises
    one alert with the cases of the rising window and a text message to every active supervisor with
    a mobile number, and records the audit entry. No second alert is raised for a pair that has an
    open one, nor for the same rise continuing after it was acknowledged: that alert is extended
    (last day, figures, cases) instead, without a new message. Safe to run again: it raises nothing new.
    """
    now = now or timezone.now()
    length = SCAN_HISTORY + days
    until = timezone.localtime(now).date() - timedelta(days=1)
    since = until - timedelta(days=length - 1)
    series: dict[tuple[int, int], np.ndarray] = defaultdict(lambda: np.zeros(length))
    for day, cat, street, n in daily_counts(jurisdiction, since, until):
        if street is not None:
            series[(cat, street)][(day - since).days] += n
    raised = []
    level1: dict[int, int] | None = None
    for (cat, street), values in sorted(series.items()):
        if values[-7 - days + 1 :].sum() < warning.MIN_COUNT:
            continue  # cannot alert: too few cases in the windows checked
        found = warning.scan(values, since, start=length - days)
        if not found:
            continue
        level1 = level1 or _level1(jurisdiction.pk)
        for episode in warning.episodes(found):
            alert = _raise_or_extend(jurisdiction, cat, street, episode, level1, now)
            if alert is not None:
                raised.append(alert)
    return raised


def _window_cases(
    jurisdiction: Jurisdiction, subtree: list[int], street: int, first: date, last: date
) -> list[int]:
    qs = visible_cases(Actor.system(jurisdiction)).filter(
        category_id__in=subtree,
        street_id=street,
        created_at__gte=_day_start(first),
        created_at__lt=_day_start(last + timedelta(days=1)),
    )
    return list(qs.order_by("created_at", "pk").values_list("pk", flat=True)[:MAX_ALERT_CASES])


def _raise_or_extend(
    jurisdiction: Jurisdiction,
    cat: int,
    street: int,
    episode: list[warning.Alert],
    level1: dict[int, int],
    now: datetime,
) -> WarningAlert | None:
    peak = episode[-1]
    rise_start = episode[0].day - timedelta(days=peak.window_days - 1)
    with transaction.atomic():
        pair = WarningAlert.objects.select_for_update().filter(
            jurisdiction=jurisdiction, category_id=cat, area_id=street
        )
        current = (
            pair.filter(status=AlertStatus.OPEN).order_by("-last_day").first()
            or pair.filter(last_day__gte=episode[0].day - timedelta(days=1)).order_by("-last_day").first()
        )
        if current is not None:
            if peak.day <= current.last_day:
                return None  # seen by an earlier scan
            # the same alert grows: its later days, the cases of the new window added to those it had
            more = _window_cases(jurisdiction, _subtree(level1, cat), street, rise_start, peak.day)
            known = set(current.case_ids)
            cases = [*current.case_ids, *(pk for pk in more if pk not in known)][:MAX_ALERT_CASES]
            WarningAlert.objects.filter(pk=current.pk).update(
                last_day=peak.day,
                observed=int(peak.observed),
                expected=round(peak.expected, 2),
                p_value=peak.p_value,
                case_ids=cases,
            )
            return None
        alert = WarningAlert.objects.create(
            jurisdiction=jurisdiction,
            category_id=cat,
            area_id=street,
            first_day=rise_start,
            last_day=peak.day,
            observed=int(peak.observed),
            expected=round(peak.expected, 2),
            p_value=peak.p_value,
            case_ids=_window_cases(jurisdiction, _subtree(level1, cat), street, rise_start, peak.day),
            raised_at=now,
        )
        alert.notified = _notify_supervisors(alert)
        WarningAlert.objects.filter(pk=alert.pk).update(notified=alert.notified)
        audit.record(
            actor=None,
            action="forecast.alert_raised",
            target=alert,
            after={
                "category_id": cat,
                "street_id": street,
                "first_day": alert.first_day,
                "last_day": alert.last_day,
                "observed": alert.observed,
                "expected": alert.expected,
                "p_value": alert.p_value,
                "cases": len(alert.case_ids),
                "notified": alert.notified,
            },
            jurisdiction_id=jurisdiction.pk,
        )
    return alert


def supervisors(jurisdiction: Jurisdiction) -> Iterable[User]:
    return (
        User.objects.filter(jurisdiction=jurisdiction, is_active=True, roles__code="supervisor")
        .exclude(mobile="")
        .distinct()
        .order_by("pk")
    )


def alert_text(alert: WarningAlert) -> str:
    category = Category.objects.filter(pk=alert.category_id).values_list("name", flat=True).first() or ""
    street = Area.objects.filter(pk=alert.area_id).values_list("name", flat=True).first() or ""
    # a message leaves without a request: in the platform's language
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "Early warning: {category} in {street}, {observed} cases in the 7 days to {day} "
            "against about {expected} expected. See Forecasts and early warning in the console."
        ).format(
            category=category,
            street=street,
            observed=alert.observed,
            day=f"{alert.last_day.month}/{alert.last_day.day}",
            expected=f"{alert.expected:.0f}",
        )


def _notify_supervisors(alert: WarningAlert) -> int:
    """A text message to every active supervisor of the jurisdiction with a mobile number (the SMS
    outbox: queued in this transaction, sent after commit); returns how many were queued."""
    text = alert_text(alert)
    sent = 0
    for person in supervisors(alert.jurisdiction):
        if mobile_number(person.mobile) is None:
            continue  # a landline receives no text
        try:
            send_sms(jurisdiction=alert.jurisdiction, phone=person.mobile, text=text, purpose=SMS_PURPOSE)
        except DomainError:
            continue
        sent += 1
    return sent


def acknowledge(*, actor: Actor, alert_id: int) -> WarningAlert:
    """Mark an open alert acknowledged by `actor` (supervision.issue; 404 outside the scope, 409
    `alert_acknowledged` when it already was), with its audit record."""
    with transaction.atomic():
        alert = get_or_404(actor, WarningAlert.objects.select_for_update(), "supervision.issue", pk=alert_id)
        if alert.status == AlertStatus.ACKNOWLEDGED:
            raise Conflict(_("This alert was already acknowledged."), code="alert_acknowledged")
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by = actor.user
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        audit.record(
            actor=actor,
            action="forecast.alert_acknowledged",
            target=alert,
            before={"status": AlertStatus.OPEN},
            after={"status": AlertStatus.ACKNOWLEDGED},
        )
    return alert
