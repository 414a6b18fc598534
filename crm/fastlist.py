"""Big API lists read with values(), rendered exactly as their serializers would.

A page of 1,000 people through ContactSerializer builds 1,000 model instances, a
related manager per person and list (prefetch_related) and runs DRF's field
machinery 40 times a row: about ten times what a plain values() query of the same
rows costs. A ReadPlan reads the serializer's fields once per request and turns
them into

- the names for the page's values() query (a foreign key as its id, or as its
  slug through a join),
- one query per many-to-many field for the whole page (ids or slugs, in the
  related model's order, as prefetch_related returns them),
- per field, what its to_representation() would make of the stored value.

So the fields shown, their order, and the fields a role may not see are the
serializer's, decided where they always were. Writes and single records still go
through the serializer. A field the plan cannot read the same way (a method field,
a nested serializer, a property it was not told about) stops the plan being built,
so a new field cannot quietly differ between a list and a record;
tests/api/test_fast_lists.py compares the two outputs record by record.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connections, models
from django.db.models import F
from django.db.models.lookups import In
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from rest_framework.request import Request

Row = dict[str, Any]
Convert = Callable[[Any], Any]


@dataclass(frozen=True)
class Computed:
    """A field the serializer reads from a property: the columns it needs, and
    the value from them (`is_archived` is `archived_at is not None`)."""

    columns: tuple[str, ...]
    value: Callable[[Row], Any]


@dataclass(frozen=True)
class _Column:
    name: str
    key: str
    convert: Convert | None


@dataclass(frozen=True)
class _Derived:
    name: str
    value: Callable[[Row], Any]


@dataclass(frozen=True)
class _Many:
    name: str
    through: type[models.Model]
    owner: str
    value: str
    ordering: tuple[str, ...]


def _datetime(field: serializers.DateTimeField) -> Convert:
    """DateTimeField.to_representation for an aware value: in the current time
    zone, ISO 8601, "Z" for UTC."""
    if (
        getattr(field, "format", api_settings.DATETIME_FORMAT) != ISO_8601
        or hasattr(field, "timezone")
        or not settings.USE_TZ
    ):
        return field.to_representation
    zone = timezone.get_current_timezone()

    def convert(value: dt.datetime) -> str:
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _date(field: serializers.DateField) -> Convert:
    if getattr(field, "format", api_settings.DATE_FORMAT) != ISO_8601:
        return field.to_representation
    return dt.date.isoformat


def _scalar(
    field: serializers.Field[Any, Any, Any, Any], stored: Any
) -> Convert | None:
    """How to show a stored value as the field does; None when it is shown as read."""
    if isinstance(field, serializers.DateTimeField):
        return _datetime(field)
    if isinstance(field, serializers.DateField):
        return _date(field)
    plain = (
        (serializers.BooleanField, models.BooleanField),
        (serializers.IntegerField, models.IntegerField),
        (serializers.CharField, models.CharField | models.TextField),
    )
    for drf_type, model_type in plain:
        if isinstance(field, drf_type) and isinstance(stored, model_type):
            return None
    if (
        isinstance(field, serializers.ChoiceField)
        and not isinstance(field, serializers.MultipleChoiceField)
        and isinstance(stored, models.CharField)
        and all(isinstance(key, str) for key in field.choices)
    ):
        return None  # a stored choice is shown as stored
    if (
        isinstance(field, serializers.JSONField)
        and not field.binary
        and isinstance(stored, models.JSONField)
    ):
        return None
    return field.to_representation


class _Ids:
    """Where a compiled list query takes the page's ids."""

    def __repr__(self) -> str:
        return "<ids>"


_IDS = _Ids()
_IDS_SQL = "/*ids*/%s"


def _compile(queryset: QuerySet[Any], alias: str) -> tuple[str, list[Any]] | None:
    """A values_list() query's SQL and parameters, the ids' place marked; None
    if Django converts what it reads (then it is read through the queryset)."""
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    if compiler.get_converters([column for column, *_ in compiler.select]):
        return None
    if sum(p is _IDS for p in params) != 1:
        return None
    return sql, list(params)


