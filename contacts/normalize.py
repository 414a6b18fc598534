"""Normalising what people type: emails lower-cased, phones to E.164 (US default)."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

_NON_DIGITS = re.compile(r"\D")


def normalize_email(value: str) -> str:
    """Trim and lower-case an email; raise ValidationError if it is not one."""
    cleaned = (value or "").strip().lower()
    if not cleaned:
        return ""
    validate_email(cleaned)
    return cleaned


def normalize_phone(value: str, region: str = "US") -> str:
    """Return the phone in E.164 form (+12065550100) or raise ValidationError."""
    raw = (value or "").strip()
    if not raw:
        return ""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a valid phone number, like (206) 555-0100."), code="invalid"
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("Enter a valid phone number, like (206) 555-0100."), code="invalid"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# A North American number: most of the coalition's, formatted without the
# phone library (which takes tens of microseconds a number: a page of people,
# an export of 100,000). The same text as the library's (a test holds it).
_NANP = re.compile(r"\+1([2-9]\d\d)(\d{3})(\d{4})")


def format_phone(e164: str) -> str:
    """Human-friendly national format for display."""
    match = _NANP.fullmatch(e164) if e164 else None
    if match:
        return f"({match[1]}) {match[2]}-{match[3]}"
    return library_format_phone(e164)


def library_format_phone(e164: str) -> str:
    """format_phone by the phone library alone, for any number."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, fmt)


def phone_search_digits(text: str) -> str:
    """Digits to look for in stored phones, when the text looks like a phone number."""
    stripped = text.strip()
    if not stripped or re.search(r"[A-Za-z@]", stripped):
        return ""
    digits = _NON_DIGITS.sub("", stripped)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) >= 4 else ""
