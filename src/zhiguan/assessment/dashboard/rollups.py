"""Keeping the dashboard's rollups equal to the cases (decision 090).

Each rollup row is keyed by the local day its cases were registered on, and a case's
registration time never changes. So after any change of a case, recomputing the rows of the
case's registration day from the cases of that day (`rebuild_day`, a few group-bys over one
day's cases) makes the rollups exactly what a full recomputation would give — whatever changed:
status, street, lead department, co-handlers, warning level, callback. The old and the new
street of a moved case are both rows of that same day.

What changes without a timeline event is covered by periodic rebuilds: the warning sweep moves
warning levels in bulk (`rebuild_stock` after each sweep interval), and a nightly `rebuild_all`
recomputes everything from the cases (a missed signal can at worst last until then). An import of
history sends one `history_imported` for its batch: the days it covered are rebuilt.

All rebuilds of a jurisdiction lock its `DashboardVersion` row first, so two app servers
rebuilding the same day never interleave their delete and insert; the counter is raised in the
same transaction, after which the change is published to open screens (`live.publish`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from zhiguan.assessment.dashboard.models import (
    DashboardVersion,
    DayArea,
    DayFlow,
    DayStock,
    DayTotal,
    OpenNow,
)
from zhiguan.cases.models import Case, CaseTask
from zhiguan.cases.models.case import CallbackResult
from zhiguan.cases.models.work import TaskRole, TaskStatus
from zhiguan.cases.status import OPEN_STATUSES, Status

SATISFIED = (CallbackResult.SATISFIED, CallbackResult.BASICALLY_SATISFIED)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def cohandled_exists() -> Exists:
    """A case with at least one co-handling department (协办) whose task was not cancelled."""
    tasks = CaseTask.objects.filter(case=OuterRef("pk"), role=TaskRole.CO).exclude(
        status=TaskStatus.CANCELLED
    )
    return Exists(tasks)


FLOW_SUMS = ("registered", "answered", "merged", "cohandled", "rated", "satisfied")


def flow_counts() -> dict[str, Count]:
    """The flow measures of a group of cases (the same expressions for rollups and live reads)."""
    return {
        "registered": Count("id"),
        "answered": Count("id", filter=Q(status=Status.ANSWERED)),
        "merged": Count("id", filter=Q(status=Status.MERGED)),
        "cohandled": Count("id", filter=Q(_co=True)),
        "rated": Count("id", filter=~Q(callback_result="")),
        "satisfied": Count("id", filter=Q(callback_result__in=SATISFIED)),
    }


def with_cohandled(qs: Any) -> Any:
    return qs.annotate(_co=cohandled_exists())


def _lock(jurisdiction_id: int) -> bool:
    """Take the jurisdiction's rebuild lock; True when its rollups were never built (no version row)."""
    _row, created = DashboardVersion.objects.get_or_create(jurisdiction_id=jurisdiction_id)
    DashboardVersion.objects.select_for_update().get(jurisdiction_id=jurisdiction_id)
    return created


def _bump(jurisdiction_id: int) -> int:
    DashboardVersion.objects.filter(jurisdiction_id=jurisdiction_id).update(n=F("n") + 1)
    return int(DashboardVersion.objects.get(jurisdiction_id=jurisdiction_id).n)


AREA = ("street_id", "community_id", "grid_id")
STOCK_KEY = (*AREA, "department_id", "warning_level")


def _insert(jurisdiction_id: int, cases: QuerySet[Case]) -> None:
    """Group `cases` into the day-keyed rollups, per registration day."""
    day_key: dict[str, Any] = {"_day": TruncDate("created_at", tzinfo=timezone.get_current_timezone())}
    base: Any = cases.annotate(**day_key)
    flows = with_cohandled(base).values("_day", "street_id", "community_id", "channel", "request_type")
    DayFlow.objects.bulk_create(
        [
            DayFlow(
                jurisdiction_id=jurisdiction_id,
                day=r["_day"],
                street_id=r["street_id"],
                community_id=r["community_id"],
                channel=r["channel"],
                request_type=r["request_type"],
                **{k: r[k] for k in FLOW_SUMS},
            )
            for r in flows.annotate(**flow_counts()).order_by()
        ],
        batch_size=2000,
    )
    totals = base.values("_day", "street_id").annotate(n=Count("id")).order_by()
    DayTotal.objects.bulk_create(
        [
            DayTotal(
                jurisdiction_id=jurisdiction_id, day=r["_day"], street_id=r["street_id"], registered=r["n"]
            )
            for r in totals
        ],
        batch_size=2000,
    )
    areas = base.values("_day", *AREA).annotate(n=Count("id")).order_by()
    DayArea.objects.bulk_create(
        [
            DayArea(
                jurisdiction_id=jurisdiction_id, day=r["_day"], registered=r["n"], **{k: r[k] for k in AREA}
            )
            for r in areas
        ],
        batch_size=2000,
    )
    _insert_stock(jurisdiction_id, base)


ROLLUPS = (DayFlow, DayTotal, DayArea, DayStock)


