"""The import, merge and export pages: the flow works and roles are enforced."""
# mypy: disable-error-code="misc, operator"

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts.models import Contact, ImportBatch, MergeRecord
from crm.roles import Role
from events.models import Attendance
from tests.conftest import client_for
from tests.data.helpers import PEOPLE, csv_bytes
from tests.factories import AttendanceFactory, ContactFactory, EventFactory

pytestmark = pytest.mark.django_db


def _upload(client, content: bytes, name: str = "people.csv", url="/data/imports/"):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_data_staff_upload_map_preview_commit_and_undo_people(data_staff):
    client = client_for(data_staff)
    response = _upload(client, csv_bytes(PEOPLE))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/data/imports/{batch.pk}/"

    page = client.get(batch.get_absolute_url())
    assert b"Match the columns" in page.content

    mapping = {f"col_{i}": batch.mapping[h] for i, h in enumerate(batch.headers)}
    response = client.post(f"/data/imports/{batch.pk}/mapping/", mapping)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    page = client.get(batch.get_absolute_url())
    assert b"3 to create" in page.content
    assert Contact.objects.count() == 0

    client.post(f"/data/imports/{batch.pk}/commit/")
    assert Contact.objects.count() == 3
    client.post(f"/data/imports/{batch.pk}/undo/")
    assert Contact.objects.count() == 0


def test_uploading_a_bad_file_shows_the_reason_on_the_form(data_staff):
    response = _upload(client_for(data_staff), b"", "people.csv")
    assert response.status_code == 400
    assert b"empty" in response.content
    response = _upload(client_for(data_staff), b"%PDF-1.4\0\0", "people.csv")
    assert response.status_code == 400
    assert b"The file is not a spreadsheet." in response.content


def test_a_large_file_is_checked_in_the_background_with_progress(
    data_staff, monkeypatch, django_capture_on_commit_callbacks
):
    from contacts.imports import services

    monkeypatch.setattr(services, "BACKGROUND_BYTES", 10)
    client = client_for(data_staff)
    _upload(client, csv_bytes(PEOPLE))
    batch = ImportBatch.objects.get()
    mapping = {f"col_{i}": batch.mapping[h] for i, h in enumerate(batch.headers)}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/data/imports/{batch.pk}/mapping/", mapping)
    assert len(callbacks) == 1  # the task was queued, not run in the request
    assert response.status_code == 302
    batch.refresh_from_db()
    # The immediate test backend ran the task once the request's work committed.
    assert batch.status == ImportBatch.Status.PREVIEWED
    progress = client.get(f"/data/imports/{batch.pk}/progress/")
    assert progress.status_code == 200
    refreshed = client.get(
        f"/data/imports/{batch.pk}/progress/", headers={"HX-Request": "true"}
    )
    assert refreshed.headers["HX-Refresh"] == "true"


def test_a_sign_in_sheet_matches_people_creates_new_ones_and_records_attendance(
    data_staff,
):
    event = EventFactory()
    known = ContactFactory(email="ana@example.org")
    by_name = ContactFactory(first_name="Bao", last_name="Nguyen", zip_code="98118")
    already = ContactFactory(phone="+12065550109")
    AttendanceFactory(event=event, contact=already)
    sheet = [
        ["Name", "Email", "Phone", "ZIP", "Role"],
        ["Ana Garcia", "ANA@example.org", "", "98101", "speaker"],
        ["Bao Nguyen", "", "", "98118", ""],
        ["Someone Known", "", "206 555 0109", "", ""],
        ["New Person", "new@example.org", "", "98052", ""],
    ]
    client = client_for(data_staff)
    response = _upload(client, csv_bytes(sheet), url=f"/events/{event.pk}/data/import/")
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url()
    assert batch.kind == ImportBatch.Kind.ATTENDANCE
    mapping = {f"col_{i}": batch.mapping[h] for i, h in enumerate(batch.headers)}
    mapping["col_4"] = "attendance_role"
    client.post(f"/data/imports/{batch.pk}/mapping/", mapping)
    client.post(f"/data/imports/{batch.pk}/commit/")

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    rows = Attendance.objects.filter(event=event)
    assert rows.count() == 4
    assert rows.get(contact=known).role == Attendance.Role.SPEAKER
    assert rows.get(contact=known).source == Attendance.Source.IMPORT
    assert rows.filter(contact=by_name).exists()
    assert rows.get(contact=already).source != Attendance.Source.IMPORT
    newcomer = Contact.objects.get(email="new@example.org")
    assert (newcomer.first_name, newcomer.last_name) == ("New", "Person")

    client.post(f"/data/imports/{batch.pk}/undo/")
    assert list(Attendance.objects.filter(event=event)) == [rows.get(contact=already)]
    assert not Contact.objects.filter(email="new@example.org").exists()


