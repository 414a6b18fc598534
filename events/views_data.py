"""Sign-in sheet imports and roster/attendance exports for one event."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from contacts.imports.forms import UploadForm
from contacts.models import ImportBatch
from contacts.spreadsheets import SpreadsheetError
from contacts.views_data import csv_response, file_response
from crm.audit import record_audit_event
from crm.models import AuditEvent
from events import exports
from events.imports import create_attendance_batch
from events.models import Event


@login_required
@permission_required(["crm.import_data", "events.add_attendance"], raise_exception=True)
def attendance_import(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    kind = ImportBatch.Kind.ATTENDANCE
    form = UploadForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = create_attendance_batch(
                event=event,
                upload=upload,
                filename=upload.name or "",
                created_by=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
            )
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(batch)
    batches = ImportBatch.objects.recent().filter(kind=kind, event_pk=event.pk)[:20]
    return render(
        request,
        "data/attendance_import.html",
        {"event": event, "form": form, "batches": batches},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(
    ["events.view_event", "crm.export_personal_data"], raise_exception=True
)
def event_export(request: HttpRequest, pk: int, which: str) -> HttpResponseBase:
    if which not in exports.LISTS:
        raise Http404
    event = get_object_or_404(Event, pk=pk)
    fmt = request.GET.get("format", "xlsx")
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    filename = f"event-{event.pk}-{which}-{stamp}"
    record_audit_event(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=event,
        summary=f"Event {which} exported as {fmt}",
        details={"format": fmt, "list": which},
    )
    if fmt == "csv":
        return csv_response(exports.event_csv(event, which), f"{filename}.csv")
    return file_response(
        exports.event_xlsx(event, which, request.user), f"{filename}.xlsx"
    )