class _AmongIds(In):
    """`column IN (ids)`, but on PostgreSQL `column = ANY(...)` with the ids in one
    parameter: psycopg parses a query's placeholders on every call unless the
    query is short, and parsing 1,000 of them costs more than running the query.
    Whole numbers go as one text ("1,2,3"), which is quicker still to send than
    an array."""

    # The ids were read from the database: nothing to prepare, and Django's
    # looking at them one by one takes longer than the query.
    def get_prep_lookup(self) -> Any:
        return self.rhs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = list(self.rhs)
        if ids == [_IDS]:
            return f"{lhs} IN ({_IDS_SQL})", (*lhs_params, _IDS)
        placeholders = ", ".join(["%s"] * len(ids))
        return f"{lhs} IN ({placeholders})", (*lhs_params, *ids)

    def as_postgresql(
        self, compiler: Any, connection: Any
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = list(self.rhs)
        column_type = self.lhs.output_field.db_type(connection)
        if column_type not in ("integer", "bigint", "smallint"):
            return self.as_sql(compiler, connection)
        if ids == [_IDS] or all(type(pk) is int for pk in ids):
            text = _IDS if ids == [_IDS] else ",".join(map(str, ids))
            sql = f"{lhs} = ANY(string_to_array(%s, ',')::{column_type}[])"
            return sql, (*lhs_params, text)
        return f"{lhs} = ANY(%s)", (*lhs_params, ids)


def _related_order(target: str, related: type[models.Model]) -> tuple[str, ...]:
    """The related model's default order, seen from the through table."""
    declared = list(related._meta.ordering or [])
    order = [o for o in declared if isinstance(o, str)]
    if len(order) != len(declared):
        raise ImproperlyConfigured(f"{related.__name__}: ordering by expressions")
    keys = [
        f"{'-' if o.startswith('-') else ''}{target}__{o.lstrip('-')}" for o in order
    ]
    return (*keys, f"{target}_id")


class ReadPlan:
    """How to read a list page as `serializer` shows each record (see module doc)."""

    def __init__(
        self,
        serializer: serializers.ModelSerializer[Any],
        computed: Mapping[str, Computed] | None = None,
    ) -> None:
        computed = computed or {}
        model: type[models.Model] = serializer.Meta.model
        self.model = model
        self.pk = model._meta.pk.attname  # type: ignore[union-attr]
        self.entries: list[_Column | _Derived | _Many] = []
        names: dict[str, None] = {self.pk: None}
        for name, field in serializer.fields.items():
            if field.write_only:
                continue
            entry = self._entry(model, name, field, computed)
            self.entries.append(entry)
            if isinstance(entry, _Column):
                names[entry.key] = None
            elif isinstance(entry, _Derived):
                names.update(dict.fromkeys(computed[name].columns))
        self.names = tuple(names)
        self.many = [e for e in self.entries if isinstance(e, _Many)]
        # The list fields' queries, compiled, by field and database.
        self._compiled: dict[tuple[str, str], tuple[str, list[Any]] | None] = {}

    @staticmethod
    def _model_field(model: type[models.Model], name: str, source: str) -> Any:
        try:
            return model._meta.get_field(source)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(
                f"{model.__name__}.{name}: the list cannot read {source!r}; "
                "give it as Computed"
            ) from None

    def _entry(
        self,
        model: type[models.Model],
        name: str,
        field: Any,
        computed: Mapping[str, Computed],
    ) -> _Column | _Derived | _Many:
        if name in computed:
            return _Derived(name, computed[name].value)
        source = field.source
        if isinstance(field, relations.ManyRelatedField):
            stored = self._model_field(model, name, source)
            if not isinstance(stored, models.ManyToManyField):
                raise ImproperlyConfigured(f"{name}: not a many-to-many field")
            through: Any = stored.remote_field.through
            target = stored.m2m_reverse_field_name()
            child = field.child_relation
            value = self._related_value(name, child, target)
            return _Many(
                name,
                through,
                f"{stored.m2m_field_name()}_id",
                value,
                _related_order(target, stored.related_model),  # type: ignore[arg-type]
            )
        if isinstance(field, relations.RelatedField):
            stored = self._model_field(model, name, source)
            if not (stored.many_to_one or stored.one_to_one) or not stored.concrete:
                raise ImproperlyConfigured(f"{name}: not a foreign key")
            if (
                isinstance(field, relations.PrimaryKeyRelatedField)
                and stored.target_field != stored.related_model._meta.pk
            ):
                raise ImproperlyConfigured(f"{name}: keyed by a non-primary key")
            return _Column(name, self._related_value(name, field, source), None)
        if isinstance(field, serializers.BaseSerializer) or source == "*":
            raise ImproperlyConfigured(f"{name}: nested or whole-record fields")
        if isinstance(field, serializers.SerializerMethodField):
            raise ImproperlyConfigured(f"{name}: method fields")
        stored = self._model_field(model, name, source)
        if stored.is_relation or not stored.concrete:
            raise ImproperlyConfigured(f"{name}: not a plain column")
        return _Column(name, stored.attname, _scalar(field, stored))

    @staticmethod
    def _related_value(name: str, field: Any, path: str) -> str:
        """The values() name of a related record as the field shows it."""
        if isinstance(field, relations.SlugRelatedField):
            return f"{path}__{field.slug_field}"
        if (
            isinstance(field, relations.PrimaryKeyRelatedField)
            and field.pk_field is None
        ):
            return path if "__" in path else f"{path}_id"
        raise ImproperlyConfigured(f"{name}: shown as neither an id nor a slug")

    def can_sort_by(self, keys: Iterable[str]) -> bool:
        """Whether rows of values() can carry these sort keys (not a list field)."""
        for key in keys:
            if key == "pk":
                continue
            try:
                field = self.model._meta.get_field(key)
            except FieldDoesNotExist:
                return False
            if not field.concrete or field.many_to_many:
                return False
        return True

    def values(self, queryset: QuerySet[Any], also: Iterable[str] = ()) -> Any:
        """The rows' columns the plan reads (and `also`, e.g. the sort keys);
        values() drops select_related(), and the lists are read by render()."""
        extra = [name for name in also if name not in self.names]
        return queryset.prefetch_related(None).values(*self.names, *extra)

    def _lists(self, ids: Sequence[Any]) -> dict[str, dict[Any, list[Any]]]:
        """Each many-to-many field's values per row: one query per field.

        (One UNION ALL query of them all, each numbering its rows, was slower.)
        """
        lists: dict[str, dict[Any, list[Any]]] = {}
        for many in self.many:
            per_row: dict[Any, list[Any]] = {pk: [] for pk in ids}
            if ids:
                for owner, value in self._pairs(many, ids):
                    per_row[owner].append(value)
            lists[many.name] = per_row
        return lists

    def _pairs(self, many: _Many, ids: Sequence[Any]) -> Iterable[tuple[Any, Any]]:
        """(row id, value) of a list field for the rows, in the list's order.

        The query is compiled once per plan and database, the ids put in its
        place on each call: building and compiling the queryset anew cost as
        much as running it.
        """
        manager = many.through._default_manager
        alias = manager.db
        key = (many.name, alias)
        if key not in self._compiled:
            self._compiled[key] = _compile(
                manager.filter(_AmongIds(F(many.owner), [_IDS]))
                .order_by(*many.ordering)
                .values_list(many.owner, many.value),
                alias,
            )
        compiled = self._compiled[key]
        if compiled is None:  # values to convert: as Django reads them
            return (
                manager.filter(_AmongIds(F(many.owner), ids))
                .order_by(*many.ordering)
                .values_list(many.owner, many.value)
            )
        sql, params = compiled
        if _IDS_SQL in sql:  # column IN (%s, %s, ...)
            sql = sql.replace(_IDS_SQL, ", ".join(["%s"] * len(ids)))
            values = [v for p in params for v in (ids if p is _IDS else [p])]
        else:  # column = ANY(string_to_array(%s, ',')::integer[])
            if not all(type(pk) is int for pk in ids):
                raise TypeError("Expected whole-number ids")
            text = ",".join(map(str, ids))
            values = [text if p is _IDS else p for p in params]
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.fetchall()

    def render(self, rows: Sequence[Row]) -> list[Row]:
        """The rows as the serializer shows them."""
        pk = self.pk
        lists = self._lists([row[pk] for row in rows])
        getters: list[tuple[str, Callable[[Row], Any]]] = []
        for entry in self.entries:
            if isinstance(entry, _Column):
                getters.append((entry.name, _getter(entry.key, entry.convert)))
            elif isinstance(entry, _Many):
                getters.append((entry.name, _list_getter(pk, lists[entry.name])))
            else:
                getters.append((entry.name, entry.value))
        return [{name: get(row) for name, get in getters} for row in rows]


def _getter(key: str, convert: Convert | None) -> Callable[[Row], Any]:
    if convert is None:
        return operator.itemgetter(key)

    def get(row: Row) -> Any:
        value = row[key]
        return None if value is None else convert(value)

    return get


def _list_getter(pk: str, per_row: dict[Any, list[Any]]) -> Callable[[Row], Any]:
    def get(row: Row) -> list[Any]:
        return per_row[row[pk]]

    return get


# Plans built, by view, serializer, what its fields depend on, and time zone.
_PLANS: dict[tuple[Any, ...], ReadPlan] = {}


class FastListMixin:
    """A list action reading through a ReadPlan; everything else is unchanged.

    `list_computed` names the serializer's fields read from properties.
    """

    list_computed: Mapping[str, Computed] = {}

    def list_plan_key(self, request: Request) -> Hashable | None:
        """What the serializer's fields depend on in this request (the user's
        permissions, say), if that can be told without building them: the plan
        is then built once per key. None builds it on every request."""
        return None

    def list_plan(self, request: Request) -> ReadPlan:
        view: Any = self
        key = self.list_plan_key(request)
        if key is None:
            return ReadPlan(view.get_serializer(), self.list_computed)
        full: tuple[Any, ...] = (
            type(self),
            view.get_serializer_class(),
            key,
            timezone.get_current_timezone_name(),
        )
        plan = _PLANS.get(full)
        if plan is None:
            plan = _PLANS[full] = ReadPlan(view.get_serializer(), self.list_computed)
        return plan

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view: Any = self
        queryset = view.filter_queryset(view.get_queryset())
        plan = self.list_plan(request)
        paginator = view.paginator
        sort_keys: tuple[str, ...] = ()
        if paginator is not None and hasattr(paginator, "ordering_fields"):
            sort_keys = paginator.ordering_fields(request, queryset, view)
        if not plan.can_sort_by(sort_keys):
            # Sorted by a list field (?ordering=topics): rows repeat; as it was.
            return super().list(request, *args, **kwargs)  # type: ignore[misc, no-any-return]
        rows = plan.values(queryset, also=sort_keys)
        page = view.paginate_queryset(rows)
        if page is not None:
            return view.get_paginated_response(plan.render(page))  # type: ignore[no-any-return]
        return Response(plan.render(list(rows)))
