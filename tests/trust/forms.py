"""Turn a rendered form into the POST data a browser would send back."""

from __future__ import annotations

from typing import Any

from django import forms


def form_data(form: forms.BaseForm, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, bound in form.fields.items():
        value = form[name].value()
        if isinstance(bound, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        if isinstance(bound, forms.SplitDateTimeField):
            continue
        if value is None:
            data[name] = ""
        elif isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data
