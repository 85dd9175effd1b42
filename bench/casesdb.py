"""Shared set-up of the case benchmarks: a throwaway database with the demo district (no cases).

On PostgreSQL (DATABASE_URL postgres://…) a fresh database `zhiguan_bench_<pid>` is created on the
same server and dropped afterwards; otherwise a temporary SQLite file. Never the developer's data.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse


def is_postgres(url: str | None) -> bool:
    return bool(url) and urlparse(url or "").scheme in ("postgres", "postgresql")


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Set DATABASE_URL and ZHIGUAN_VAR_DIR to a new database (call before django.setup()); yield its URL."""
    base = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="zhiguan-bench-") as tmp:
        os.environ["ZHIGUAN_VAR_DIR"] = tmp
        os.makedirs(os.path.join(tmp, "static"))
        if not is_postgres(base):
            url = f"sqlite:///{tmp}/bench.sqlite3"
            os.environ["DATABASE_URL"] = url
            yield url
            return
        import psycopg

        name = f"zhiguan_bench_{os.getpid()}"
        admin = urlunparse(urlparse(base)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = urlunparse(urlparse(base)._replace(path=f"/{name}"))
        os.environ["DATABASE_URL"] = url
        try:
            yield url
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_district() -> object:
    """django.setup(), migrate, and the demo district without cases; returns the jurisdiction."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiguan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from zhiguan.demo.build import build_demo
    from zhiguan.demo.data import demo_data_dir

    call_command("migrate", verbosity=0)
    return build_demo(data_dir=demo_data_dir(), cases=0, log=lambda line: print(f"# {line}", flush=True))


def leaf_categories(jurisdiction: object) -> list[int]:
    """Ids of the leaves that a case can be dispatched under (a default lead and an acceptance time)."""
    from zhiguan.cases import deadlines
    from zhiguan.cases.models import Case
    from zhiguan.taxonomy.models import Category
    from zhiguan.taxonomy.queries import effective_lead_department

    cats = list(Category.objects.filter(jurisdiction=jurisdiction, retired_at__isnull=True))
    parents = {c.parent_id for c in cats}
    out = []
    for cat in cats:
        if cat.pk in parents or effective_lead_department(cat) is None:
            continue
        if deadlines.limits(Case(category=cat, urgency="urgent"))[0] > 0:
            out.append(cat.pk)
    return out


def random_points(jurisdiction: object, n: int, seed: int = 1) -> list[tuple[float, float]]:
    import numpy as np
    import shapely

    from zhiguan.geo import lookup

    index = lookup.get_index(jurisdiction.pk)  # type: ignore[attr-defined]
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = index.district.bounds
    out: list[tuple[float, float]] = []
    while len(out) < n:
        x, y = rng.uniform(minx, maxx, 4 * n), rng.uniform(miny, maxy, 4 * n)
        inside = shapely.contains_xy(index.district, x, y)
        out += list(zip(x[inside].round(6).tolist(), y[inside].round(6).tolist(), strict=True))
    return out[:n]


def bulk_cases(jurisdiction: object, n: int, *, seed: int = 3, statuses: list[str] | None = None) -> None:
    """Insert `n` cases straight into the table (COPY on PostgreSQL, batched inserts on SQLite).

    Spread over a year, the district's grids, leaf categories, channels, statuses and warning
    levels; numbers unique. Only for benchmarks: real cases are registered by `cases.services.register`.
    """
    import json

    import numpy as np
    from django.db import connection
    from django.utils import timezone

    from zhiguan.cases.models import Case
    from zhiguan.cases.status import Status
    from zhiguan.geo.models import Area
    from zhiguan.org.models import Department

    rng = np.random.default_rng(seed)
    jid = jurisdiction.pk  # type: ignore[attr-defined]
    grids = list(
        Area.objects.filter(jurisdiction_id=jid, level="grid").values_list("id", "parent_id", "code")
    )
    community_street = dict(
        Area.objects.filter(jurisdiction_id=jid, level="community").values_list("id", "parent_id")
    )
    depts = list(Department.objects.filter(jurisdiction_id=jid, kind="bureau").values_list("id", flat=True))
    categories = leaf_categories(jurisdiction)
    statuses = statuses or list(Status.values)
    channels = ["hotline", "web", "app", "wechat", "inspector"]
    now = timezone.now()
    g = rng.integers(0, len(grids), n)
    cat = rng.integers(0, len(categories), n)
    st = rng.integers(0, len(statuses), n)
    ch = rng.integers(0, len(channels), n)
    wl = rng.choice(["green", "green", "green", "yellow", "red"], n)
    dept = rng.integers(0, len(depts), n)
    age = rng.uniform(0, 365 * 86400, n)
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]

    def row(i: int) -> list[object]:
        grid_id, community_id, _code = grids[g[i]]
        at = now - timezone.timedelta(seconds=float(age[i]))
        status = statuses[st[i]]
        values = {
            "jurisdiction_id": jid,
            "number": f"B{i:09d}",
            "request_type": "complaint",
            "channel": channels[ch[i]],
            "category_id": categories[cat[i]],
            "description": "压测案件",
            "status": status,
            "warning_level": str(wl[i]),
            "lead_department_id": depts[dept[i]]
            if status not in ("registered", "answered", "rejected")
            else None,
            "street_id": community_street.get(community_id),
            "community_id": community_id,
            "grid_id": grid_id,
            "created_at": at,
            "updated_at": at,
        }
        return [values[f.attname] if f.attname in values else f.get_default() for f in fields]

    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {Case._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for i in range(n):
                copy.write_row([json.dumps(v) if isinstance(v, dict | list) else v for v in row(i)])
    else:
        from datetime import datetime

        def adapt(v: object) -> object:
            if isinstance(v, datetime):
                return connection.ops.adapt_datetimefield_value(v)
            return json.dumps(v) if isinstance(v, dict | list) else v

        sql = f"INSERT INTO {Case._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        with connection.cursor() as cursor:
            for start in range(0, n, 5000):
                cursor.executemany(
                    sql, [[adapt(v) for v in row(i)] for i in range(start, min(n, start + 5000))]
                )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Case._meta.db_table}" if connection.vendor == "postgresql" else "ANALYZE")
