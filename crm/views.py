from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from crm.roles import Role
from events.models import Event, FollowUp, Outreach

MY_WORK_LIMIT = 20


def _dashboard_url() -> str | None:
    try:
        return reverse("reports:dashboard")
    except NoReverseMatch:
        return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's landing: leadership's dashboard, everyone else's "My work"."""
    user: Any = request.user
    if (
        user.has_perm("crm.view_dashboard")
        and user.groups.filter(name=Role.LEADERSHIP).exists()
    ):
        url = _dashboard_url()
        if url:
            return redirect(url)
    today = timezone.localdate()
    context: dict[str, Any] = {"today": today}
    if user.has_perm("events.view_followup"):
        mine = FollowUp.objects.for_user(user).with_list_related()
        context["overdue"] = list(mine.overdue(today)[:MY_WORK_LIMIT])
        context["due_today"] = list(mine.due_on(today)[:MY_WORK_LIMIT])
    if user.has_perm("events.view_event"):
        context["my_events"] = list(
            Event.objects.organized_by(user)
            .upcoming()
            .not_cancelled()
            .with_list_related()[:MY_WORK_LIMIT]
        )
    if user.has_perm("events.view_outreach"):
        context["my_outreach"] = list(
            Outreach.objects.by_organizer(user)
            .with_list_related()
            .order_by("-occurred_at", "-id")[:MY_WORK_LIMIT]
        )
    return render(request, "crm/home.html", context)
