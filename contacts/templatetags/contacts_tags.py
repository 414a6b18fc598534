from typing import Any

from django import template
from django.forms import BoundField, ModelChoiceField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from contacts.normalize import format_phone

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """Show an E.164 phone in national format."""
    return format_phone(value or "")


@register.simple_tag
def select_options(bound_field: BoundField) -> SafeString:
    """The <option>s of a filter's select, escaped, written in one step.

    Django's select renders a template per option and reads a model choice's
    rows through a server-side cursor (three round trips on PostgreSQL); on the
    people list the filters' options cost more than its page of people. Here
    each list of rows is one plain query, and the options are plain text.
    """
    field = bound_field.field
    chosen = field.widget.format_value(bound_field.value())
    selected = set(chosen if isinstance(chosen, list) else [chosen])
    options = [_option(value, label, selected) for value, label in _choices(field)]
    return mark_safe("\n".join(options))  # noqa: S308 (each part escaped by _option)


def _choices(field: Any) -> list[tuple[Any, Any]]:
    if not isinstance(field, ModelChoiceField):
        return list(field.choices)
    choices: list[tuple[Any, Any]] = []
    if field.empty_label is not None:
        choices.append(("", field.empty_label))
    null_label = getattr(field, "null_label", None)  # django-filter's "none" choice
    if null_label is not None:
        choices.append((field.null_value, null_label))  # type: ignore[attr-defined]
    queryset = field.queryset
    rows = list(queryset) if queryset is not None else []  # small lists, at once
    choices += [
        (field.prepare_value(row), field.label_from_instance(row)) for row in rows
    ]
    return choices


def _option(value: Any, label: Any, selected: set[str]) -> str:
    """One option (or a group of them) as HTML, every value and label escaped."""
    if isinstance(label, (list, tuple)):  # a group of choices
        inner = "".join(_option(v, lbl, selected) for v, lbl in label)
        return f'<optgroup label="{conditional_escape(value)}">{inner}</optgroup>'
    text = "" if value is None else str(value)
    mark = " selected" if text in selected else ""
    return (
        f'<option value="{conditional_escape(text)}"{mark}>'
        f"{conditional_escape(label)}</option>"
    )
