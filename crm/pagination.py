"""Pagination for the API.

Big lists (contacts, attendance, outreach, comments, follow-ups) page by cursor:
`?cursor=` from the `next` link, newest first by id. A cursor is a position in an
index, so page 20,000 costs what page 1 costs; there is no total count (counting a
million rows on every page is what makes deep pages slow).

A list whose FilterSet has an `ordering` filter (contacts) pages in the order that
filter chose, with the id breaking ties: its cursor holds the whole sort key of the
last row (`last_name`, `id`), so a page starts right after it however many people
share a last name.

Smaller lists (events, organizations, programs, topics, baselines, grants...) page
by number (`?page=3`, with a `count`), which a screen with page links needs.
Both take `?page_size=` up to 1000.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters import OrderingFilter
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from crm.filters import StrictFilterBackend

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django_filters import FilterSet
    from rest_framework.views import APIView

# The attribute of the view on which FilterSetOrderingBackend leaves the order chosen.
CHOSEN_ORDERING = "chosen_ordering"


def strict_page_size(
    request: Request, param: str, default: int | None, most: int
) -> int | None:
    """The page size asked for, or the default; refuse one that is not 1 to most."""
    raw = request.query_params.get(param, "")
    if raw == "":
        return default
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= most:
        raise ValidationError(
            {param: [_("Enter a whole number from 1 to %(most)s.") % {"most": most}]}
        )
    return size


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request: Request) -> Any:
        return strict_page_size(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )


def filterset_ordering(filterset: FilterSet, name: str = "ordering") -> tuple[str, ...]:
    """The model fields a valid FilterSet's ordering filter sorts by ("-created" is
    "-created_at"), or () when none was asked for."""
    flt = filterset.filters.get(name)
    if not isinstance(flt, OrderingFilter) or not filterset.is_valid():
        return ()
    params = filterset.form.cleaned_data.get(name) or []
    return tuple(flt.get_ordering_value(param) for param in params)


class FilterSetOrderingBackend(StrictFilterBackend):
    """The strict FilterSet backend, which also hands the cursor pagination the
    order the FilterSet's `ordering` filter chose: one owner of `?ordering=`."""

    _filterset: FilterSet | None = None
    _built_for: QuerySet[Any] | None = None

    def get_filterset(
        self, request: Request, queryset: QuerySet[Any], view: APIView
    ) -> FilterSet | None:
        # Asked twice per request (to know its parameters, then to filter):
        # built once.
        if self._built_for is not queryset:
            self._filterset = super().get_filterset(request, queryset, view)
            self._built_for = queryset
        return self._filterset

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: APIView
    ) -> QuerySet[Any]:
        filtered = super().filter_queryset(request, queryset, view)
        # The filter set super() validated last (is_valid() is not run again).
        if self._filterset is not None:
            setattr(view, CHOSEN_ORDERING, filterset_ordering(self._filterset))
        return filtered


def with_tiebreak(ordering: Sequence[str]) -> tuple[str, ...]:
    """The ordering, then the id (in the direction of the last key): no two rows
    tie."""
    keys = tuple(ordering)
    if any(key.lstrip("-") in ("id", "pk") for key in keys):
        return keys
    descending = bool(keys) and keys[-1].startswith("-")
    return (*keys, "-id" if descending else "id")


def _reverse(ordering: Sequence[str]) -> tuple[str, ...]:
    return tuple(key[1:] if key.startswith("-") else f"-{key}" for key in ordering)


def _value(instance: Any, name: str) -> Any:
    if isinstance(instance, dict):
        return instance[name]
    return getattr(instance, name)


