"""Import batches: upload, map, preview, commit all-or-nothing, undo.

Views, the management commands and the background tasks all call these.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from contacts.imports import bulk
from contacts.imports.engine import (
    ContactImporter,
    ImportBlocked,
    RowPlan,
    restore_values,
)
from contacts.imports.fields import guess_mapping, synonyms_index
from contacts.models import (
    ColumnMapping,
    Contact,
    ImportBatch,
    ImportRow,
    MergeRecord,
)
from contacts.services import update_contact
from contacts.spreadsheets import SpreadsheetError, Table, read_table
from crm.audit import record_audit_event
from crm.models import AuditEvent, User

logger = logging.getLogger(__name__)

# Which engine runs each kind of batch. Attendance lives in the events app, which
# builds on this one, so it is named here rather than imported.
IMPORTERS: dict[str, str] = {
    ImportBatch.Kind.CONTACTS: "contacts.imports.engine.ContactImporter",
    ImportBatch.Kind.ATTENDANCE: "events.imports.AttendanceImporter",
}

UNDOERS: dict[str, str] = {
    ImportBatch.Kind.CONTACTS: "contacts.imports.services.undo_batch",
    ImportBatch.Kind.ATTENDANCE: "events.imports.undo_attendance_batch",
}

# Files larger than this are checked and imported by the background worker.
BACKGROUND_BYTES = 256 * 1024
# A refused commit names this many rows with errors (and counts the rest).
SHOWN_ERRORS = 5


def importer_class(kind: str) -> type[ContactImporter]:
    return import_string(IMPORTERS[kind])  # type: ignore[no-any-return]


def read_batch_table(batch: ImportBatch, *, header_only: bool = False) -> Table:
    specs = importer_class(batch.kind).specs
    batch.file.open("rb")
    try:
        return read_table(
            batch.file,
            filename=batch.original_filename,
            known_headers=synonyms_index(specs).keys(),
            header_only=header_only,
        )
    finally:
        batch.file.close()


@contextmanager
def open_batch_table(batch: ImportBatch) -> Iterator[Table]:
    """The batch's file as a table whose rows are read as they are iterated."""
    specs = importer_class(batch.kind).specs
    batch.file.open("rb")
    try:
        yield read_table(
            batch.file,
            filename=batch.original_filename,
            known_headers=synonyms_index(specs).keys(),
            stream=True,
        )
    finally:
        batch.file.close()


@transaction.atomic
def create_batch(
    *,
    upload: IO[bytes],
    filename: str,
    kind: str,
    created_by: User | None,
    name: str = "",
    event_pk: int | None = None,
    saved_mapping: ColumnMapping | None = None,
) -> ImportBatch:
    """Store an upload as a new batch with a guessed (or saved) column mapping.

    Raises SpreadsheetError when the file cannot be read at all.
    """
    specs = importer_class(kind).specs
    table = read_table(
        upload,
        filename=filename,
        known_headers=synonyms_index(specs).keys(),
        header_only=True,
    )
    mapping = guess_mapping(table.headers, specs)
    if saved_mapping is not None:
        from contacts.spreadsheets import normalise_header

        for header in table.headers:
            key = normalise_header(header)
            if key in saved_mapping.mapping:
                mapping[header] = saved_mapping.mapping[key]
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    batch = ImportBatch(
        name=name.strip() or default_name(kind, filename),
        kind=kind,
        event_pk=event_pk,
        original_filename=filename[:255],
        file_size=size,
        headers=table.headers,
        mapping=mapping,
        created_by=created_by,
    )
    batch.file.save(_safe_name(filename), File(upload), save=False)
    batch.save()
    return batch


def default_name(kind: str, filename: str) -> str:
    label = ImportBatch.Kind(kind).label
    return f"{label}: {filename} ({timezone.localdate():%Y-%m-%d})"[:200]


def _safe_name(filename: str) -> str:
    # The stored name never carries what people typed (it may hold PII).
    suffix = ".xlsx" if filename.lower().endswith((".xlsx", ".xlsm")) else ".csv"
    return f"upload{suffix}"


@transaction.atomic
def set_mapping(
    *,
    batch: ImportBatch,
    mapping: dict[str, str],
    save_as: str = "",
    saved_by: User | None = None,
) -> ImportBatch:
    """Choose which column fills which field; optionally save it for next time."""
    from contacts.spreadsheets import normalise_header

    batch.mapping = {h: mapping.get(h, "") for h in batch.headers if h}
    batch.status = ImportBatch.Status.UPLOADED
    batch.save(update_fields=["mapping", "status"])
    if save_as.strip():
        ColumnMapping.objects.update_or_create(
            kind=batch.kind,
            name=save_as.strip()[:100],
            defaults={
                "mapping": {
                    normalise_header(h): f for h, f in batch.mapping.items() if f
                },
                "created_by": saved_by,
            },
        )
    return batch


