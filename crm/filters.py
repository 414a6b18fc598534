"""Filtering for the API: the screens' FilterSets, and nothing a client misspells.

A misspelt filter silently ignored returns everything, which a script then takes
for the answer; so a query parameter no filter, ordering or pagination reads is
refused with 400 naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _
from django_filters import BooleanFilter, NumberFilter
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import SuffixedMultiWidget
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_filters import FilterSet
    from rest_framework.request import Request
    from rest_framework.views import APIView

# Read by DRF itself on any view (content negotiation).
ALWAYS_ALLOWED = frozenset({"format"})
# What a yes/no filter understands; anything else would silently mean "either".
BOOLEAN_WORDS = frozenset({"true", "false"})
INTEGER = re.compile(r"-?\d{1,18}")


def refuse_malformed_booleans(request: Request, names: Iterable[str]) -> None:
    """Raise a 400 naming yes/no parameters given something other than true/false."""
    errors = {
        name: [_("Enter true or false.")]
        for name in names
        if request.query_params.get(name, "").lower() not in BOOLEAN_WORDS | {""}
    }
    if errors:
        raise ValidationError(errors)


def _is_integer(model: Any, field_name: str) -> bool:
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return False
    return isinstance(field, models.IntegerField | models.AutoField)


def refuse_malformed_values(request: Request, filterset: FilterSet) -> None:
    """Refuse values django-filter would read loosely: "maybe" for a yes/no filter
    (taken as no filter) and 0.5 for a whole-number field (taken as 0.5)."""
    model = filterset._meta.model
    refuse_malformed_booleans(
        request,
        [n for n, f in filterset.filters.items() if isinstance(f, BooleanFilter)],
    )
    errors = {
        name: [_("Enter a whole number.")]
        for name, flt in filterset.filters.items()
        if isinstance(flt, NumberFilter)
        and _is_integer(model, flt.field_name)
        and request.query_params.get(name, "") != ""
        and not INTEGER.fullmatch(request.query_params[name])
    }
    if errors:
        raise ValidationError(errors)


def refuse_unknown_parameters(request: Request, allowed: Iterable[str]) -> None:
    """Raise a 400 naming every query parameter not in `allowed`."""
    known = set(allowed) | ALWAYS_ALLOWED
    unknown = sorted(name for name in request.query_params if name not in known)
    if unknown:
        raise ValidationError(
            {
                name: [
                    _("Unknown query parameter. Known parameters: %(known)s.")
                    % {"known": ", ".join(sorted(known))}
                ]
                for name in unknown
            }
        )


def filterset_parameters(filterset: FilterSet) -> set[str]:
    """The query parameter names a FilterSet's form reads (range filters read two)."""
    names: set[str] = set()
    for name, field in filterset.form.fields.items():
        widget = field.widget
        if isinstance(widget, SuffixedMultiWidget):
            names.update(widget.suffixed(name, suffix) for suffix in widget.suffixes)
        else:
            names.add(name)
    return names


def view_parameters(view: APIView) -> set[str]:
    """Query parameters read by the view's ordering, search and pagination."""
    names: set[str] = set(getattr(view, "extra_query_parameters", ()))
    for backend in getattr(view, "filter_backends", ()):
        for attr in ("ordering_param", "search_param"):
            if hasattr(backend, attr):
                names.add(getattr(backend, attr))
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        for attr in (
            "page_query_param",
            "page_size_query_param",
            "cursor_query_param",
            "limit_query_param",
            "offset_query_param",
        ):
            value = getattr(paginator, attr, None)
            if value:
                names.add(value)
    return names


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend that also refuses query parameters nobody reads."""

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: APIView
    ) -> QuerySet[Any]:
        allowed = view_parameters(view)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            allowed |= filterset_parameters(filterset)
        refuse_unknown_parameters(request, allowed)
        if filterset is not None:
            refuse_malformed_values(request, filterset)
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """DRF's `?ordering=`, limited to the view's `ordering_fields` (only `id`
    where a view names none) and refusing anything else with 400.

    DRF's default offers every serializer field, including lists of related
    records, which repeat rows, and silently ignores a misspelt term, which a
    script then takes for the order it asked for.
    """

    def get_valid_fields(
        self,
        queryset: QuerySet[Any],
        view: APIView,
        context: Mapping[str, Any] | None = None,
    ) -> list[tuple[str, str]]:
        fields = getattr(view, "ordering_fields", None) or ["id"]
        if fields == "__all__":
            raise ImproperlyConfigured("List the ordering fields instead of __all__.")
        return [(name, name) for name in fields]

    def get_ordering(
        self, request: Request, queryset: QuerySet[Any], view: APIView
    ) -> Any:
        raw = request.query_params.get(self.ordering_param, "")
        terms = [term.strip() for term in raw.split(",") if term.strip()]
        if terms:
            valid = {name for name, _label in self.get_valid_fields(queryset, view)}
            wrong = [term for term in terms if term.lstrip("-") not in valid]
            if wrong:
                choices = ", ".join(
                    choice for name in sorted(valid) for choice in (name, f"-{name}")
                )
                raise ValidationError(
                    {
                        self.ordering_param: [
                            _("Sort by one of: %(choices)s.") % {"choices": choices}
                        ]
                    }
                )
            return terms
        return self.get_default_ordering(view)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        fields = getattr(view, "ordering_fields", None) or ["id"]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by this field; a leading - sorts descending.",
                "schema": {
                    "type": "string",
                    "enum": [c for name in fields for c in (name, f"-{name}")],
                },
            }
        ]
