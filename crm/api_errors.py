"""One JSON error shape for the whole API.

{"error": {"status": 400, "code": "invalid", "message": "...",
           "fields": {"email": ["Enter a valid email address."]}}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields: dict[str, Any] = {}
    message = ""
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        fields = dict(response.data)
        message = "Some fields are not valid."
    elif isinstance(exc, exceptions.ValidationError):
        message = " ".join(str(item) for item in response.data)
    elif isinstance(response.data, dict):
        message = str(response.data.get("detail", ""))
    else:
        message = str(response.data)
    body = {
        "error": {
            "status": response.status_code,
            "code": str(code),
            "message": message or "The request could not be completed.",
            "fields": fields,
        }
    }
    response.data = body
    return response
