"""Hostile values, and a small HTML form reader to send them where a browser would."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

SCRIPT = "<script>alert('pwned')</script>"
TEXT_PAYLOADS = {
    "script tag": SCRIPT,
    "attribute breakout": '"><img src=x onerror=alert(1)>',
    "sql fragment": "'; DROP TABLE contacts_contact; --",
    "null byte": "Mai\x00Vang",
    "right-to-left and combining": "\u202eevil\u202c Z\u0334\u0321\u032a\u0350a مرحبا",
    "one megabyte": "x" * 1_000_000,
}
NUMBER_PAYLOADS = {
    "negative": "-1",
    "huge": "99999999999999999999999999",
    "not a number": "1e309",
}
DATE_PAYLOADS = {
    "impossible date": "2026-02-30",
    "huge year": "99999-01-01",
    "words": "next tuesday",
}
NUMERIC_TYPES = {"number", "hidden", "range"}
DATE_TYPES = {"date", "datetime-local", "time", "month"}
TEXT_TYPES = {"text", "email", "tel", "url", "search", "textarea", "password"}


@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea", "select", "checkbox", "radio"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    def valid_data(self) -> dict[str, object]:
        """A plausible submission: current values, or something sensible."""
        data: dict[str, object] = {}
        for item in self.fields.values():
            if item.name == "csrfmiddlewaretoken":
                continue
            if item.kind == "checkbox":
                if item.value:
                    data.setdefault(item.name, [])
                    data[item.name].append(item.value)  # type: ignore[union-attr]
                continue
            if item.kind in ("select", "radio", "select-multiple"):
                choice = item.value or next((o for o in item.options if o), "")
                data[item.name] = choice
                continue
            data[item.name] = item.value or _sensible(item)
        return data


def _sensible(item: Field) -> str:
    name = item.name.lower()
    if item.kind == "email" or "email" in name:
        return "someone@example.org"
    if item.kind == "tel" or "phone" in name:
        return "206-555-0100"
    if item.kind == "date":
        return "2026-03-01"
    if item.kind == "datetime-local":
        return "2026-03-01T18:00"
    if item.kind == "number":
        return "1"
    if "zip" in name:
        return "98101"
    if item.kind == "url":
        return "https://example.org"
    if item.kind == "file":
        return ""
    return "Ordinary text"


class FormReader(HTMLParser):
    """Collect every <form> with its fields and current values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action", ""))
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                existing = self._form.fields.get(name)
                if existing is None:
                    existing = Field(name, kind)
                    self._form.fields[name] = existing
                existing.options.append(a.get("value", "on"))
                if "checked" in a and (kind == "radio" or not existing.value):
                    existing.value = a.get("value", "on")
                return
            self._form.fields[name] = Field(name, kind, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea")
            self._form.fields[name] = self._textarea
        elif tag == "select" and name:
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = Field(name, kind)
            self._form.fields[name] = self._select
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a and not self._select.value:
                self._select.value = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def read_forms(html: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


MANAGEMENT_FIELDS = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def payloads_for(item: Field) -> dict[str, str]:
    """The hostile values worth sending to a field of this kind."""
    if item.name.endswith(MANAGEMENT_FIELDS):
        # A huge form count makes Django build its cap of 1,000 forms: slow, not
        # broken (see test_a_huge_formset_count_is_capped).
        return {k: v for k, v in NUMBER_PAYLOADS.items() if k != "huge"}
    if item.kind in TEXT_TYPES:
        return TEXT_PAYLOADS
    if item.kind in DATE_TYPES:
        return {**DATE_PAYLOADS, "script tag": SCRIPT}
    if item.kind in NUMERIC_TYPES or item.kind.startswith("select"):
        return {**NUMBER_PAYLOADS, "sql fragment": TEXT_PAYLOADS["sql fragment"]}
    if item.kind in ("radio", "checkbox"):
        return {"script tag": SCRIPT, "huge": NUMBER_PAYLOADS["huge"]}
    return {}
