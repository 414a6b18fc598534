"""One JSON error shape for the whole API.

{"error": {"status": 400, "code": "invalid", "message": "...",
           "fields": {"email": ["Enter a valid email address."]}}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular import openapi as spectacular_openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from crm.throttling import throttle_refused


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Django's own 404 and 403 get DRF's codes (not_found, permission_denied).
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=detail)
    exc = throttle_refused(exc, context)
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


class ErrorBodySerializer(serializers.Serializer[Any]):
    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    code = serializers.CharField(
        help_text="A stable machine-readable code, e.g. invalid, not_found, "
        "permission_denied, not_authenticated, throttled, stale_version."
    )
    message = serializers.CharField(help_text="A sentence for people.")
    # Declared fields leave the class body, so `fields` stays DRF's property.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        help_text="Per field (or query parameter, or `row N` in a bulk request): "
        "the messages for it. Empty when the error is not about one field.",
    )


class ErrorSerializer(serializers.Serializer[Any]):
    """The one error shape every API response with a 4xx status has."""

    error = ErrorBodySerializer()


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Invalid input, an unknown field in the body or an unknown query parameter; "
    "`fields` names each one.",
    401: "Not signed in: send a session cookie or `Authorization: Token <key>`.",
    403: "Your role does not allow this.",
    404: "No such record, page or cursor.",
    405: "This method is not allowed here.",
    406: "The Accept header asks for a format this endpoint cannot give.",
    409: "Someone else changed the record since you read it: read it again.",
    415: "Send the body as JSON (or a form).",
    429: "Too many requests: wait the number of seconds in Retry-After.",
}


class AutoSchema(spectacular_openapi.AutoSchema):
    """drf-spectacular's schema plus the error responses every operation can give."""

    def error_statuses(self) -> list[int]:
        statuses = [400, 401, 403, 404, 406, 429]
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.append(415)
        if self.method in ("PUT", "PATCH"):
            statuses.append(409)
        return sorted(statuses)

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._get_parameters()
        for parameter in parameters:
            # An empty filter means "not filtered", as the screens' forms send it.
            if parameter.get("in") == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        bodies: dict[str, Any] = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        for status in self.error_statuses():
            if str(status) not in bodies:
                bodies[str(status)] = self._get_response_for_code(
                    OpenApiResponse(
                        response=ErrorSerializer,
                        description=ERROR_DESCRIPTIONS[status],
                    ),
                    str(status),
                    media_types=["application/json"],
                    direction=direction,  # type: ignore[arg-type]
                )
        return bodies
