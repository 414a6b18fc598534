"""The filtered people list as .xlsx or .csv, streamed in bounded memory.

The rows come straight from the database as tuples (`values_list`, read a chunk
at a time), never as model instances: building 100,000 people with their
related objects took most of an export's time. Each list column (languages,
roles, tags, ...) is one more query, read in step with the people (see
contact_rows), and choice labels and Yes/No are translated once per export.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql.constants import MULTI
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Contact
from contacts.normalize import format_phone
from contacts.spreadsheets import Column, XlsxWriter, csv_rows

CHUNK = 2000


@dataclass(frozen=True)
class Getter:
    """Where a column's value comes from: fields of the person read with
    `values_list` (turned into the cell by `convert`), or, with `related`, a
    many-to-many list shown as names joined by "; "."""

    fields: tuple[str, ...] = ()
    convert: Callable[..., Any] | None = None
    related: str = ""


def _field(name: str, convert: Callable[..., Any] | None = None) -> Getter:
    return Getter((name,), convert)


def _names(related: str) -> Getter:
    return Getter(related=related)


def _display(name: str) -> Getter:
    # Choice labels translated once per export, not once per row.
    field = Contact._meta.get_field(name)
    labels = {value: str(label) for value, label in field.flatchoices}  # type: ignore[union-attr]
    return Getter((name,), lambda value: labels.get(value, value))


def _owner() -> Getter:
    names: dict[int, str] = {}

    def convert(pk: int | None, first: str, last: str, username: str) -> str:
        # As User.__str__: the full name, else the username.
        if pk is None:
            return ""
        if pk not in names:
            names[pk] = f"{first} {last}".strip() or username
        return names[pk]

    return Getter(
        ("owner_id", "owner__first_name", "owner__last_name", "owner__username"),
        convert,
    )


def contact_columns(*, include_self_id: bool) -> list[tuple[Column, Getter]]:
    """The export's columns: heading, width, where the value comes from."""
    columns: list[tuple[Column, Getter]] = [
        (Column(_("ID"), 8), _field("pk")),
        (Column(_("First name"), 16), _field("first_name")),
        (Column(_("Last name"), 18), _field("last_name")),
        (Column(_("Preferred name"), 14), _field("preferred_name")),
        (Column(_("Pronouns"), 10), _field("pronouns")),
        (Column(_("Email"), 28), _field("email")),
        (Column(_("Phone"), 16), _field("phone", format_phone)),
        (Column(_("Street address"), 26), _field("street_address")),
        (Column(_("City"), 14), _field("city")),
        (Column(_("State"), 6), _field("state")),
        (Column(_("ZIP code"), 10), _field("zip_code")),
        # A missing county or language reads as None: an empty cell.
        (Column(_("County"), 14), _field("county__name")),
        (Column(_("Legislative district"), 10), _field("legislative_district")),
        (Column(_("Preferred language"), 16), _field("preferred_language__name")),
        (Column(_("Other languages"), 20), _names("other_languages")),
        (Column(_("Needs interpretation"), 12), _field("interpretation_needed")),
        (Column(_("Roles"), 20), _names("roles")),
        (Column(_("Tags"), 20), _names("tags")),
        (Column(_("Birth year"), 10), _field("birth_year")),
        (Column(_("May email"), 10), _field("consent_email")),
        (Column(_("May text"), 10), _field("consent_sms")),
        (Column(_("May call"), 10), _field("consent_phone")),
        (Column(_("Consent date"), 12), _field("consent_date")),
        (Column(_("Consent source"), 16), _display("consent_source")),
    ]
    if include_self_id:
        columns += [
            (
                Column(_("Race/ethnicity status"), 16),
                _display("race_ethnicity_status"),
            ),
            (Column(_("Race/ethnicity categories"), 26), _names("race_categories")),
            (Column(_("Detailed groups"), 22), _names("race_groups")),
            (
                Column(_("Race/ethnicity in their own words"), 22),
                _field("race_write_in"),
            ),
            (Column(_("Self-identification source"), 16), _display("self_id_source")),
            (Column(_("Self-identification date"), 12), _field("self_id_date")),
            (Column(_("Gender"), 12), _field("gender")),
            (Column(_("Age band"), 10), _display("age_band")),
        ]
    columns += [
        (Column(_("Owner"), 16), _owner()),
        (Column(_("Added"), 18), _field("created_at")),
    ]
    return columns