def _insert_stock(jurisdiction_id: int, base: Any) -> None:
    stock = (
        base.filter(status__in=OPEN_STATUSES)
        .values("_day", *AREA, "lead_department_id", "warning_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    DayStock.objects.bulk_create(
        [
            DayStock(
                jurisdiction_id=jurisdiction_id,
                day=r["_day"],
                department_id=r["lead_department_id"],
                warning_level=r["warning_level"],
                open=r["n"],
                **{k: r[k] for k in AREA},
            )
            for r in stock
        ],
        batch_size=2000,
    )


def _stock_of(qs: QuerySet[DayStock]) -> dict[tuple[Any, ...], int]:
    out: dict[tuple[Any, ...], int] = {}
    for r in qs.values(*STOCK_KEY).annotate(n=Sum("open")).order_by():
        out[tuple(r[k] for k in STOCK_KEY)] = int(r["n"])
    return out


def _rebuild_open_now(jurisdiction_id: int) -> None:
    OpenNow.objects.filter(jurisdiction_id=jurisdiction_id).delete()
    OpenNow.objects.bulk_create(
        [
            OpenNow(jurisdiction_id=jurisdiction_id, open=n, **dict(zip(STOCK_KEY, key, strict=True)))
            for key, n in _stock_of(DayStock.objects.filter(jurisdiction_id=jurisdiction_id)).items()
            if n
        ],
        batch_size=2000,
    )


def _move_open_now(
    jurisdiction_id: int, before: dict[tuple[Any, ...], int], after: dict[tuple[Any, ...], int]
) -> None:
    """Apply one day's change of open cases to `OpenNow` (the difference, key by key)."""
    for key in set(before) | set(after):
        delta = after.get(key, 0) - before.get(key, 0)
        if delta == 0:
            continue
        lookup = dict(zip(STOCK_KEY, key, strict=True))
        row = OpenNow.objects.filter(jurisdiction_id=jurisdiction_id, **lookup).first()
        if row is None:
            OpenNow.objects.create(jurisdiction_id=jurisdiction_id, open=delta, **lookup)
        elif row.open + delta == 0:
            row.delete()
        else:
            OpenNow.objects.filter(pk=row.pk).update(open=F("open") + delta)


def rebuild_days(*, jurisdiction_id: int, days: Iterable[date]) -> int:
    """Recompute the rollup rows of the given registration days from their cases; returns the new version.

    Guarantees: afterwards each of those days' rows equal a full recomputation from the cases as
    committed when the jurisdiction's lock was taken, `OpenNow` equals the sum of `DayStock`, and
    the version is raised in the same transaction.
    """
    wanted = sorted(set(days))
    with transaction.atomic():
        if _lock(jurisdiction_id):  # the first change ever seen: build everything, not one day
            _insert(jurisdiction_id, Case.objects.filter(jurisdiction_id=jurisdiction_id))
            _rebuild_open_now(jurisdiction_id)
            return _bump(jurisdiction_id)
        for day in wanted:
            of_day = DayStock.objects.filter(jurisdiction_id=jurisdiction_id, day=day)
            before = _stock_of(of_day)
            for model in ROLLUPS:
                model.objects.filter(jurisdiction_id=jurisdiction_id, day=day).delete()
            start = day_start(day)
            cases = Case.objects.filter(
                jurisdiction_id=jurisdiction_id,
                created_at__gte=start,
                created_at__lt=day_start(day + timedelta(days=1)),
            )
            _insert(jurisdiction_id, cases)
            _move_open_now(jurisdiction_id, before, _stock_of(of_day))
        return _bump(jurisdiction_id)


def rebuild_all(*, jurisdiction_id: int) -> int:
    """Recompute every rollup row of the jurisdiction from its cases (the nightly job); returns the version."""
    with transaction.atomic():
        _lock(jurisdiction_id)
        for model in ROLLUPS:
            model.objects.filter(jurisdiction_id=jurisdiction_id).delete()
        _insert(jurisdiction_id, Case.objects.filter(jurisdiction_id=jurisdiction_id))
        _rebuild_open_now(jurisdiction_id)
        return _bump(jurisdiction_id)


def _open_rows(jurisdiction_id: int) -> set[tuple[Any, ...]]:
    return set(OpenNow.objects.filter(jurisdiction_id=jurisdiction_id).values_list(*STOCK_KEY, "open"))


def rebuild_stock(*, jurisdiction_id: int) -> int | None:
    """Recompute the open-case rollups (warning levels move in bulk, without timeline events).

    Returns the new version when anything changed, else None (open screens are not disturbed).
    """
    with transaction.atomic():
        _lock(jurisdiction_id)
        before = _open_rows(jurisdiction_id)
        DayStock.objects.filter(jurisdiction_id=jurisdiction_id).delete()
        day_key = TruncDate("created_at", tzinfo=timezone.get_current_timezone())
        _insert_stock(
            jurisdiction_id, Case.objects.filter(jurisdiction_id=jurisdiction_id).annotate(_day=day_key)
        )
        _rebuild_open_now(jurisdiction_id)
        if _open_rows(jurisdiction_id) == before:
            return None
        return _bump(jurisdiction_id)


def current_version(jurisdiction_id: int) -> int:
    n = DashboardVersion.objects.filter(jurisdiction_id=jurisdiction_id).values_list("n", flat=True).first()
    return int(n or 0)


def ensure_built(jurisdiction_id: int) -> int:
    """The current version, building the rollups first if they never were (an upgraded database)."""
    if not DashboardVersion.objects.filter(jurisdiction_id=jurisdiction_id).exists():
        return rebuild_all(jurisdiction_id=jurisdiction_id)
    return current_version(jurisdiction_id)
