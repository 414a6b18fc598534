"""Writing many rows at once for imports: plain INSERT and UPDATE statements run
by the database driver's executemany (PostgreSQL: COPY for inserts).

At 100,000 rows QuerySet.bulk_create and bulk_update spend most of their time
building SQL value by value (and bulk_update's CASE grows with the batch); these
send one statement with many parameter sets instead. Values are prepared for
the database as Django prepares them (`get_db_prep_save`) unless they are plain
text, numbers, booleans or NULL, which need nothing. No signals are sent: the
callers announce what they wrote (crm.changes) and write the history rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from django.db import connection, models
from django.db.models import Field

BATCH = 2000
PLAIN = (str, int, bool, type(None))
# Fields whose values need preparing even when they are plain text or numbers.
PREPARED = ("JSONField", "DecimalField", "UUIDField", "BinaryField")


def _columns(
    model: type[models.Model], names: Sequence[str]
) -> tuple[str, list[Field[Any, Any]]]:
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(quote(str(f.column)) for f in fields)  # type: ignore[union-attr]
    return columns, fields  # type: ignore[return-value]


def _prepare(
    fields: Sequence[Field[Any, Any]],
    rows: Iterable[Sequence[Any]],
    ready: Collection[str] = (),
    *,
    undeclared: int = 0,
) -> Iterator[list[Any]]:
    """Each row's values as the database takes them; the last `undeclared`
    values of a row are already so."""
    always = [
        f.get_internal_type() in PREPARED and f.attname not in ready for f in fields
    ]
    never = [f.attname in ready for f in fields]
    steps = list(zip(fields, always, never, strict=True))
    # The same values come back row after row (a time stamp, a choice, an empty
    # JSON object): each is prepared once per field.
    done: list[dict[Any, Any]] = [{} for _f in fields]
    width = len(fields)
    for row in rows:
        out = []
        if undeclared:
            row, rest = row[:width], row[width:]
        for (f, prepare, skip), value, seen in zip(steps, row, done, strict=True):
            if skip or (type(value) in PLAIN and not prepare):
                out.append(value)
                continue
            key = (value.__class__, _key(value))
            if key not in seen:
                prepared = f.get_db_prep_save(value, connection)
                if key[1] is _UNIQUE or len(seen) >= PREPARED_LIMIT:
                    out.append(prepared)
                    continue
                seen[key] = prepared
            out.append(seen[key])
        if undeclared:
            out += rest
        yield out


_UNIQUE = object()  # a value not to remember
PREPARED_LIMIT = 1000


def _key(value: Any) -> Any:
    if isinstance(value, dict | list):
        return () if not value else _UNIQUE
    try:
        hash(value)
    except TypeError:
        return _UNIQUE
    return value


def _run(sql: str, params: Iterator[list[Any]]) -> int:
    count = 0
    with _cursor() as cursor:
        while batch := list(islice(params, BATCH)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _cursor() -> Any:
    """A cursor on the current connection (and transaction).

    On PostgreSQL, a psycopg cursor that binds parameters on the server: the
    statement is prepared once and run for every row in one pipeline. Django's
    own cursor binds them in the client, so each row is a new statement for the
    server to parse and plan, several times slower.
    """
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        return psycopg.Cursor(connection.connection)
    return connection.cursor()


def insert(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ready: Collection[str] = (),
    undeclared: Sequence[str] = (),
) -> int:
    """INSERT rows of values (in the order of `names`); returns how many.

    Values of the fields named in `ready` are given as the database takes them
    (see `prepared`), as are those of the `undeclared` columns, which the model
    does not declare (see contacts.models.RaceMask) and which close each row."""
    columns, fields = _columns(model, names)
    quote = connection.ops.quote_name
    columns = ", ".join([columns, *(quote(name) for name in undeclared)])
    table = connection.ops.quote_name(model._meta.db_table)
    values = _prepare(fields, rows, ready, undeclared=len(undeclared))
    if connection.vendor == "postgresql":
        # COPY: several times faster again than one prepared INSERT a row.
        count = 0
        with (
            _cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in values:
                copy.write_row(row)
                count += 1
        return count
    marks = ", ".join(["%s"] * (len(fields) + len(undeclared)))
    # Table and column names come from model metadata, quoted; values are bound.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    return _run(sql, values)


def prepared(model: type[models.Model], name: str, value: Any) -> Any:
    """A value as the database takes it for a field (to prepare it once)."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)  # type: ignore[union-attr]


def insert_objects(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    now: datetime | None = None,
    undeclared: Mapping[str, Sequence[Any]] | None = None,
) -> None:
    """INSERT unsaved model instances as they are; `auto_now(_add)` fields get
    `now`. Instances without a primary key get theirs from the database, unseen
    (use `reserve_ids` first when the caller needs them). `undeclared` gives
    columns the model does not declare, a value per instance in order."""
    extra = dict(undeclared or {})
    of = {id(obj): index for index, obj in enumerate(objs)} if extra else {}
    if not objs:
        return
    stamped = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for f in stamped:
        for obj in objs:
            setattr(obj, f.attname, now)
    with_pk = [o for o in objs if o.pk is not None]
    without_pk = [o for o in objs if o.pk is None]
    pk_name = model._meta.pk.attname  # type: ignore[union-attr]
    for group, include_pk in ((with_pk, True), (without_pk, False)):
        if not group:
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if include_pk or f.attname != pk_name
        ]
        insert(
            model,
            names,
            (
                [getattr(obj, name) for name in names]
                + [values[of[id(obj)]] for values in extra.values()]
                for obj in group
            ),
            undeclared=list(extra),
        )


def update(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """UPDATE the named fields; each row is the values, then the primary key."""
    quote = connection.ops.quote_name
    _columns_sql, fields = _columns(model, names)
    pk = model._meta.pk
    assert pk is not None  # noqa: S101
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    table = quote(model._meta.db_table)
    # Table and column names come from model metadata, quoted; values are bound.
    sql = f"UPDATE {table} SET {assignments} WHERE {quote(str(pk.column))} = %s"  # noqa: S608
    return _run(sql, _prepare([*fields, pk], rows))


def reserve_ids(model: type[models.Model], count: int) -> list[int] | None:
    """`count` new primary keys for rows about to be inserted, ascending; None
    where the database cannot give them (insert without and read them back).

    SQLite: the next values after the largest ever used, safe because a write
    transaction is open (one writer at a time); PostgreSQL: from the sequence.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk_column = str(model._meta.pk.column)  # type: ignore[union-attr]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                "FROM generate_series(1, %s)",
                [quote(table), pk_column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite" and connection.in_atomic_block:
            # Take the write lock now (a write statement does, even one that
            # changes nothing): no one else can insert until the transaction ends.
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = seq WHERE name = %s", [table]
            )
            # Table and column names come from model metadata, quoted.
            cursor.execute(f"SELECT MAX({quote(pk_column)}) FROM {quote(table)}")  # noqa: S608
            last = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(last, row[0] if row else 0) + 1
            return list(range(start, start + count))
    return None