def export_queryset(
    queryset: QuerySet[Contact], *, include_self_id: bool
) -> QuerySet[Contact]:
    """What the export reads, in a fixed number of queries (the people, then
    each list column: see contact_rows)."""
    return queryset


def _load_lists(
    ids: Sequence[int], related: Sequence[str], using: str = DEFAULT_DB_ALIAS
) -> dict[str, dict[int, str]]:
    """Each person's lists for the list columns, as the cell text ("a; b"):
    one query per column, names only, in the listed model's order."""
    lists: dict[str, dict[int, str]] = {}
    for name in related:
        field: Any = Contact._meta.get_field(name)
        through = field.remote_field.through
        target = field.m2m_reverse_field_name()
        source = through._meta.get_field(field.m2m_field_name())
        # Every listed model shows its name (its __str__).
        rows = (
            through.objects.using(using)
            .filter(_among(source, ids, using))
            .order_by(*[_related_order(target, o) for o in _ordering(field)])
            .values_list(source.attname, f"{target}__name")
        )
        grouped: dict[int, list[str]] = {}
        for pk, label in rows:
            grouped.setdefault(pk, []).append(str(label))
        lists[name] = {pk: "; ".join(names) for pk, names in grouped.items()}
    return lists


def _among(field: Any, ids: Sequence[int], using: str) -> Q | RawSQL:
    """The through table's rows for these people, the ids passed as one value:
    Django's `__in` prepares and the driver parses 2,000 placeholders one by
    one per query, which took most of the time of reading the lists."""
    connection = connections[using]
    table = connection.ops.quote_name(field.model._meta.db_table)
    column = f"{table}.{connection.ops.quote_name(field.column)}"
    # Names from the model's metadata; the ids are a parameter: no data in SQL.
    if connection.vendor == "postgresql":
        array = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
        inside = f"{column} = ANY(%s::bigint[])"
        return RawSQL(inside, (array,), BooleanField())  # noqa: S611
    if connection.vendor == "sqlite":
        inside = f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return RawSQL(inside, (json.dumps(list(ids)),), BooleanField())  # noqa: S611
    return Q(**{f"{field.attname}__in": ids})


def _ordering(field: Any) -> list[str]:
    return [o for o in field.related_model._meta.ordering if isinstance(o, str)]


def _related_order(target: str, order: str) -> str:
    """A related model's ordering, seen from the through table."""
    descending = order.startswith("-")
    return f"{'-' if descending else ''}{target}__{order.lstrip('-')}"


