"""Listening sessions: capture what was heard, the summary, the theme tallies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import services
from events.filters import CommentFilter
from events.forms import CommentForm, SummaryForm
from events.models import Comment, Event
from events.rules import can_change_event
from events.views.common import current_user, event_for_change

COMMENTS_SHOWN = 500


@login_required
@permission_required("events.view_comment", raise_exception=True)
def event_comments(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("program", "county"), pk=pk)
    can_add = request.user.has_perm("events.add_comment")
    form = CommentForm(request.POST or None, event=event)
    if request.method == "POST":
        if not can_add:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                added = services.add_comments(
                    event=event,
                    texts=form.texts(),
                    themes=form.cleaned_data["themes"],
                    language=form.cleaned_data["language"],
                    contact=form.cleaned_data["contact"],
                    created_by=current_user(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("%(count)s comments saved.") % {"count": len(added)}
                )
                return redirect("events:event-comments", pk=event.pk)
    comments = Comment.objects.filter(event=event).with_list_related()
    return render(
        request,
        "events/comments.html",
        {
            "event": event,
            "form": form,
            "can_add": can_add,
            "can_change": can_change_event(request.user, event),
            "comments": comments.order_by("-created_at", "-id")[:COMMENTS_SHOWN],
            "tally": Comment.objects.filter(event=event).theme_tally(),
            "summary_form": SummaryForm(initial={"summary": event.summary}),
        },
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("events.change_event", raise_exception=True)
@require_POST
def event_summary(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_for_change(request, pk)
    form = SummaryForm(request.POST)
    if form.is_valid():
        services.save_event_summary(
            event=event,
            summary=form.cleaned_data["summary"],
            updated_by=current_user(request),
        )
        messages.success(request, _("Summary saved."))
    return redirect("events:event-comments", pk=event.pk)


@login_required
@permission_required("events.view_comment", raise_exception=True)
def theme_tally(request: HttpRequest) -> HttpResponse:
    """Themes heard across listening sessions in a period."""
    filterset = CommentFilter(
        request.GET, queryset=Comment.objects.all(), request=request
    )
    if filterset.is_valid():
        comments = filterset.qs
        tally = list(comments.theme_tally())  # type: ignore[attr-defined]
        totals = {
            "comments": comments.count(),
            "sessions": comments.values("event").distinct().count(),
        }
    else:
        tally, totals = [], {"comments": 0, "sessions": 0}
    return render(
        request,
        "events/theme_tally.html",
        {"filter": filterset, "tally": tally, "totals": totals},
    )
