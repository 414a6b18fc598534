"""People imports: exact, all-or-nothing, idempotent, undoable; bad files refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from contacts.imports import services
from contacts.imports.engine import ImportBlocked
from contacts.models import ColumnMapping, Contact, ImportBatch, ImportRow, Tag
from contacts.spreadsheets import SpreadsheetError
from tests.data.helpers import PEOPLE, csv_bytes, xlsx_bytes
from tests.factories import ContactFactory, TagFactory

pytestmark = pytest.mark.django_db


def batch_for(content: bytes, user, filename: str = "people.csv") -> ImportBatch:
    batch = services.create_batch(
        upload=io.BytesIO(content),
        filename=filename,
        kind=ImportBatch.Kind.CONTACTS,
        created_by=user,
    )
    return services.preview_batch(batch=batch)


def imported(content: bytes, user, filename: str = "people.csv") -> ImportBatch:
    batch = batch_for(content, user, filename)
    return services.commit_batch(batch=batch, committed_by=user)


def test_a_good_file_imports_exactly(data_staff):
    batch = imported(xlsx_bytes(PEOPLE), data_staff, "people.xlsx")

    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.counts == {"create": 3, "update": 0, "skip": 0, "error": 0}
    ana = Contact.objects.get(email="ana@example.org")
    assert (ana.first_name, ana.last_name, ana.phone, ana.zip_code) == (
        "Ana",
        "García",
        "+12065550101",
        "98101",
    )
    assert ana.county.code == "king"
    assert ana.preferred_language.code == "es"
    assert set(ana.tags.values_list("name", flat=True)) == {"parents", "spring"}
    assert list(ana.race_categories.values_list("code", flat=True)) == ["HISPANIC"]
    assert ana.race_ethnicity_status == Contact.SelfIdStatus.REPORTED
    assert ana.self_id_source == Contact.SelfIdSource.IMPORT
    assert ana.consent_email is True
    assert str(ana.consent_date) == "2026-03-01"
    assert ana.consent_source == Contact.ConsentSource.IMPORT
    bao = Contact.objects.get(email="bao@example.org")
    assert bao.preferred_language.code == "vi"
    assert bao.consent_email is False
    chidi = Contact.objects.get(phone="+12065550103")
    assert chidi.race_ethnicity_status == Contact.SelfIdStatus.UNTRACKED
    assert Contact.objects.count() == 3


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";"), ("cp1252", ",")],
)
def test_csv_in_utf8_bom_or_windows_1252_with_comma_or_semicolon_imports(
    data_staff, encoding, delimiter
):
    imported(csv_bytes(PEOPLE, encoding=encoding, delimiter=delimiter), data_staff)
    assert Contact.objects.get(email="ana@example.org").last_name == "García"


def test_one_bad_row_imports_nothing_and_names_the_row_and_column(data_staff):
    rows = [
        *PEOPLE,
        ["Dana", "Lee", "not-an-email", "", "98101", "", "", "", "", "", ""],
    ]
    batch = batch_for(csv_bytes(rows), data_staff)

    error = batch.rows.get(action=ImportRow.Action.ERROR)
    assert error.row_number == 5
    assert "column C (Email)" in error.message
    assert "not-an-email" in error.message
    with pytest.raises(ImportBlocked) as excinfo:
        services.commit_batch(batch=batch, committed_by=data_staff)
    assert "row 5" in str(excinfo.value)
    assert "column C (Email)" in str(excinfo.value)
    assert Contact.objects.count() == 0
    assert Tag.objects.count() == 0


def test_bad_dates_and_unknown_categories_are_row_errors_never_dropped(data_staff):
    rows = [
        ["First name", "Email", "Consent date", "Race", "Language"],
        ["Ana", "ana@example.org", "31/31/2026", "Asian", "es"],
        ["Bao", "bao@example.org", "", "Martian", "Klingon"],
    ]
    batch = batch_for(csv_bytes(rows), data_staff)
    messages = dict(batch.rows.values_list("row_number", "message"))
    assert "column C (Consent date)" in messages[2]
    assert "31/31/2026" in messages[2]
    assert "“Martian”" in messages[3]
    assert "“Klingon”" in messages[3]
    assert batch.counts["error"] == 2


def test_reimporting_the_same_file_creates_no_duplicates(data_staff):
    imported(csv_bytes(PEOPLE), data_staff)
    again = imported(csv_bytes(PEOPLE), data_staff)

    assert again.counts == {"create": 0, "update": 0, "skip": 3, "error": 0}
    assert Contact.objects.count() == 3


def test_a_row_repeated_in_the_file_is_skipped_as_a_duplicate(data_staff):
    batch = batch_for(csv_bytes([*PEOPLE, PEOPLE[1]]), data_staff)
    repeated = batch.rows.get(row_number=5)
    assert repeated.action == ImportRow.Action.SKIP
    assert "row 2" in repeated.message


def test_a_matching_person_is_updated_and_undo_restores_the_prior_state(
    data_staff,
):
    existing = ContactFactory(
        first_name="Ana", last_name="Garcia", email="ana@example.org", zip_code=""
    )
    existing.tags.add(TagFactory(name="alumni"))
    before = Contact.objects.count()

    batch = imported(csv_bytes(PEOPLE), data_staff)
    row = batch.rows.get(row_number=2)
    assert row.action == ImportRow.Action.UPDATE
    existing.refresh_from_db()
    assert existing.last_name == "García"
    assert set(existing.tags.values_list("name", flat=True)) == {
        "alumni",
        "parents",
        "spring",
    }

    services.undo_batch(batch=batch, undone_by=data_staff)

    existing.refresh_from_db()
    assert existing.last_name == "Garcia"
    assert existing.zip_code == ""
    assert existing.preferred_language is None
    assert existing.race_ethnicity_status == Contact.SelfIdStatus.UNTRACKED
    assert list(existing.tags.values_list("name", flat=True)) == ["alumni"]
    assert Contact.objects.count() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


def test_undo_is_refused_when_it_would_delete_later_work(data_staff):
    from tests.factories import OutreachFactory

    batch = imported(csv_bytes(PEOPLE), data_staff)
    OutreachFactory(contact=Contact.objects.get(email="ana@example.org"))
    with pytest.raises(ImportBlocked):
        services.undo_batch(batch=batch, undone_by=data_staff)
    assert Contact.objects.count() == 3


def test_a_saved_mapping_is_reused_for_the_next_file(data_staff):
    rows = [["Nombre", "Correo", "Cosa"], ["Ana", "ana@example.org", "x"]]
    batch = services.create_batch(
        upload=io.BytesIO(csv_bytes(rows)),
        filename="a.csv",
        kind=ImportBatch.Kind.CONTACTS,
        created_by=data_staff,
    )
    assert batch.mapping == {"Nombre": "first_name", "Correo": "email", "Cosa": ""}
    services.set_mapping(
        batch=batch,
        mapping={"Nombre": "first_name", "Correo": "email", "Cosa": "notes"},
        save_as="Partner list",
        saved_by=data_staff,
    )
    saved = ColumnMapping.objects.get(name="Partner list")
    second = services.create_batch(
        upload=io.BytesIO(csv_bytes(rows)),
        filename="b.csv",
        kind=ImportBatch.Kind.CONTACTS,
        created_by=data_staff,
        saved_mapping=saved,
    )
    assert second.mapping["Cosa"] == "notes"


def test_a_title_row_above_the_header_is_skipped():
    from contacts.imports.fields import CONTACT_FIELDS, synonyms_index
    from contacts.spreadsheets import read_table

    content = xlsx_bytes([["Spring meeting sign-in"], [], *PEOPLE])
    table = read_table(
        io.BytesIO(content), known_headers=synonyms_index(CONTACT_FIELDS).keys()
    )
    assert table.headers[0] == "First name"
    assert table.rows[0][0] == 4


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))
    return buffer.getvalue()


def _encrypted() -> bytes:
    # An encrypted workbook is an OLE compound file holding an "EncryptedPackage".
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 100
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 100
    )


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"", "people.csv", "empty"),
        (b"\x89PNG\r\n\x1a\n\0\0\0IHDR", "photo.csv", "not a spreadsheet"),
        (b"not really a workbook", "people.xlsx", "not a readable spreadsheet"),
        (_encrypted(), "people.xlsx", "password-protected"),
        (b"\n\n,,\n", "people.csv", "empty"),
        (b"First name,Email,first name\nAna,a@example.org,x\n", "p.csv", "repeats"),
        (b"First name,Email\n", "people.csv", "no rows"),
        (b"Ana,ana@example.org\nBao,bao@example.org\n", "p.csv", "no header row"),
        (_zip_bomb(), "bomb.xlsx", "the limit is 1 MB"),
    ],
)
def test_bad_files_get_a_clear_error(data_staff, settings, content, filename, expected):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    with pytest.raises(SpreadsheetError) as excinfo:
        batch_for(content, data_staff, filename)
    assert expected in str(excinfo.value)
    assert ImportBatch.objects.count() == 0


def test_limits_on_size_and_rows_are_named_in_the_error(data_staff, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    with pytest.raises(SpreadsheetError, match="the limit is 100 bytes"):
        batch_for(csv_bytes(PEOPLE * 3), data_staff)

    settings.IMPORT_MAX_FILE_BYTES = 10_000
    settings.IMPORT_MAX_ROWS = 2
    batch = batch_for(csv_bytes(PEOPLE), data_staff)
    assert batch.status == ImportBatch.Status.FAILED
    assert "more than 2 rows" in batch.error


def test_missing_first_name_column_fails_the_batch_with_the_reason(data_staff):
    batch = batch_for(csv_bytes([["Email"], ["a@example.org"]]), data_staff)
    assert batch.status == ImportBatch.Status.FAILED
    assert "First name" in batch.error


def test_preview_takes_the_same_queries_however_many_rows(
    data_staff, django_assert_max_num_queries
):
    def batch_of(n: int) -> ImportBatch:
        rows = [["First name", "Email", "Tags", "County"]] + [
            [f"P{i}", f"p{i}@example.org", "parents", "King"] for i in range(n)
        ]
        return services.create_batch(
            upload=io.BytesIO(csv_bytes(rows)),
            filename="p.csv",
            kind=ImportBatch.Kind.CONTACTS,
            created_by=data_staff,
        )

    small, large = batch_of(3), batch_of(30)
    with django_assert_max_num_queries(25) as small_queries:
        services.preview_batch(batch=small)
    with django_assert_max_num_queries(25) as large_queries:
        services.preview_batch(batch=large)
    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)


def test_undo_is_refused_once_a_created_person_has_been_merged(data_staff):
    from contacts.merge import merge_contacts

    batch = imported(csv_bytes(PEOPLE), data_staff)
    created = Contact.objects.get(email="ana@example.org")
    merge_contacts(keep=ContactFactory(), duplicate=created, merged_by=data_staff)
    with pytest.raises(ImportBlocked, match="merges since"):
        services.undo_batch(batch=batch, undone_by=data_staff)
