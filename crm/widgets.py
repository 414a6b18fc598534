"""A select that writes its options in one step.

Django's Select renders a template per option (and includes one more for its
attributes), and reads a model choice field's rows through a server-side
cursor, three round trips on PostgreSQL. On the people list and the dashboard
the filters' options cost more than the rest of the form: a county list of 39,
an organizer list, a language list. QuickSelect writes the same HTML (the
attributes as Django computes them, every value and label escaped) with one
plain query per list of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def choices_of(choices: Any) -> list[tuple[Any, Any]]:
    """A field's or widget's choices as (value, label) pairs; a model choice
    field's rows read by one plain query (small reference lists, at once)."""
    if not isinstance(choices, ModelChoiceIterator):
        return list(choices)
    field: Any = choices.field
    pairs: list[tuple[Any, Any]] = []
    if field.empty_label is not None:
        pairs.append(("", field.empty_label))
    null_label = getattr(field, "null_label", None)  # django-filter's "none" choice
    if null_label is not None:
        pairs.append((field.null_value, null_label))
    queryset = choices.queryset
    rows = list(queryset) if queryset is not None else []
    pairs += [
        (field.prepare_value(row), field.label_from_instance(row)) for row in rows
    ]
    return pairs


def options_html(choices: Iterable[tuple[Any, Any]], selected: set[str]) -> SafeString:
    """The <option>s (and <optgroup>s) of these choices, escaped."""
    return mark_safe("\n".join(_option(v, label, selected) for v, label in choices))  # noqa: S308 (each part escaped by _option)


def _option(value: Any, label: Any, selected: set[str]) -> str:
    if isinstance(label, (list, tuple)):  # a group of choices
        inner = "".join(_option(v, lbl, selected) for v, lbl in label)
        return f'<optgroup label="{conditional_escape(value)}">{inner}</optgroup>'
    text = "" if value is None else str(value)
    mark = " selected" if text in selected else ""
    return (
        f'<option value="{conditional_escape(text)}"{mark}>'
        f"{conditional_escape(label)}</option>"
    )


class QuickSelect(forms.Select):
    """forms.Select, written in one step (see the module)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        selected = set(self.format_value(value))
        options = options_html(choices_of(self.choices), selected)
        return mark_safe(  # noqa: S308 (name, attributes and options escaped)
            f'<select name="{conditional_escape(name)}"{flatatt(final)}>\n'
            f"{options}\n</select>"
        )


def quick_widget(bound_field: forms.BoundField) -> SafeString:
    """The field's widget as {{ field }} writes it, a plain select written by
    QuickSelect (the form's field is switched over for good)."""
    quicken_selects([bound_field.field])
    return bound_field.as_widget()


def quicken_selects(fields: Iterable[forms.Field]) -> None:
    """Write these fields' plain selects with QuickSelect (same attributes)."""
    for field in fields:
        widget = field.widget
        if type(widget) is forms.Select:
            quick = QuickSelect(attrs=widget.attrs)
            quick.is_required = widget.is_required
            quick.is_localized = widget.is_localized
            quick.choices = widget.choices
            field.widget = quick
