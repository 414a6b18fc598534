"""Request rates per user and per anonymous client, including refused requests.

DRF checks throttles after authentication and permissions, so a client without
credentials (or guessing tokens) was answered 401 forever and never slowed
down. The API's exception handler runs the view's throttles for requests
refused before they were reached (`throttle_refused`), and these classes mark
a request once counted so nothing is counted twice.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, throttling
from rest_framework.request import Request

_COUNTED = "_crm_throttles_counted"


class AnonThrottle(throttling.AnonRateThrottle):
    """Per client address, for requests without valid credentials."""

    def allow_request(self, request: Request, view: Any) -> bool:
        setattr(request, _COUNTED, True)
        return super().allow_request(request, view)


class UserThrottle(throttling.UserRateThrottle):
    """Per signed-in user."""

    def allow_request(self, request: Request, view: Any) -> bool:
        setattr(request, _COUNTED, True)
        return super().allow_request(request, view)


REFUSED_BEFORE_THROTTLES = (
    exceptions.NotAuthenticated,
    exceptions.AuthenticationFailed,
    exceptions.PermissionDenied,
)


def throttle_refused(exc: Exception, context: dict[str, Any]) -> Exception:
    """The Throttled error to answer instead of a refusal when over the rate.

    A refusal raised before the view's throttles ran is counted against the
    client's rate now; once over it, the client gets 429 with Retry-After
    rather than learning anything more from 401 or 403.
    """
    if not isinstance(exc, REFUSED_BEFORE_THROTTLES):
        return exc
    view, request = context.get("view"), context.get("request")
    check = getattr(view, "check_throttles", None)
    if request is None or check is None or getattr(request, _COUNTED, False):
        return exc
    try:
        check(request)
    except exceptions.Throttled as throttled:
        return throttled
    return exc
