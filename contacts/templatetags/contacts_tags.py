from django import template

from contacts.normalize import format_phone

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """Show an E.164 phone in national format."""
    return format_phone(value or "")
