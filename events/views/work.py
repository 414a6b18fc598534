"""Outreach (quick log, call list) and follow-ups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contacts.filters import ContactFilter
from contacts.models import Contact
from events import services
from events.filters import FollowUpFilter, OutreachFilter
from events.forms import BulkOutreachForm, FollowUpForm, OutreachForm
from events.models import Attendance, FollowUp, Outreach
from events.views.common import current_user, page_of, query_without_page

PERSON_SEARCH_LIMIT = 10
CALL_LIST_LIMIT = 100


def _people(text: str) -> list[Contact]:
    if len(text.strip()) < 2:
        return []
    return list(
        Contact.objects.active()
        .search(text)
        .order_by("last_name", "first_name", "id")[:PERSON_SEARCH_LIMIT]
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@permission_required("contacts.view_contact", raise_exception=True)
def person_search(request: HttpRequest) -> HttpResponse:
    """People matching the text, as choices for the quick-log form."""
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "events/_person_choices.html",
        {"people": _people(query), "q": query},
    )


@login_required
@permission_required("events.add_outreach", raise_exception=True)
def outreach_create(request: HttpRequest) -> HttpResponse:
    person = None
    person_id = request.POST.get("contact") or request.GET.get("contact")
    if person_id and str(person_id).isdigit():
        person = Contact.objects.active().filter(pk=person_id).first()
    form = OutreachForm(
        request.POST if request.method == "POST" else None,
        initial={"contact": person.pk if person else None},
    )
    if person is None:
        # The person comes from the search's radio buttons, not this hidden input.
        form.fields["contact"].widget.attrs["disabled"] = True
    if request.method == "POST" and form.is_valid():
        try:
            outreach = services.log_outreach(
                organizer=current_user(request), **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Logged: %(what)s.")
                % {"what": f"{outreach.get_outcome_display()}, {outreach.contact}"},
            )
            return redirect(_safe_next(request, outreach.contact.get_absolute_url()))
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "events/outreach_form.html",
        {
            "form": form,
            "person": person,
            "people": _people(query),
            "q": query,
            "next": _safe_next(request, ""),
        },
    )


@login_required
@permission_required("events.view_outreach", raise_exception=True)
def outreach_list(request: HttpRequest) -> HttpResponse:
    filterset = OutreachFilter(
        request.GET, queryset=Outreach.objects.with_list_related(), request=request
    )
    queryset = filterset.qs if filterset.is_valid() else Outreach.objects.none()
    return render(
        request,
        "events/outreach_list.html",
        {
            "filter": filterset,
            "page": page_of(request, queryset),
            "query": query_without_page(request),
        },
    )


@login_required
@permission_required("events.add_outreach", raise_exception=True)
@permission_required("contacts.view_contact", raise_exception=True)
def outreach_bulk(request: HttpRequest) -> HttpResponse:
    """Log a call list: pick people with the people filters, one outcome per row."""
    if request.method == "POST":
        # Ids longer than any stored one are not people; skip before querying.
        ids = [i for i in request.POST.getlist("people") if i.isdigit() and len(i) < 19]
        people = list(
            Contact.objects.active()
            .filter(pk__in=ids[:CALL_LIST_LIMIT])
            .order_by("last_name", "first_name", "id")
        )
        form = BulkOutreachForm(request.POST, people=people)
        if form.is_valid():
            try:
                logged = services.log_outreach_batch(
                    organizer=current_user(request),
                    rows=form.service_rows(),
                    **form.shared_fields(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Logged %(count)s calls.") % {"count": len(logged)},
                )
                return redirect("events:outreach-list")
        return render(
            request,
            "events/outreach_bulk.html",
            {"form": form, "filter": None},
            status=400,
        )
    filterset = ContactFilter(
        request.GET, queryset=Contact.objects.with_list_related(), request=request
    )
    chosen: list[Contact] = []
    if request.GET and filterset.is_valid():
        chosen = list(filterset.qs[:CALL_LIST_LIMIT])
    form = BulkOutreachForm(people=chosen)
    return render(
        request,
        "events/outreach_bulk.html",
        {"form": form, "filter": filterset},
    )


@login_required
@permission_required("events.view_followup", raise_exception=True)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    if not data:
        data.update({"assigned_to": str(request.user.pk), "status": "open"})
    filterset = FollowUpFilter(
        data, queryset=FollowUp.objects.with_list_related(), request=request
    )
    queryset = filterset.qs if filterset.is_valid() else FollowUp.objects.none()
    return render(
        request,
        "events/followup_list.html",
        {
            "filter": filterset,
            "page": page_of(request, queryset),
            "query": query_without_page(request),
            "today": timezone.localdate(),
        },
    )


@login_required
@permission_required("events.add_followup", raise_exception=True)
def follow_up_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {
        "assigned_to": request.user.pk,
        "due_date": timezone.localdate(),
    }
    for name in ("contact", "event", "outreach", "attendance"):
        value = request.GET.get(name, "")
        if value.isdigit():
            initial[name] = int(value)
    if "attendance" in initial:
        attendance = Attendance.objects.filter(pk=initial["attendance"]).first()
        if attendance is not None:
            initial.update(contact=attendance.contact_id, event=attendance.event_id)
    if "outreach" in initial:
        outreach = Outreach.objects.filter(pk=initial["outreach"]).first()
        if outreach is not None:
            initial["contact"] = outreach.contact_id
    form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = services.create_follow_up(
                created_by=current_user(request), **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Follow-up added."))
            default = (
                follow_up.contact.get_absolute_url()
                if follow_up.contact
                else reverse("events:followup-list")
            )
            return redirect(_safe_next(request, default))
    about = None
    contact_id = form["contact"].value()
    if contact_id and str(contact_id).isdigit():
        about = Contact.objects.filter(pk=contact_id).first()
    return render(
        request,
        "events/followup_form.html",
        {"form": form, "about": about, "next": _safe_next(request, "")},
    )


@login_required
@permission_required("events.change_followup", raise_exception=True)
@require_POST
def follow_up_close(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp, pk=pk)
    status = request.POST.get("status", "")
    if status not in FollowUp.Status.values:
        messages.error(request, _("Choose done, cancelled or open."))
    else:
        services.close_follow_up(follow_up=follow_up, status=status)
        messages.success(request, _("Follow-up updated."))
    return redirect(_safe_next(request, reverse("events:followup-list")))