def _importer(batch: ImportBatch, table: Table) -> ContactImporter:
    cls = importer_class(batch.kind)
    importer = cls(table=table, mapping=batch.mapping, user=batch.created_by)
    importer.batch = batch  # type: ignore[attr-defined]
    return importer


def _progress(batch: ImportBatch) -> Any:
    def report(done: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=done)

    return report


def _label(plan: RowPlan) -> str:
    values = plan.values
    name = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
    return name[:200]


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    batch.status = ImportBatch.Status.FAILED
    batch.error = message
    batch.save(update_fields=["status", "error"])
    return batch


def preview_batch(*, batch: ImportBatch) -> ImportBatch:
    """Decide what each row would do, store it for review. Writes no people.

    The file is read and planned a chunk at a time; each row's outcome is kept
    (small: a few short strings) and stored at the end in one transaction.
    """
    batch.status = ImportBatch.Status.PREVIEWING
    batch.processed_rows = 0
    batch.error = ""
    batch.save(update_fields=["status", "processed_rows", "error"])
    counts = dict.fromkeys(ImportRow.Action.values, 0)
    outcomes: list[tuple[int, str, str, str, int | None]] = []
    try:
        with open_batch_table(batch) as table:
            batch.total_rows = table.size_hint
            batch.save(update_fields=["total_rows"])
            importer = _importer(batch, table)
            problems = importer.mapping_problems()
            if problems:
                return _fail(batch, " ".join(problems))
            for plans in importer.plan_chunks(progress=_progress(batch)):
                for plan in plans:
                    counts[plan.action] += 1
                    outcomes.append(
                        (
                            plan.row_number,
                            plan.action,
                            _label(plan),
                            plan.message,
                            plan.contact_id,
                        )
                    )
    except SpreadsheetError as exc:
        return _fail(batch, str(exc))
    empty = bulk.prepared(ImportRow, "before", {})
    with transaction.atomic():
        batch.rows.all().delete()
        bulk.insert(
            ImportRow,
            [
                "batch_id",
                "row_number",
                "action",
                "label",
                "message",
                "contact_id",
                "before",
                "created_contact",
            ],
            (
                (
                    batch.pk,
                    number,
                    str(action),
                    label,
                    message,
                    contact_id,
                    empty,
                    False,
                )
                for number, action, label, message, contact_id in outcomes
            ),
            ready=["before"],
        )
        batch.counts = counts
        batch.status = ImportBatch.Status.PREVIEWED
        batch.processed_rows = batch.total_rows = len(outcomes)
        batch.save(update_fields=["counts", "status", "processed_rows", "total_rows"])
    return batch


def _store_rows(batch: ImportBatch, rows: list[ImportRow]) -> None:
    bulk.insert_objects(ImportRow, rows)


def commit_batch(*, batch: ImportBatch, committed_by: User | None) -> ImportBatch:
    """Import every row or none. Raises ImportBlocked (nothing written) on errors.

    One transaction: the file is planned again a chunk at a time and each chunk
    written before the next is read; a row with an error anywhere stops the
    writing, the rest of the file is still checked (to name the rows), and the
    transaction is rolled back.
    """
    ready = (ImportBatch.Status.PREVIEWED, ImportBatch.Status.COMMITTING)
    if batch.status == ImportBatch.Status.FAILED and batch.error:
        raise ImportBlocked(batch.error)
    if batch.status not in ready:
        raise ImportBlocked(_("This import is not ready to be committed."))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.COMMITTING, processed_rows=0
    )
    try:
        with open_batch_table(batch) as table:
            importer = _importer(batch, table)
            importer.user = committed_by or batch.created_by
            problems = importer.mapping_problems()
            if problems:
                raise ImportBlocked(" ".join(problems))
            with transaction.atomic():
                # The first write: from here other writers wait (SQLite), and
                # the people the import changes are locked as they are read.
                batch.rows.all().delete()
                importer.lock = True
                counts = dict.fromkeys(ImportRow.Action.values, 0)
                errors: list[RowPlan] = []
                error_count = total = 0
                for plans in importer.plan_chunks():
                    total += len(plans)
                    for plan in plans:
                        counts[plan.action] += 1
                    failed = [p for p in plans if p.action == ImportRow.Action.ERROR]
                    error_count += len(failed)
                    errors.extend(failed[: SHOWN_ERRORS - len(errors)])
                    if error_count:
                        continue  # nothing more is written; the rest is checked
                    rows = importer.apply_chunk(plans, batch)
                    for row, plan in zip(rows, plans, strict=True):
                        row.label = _label(plan)
                    _store_rows(batch, rows)
                if error_count:
                    raise ImportBlocked(_blocked_message(errors, error_count))
                batch.counts = counts
                batch.status = ImportBatch.Status.COMMITTED
                batch.committed_at = timezone.now()
                batch.processed_rows = batch.total_rows = total
                batch.error = ""
                batch.save()
                record_audit_event(
                    actor=committed_by,
                    action=AuditEvent.Action.IMPORT,
                    obj=batch,
                    summary=f"Import {batch.pk} committed",
                    details={"counts": batch.counts},
                )
                # The people are in the database now; the uploaded copy (personal
                # data) is not kept longer than needed.
                transaction.on_commit(lambda: discard_file(batch))
    except (ImportBlocked, SpreadsheetError) as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.PREVIEWED
            if isinstance(exc, ImportBlocked)
            else ImportBatch.Status.FAILED,
            error=str(exc),
        )
        batch.refresh_from_db()
        raise ImportBlocked(str(exc)) from exc
    return batch