def test_data_staff_merge_two_people_from_the_review_queue(data_staff):
    a = ContactFactory(first_name="Ana", email="same@example.org")
    b = ContactFactory(first_name="Anna", email="same@example.org")
    client = client_for(data_staff)
    queue = client.get("/data/duplicates/")
    assert f"/data/duplicates/{a.pk}/{b.pk}/".encode() in queue.content
    assert client.get(f"/data/duplicates/{a.pk}/{b.pk}/").status_code == 200
    response = client.post(
        f"/data/duplicates/{a.pk}/{b.pk}/",
        {"keep": b.pk, "field_first_name": a.pk},
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.first_name == "Ana"
    assert MergeRecord.objects.get().kept == b


def test_not_a_duplicate_is_remembered(data_staff):
    a = ContactFactory(email="same@example.org")
    b = ContactFactory(email="same@example.org")
    client = client_for(data_staff)
    client.post(f"/data/duplicates/{a.pk}/{b.pk}/dismiss/")
    assert (
        f"/data/duplicates/{a.pk}/{b.pk}/".encode()
        not in client.get("/data/duplicates/").content
    )


def test_the_people_list_offers_an_export_that_keeps_the_filters(data_staff):
    page = client_for(data_staff).get("/people/?q=ana&page=1")
    assert b"/data/export/people/?q=ana&amp;format=xlsx" in page.content


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.LEADERSHIP])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/data/imports/"),
        ("post", "/data/imports/"),
        ("get", "/data/duplicates/"),
        ("get", "/data/export/people/"),
        ("get", "/data/export/people/?format=csv"),
    ],
)
def test_roles_without_the_permission_are_refused(user_for_role, role, method, url):
    _user, client = user_for_role(role)
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.LEADERSHIP])
def test_roles_without_the_permission_cannot_merge_import_sheets_or_export_events(
    user_for_role, role, data_staff
):
    _user, client = user_for_role(role)
    a, b = ContactFactory(), ContactFactory()
    event = EventFactory()
    batch = ImportBatch.objects.create(name="x", kind="contacts")
    assert (
        client.post(f"/data/duplicates/{a.pk}/{b.pk}/", {"keep": a.pk}).status_code
        == 403
    )
    assert client.post(f"/data/duplicates/{a.pk}/{b.pk}/dismiss/").status_code == 403
    assert client.post(f"/data/imports/{batch.pk}/commit/").status_code == 403
    assert client.post(f"/data/imports/{batch.pk}/undo/").status_code == 403
    assert client.get(f"/events/{event.pk}/data/import/").status_code == 403
    assert client.get(f"/events/{event.pk}/data/export/roster/").status_code == 403
    assert not MergeRecord.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(user_for_role):
    _user, client = user_for_role(None)
    for url in ("/data/imports/", "/data/duplicates/", "/data/export/people/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_administrators_may_import_merge_and_export(administrator):
    client = client_for(administrator)
    for url in ("/data/imports/", "/data/duplicates/", "/data/export/people/"):
        assert client.get(url).status_code == 200


def test_a_running_import_shows_a_progress_bar_that_polls(data_staff):
    batch = ImportBatch.objects.create(
        name="Big list",
        kind="contacts",
        status=ImportBatch.Status.PREVIEWING,
        total_rows=200,
        processed_rows=50,
    )
    page = client_for(data_staff).get(batch.get_absolute_url())
    assert b'<progress max="100" value="25"' in page.content
    assert f'hx-get="/data/imports/{batch.pk}/progress/"'.encode() in page.content
    fragment = client_for(data_staff).get(
        f"/data/imports/{batch.pk}/progress/", headers={"HX-Request": "true"}
    )
    assert b"50 of 200 rows checked" in fragment.content


def test_the_preview_page_takes_the_same_queries_however_many_rows(
    data_staff, django_assert_max_num_queries
):
    from contacts.models import ImportRow

    batch = ImportBatch.objects.create(
        name="x", kind="contacts", status=ImportBatch.Status.PREVIEWED
    )
    client = client_for(data_staff)

    def add_rows(start: int, count: int) -> None:
        ImportRow.objects.bulk_create(
            ImportRow(batch=batch, row_number=n, action="create", label=f"P{n}")
            for n in range(start, start + count)
        )

    add_rows(2, 3)
    # session, user, batch, row count, rows (+ permission lookups)
    with django_assert_max_num_queries(12) as few:
        client.get(batch.get_absolute_url())
    add_rows(10, 40)
    with django_assert_max_num_queries(12) as many:
        client.get(batch.get_absolute_url())
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_uploaded_file_is_deleted_once_imported(
    data_staff, django_capture_on_commit_callbacks
):
    client = client_for(data_staff)
    _upload(client, csv_bytes(PEOPLE))
    batch = ImportBatch.objects.get()
    mapping = {f"col_{i}": batch.mapping[h] for i, h in enumerate(batch.headers)}
    client.post(f"/data/imports/{batch.pk}/mapping/", mapping)
    assert ImportBatch.objects.get().file
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/data/imports/{batch.pk}/commit/")
    assert not ImportBatch.objects.get().file
    assert Contact.objects.count() == 3


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.LEADERSHIP])
def test_roles_without_import_permission_cannot_upload_a_sign_in_sheet(
    user_for_role, role
):
    _user, client = user_for_role(role)
    event = EventFactory()
    response = _upload(
        client, csv_bytes(PEOPLE), url=f"/events/{event.pk}/data/import/"
    )
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_a_sign_in_sheet_for_a_deleted_event_is_refused_not_a_server_error(
    data_staff,
):
    event = EventFactory()
    client = client_for(data_staff)
    _upload(client, csv_bytes(PEOPLE), url=f"/events/{event.pk}/data/import/")
    batch = ImportBatch.objects.get()
    event.delete()
    mapping = {f"col_{i}": batch.mapping[h] for i, h in enumerate(batch.headers)}
    response = client.post(f"/data/imports/{batch.pk}/mapping/", mapping)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "no longer exists" in batch.error
