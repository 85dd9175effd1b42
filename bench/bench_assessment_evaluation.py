"""A month's department evaluation for 100 departments over 1,000,000 cases (PostgreSQL; 100,000 on SQLite).

Prints BENCH evaluation_month_s: `evaluation.services.evaluate` for the last complete month (every
indicator, score, grade, rank and the case ids behind each figure), and BENCH evaluation_publish_s
(the same, frozen and stored). Cases are bulk-loaded over a year with a lead task each and a
co-handler task on one in five; ZHIGUAN_BENCH_CASES sets N.
"""

from __future__ import annotations

import os
import time

from bench.casesdb import bulk_cases, is_postgres, setup_district, throwaway_database

DEPARTMENTS = 100


def main() -> None:
    with throwaway_database() as url:
        n = int(os.environ.get("ZHIGUAN_BENCH_CASES", 1_000_000 if is_postgres(url) else 100_000))
        jurisdiction = setup_district()
        _departments(jurisdiction)
        started = time.perf_counter()
        bulk_cases(
            jurisdiction, n, statuses=["dispatched", "in_progress", "to_verify", "closed", "callback_done"]
        )
        _tasks(jurisdiction)
        print(f"# {n} cases and their tasks loaded in {time.perf_counter() - started:.0f} s", flush=True)
        _run(jurisdiction)


def _departments(jurisdiction: object) -> None:
    from zhiguan.org.models import Department
    from zhiguan.org.permissions import Actor
    from zhiguan.org.services import create_department

    system = Actor.system(jurisdiction)  # type: ignore[arg-type]
    root = Department.objects.filter(jurisdiction=jurisdiction, parent__isnull=True).first()
    have = Department.objects.filter(jurisdiction=jurisdiction, kind__in=["bureau", "street"]).count()
    for i in range(max(0, DEPARTMENTS - have)):
        create_department(
            actor=system,
            code=f"BENCH{i:03d}",
            name=f"压测单位{i:03d}",
            kind="bureau",
            parent_id=root.pk if root else None,
        )


def _tasks(jurisdiction: object) -> None:
    """A lead task per dispatched case (accepted, replied for the handled ones) and a co-handler task on one in five."""
    from datetime import timedelta

    import numpy as np
    from django.db import connection

    from zhiguan.cases.models import Case, CaseTask
    from zhiguan.org.models import Department

    rng = np.random.default_rng(5)
    depts = list(
        Department.objects.filter(jurisdiction=jurisdiction, kind="bureau").values_list("id", flat=True)
    )
    cols = [
        "case_id",
        "department_id",
        "role",
        "status",
        "assigned_at",
        "accept_due",
        "handle_due",
        "accepted_at",
        "replied_at",
        "reply",
        "accept_late",
        "reply_late",
    ]
    # Read before the COPY starts: the connection cannot answer a query while its COPY runs.
    rows = list(
        Case.objects.filter(jurisdiction=jurisdiction, lead_department__isnull=False).values_list(
            "id", "lead_department_id", "status", "created_at"
        )
    )

    def task_rows():  # type: ignore[no-untyped-def]
        for case_id, dept, status, at in rows:
            handled = status in ("to_verify", "closed", "callback_done")
            late_accept, late_reply = rng.random() < 0.08, rng.random() < 0.12
            accepted = at + timedelta(hours=3 if late_accept else 1)
            replied = at + timedelta(days=float(rng.uniform(1, 9)))
            yield [
                case_id,
                dept,
                "lead",
                "replied" if handled else "accepted",
                at,
                at + timedelta(hours=2),
                at + timedelta(days=7),
                accepted,
                replied if handled else None,
                "已处理" if handled else "",
                late_accept,
                late_reply and handled,
            ]
            if rng.random() < 0.2:
                co = depts[int(rng.integers(0, len(depts)))]
                yield [
                    case_id,
                    co,
                    "co",
                    "replied" if handled else "pending",
                    at,
                    at + timedelta(hours=2),
                    at + timedelta(days=7),
                    accepted if handled else None,
                    replied if handled else None,
                    "已配合" if handled else "",
                    False,
                    False,
                ]

    table = CaseTask._meta.db_table
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy,
        ):
            for r in task_rows():
                copy.write_row(r)
    else:
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        batch: list[list[object]] = []
        with connection.cursor() as cursor:
            for r in task_rows():
                batch.append(
                    [connection.ops.adapt_datetimefield_value(v) if hasattr(v, "tzinfo") else v for v in r]
                )
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}" if connection.vendor == "postgresql" else "ANALYZE")


def _run(jurisdiction: object) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from zhiguan.assessment.evaluation import services
    from zhiguan.cases.models import CaseTask
    from zhiguan.org.models import User
    from zhiguan.org.permissions import Actor

    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    start, end = services.month_bounds(month)
    tasks = CaseTask.objects.filter(assigned_at__gte=start, assigned_at__lt=end).count()
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = services.evaluate(jurisdiction_id=jurisdiction.pk, month=month)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - t0)
    ranked = sum(1 for r in result["rows"] if r["ranked"])
    print(
        f"# {month:%Y-%m}: {tasks} tasks, {len(result['rows'])} departments, {ranked} ranked; runs {', '.join(f'{t:.2f}' for t in times)} s"
    )
    print(f"BENCH evaluation_month_s {sorted(times)[1]:.2f} s", flush=True)
    actor = Actor.for_user(User.objects.get(username="supervisor"))
    assert actor is not None
    t0 = time.perf_counter()
    services.publish(actor=actor, month=month)
    print(f"BENCH evaluation_publish_s {time.perf_counter() - t0:.2f} s", flush=True)


if __name__ == "__main__":
    main()
