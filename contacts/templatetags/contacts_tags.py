from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from contacts.normalize import format_phone
from crm.widgets import choices_of, options_html

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """Show an E.164 phone in national format."""
    return format_phone(value or "")


@register.simple_tag
def select_options(bound_field: BoundField) -> SafeString:
    """The <option>s of a filter's select, escaped, written in one step (see
    crm.widgets)."""
    field = bound_field.field
    chosen = field.widget.format_value(bound_field.value())
    selected = set(chosen if isinstance(chosen, list) else [chosen])
    return options_html(choices_of(field.widget.choices), selected)
