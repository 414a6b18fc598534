"""Import & export: uploads, previews, commits, undo, duplicates, people exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from contacts import exports, merge
from contacts.dedupe import find_duplicates
from contacts.filters import ContactFilter
from contacts.imports import services as import_services
from contacts.imports.engine import ImportBlocked
from contacts.imports.forms import MappingForm, UploadForm
from contacts.models import Contact, ImportBatch, ImportRow, MergeRecord
from contacts.spreadsheets import SpreadsheetError
from contacts.tasks import start_commit, start_preview
from crm.audit import record_audit_event
from crm.models import AuditEvent

ROWS_PER_PAGE = 100


def _user(request: HttpRequest) -> Any:
    return request.user


# ---------------------------------------------------------------------- imports


@login_required
@permission_required("crm.import_data", raise_exception=True)
def import_list(request: HttpRequest) -> HttpResponse:
    kind = ImportBatch.Kind.CONTACTS
    form = UploadForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_services.create_batch(
                upload=upload,
                filename=upload.name or "",
                kind=kind,
                created_by=_user(request),
                name=form.cleaned_data["name"],
                saved_mapping=form.cleaned_data["saved_mapping"],
            )
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(batch)
    page = Paginator(ImportBatch.objects.recent(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "data/import_list.html",
        {"form": form, "page": page, "query": ""},
        status=400 if form.errors else 200,
    )


def _batch(pk: int) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("created_by"), pk=pk)


@login_required
@permission_required("crm.import_data", raise_exception=True)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    specs = import_services.importer_class(batch.kind).specs
    mapping_form = None
    if batch.status in (ImportBatch.Status.UPLOADED, ImportBatch.Status.FAILED):
        mapping_form = MappingForm(batch=batch, specs=specs)
    show = request.GET.get("show", "")
    rows = batch.rows.select_related("contact").order_by("row_number")
    if show in ImportRow.Action.values:
        rows = rows.filter(action=show)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "data/import_detail.html",
        {
            "batch": batch,
            "mapping_form": mapping_form,
            "page": page,
            "show": show,
            "actions": ImportRow.Action.choices,
            "query": f"show={show}" if show else "",
            "undo_blockers": import_services.undo_blockers(batch)
            if batch.status == ImportBatch.Status.COMMITTED
            else [],
        },
    )


@login_required
@permission_required("crm.import_data", raise_exception=True)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    if not batch.is_running and request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRefresh()
    return render(request, "data/_import_progress.html", {"batch": batch})


@login_required
@permission_required("crm.import_data", raise_exception=True)
@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    if batch.status not in (ImportBatch.Status.UPLOADED, ImportBatch.Status.FAILED):
        messages.error(request, _("The columns of this import can no longer change."))
        return redirect(batch)
    specs = import_services.importer_class(batch.kind).specs
    form = MappingForm(request.POST, batch=batch, specs=specs)
    if not form.is_valid():
        return render(
            request,
            "data/import_detail.html",
            {"batch": batch, "mapping_form": form, "page": None},
            status=400,
        )
    import_services.set_mapping(
        batch=batch,
        mapping=form.mapping(),
        save_as=form.cleaned_data["save_as"],
        saved_by=_user(request),
    )
    batch.refresh_from_db()
    start_preview(batch)
    return redirect(batch)


@login_required
@permission_required("crm.import_data", raise_exception=True)
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    try:
        start_commit(batch, _user(request))
    except ImportBlocked as exc:
        messages.error(request, str(exc))
    else:
        batch.refresh_from_db()
        if batch.status == ImportBatch.Status.COMMITTED:
            messages.success(request, _("Imported. You can undo this import below."))
        else:
            messages.info(request, _("Importing in the background."))
    return redirect(batch)


@login_required
@permission_required("crm.import_data", raise_exception=True)
@require_POST
def import_undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    try:
        import_services.undo_any(batch=batch, undone_by=_user(request))
    except ImportBlocked as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The import was undone."))
    return redirect(batch)


# ---------------------------------------------------------------------- duplicates


@login_required
@permission_required("crm.merge_contacts", raise_exception=True)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "data/duplicate_list.html",
        {
            "pairs": find_duplicates(limit=50),
            "merges": MergeRecord.objects.select_related("kept", "merged", "merged_by")[
                :20
            ],
        },
    )


def _pair(first: int, second: int) -> tuple[Contact, Contact]:
    people = Contact.objects.with_list_related().in_bulk([first, second])
    if first == second or len(people) != 2:
        from django.http import Http404

        raise Http404
    return people[first], people[second]


@login_required
@permission_required("crm.merge_contacts", raise_exception=True)
def merge_view(request: HttpRequest, first: int, second: int) -> HttpResponse:
    a, b = _pair(first, second)
    if request.method == "POST":
        keep_pk = request.POST.get("keep")
        if keep_pk not in (str(a.pk), str(b.pk)):
            messages.error(request, _("Choose which record to keep."))
        else:
            keep, duplicate = (a, b) if keep_pk == str(a.pk) else (b, a)
            choices = {}
            for name in merge.MERGEABLE_FIELDS:
                picked = request.POST.get(f"field_{name}")
                if picked in (str(a.pk), str(b.pk)):
                    choices[name] = "kept" if picked == str(keep.pk) else "merged"
            try:
                merge.merge_contacts(
                    keep=keep,
                    duplicate=duplicate,
                    choices=choices,
                    merged_by=_user(request),
                )
            except merge.MergeError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Merged. The record kept is shown."))
                return redirect(keep)
    rows = []
    hidden = (
        set()
        if request.user.has_perm("crm.view_self_identification")
        else {*merge.SELF_ID_GROUP, "gender", "age_band"}
    )
    for name in merge.MERGEABLE_FIELDS:
        if name in hidden:
            continue
        field = Contact._meta.get_field(name)
        rows.append(
            {
                "name": name,
                "label": getattr(field, "verbose_name", name),
                "a": _shown(a, name),
                "b": _shown(b, name),
                "differs": _shown(a, name) != _shown(b, name),
            }
        )
    return render(
        request,
        "data/merge_form.html",
        {
            "a": a,
            "b": b,
            "rows": rows,
            "a_related": merge.related_counts(a),
            "b_related": merge.related_counts(b),
        },
    )


def _shown(contact: Contact, name: str) -> str:
    display = getattr(contact, f"get_{name}_display", None)
    value = display() if display else getattr(contact, name)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


@login_required
@permission_required("crm.merge_contacts", raise_exception=True)
@require_POST
def dismiss_view(request: HttpRequest, first: int, second: int) -> HttpResponse:
    a, b = _pair(first, second)
    merge.dismiss_duplicate(first=a, second=b, dismissed_by=_user(request))
    messages.success(request, _("Marked as not a duplicate."))
    return redirect("data:duplicate-list")


# ---------------------------------------------------------------------- exports


def file_response(handle: Any, filename: str) -> FileResponse:
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def csv_response(lines: Any, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@permission_required(
    ["contacts.view_contact", "crm.export_personal_data"], raise_exception=True
)
def contact_export(request: HttpRequest) -> HttpResponseBase:
    """The people list, filtered exactly like the list page, as .xlsx or .csv."""
    fmt = request.GET.get("format", "xlsx")
    filterset = ContactFilter(
        request.GET, queryset=Contact.objects.all(), request=request
    )
    if fmt not in ("xlsx", "csv") or not filterset.is_valid():
        messages.error(request, _("Those filters are not valid; nothing was exported."))
        return redirect(reverse("contacts:contact-list"))
    include_self_id = request.user.has_perm("crm.view_self_identification")
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    # The filters are recorded, never the people: the audit log holds no PII.
    record_audit_event(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="contacts.contact",
        summary=f"People list exported as {fmt}",
        details={
            "format": fmt,
            "filters": sorted(k for k in request.GET if k != "format"),
        },
    )
    if fmt == "csv":
        return csv_response(
            exports.contacts_csv(filterset.qs, include_self_id=include_self_id),
            f"people-{stamp}.csv",
        )
    notes = exports.export_notes(
        _("People"), exports.describe_filters(filterset), request.user
    )
    handle = exports.contacts_xlsx(
        filterset.qs, include_self_id=include_self_id, notes=notes
    )
    return file_response(handle, f"people-{stamp}.xlsx")
