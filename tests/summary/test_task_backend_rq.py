"""A large import runs through Redis-backed RQ when settings say so.

Needs Redis on REDIS_TEST_URL (default 127.0.0.1:6379, database 15); skipped,
saying so, only when it cannot be reached.
"""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from openpyxl import Workbook

from contacts import tasks
from contacts.imports import services
from contacts.models import Contact, ImportBatch

# A database of its own, so the test never touches a real queue.
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
QUEUE = "default"  # the queue the import tasks are declared on
ROWS = 2000


def _redis() -> Any:
    try:
        import redis

        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        connection.ping()
    except Exception as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return connection


@pytest.fixture
def rq_backend(settings: Any, monkeypatch: Any) -> Any:
    """TASKS switched to RQ by settings alone, on a queue of its own."""
    import django_rq.settings

    connection = _redis()
    monkeypatch.setitem(django_rq.settings.QUEUES, QUEUE, {"URL": REDIS_URL})
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [QUEUE]}
    }
    queue = django_rq.get_queue(QUEUE)
    queue.empty()
    yield queue
    queue.empty()
    connection.close()


def _people_file(rows: int) -> io.BytesIO:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("People")
    sheet.append(["First name", "Last name", "Email", "ZIP", "County"])
    for i in range(rows):
        sheet.append(
            [f"Rq{i}", f"Person{i % 97}", f"rq{i}@example.net", "98901", "Yakima"]
        )
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _work(queue: Any) -> None:
    from django_tasks_rq import Job
    from rq import SimpleWorker

    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    worker.work(burst=True)


@pytest.mark.django_db
def test_a_large_import_is_checked_and_committed_by_an_rq_worker(
    rq_backend: Any, data_staff: Any
):
    from django.tasks import task_backends

    assert type(task_backends["default"]).__name__ == "RQBackend"
    batch = services.create_batch(
        upload=_people_file(ROWS),
        filename="people.xlsx",
        kind=ImportBatch.Kind.CONTACTS,
        created_by=data_staff,
    )

    preview = tasks.preview_import.enqueue(batch.pk)
    assert rq_backend.count == 1  # waiting in Redis, not run in the request
    _work(rq_backend)
    batch.refresh_from_db()
    assert preview.id
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert batch.counts.get("create") == ROWS

    tasks.commit_import.enqueue(batch.pk, data_staff.pk)
    _work(rq_backend)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Contact.objects.filter(email__startswith="rq").count() == ROWS
