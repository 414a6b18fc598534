"""Check-in at the door (htmx, works without it too) and review of self sign-ins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contacts.models import Contact, RaceEthnicityCategory
from crm.models import Language
from events import services
from events.forms import CheckInForm, PendingReviewForm, WalkInForm
from events.models import Attendance, Event
from events.views.common import current_user, page_of, query_without_page
from events.views.events import roster_context

SEARCH_LIMIT = 15


def _search(event: Event, text: str) -> list[Contact]:
    if len(text.strip()) < 2:
        return []
    here = Attendance.objects.filter(
        event=event, contact=OuterRef("pk"), status=Attendance.Status.ATTENDED
    )
    return list(
        Contact.objects.active()
        .search(text)
        .annotate(is_checked_in=Exists(here))
        .order_by("last_name", "first_name", "id")[:SEARCH_LIMIT]
    )


def _checkin_context(event: Event, request: HttpRequest) -> dict[str, Any]:
    query = request.GET.get("q", "")[:100]
    context = roster_context(event)
    context.update(
        {
            "q": query,
            "results": _search(event, query),
            "roles": Attendance.Role.choices,
            "walk_in_form": WalkInForm(),
        }
    )
    return context


def _open_event(pk: int) -> Event:
    event = get_object_or_404(Event, pk=pk)
    if event.status == Event.Status.CANCELLED:
        raise PermissionDenied(_("This event was cancelled."))
    return event


@login_required
@permission_required("events.add_attendance", raise_exception=True)
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    return render(request, "events/checkin.html", _checkin_context(event, request))


@login_required
@permission_required("events.add_attendance", raise_exception=True)
def checkin_search(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "events/_checkin_results.html",
        {
            "event": event,
            "q": query,
            "results": _search(event, query),
            "roles": Attendance.Role.choices,
        },
    )


def _roster_response(request: HttpRequest, event: Event, trigger: str) -> HttpResponse:
    response = render(request, "events/_roster.html", roster_context(event))
    response["HX-Trigger"] = trigger
    return response


@login_required
@permission_required("events.add_attendance", raise_exception=True)
@require_POST
def checkin_mark(request: HttpRequest, pk: int) -> HttpResponse:
    event = _open_event(pk)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        message = _("Choose a person and a role to check in.")
        if request.htmx:  # type: ignore[attr-defined]
            return HttpResponse(message, status=400)
        messages.error(request, message)
        return redirect("events:checkin", pk=event.pk)
    attendance, _created = services.record_attendance(
        event=event,
        contact=form.cleaned_data["contact"],
        role=form.cleaned_data["role"],
        recorded_by=current_user(request),
    )
    if request.htmx:  # type: ignore[attr-defined]
        return _roster_response(request, event, "checked-in")
    messages.success(
        request, _("%(name)s checked in.") % {"name": attendance.contact.display_name}
    )
    return redirect("events:checkin", pk=event.pk)


@login_required
@permission_required("events.add_attendance", raise_exception=True)
@permission_required("contacts.add_contact", raise_exception=True)
@require_POST
def checkin_walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    event = _open_event(pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            attendance, _new = services.check_in_walk_in(
                event=event,
                recorded_by=current_user(request),
                role=form.cleaned_data["role"],
                **form.contact_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.htmx:  # type: ignore[attr-defined]
                return _roster_response(request, event, "walk-in-saved")
            messages.success(
                request,
                _("%(name)s checked in.") % {"name": attendance.contact.display_name},
            )
            return redirect("events:checkin", pk=event.pk)
    if request.htmx:  # type: ignore[attr-defined]
        response = render(
            request, "events/_walk_in.html", {"event": event, "walk_in_form": form}
        )
        response["HX-Retarget"] = "#walk-in"
        response["HX-Reswap"] = "outerHTML"
        return response
    context = _checkin_context(event, request)
    context["walk_in_form"] = form
    return render(request, "events/checkin.html", context, status=400)


@login_required
@permission_required("events.delete_attendance", raise_exception=True)
@require_POST
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = get_object_or_404(Attendance, pk=pk)
    event = attendance.event
    services.remove_attendance(attendance=attendance)
    messages.success(request, _("Removed from the roster."))
    return redirect(event)


# Reviewing what people typed into the public form --------------------------

FIELD_LABELS = {
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "email": _("Email"),
    "phone": _("Phone"),
    "zip_code": _("ZIP code"),
    "preferred_language": _("Preferred language"),
    "consent_email": _("May email"),
    "consent_sms": _("May text"),
    "consent_phone": _("May call"),
    "race_ethnicity_status": _("Race/ethnicity"),
    "race_categories": _("Race/ethnicity categories"),
    "race_write_in": _("In their own words"),
}


def _display(contact: Contact, name: str, value: Any) -> tuple[str, str]:
    """(stored, submitted) as text for the review table."""
    if name == "preferred_language":
        stored = str(contact.preferred_language or "")
        submitted = str(Language.objects.filter(code=value).first() or value)
    elif name == "race_categories":
        stored = "; ".join(str(c) for c in contact.race_categories.all())
        submitted = "; ".join(
            str(c) for c in RaceEthnicityCategory.objects.filter(code__in=value or [])
        )
    elif name == "race_ethnicity_status":
        stored = contact.get_race_ethnicity_status_display()
        submitted = str(Contact.SelfIdStatus(value).label)
    elif isinstance(value, bool):
        stored = _("yes") if getattr(contact, name) else _("no")
        submitted = _("yes") if value else _("no")
    else:
        stored, submitted = str(getattr(contact, name, "") or ""), str(value)
    return stored or "—", submitted


@login_required
@permission_required("events.change_attendance", raise_exception=True)
@permission_required("contacts.change_contact", raise_exception=True)
def pending_list(request: HttpRequest) -> HttpResponse:
    """Self sign-ins whose answers differ from what is stored, across events."""
    rows = (
        Attendance.objects.with_pending_changes()
        .select_related("contact", "event")
        .order_by("-updated_at", "-id")
    )
    return render(
        request,
        "events/pending_list.html",
        {"page": page_of(request, rows), "query": query_without_page(request)},
    )


@login_required
@permission_required("events.change_attendance", raise_exception=True)
@permission_required("contacts.change_contact", raise_exception=True)
def pending_review(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = get_object_or_404(
        Attendance.objects.select_related("contact", "event"), pk=pk
    )
    may_see_self_id = request.user.has_perm("crm.view_self_identification")
    visible = [
        name
        for name in attendance.pending_changes
        if may_see_self_id or name not in services.PENDING_SELF_ID_FIELDS
    ]
    hidden = [name for name in attendance.pending_changes if name not in visible]
    form = PendingReviewForm(
        request.POST or None,
        fields=[(name, str(FIELD_LABELS.get(name, name))) for name in visible],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_pending_changes(
                attendance=attendance,
                accept=form.cleaned_data["accept"],
                keep=hidden,
                reviewed_by=current_user(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Review saved."))
            return redirect(attendance.event)
    rows = [
        (name, FIELD_LABELS.get(name, name), *_display(attendance.contact, name, value))
        for name, value in attendance.pending_changes.items()
        if name in visible
    ]
    return render(
        request,
        "events/pending_review.html",
        {
            "attendance": attendance,
            "rows": rows,
            "form": form,
            "hidden_count": len(hidden),
        },
    )
