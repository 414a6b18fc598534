"""Background work for imports (Django's Tasks API; the database worker by default).

Large files are checked and imported here so the page stays responsive; the
batch row carries the progress the page polls.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task

from contacts.imports import services
from contacts.imports.engine import ImportBlocked
from contacts.models import ImportBatch
from crm.models import User

logger = logging.getLogger(__name__)


@task()
def preview_import(batch_id: int) -> None:
    """Check every row of a batch and store the preview."""
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        services.preview_batch(batch=batch)
    except Exception:
        logger.exception("Import batch %s could not be previewed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED,
            error="The file could not be checked because of an unexpected error.",
        )
        raise


@task()
def commit_import(batch_id: int, user_id: int | None) -> None:
    """Import a previewed batch, all rows or none."""
    batch = ImportBatch.objects.get(pk=batch_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        services.commit_batch(batch=batch, committed_by=user)
    except ImportBlocked:
        # The batch records why; nothing was written.
        logger.info("Import batch %s was not committed: it has errors", batch_id)


def start_preview(batch: ImportBatch) -> None:
    """Preview now for small files, in the background for large ones."""
    if services.runs_in_background(batch):
        services.mark_queued(batch, ImportBatch.Status.PREVIEWING)
        pk = batch.pk
        transaction.on_commit(lambda: preview_import.enqueue(pk))
    else:
        services.preview_batch(batch=batch)


def start_commit(batch: ImportBatch, user: User | None) -> None:
    """Commit now for small files, in the background for large ones.

    Raises ImportBlocked when the batch has errors (small files only; large
    files record the refusal on the batch).
    """
    if services.runs_in_background(batch):
        if batch.status != ImportBatch.Status.PREVIEWED or batch.error_count:
            raise ImportBlocked(
                services.blocked_summary(batch)  # names the rows with errors
            )
        services.mark_queued(batch, ImportBatch.Status.COMMITTING)
        pk, user_pk = batch.pk, getattr(user, "pk", None)
        transaction.on_commit(lambda: commit_import.enqueue(pk, user_pk))
    else:
        services.commit_batch(batch=batch, committed_by=user)
