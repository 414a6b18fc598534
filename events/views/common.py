from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from crm.models import User
from events.models import Event
from events.rules import can_change_event

PAGE_SIZE = 50


def current_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def page_of(request: HttpRequest, queryset: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def event_for_change(request: HttpRequest, pk: int) -> Event:
    """The event, if this user may change it; 403 otherwise."""
    event = get_object_or_404(Event, pk=pk)
    if not can_change_event(request.user, event):
        raise PermissionDenied
    return event