def contact_rows(
    queryset: QuerySet[Contact], getters: Sequence[Getter]
) -> Iterator[list[Any]]:
    """One list of cell values per person, in the columns' order.

    Plain fields are picked from each row in one step; only the columns that
    convert (phone, choice labels, owner) or list something are filled in one
    by one. In a plain order (field names, as the people list sorts), each
    list column is one query read alongside the people, in the same order;
    otherwise one query per column per chunk of people.
    """
    fields: list[str] = ["pk"]
    for getter in getters:
        fields += [name for name in getter.fields if name not in fields]
    position = {name: index for index, name in enumerate(fields)}
    # Each column's first field (the person's id for list columns, replaced).
    first = [position[g.fields[0]] if g.fields else 0 for g in getters]
    pick = itemgetter(*first) if len(first) > 1 else lambda v: (v[first[0]],)
    single = [
        (column, g.convert, position[g.fields[0]])
        for column, g in enumerate(getters)
        if g.convert is not None and len(g.fields) == 1
    ]
    several = [
        (column, g.convert, [position[name] for name in g.fields])
        for column, g in enumerate(getters)
        if g.convert is not None and len(g.fields) > 1
    ]
    related = [(column, g.related) for column, g in enumerate(getters) if g.related]

    def build(values: tuple[Any, ...]) -> list[Any]:
        row = list(pick(values))
        for column, convert, index in single:
            row[column] = convert(values[index])
        for column, convert, indexes in several:
            row[column] = convert(*[values[index] for index in indexes])
        return row

    order = _total_order(queryset)
    if order is not None:
        queryset = queryset.order_by(*order)
        rows = _value_rows(queryset, fields)
        alongside = [
            (column, _Alongside(_list_in_order(queryset, name, order)))
            for column, name in related
        ]
        for values in rows:
            row = build(values)
            for column, names in alongside:
                row[column] = names.of(values[0])
            yield row
        for _column, names in alongside:
            names.finish()
        return
    rows = _value_rows(queryset, fields)
    for chunk in itertools.batched(rows, CHUNK):
        lists = _load_lists(
            [row[0] for row in chunk], [name for _c, name in related], queryset.db
        )
        listed = [(column, lists[name]) for column, name in related]
        for values in chunk:
            row = build(values)
            for column, by_person in listed:
                row[column] = by_person.get(values[0], "")
            yield row


def _value_rows(queryset: QuerySet[Contact], fields: Sequence[str]) -> Iterator[Any]:
    """The rows of `queryset.values_list(*fields)`, a chunk at a time (a
    server-side cursor where the database has one), each value converted as
    Django would, but a column at a time per chunk: Django's converter loop
    over every value of every row took as long as reading 100,000 people
    from SQLite."""
    values = queryset.values_list(*fields)
    compiler = values.query.get_compiler(values.db)
    chunks = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK)
    columns = [select[0] for select in compiler.select[: compiler.col_count]]
    converters = [
        (position, _converter(convs, expression, compiler.connection))
        for position, (convs, expression) in compiler.get_converters(columns).items()
    ]
    for chunk in chunks:
        if not converters:
            yield from chunk
            continue
        rows = [list(row) for row in chunk]
        for position, convert in converters:
            for row in rows:
                value = row[position]
                if value is not None:
                    row[position] = convert(value)
        yield from rows


def _converter(
    converters: Sequence[Callable[..., Any]], expression: Any, connection: Any
) -> Callable[[Any], Any]:
    """One function for a column's converters (never given None), with quick
    versions of SQLite's for true/false, dates and UTC times; the others are
    Django's own, in turn."""
    ops = connection.ops
    if len(converters) == 1 and connection.vendor == "sqlite":
        (only,) = converters
        if only == ops.convert_booleanfield_value:
            return _sqlite_bool
        if only == ops.convert_datefield_value:
            return _sqlite_date
        if only == ops.convert_datetimefield_value and connection.timezone_name in (
            "UTC",
            "utc",
        ):
            return _sqlite_utc_datetime

    def convert(value: Any) -> Any:
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def _sqlite_bool(value: Any) -> Any:
    return bool(value) if value in (1, 0) else value


def _sqlite_date(value: Any) -> Any:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _sqlite_utc_datetime(value: Any) -> Any:
    # Stored as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC (Django's format).
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _total_order(queryset: QuerySet[Contact]) -> list[str] | None:
    """The people's order as field names ending with the id, so that another
    query can list their links in the very same order; None when the order is
    anything else (expressions, annotations, random) or the query is sliced."""
    query = queryset.query
    if query.is_sliced or query.distinct_fields or query.combinator:
        return None
    if query.extra_order_by:
        return None
    if query.order_by:
        keys: list[Any] = list(query.order_by)
    elif query.default_ordering:
        keys = list(Contact._meta.ordering or [])
    else:
        keys = []
    names = set()
    for key in keys:
        if not isinstance(key, str) or key == "?" or key.startswith("-?"):
            return None
        name = key.lstrip("-")
        if name.split("__")[0] in query.annotations:
            return None
        names.add(name)
    if not names & {"pk", "id"}:
        keys.append("pk")
    return keys


