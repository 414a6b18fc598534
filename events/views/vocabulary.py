"""Programs and topics: list, create, edit, archive."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.models import Program, Topic
from events import services
from events.filters import ProgramFilter, TopicFilter
from events.forms import ProgramForm, TopicForm
from events.views.common import page_of, query_without_page

KINDS: dict[str, dict[str, Any]] = {
    "program": {
        "model": Program,
        "form": ProgramForm,
        "filter": ProgramFilter,
        "list_url": "events:program-list",
    },
    "topic": {
        "model": Topic,
        "form": TopicForm,
        "filter": TopicFilter,
        "list_url": "events:topic-list",
    },
}


def _list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    filterset = spec["filter"](
        request.GET, queryset=spec["model"].objects.all(), request=request
    )
    queryset = filterset.qs if filterset.is_valid() else spec["model"].objects.none()
    return render(
        request,
        f"events/{kind}_list.html",
        {
            "filter": filterset,
            "page": page_of(request, queryset),
            "query": query_without_page(request),
        },
    )


def _edit(request: HttpRequest, kind: str, pk: int | None) -> HttpResponse:
    spec = KINDS[kind]
    instance = get_object_or_404(spec["model"], pk=pk) if pk else None
    form = spec["form"](request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect(spec["list_url"])
    return render(
        request,
        "events/vocabulary_form.html",
        {"form": form, "instance": instance, "kind": kind},
    )


def _archive(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = KINDS[kind]
    item = get_object_or_404(spec["model"], pk=pk)
    archived = request.POST.get("archived", "1") == "1"
    services.set_archived(item=item, archived=archived)
    messages.success(request, _("Archived.") if archived else _("Restored."))
    return redirect(spec["list_url"])


@login_required
@permission_required("crm.view_program", raise_exception=True)
def program_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "program")


@login_required
@permission_required("crm.add_program", raise_exception=True)
def program_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, "program", None)


@login_required
@permission_required("crm.change_program", raise_exception=True)
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, "program", pk)


@login_required
@permission_required("crm.change_program", raise_exception=True)
@require_POST
def program_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive(request, "program", pk)


@login_required
@permission_required("crm.view_topic", raise_exception=True)
def topic_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "topic")


@login_required
@permission_required("crm.add_topic", raise_exception=True)
def topic_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, "topic", None)


@login_required
@permission_required("crm.change_topic", raise_exception=True)
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, "topic", pk)


@login_required
@permission_required("crm.change_topic", raise_exception=True)
@require_POST
def topic_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive(request, "topic", pk)
