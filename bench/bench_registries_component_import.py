"""Importing 100,000 city components through the registries pipeline. Prints BENCH lines:

    component_import_rows_per_s          a new .csv of 100,000 rows, every row checked and created
    component_import_xlsx_rows_per_s     the same as an .xlsx (other codes, so created again)
    component_reimport_rows_per_s        the .csv again: every row read, checked, matched, unchanged

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h6 .venv/bin/python -m bench component_import

A throwaway database with the demo district (no cases; `bench.casesdb`), then
`registries.services.import_file` with the `components` spec: header matching, the generic cell
checks, coordinates inside the district, the spec's own checks (code layout, district code, type,
owner), location (street/community/grid/H3), upsert by code with history rows. The files are
made with `zhiguan.exports` before the clock starts. ZHIGUAN_BENCH_ROWS changes the row count.
"""

from __future__ import annotations

import os
import time

from bench.casesdb import is_postgres, setup_district, throwaway_database

TYPES = [
    "0101",
    "0102",
    "0103",
    "0105",
    "0107",
    "0111",
    "0115",
    "0128",
    "0304",
    "0402",
    "0203",
    "0210",
    "0213",
]
HEADER = ["部件编码", "部件类型", "名称", "经度", "纬度", "权属单位", "养护单位", "状态", "安装日期", "备注"]


def main() -> None:
    with throwaway_database() as url:
        jurisdiction = setup_district()
        n = int(os.environ.get("ZHIGUAN_BENCH_ROWS", 100_000))
        print(f"# {'PostgreSQL' if is_postgres(url) else 'SQLite'}, {n} rows", flush=True)
        _run(jurisdiction, n)


def _rows(jurisdiction: object, n: int, first_serial: int) -> list[list[object]]:
    import numpy as np
    import shapely

    from zhiguan.geo import lookup
    from zhiguan.org.models import Department

    index = lookup.get_index(jurisdiction.pk)  # type: ignore[attr-defined]
    assert index.district is not None
    rng = np.random.default_rng(20260214 + first_serial)
    minx, miny, maxx, maxy = index.district.bounds
    lngs, lats = np.empty(0), np.empty(0)
    while len(lngs) < n:
        x, y = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
        inside = shapely.contains_xy(index.district, x, y)
        lngs, lats = np.concatenate([lngs, x[inside]]), np.concatenate([lats, y[inside]])
    depts = list(
        Department.objects.filter(
            jurisdiction=jurisdiction, active=True, kind__in=["bureau", "external"]
        ).values_list("code", "name")
    )
    states = ["完好"] * 18 + ["破损", "丢失"]
    out: list[list[object]] = []
    for i in range(n):
        t = TYPES[i % len(TYPES)]
        code, name = depts[i % len(depts)]
        out.append(
            [
                f"330114{t}{first_serial + i // len(TYPES):06d}",
                t if i % 3 == 0 else "",  # filled below with names for two rows in three
                f"测试部件{i}",
                round(float(lngs[i]), 7),
                round(float(lats[i]), 7),
                code if i % 2 else name,
                name if i % 5 == 0 else ("某某养护公司" if i % 5 == 1 else ""),
                states[i % len(states)],
                f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10}",
                "",
            ]
        )
    return out


def _run(jurisdiction: object, n: int) -> None:
    from zhiguan import exports
    from zhiguan.components.models import Component
    from zhiguan.components.registry import SPEC
    from zhiguan.org.permissions import Actor
    from zhiguan.registries.services import import_file
    from zhiguan.taxonomy.models import Category

    names = dict(
        Category.objects.filter(jurisdiction=jurisdiction, code__startswith="DCM-P-", level=3).values_list(
            "code", "name"
        )
    )
    actor = Actor.system(jurisdiction)  # type: ignore[arg-type]
    rows_csv = _rows(jurisdiction, n, 100_000)
    rows_xlsx = _rows(jurisdiction, n, 300_000)
    for rows in (rows_csv, rows_xlsx):
        for r in rows:
            if not r[1]:
                r[1] = names["DCM-P-" + str(r[0])[6:10]]
    started = time.perf_counter()
    csv_data = exports.as_csv(HEADER, rows_csv)
    xlsx_data = exports.as_xlsx(HEADER, rows_xlsx, sheet="城市部件")
    print(
        f"# files made in {time.perf_counter() - started:.1f} s: csv {len(csv_data) >> 20} MB, xlsx {len(xlsx_data) >> 20} MB",
        flush=True,
    )
    before = Component.objects.filter(jurisdiction=jurisdiction).count()

    def timed(label: str, file_name: str, data: bytes, expect: dict[str, int]) -> float:
        started = time.perf_counter()
        batch = import_file(actor=actor, spec=SPEC, file_name=file_name, data=data)
        seconds = time.perf_counter() - started
        got = {k: getattr(batch, k) for k in expect}
        print(
            f"# {label}: {batch.status} {got} in {seconds:.1f} s; first errors {batch.errors[:3]}", flush=True
        )
        assert got == expect, (got, expect)
        return n / seconds

    created = timed("csv", "部件.csv", csv_data, {"created": n, "refused": 0})
    created_xlsx = timed("xlsx", "部件.xlsx", xlsx_data, {"created": n, "refused": 0})
    unchanged = timed("csv again", "部件.csv", csv_data, {"unchanged": n, "created": 0, "updated": 0})
    assert Component.objects.filter(jurisdiction=jurisdiction).count() == before + 2 * n
    print(f"BENCH component_import_rows_per_s {created:.0f} rows/s", flush=True)
    print(f"BENCH component_import_xlsx_rows_per_s {created_xlsx:.0f} rows/s", flush=True)
    print(f"BENCH component_reimport_rows_per_s {unchanged:.0f} rows/s", flush=True)


if __name__ == "__main__":
    main()
