from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from crm.widgets import quick_widget

register = template.Library()


@register.simple_tag
def widget(bound_field: BoundField) -> SafeString:
    """{{ field }}'s widget, a plain select written in one step (crm.widgets)."""
    return quick_widget(bound_field)