def _blocked_message(errors: list[RowPlan], total: int | None = None) -> str:
    """Names the first rows with errors; `total` counts them all (default: all
    of `errors`)."""
    total = len(errors) if total is None else total
    shown = "; ".join(
        _("row %(row)s: %(message)s") % {"row": p.row_number, "message": p.message}
        for p in errors[:SHOWN_ERRORS]
    )
    more = total - min(len(errors), SHOWN_ERRORS)
    suffix = (_(" (and %(n)s more rows)") % {"n": more}) if more > 0 else ""
    return _("Nothing was imported: %(count)s rows have errors. %(rows)s%(more)s") % {
        "count": total,
        "rows": shown,
        "more": suffix,
    }


def discard_file(batch: ImportBatch) -> None:
    """Delete the stored upload (the rows' outcomes stay on the batch)."""
    if batch.file:
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")


def blocked_summary(batch: ImportBatch) -> str:
    """Why a previewed batch cannot be committed, naming the first rows."""
    if batch.error:
        return batch.error
    errors = batch.rows.filter(action=ImportRow.Action.ERROR).order_by("row_number")
    plans = [
        RowPlan(row_number=r.row_number, messages=[r.message])
        for r in errors[:SHOWN_ERRORS]
    ]
    if not plans:
        return _("This import is not ready to be committed.")
    return _blocked_message(plans, errors.count())


def created_contact_ids(batch: ImportBatch) -> list[int]:
    return list(
        batch.rows.filter(created_contact=True, contact__isnull=False).values_list(
            "contact_id", flat=True
        )
    )


def undo_blockers(
    batch: ImportBatch, *, ignore: dict[type[Any], set[int]] | None = None
) -> list[str]:
    """Why undoing would lose later work: records added since to created people."""
    ignore = ignore or {}
    created = created_contact_ids(batch)
    if not created:
        return []
    problems = []
    merged = MergeRecord.objects.filter(
        Q(kept_id__in=created) | Q(merged_id__in=created)
    ).count()
    if merged:
        problems.append(
            _("%(count)s merges since involved people this import created")
            % {"count": merged}
        )
    for rel in Contact._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many or not isinstance(model, type):
            continue
        queryset = model._default_manager.filter(  # type: ignore[attr-defined]
            **{f"{rel.field.name}__in": created}
        )
        if model in ignore:
            queryset = queryset.exclude(pk__in=ignore[model])
        count = queryset.count()
        if count:
            problems.append(
                _("%(count)s %(what)s added since for people this import created")
                % {"count": count, "what": model._meta.verbose_name_plural}
            )
    return problems


@transaction.atomic
def undo_batch(
    *,
    batch: ImportBatch,
    undone_by: User | None,
    ignore: dict[type[Any], set[int]] | None = None,
) -> ImportBatch:
    """Put people back as they were before the import; remove people it created."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.COMMITTED:
        raise ImportBlocked(_("Only a committed import can be undone."))
    blockers = undo_blockers(batch, ignore=ignore)
    if blockers:
        raise ImportBlocked(
            _("This import cannot be undone without losing later work: %(why)s.")
            % {"why": "; ".join(blockers)}
        )
    updated = batch.rows.filter(action=ImportRow.Action.UPDATE, contact__isnull=False)
    for row in updated.select_related("contact").order_by("-row_number"):
        assert row.contact is not None  # noqa: S101
        update_contact(
            contact=row.contact,
            changes=restore_values(row.before),
            updated_by=undone_by,
        )
    created = created_contact_ids(batch)
    Contact.objects.filter(pk__in=created).delete()
    batch.status = ImportBatch.Status.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = undone_by
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    record_audit_event(
        actor=undone_by,
        action=AuditEvent.Action.IMPORT,
        obj=batch,
        summary=f"Import {batch.pk} undone",
        details={"undone": True},
    )
    return batch


def undo_any(*, batch: ImportBatch, undone_by: User | None) -> ImportBatch:
    """Undo a batch of any kind (attendance removes its attendance rows too)."""
    undo = import_string(UNDOERS[batch.kind])
    return undo(batch=batch, undone_by=undone_by)  # type: ignore[no-any-return]


def runs_in_background(batch: ImportBatch) -> bool:
    return batch.file_size > BACKGROUND_BYTES


def mark_queued(batch: ImportBatch, status: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status, processed_rows=F("processed_rows") * 0
    )
