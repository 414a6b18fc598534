"""Form fields shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# The largest id a BIGINT column (and SQLite's INTEGER) can hold.
LARGEST_ID = 2**63 - 1


def _too_large(value: Any) -> bool:
    try:
        return abs(int(value)) > LARGEST_ID
    except (TypeError, ValueError):
        return False  # the parent field names it as not a valid choice


class RecordField(forms.ModelChoiceField):
    """A record choice that refuses ids no table can hold as an invalid choice."""

    def to_python(self, value: Any) -> Any:
        if self.to_field_name is None and _too_large(value):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class RecordsField(forms.ModelMultipleChoiceField):
    """A many-records choice that refuses ids no table can hold as invalid."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None:
            for pk in value or ():
                if _too_large(pk):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)  # type: ignore[misc]


def bounded_formfield(db_field: Any, **kwargs: Any) -> Any:
    """`formfield_callback` for ModelForms: relation fields refuse impossible ids."""
    from django.db import models

    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", RecordsField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", RecordField)
    return db_field.formfield(**kwargs)