def _list_in_order(
    queryset: QuerySet[Contact], name: str, order: Sequence[str]
) -> Iterator[tuple[int, str]]:
    """(person id, name) of one list column for everyone in the queryset, in
    the people's order, then the listed model's."""
    field: Any = Contact._meta.get_field(name)
    through = field.remote_field.through
    target = field.m2m_reverse_field_name()
    source = through._meta.get_field(field.m2m_field_name())
    people = [_related_order(source.name, key) for key in order]
    names = [_related_order(target, key) for key in _ordering(field)]
    rows = (
        through.objects.using(queryset.db)
        .filter(**{f"{source.name}__in": queryset.order_by().values("pk")})
        .order_by(*people, *names)
        .values_list(source.attname, f"{target}__name")
    )
    return rows.iterator(chunk_size=CHUNK)


class _Alongside:
    """One list column's (person id, name) rows, read in step with the people
    (both in the same order): the names of each person in turn."""

    def __init__(self, rows: Iterator[tuple[int, str]]) -> None:
        self.rows = rows
        self.head = next(rows, None)
        self.last: tuple[int, str] = (0, "")

    def of(self, pk: int) -> str:
        """This person's names, "a; b" ("" for none)."""
        head = self.head
        if head is None or head[0] != pk:
            # None listed, or the same person again (a query that repeats rows).
            return self.last[1] if self.last[0] == pk else ""
        names = [str(head[1])]
        for row in self.rows:
            if row[0] != pk:
                self.head = row
                break
            names.append(str(row[1]))
        else:
            self.head = None
        self.last = (pk, "; ".join(names))
        return self.last[1]

    def finish(self) -> None:
        """Every row was someone's: the two queries agreed on the order."""
        if self.head is not None:
            raise RuntimeError("The export's lists were read out of step.")


def describe_filters(filterset: Any) -> list[str]:
    """The filters in words, e.g. "County: King", for the top of the sheet."""
    described = []
    cleaned = getattr(filterset.form, "cleaned_data", {}) or {}
    for name, value in cleaned.items():
        if value in (None, "", [], ()) or name not in filterset.filters:
            continue
        label = filterset.filters[name].label or name
        if isinstance(value, (list, tuple)):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = str(value)
        field = filterset.form.fields.get(name)
        choices = dict(getattr(field, "choices", []) or [])
        shown = str(choices.get(value, shown)) if isinstance(value, str) else shown
        described.append(f"{label}: {shown}")
    return described


def export_notes(title: str, filters: Sequence[str], user: Any) -> list[str]:
    return [
        title,
        _("Filters: %(filters)s")
        % {"filters": "; ".join(filters) if filters else _("none (everyone active)")},
        _("Exported %(when)s by %(who)s")
        % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M}", "who": user},
        _("Contains personal data: keep it safe and delete it when done."),
    ]


def contacts_xlsx(
    queryset: QuerySet[Contact],
    *,
    include_self_id: bool,
    notes: Sequence[str] = (),
) -> IO[bytes]:
    """A workbook of people (a temporary file, positioned at the start)."""
    columns = contact_columns(include_self_id=include_self_id)
    writer = XlsxWriter()
    writer.sheet(
        _("People"),
        [c for c, _g in columns],
        contact_rows(
            export_queryset(queryset, include_self_id=include_self_id),
            [g for _c, g in columns],
        ),
        notes=notes,
    )
    return writer.save_to_tempfile()


def contacts_csv(
    queryset: QuerySet[Contact], *, include_self_id: bool
) -> Iterator[str]:
    """CSV text of people, a few hundred lines at a time, for a streaming
    response."""
    columns = contact_columns(include_self_id=include_self_id)
    return csv_rows(
        [c for c, _g in columns],
        contact_rows(
            export_queryset(queryset, include_self_id=include_self_id),
            [g for _c, g in columns],
        ),
    )
