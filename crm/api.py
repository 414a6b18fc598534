"""The API router every app registers on, and what all serializers share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    """DRF's router, but any id reaches the view, which answers a malformed one
    (`/contacts/1.5/`) with 404 in the API's error shape rather than the site's
    HTML page. No `.json` suffixes: `?format=json` does that."""

    include_format_suffixes = False

    def __init__(self) -> None:
        super().__init__()
        self._default_value_pattern = "[^/]+"


router = Router()

# Dates before this are typing mistakes (0024 for 2024), and before standard time
# zones their local offsets are not whole minutes, which clients cannot parse.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


def _type_error(field: serializers.Field[Any, Any, Any, Any], value: Any) -> str:
    """Why a JSON value has the wrong type for a field, or "" if it has the right one.

    DRF reads loosely ("1" as true, 5 as "5", "" as null); a client sending those
    has a bug the API should name, not guess around.
    """
    if value is None or field.read_only:
        return ""
    if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
        return str(_("Send true or false."))
    if isinstance(field, serializers.IntegerField) and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        return str(_("Send a whole number."))
    if (
        isinstance(field, serializers.CharField)
        and not isinstance(field, serializers.ChoiceField)
        and not isinstance(value, str)
    ):
        return str(_("Send text."))
    if isinstance(field, serializers.RelatedField) and value == "":
        return str(_("Send null for no value."))
    if isinstance(
        field,
        serializers.ManyRelatedField
        | serializers.ListField
        | serializers.ListSerializer
        | serializers.MultipleChoiceField,
    ) and not isinstance(value, list):
        return str(_("Send a list."))
    return ""


class StrictInputMixin:
    """Refuse write bodies naming unknown fields, and dates outside 1900-2200.

    Without this a misspelt field ("emial") is dropped silently and the client
    believes it was saved. Read-only fields sent back unchanged are ignored.
    """

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            _("Unknown field. Known fields: %(known)s.")
                            % {"known": ", ".join(self.fields)}
                        ]
                        for name in unknown
                    }
                )
        if isinstance(data, Mapping):
            wrong_type = {
                name: [message]
                for name, value in data.items()
                if name in self.fields
                and (message := _type_error(self.fields[name], value))
            }
            if wrong_type:
                raise serializers.ValidationError(wrong_type)
        values = super().to_internal_value(data)  # type: ignore[misc]
        wrong = {
            name: [
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
            ]
            for name, value in values.items()
            if isinstance(value, dt.date)
            and not EARLIEST_YEAR <= value.year <= LATEST_YEAR
        }
        if wrong:
            raise serializers.ValidationError(wrong)
        return values


class AnnotatedCountField(serializers.IntegerField):
    """A count the list queryset annotates; null where it was not (a new record)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        return getattr(instance, str(self.source), None)
