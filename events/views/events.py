"""Events: lists, the event page, create/edit/cancel, sign-in link and QR code."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contacts.models import Organization
from events import services
from events.filters import EventFilter
from events.forms import EventForm
from events.models import Attendance, Event
from events.rules import can_change_event
from events.views.common import (
    current_user,
    event_for_change,
    page_of,
    query_without_page,
)


@login_required
@permission_required("events.view_event", raise_exception=True)
def event_list(request: HttpRequest) -> HttpResponse:
    filterset = EventFilter(
        request.GET, queryset=Event.objects.with_list_related(), request=request
    )
    queryset = filterset.qs if filterset.is_valid() else Event.objects.none()
    return render(
        request,
        "events/event_list.html",
        {
            "filter": filterset,
            "page": page_of(request, queryset),
            "query": query_without_page(request),
        },
    )


def event_detail_queryset() -> Any:
    return Event.objects.select_related(
        "program", "county", "created_by"
    ).prefetch_related(
        "topics",
        "languages_offered",
        "interpretation_provided",
        "organizers",
        "focus_communities",
        Prefetch("host_organizations", queryset=Organization.objects.order_by("name")),
        Prefetch("ta_recipients", queryset=Organization.objects.order_by("name")),
    )


def roster_context(event: Event) -> dict[str, Any]:
    rows = list(Attendance.objects.filter(event=event).for_roster())
    return {
        "event": event,
        "roster": rows,
        "attended_count": sum(
            1 for row in rows if row.status == Attendance.Status.ATTENDED
        ),
        "pending_count": sum(1 for row in rows if row.pending_changes),
    }


@login_required
@permission_required("events.view_event", raise_exception=True)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(event_detail_queryset(), pk=pk)
    context = roster_context(event)
    context["can_change"] = can_change_event(request.user, event)
    return render(request, "events/event_detail.html", context)


@login_required
@permission_required("events.view_attendance", raise_exception=True)
def event_roster(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster alone, for live updates on the check-in screen."""
    event = get_object_or_404(Event, pk=pk)
    return render(request, "events/_roster.html", roster_context(event))


@login_required
@permission_required("events.add_event", raise_exception=True)
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                created_by=current_user(request), **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Event created."))
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@login_required
@permission_required("events.change_event", raise_exception=True)
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_for_change(request, pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(
                event=event,
                changes=form.service_fields(),
                updated_by=current_user(request),
                expected_version=form.cleaned_data.get("version"),
            )
        except services.StaleEventError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@login_required
@permission_required("events.change_event", raise_exception=True)
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_for_change(request, pk)
    services.cancel_event(event=event, cancelled_by=current_user(request))
    messages.success(request, _("Event cancelled. Its sign-in link now says so."))
    return redirect(event)


def signin_url(request: HttpRequest, event: Event) -> str:
    return request.build_absolute_uri(
        reverse("public-signin", args=[event.signin_token])
    )


@login_required
@permission_required("events.view_event", raise_exception=True)
def event_signin_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable page with the sign-in QR code and link."""
    event = get_object_or_404(Event, pk=pk)
    return render(
        request,
        "events/signin_sheet.html",
        {
            "event": event,
            "signin_url": signin_url(request, event),
            "can_change": can_change_event(request.user, event),
        },
    )


@login_required
@permission_required("events.view_event", raise_exception=True)
def event_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The sign-in QR code, drawn here (no outside service), as SVG or PNG."""
    event = get_object_or_404(Event, pk=pk)
    qr = segno.make(signin_url(request, event), error="m")
    buffer = io.BytesIO()
    if fmt == "png":
        qr.save(buffer, kind="png", scale=10, border=2)
        content_type = "image/png"
    else:
        qr.save(buffer, kind="svg", scale=10, border=2, xmldecl=False)
        content_type = "image/svg+xml"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    if request.GET.get("download"):
        response["Content-Disposition"] = (
            f'attachment; filename="event-{event.pk}-sign-in.{fmt}"'
        )
    return response


@login_required
@permission_required("events.change_event", raise_exception=True)
@require_POST
def event_reset_link(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_for_change(request, pk)
    services.reset_signin_link(event=event)
    messages.success(
        request, _("New sign-in link made. The old link and QR code no longer work.")
    )
    return redirect("events:event-signin-sheet", pk=event.pk)
