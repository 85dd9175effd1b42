"""Fast writes of many registry records and their history rows (imports and the demo base map).

Django's `bulk_create` (and simple-history's `bulk_create_with_history` on top of it) spends
almost all its time compiling the INSERT: one `get_db_prep_save` call per value, one 60,000-
parameter query per batch, and the same again for the history table. Here the columns are
converted once per field kind, ids are taken from the table's sequence up front, and the rows go
to the database with COPY on PostgreSQL and `executemany` on SQLite. The history rows keep
simple-history's meaning exactly: one row per record with `history_type` "+" (created) or "~"
(changed), `history_date`, `history_user` and our `history_source`.

No model signals are sent (neither does `bulk_create`); the caller bumps the registry's change
token and writes the audit record, as it did before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from django.db import connections, models, router
from django.utils import timezone

# Field kinds whose stored value is the Python value itself on both databases.
_PLAIN: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,),
    models.FloatField: (float, int),
    models.BooleanField: (bool,),
    models.AutoField: (int,),
    models.BigAutoField: (int,),
}

Converter = Callable[[Any], Any]


def _converter(field: models.Field, connection: Any) -> Converter:
    """How one column's Python values become what the driver is given (decided once per field)."""

    def slow(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    if isinstance(field, models.ForeignKey):
        target = field.target_field
        kinds = _PLAIN.get(type(target))
        if kinds is None:
            return slow
    else:
        kinds = _PLAIN.get(type(field))
    if kinds is not None:
        plain = kinds

        def fast(value: Any) -> Any:
            return value if value is None or type(value) in plain else slow(value)

        return fast
    if isinstance(field, models.DateTimeField):
        # Every row of one write carries the same few moments: convert each once.
        seen: dict[datetime | None, Any] = {}

        def moment(value: Any) -> Any:
            try:
                return seen[value]
            except KeyError:
                seen[value] = out = slow(value)
                return out
            except TypeError:  # not hashable: not a datetime, let Django refuse it
                return slow(value)

        return moment
    return slow


def _allocate_ids(connection: Any, model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys of the model's table, taken before the insert."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: writers are serialised by the database lock, which this transaction holds
        # from its first write; a concurrent writer would fail on the primary key, never merge.
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk.column)}), 0) FROM {table}")
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(top, row[0] if row else 0) + 1
        return list(range(start, start + count))


def _insert(connection: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(table)} ({cols}) VALUES ({marks})", list(rows))


def _history_rows(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    kind: str,
    source: str,
    user: Any,
    connection: Any,
) -> None:
    history = model.history.model  # type: ignore[attr-defined]
    fields = list(history._meta.concrete_fields)
    ids = _allocate_ids(connection, history, len(objs))
    now = timezone.now()
    fixed: dict[str, Any] = {
        "history_date": now,
        "history_type": kind,
        "history_change_reason": None,
        "history_user_id": getattr(user, "pk", None),
        "history_source": source,
    }
    converters = [_converter(f, connection) for f in fields]
    plan: list[tuple[str, Any]] = []  # ("id"|"fixed"|"copy", value)
    for f, conv in zip(fields, converters, strict=True):
        if f.attname == "history_id":
            plan.append(("id", None))
        elif f.attname in fixed:
            plan.append(("fixed", conv(fixed[f.attname])))
        else:
            plan.append(("copy", f.attname))

    def rows() -> Iterable[list[Any]]:
        for obj, hid in zip(objs, ids, strict=True):
            out: list[Any] = []
            for (how, what), conv in zip(plan, converters, strict=True):
                if how == "id":
                    out.append(hid)
                elif how == "fixed":
                    out.append(what)
                else:
                    out.append(conv(getattr(obj, what)))
            yield out

    _insert(connection, history._meta.db_table, [str(f.column) for f in fields], rows())


def create_with_history(
    objs: Sequence[models.Model], *, source: str, user: Any = None
) -> Sequence[models.Model]:
    """Insert new records (primary keys are set on the objects) and one "+" history row each."""
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    ids = _allocate_ids(connection, model, len(objs))
    fields = list(model._meta.concrete_fields)
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    now = timezone.now()  # one moment for the whole write, as one statement would have
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        for f in stamped:
            setattr(obj, f.attname, now)
        obj._state.adding = False
        obj._state.db = connection.alias
    converters = [_converter(f, connection) for f in fields]
    attnames = [f.attname for f in fields]
    _insert(
        connection,
        model._meta.db_table,
        [str(f.column) for f in fields],
        ([conv(getattr(obj, a)) for a, conv in zip(attnames, converters, strict=True)] for obj in objs),
    )
    _history_rows(model, objs, kind="+", source=source, user=user, connection=connection)
    return objs


def update_with_history(
    objs: Sequence[models.Model], field_names: Iterable[str], *, source: str, user: Any = None
) -> None:
    """Write the named fields of stored records and one "~" history row each (the whole new state)."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    fields = [cast(models.Field, model._meta.get_field(n)) for n in sorted(set(field_names))]
    now = timezone.now()
    for obj in objs:
        for f in fields:
            if getattr(f, "auto_now", False):
                setattr(obj, f.attname, now)
    converters = [_converter(f, connection) for f in fields]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    sets = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(str(pk.column))} = %s"
    params = [
        [conv(getattr(obj, f.attname)) for f, conv in zip(fields, converters, strict=True)] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    _history_rows(model, objs, kind="~", source=source, user=user, connection=connection)