class CursorPagination(pagination.CursorPagination):
    """For the big lists: stays fast however deep the client pages.

    DRF's cursor holds the value of the first sort key only, and an offset past
    the rows sharing it (capped at 1000, beyond which pages repeat). When the
    order comes from the FilterSet, the cursor holds every key of the last row
    instead and the next page is the rows after it in that order.
    """

    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-id"

    # How many of the ordering's keys a cursor's position holds.
    position_keys = 1

    def get_page_size(self, request: Request) -> Any:
        return strict_page_size(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )

    def get_ordering(
        self, request: Request, queryset: QuerySet[Any], view: APIView | None = None
    ) -> tuple[str, ...]:
        chosen = getattr(view, CHOSEN_ORDERING, None)
        if chosen:
            ordering = with_tiebreak(chosen)
            if any("__" in key for key in ordering):
                raise ValueError(f"Cannot page by a related field: {ordering}")
            self.position_keys = len(ordering)
            return ordering
        self.position_keys = 1
        return with_tiebreak(super().get_ordering(request, queryset, view))  # type: ignore[arg-type]

    def ordering_fields(
        self, request: Request, queryset: QuerySet[Any], view: APIView | None = None
    ) -> tuple[str, ...]:
        """The fields the page is sorted by: a values() query must select them."""
        return tuple(
            key.lstrip("-") for key in self.get_ordering(request, queryset, view)
        )

    def _get_position_from_instance(
        self, instance: Any, ordering: Sequence[str]
    ) -> str:
        keys = [key.lstrip("-") for key in ordering[: self.position_keys]]
        if len(keys) == 1:
            return str(_value(instance, keys[0]))
        return json.dumps([str(_value(instance, key)) for key in keys])

    def _position_values(self, model: type[Model], position: str) -> list[Any]:
        """The cursor's position as values of the sort keys; 404 for a forged one."""
        keys = [key.lstrip("-") for key in self.ordering[: self.position_keys]]
        try:
            raw = [position] if len(keys) == 1 else json.loads(position)
            if not isinstance(raw, list) or len(raw) != len(keys):
                raise ValueError(position)
            values = []
            for key, text in zip(keys, raw, strict=True):
                field: Any = (
                    model._meta.pk if key == "pk" else model._meta.get_field(key)
                )
                if not isinstance(text, str):
                    raise ValueError(text)
                values.append(field.to_python(text))
        except (ValueError, TypeError, DjangoValidationError, FieldDoesNotExist):
            raise NotFound(self.invalid_cursor_message) from None
        return values

    def _after(self, values: Sequence[Any], backwards: bool) -> Q:
        """The rows after the position in the page's order (before it, backwards)."""
        clauses = []
        same: dict[str, Any] = {}
        for key, value in zip(self.ordering, values, strict=False):
            name = key.lstrip("-")
            lookup = "lt" if key.startswith("-") != backwards else "gt"
            clauses.append(Q(**same, **{f"{name}__{lookup}": value}))
            same[name] = value
        first = self.ordering[0]
        # The first key alone bounds an index range scan; the rest refines it.
        bound = "lte" if first.startswith("-") != backwards else "gte"
        either: Q = functools.reduce(operator.or_, clauses)
        if len(clauses) == 1:
            return either
        return Q(**{f"{first.lstrip('-')}__{bound}": values[0]}) & either

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        # DRF's, but filtering on every key the position holds.
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None

        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)  # type: ignore[assignment]

        cursor: Any = self.decode_cursor(request)
        self.cursor = cursor
        current_position: Any
        if cursor is None:
            offset, reverse, current_position = 0, False, None
        else:
            offset, reverse, current_position = cursor

        if reverse:
            queryset = queryset.order_by(*_reverse(self.ordering))
        else:
            queryset = queryset.order_by(*self.ordering)

        if current_position is not None:
            values = self._position_values(queryset.model, current_position)
            queryset = queryset.filter(self._after(values, backwards=reverse))

        results = list(queryset[offset : offset + self.page_size + 1])
        self.page = list(results[: self.page_size])

        if len(results) > len(self.page):
            has_following_position = True
            following_position = self._get_position_from_instance(
                results[-1], self.ordering
            )
        else:
            has_following_position = False
            following_position = None

        if reverse:
            self.page = list(reversed(self.page))
            self.has_next = (current_position is not None) or (offset > 0)
            self.has_previous = has_following_position
            if self.has_next:
                self.next_position = current_position
            if self.has_previous:
                self.previous_position = following_position
        else:
            self.has_next = has_following_position
            self.has_previous = (current_position is not None) or (offset > 0)
            if self.has_next:
                self.next_position = following_position
            if self.has_previous:
                self.previous_position = current_position

        if (self.has_previous or self.has_next) and self.template is not None:
            self.display_page_controls = True
        return self.page
