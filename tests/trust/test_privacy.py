"""Access reports export a whole record; erasure anonymises and keeps counts."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from contacts import privacy, services
from contacts.models import Affiliation, Contact, ImportRow, MergeRecord, Relationship
from crm.models import AuditEvent
from events.models import Attendance, Comment, FollowUp, Outreach
from tests.conftest import client_for
from tests.factories import (
    AffiliationFactory,
    AttendanceFactory,
    CommentFactory,
    ContactFactory,
    FollowUpFactory,
    OutreachFactory,
    TagFactory,
    UserFactory,
    category,
)

PERSONAL = [
    "Mai",
    "Vang",
    "mai.vang@example.org",
    "+12065550123",
    "1200 Pine St",
    "Hmong American",
    "Mai has two kids",
    "Mai said she would come",
    "Bring Mai a flyer",
    "98032",
]


@pytest.fixture
def mai(organizer):
    contact = ContactFactory(
        first_name="Mai",
        last_name="Vang",
        email="mai.vang@example.org",
        phone="+12065550123",
        street_address="1200 Pine St",
        city="Kent",
        zip_code="98032",
        race_write_in="Hmong American",
        categories=["ASIAN"],
    )
    contact = services.update_contact(
        contact=contact,
        changes={"notes": "Mai has two kids"},
        updated_by=organizer,
        expected_version=contact.version,
    )
    contact.tags.add(TagFactory(name="Vang family"))
    AttendanceFactory(contact=contact, pending_changes={"zip_code": "98032"})
    OutreachFactory(
        contact=contact, organizer=organizer, notes="Mai said she would come"
    )
    FollowUpFactory(contact=contact, assigned_to=organizer, title="Bring Mai a flyer")
    CommentFactory(contact=contact, text="We need Hmong interpreters")
    AffiliationFactory(contact=contact, title="PTA chair")
    Relationship.objects.create(
        from_contact=contact, to_contact=ContactFactory(), kind="parent_of"
    )
    return contact


def everything_stored_about(contact: Contact) -> str:
    """Every value anywhere that is linked to the person, as one string."""
    report = privacy.build_access_report(contact=contact)
    history = Contact.history.filter(id=contact.pk).values()
    attendance_history = Attendance.history.filter(contact=contact).values()
    outreach_history = Outreach.history.filter(contact=contact).values()
    return json.dumps(
        [report, list(history), list(attendance_history), list(outreach_history)],
        default=str,
    )


@pytest.mark.django_db
def test_access_report_holds_the_whole_record_and_everything_linked(mai):
    text = everything_stored_about(mai)
    for value in PERSONAL:
        assert value in text, value
    report = privacy.build_access_report(contact=mai)
    assert report["person"]["race_categories"] == ["Asian"]
    assert len(report["linked_records"]["events.attendance.contact"]) == 1
    assert len(report["linked_records"]["events.comment.contact"]) == 1
    assert report["change_history"][0]["change"] == "created"


@pytest.mark.django_db
def test_data_staff_download_an_access_report_as_json_and_it_is_audited(
    mai, data_staff
):
    response = client_for(data_staff).post(
        f"/privacy/people/{mai.pk}/access-report/", {"file_format": "json"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert f"access-report-{mai.pk}.json" in response["Content-Disposition"]
    assert "Mai" not in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["email"] == "mai.vang@example.org"
    event = AuditEvent.objects.get()
    assert event.action == AuditEvent.Action.ACCESS_REPORT
    assert event.actor == data_staff
    assert event.object_id == str(mai.pk)


@pytest.mark.django_db
def test_access_report_as_a_spreadsheet_has_a_sheet_per_kind_of_record(mai, data_staff):
    Outreach.objects.filter(contact=mai).update(notes='=HYPERLINK("http://x")')
    response = client_for(data_staff).post(
        f"/privacy/people/{mai.pk}/access-report/", {"file_format": "xlsx"}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert "Person" in workbook.sheetnames
    assert "Change history" in workbook.sheetnames
    cells = [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]
    assert "mai.vang@example.org" in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


@pytest.mark.django_db
def test_access_report_and_erasure_need_their_own_permissions(
    mai, organizer, leadership, client
):
    for user in (organizer, leadership):
        assert (
            client_for(user)
            .post(f"/privacy/people/{mai.pk}/access-report/", {"file_format": "json"})
            .status_code
            == 403
        )
        assert (
            client_for(user)
            .post(f"/privacy/people/{mai.pk}/erase/", {"confirm_record": mai.pk})
            .status_code
            == 403
        )
    anonymous = client.get(f"/privacy/people/{mai.pk}/erase/")
    assert anonymous.status_code == 302
    assert not AuditEvent.objects.exists()
    assert Contact.objects.get(pk=mai.pk).first_name == "Mai"


@pytest.mark.django_db
def test_data_staff_may_export_but_not_erase(mai, data_staff):
    client = client_for(data_staff)
    assert client.get(f"/privacy/people/{mai.pk}/access-report/").status_code == 200
    assert client.get(f"/privacy/people/{mai.pk}/erase/").status_code == 403


@pytest.mark.django_db
def test_erasure_removes_personal_data_everywhere_and_keeps_counts(mai, administrator):
    attendance_before = Attendance.objects.filter(status="attended").count()
    asian_before = Contact.objects.active().filter(race_categories=category("ASIAN"))
    asian_before_count = asian_before.count()

    response = client_for(administrator).post(
        f"/privacy/people/{mai.pk}/erase/", {"confirm_record": mai.pk}
    )

    assert response.status_code == 302
    mai.refresh_from_db()
    assert mai.first_name == privacy.ERASED_NAME
    assert mai.erased_at is not None
    text = everything_stored_about(mai)
    for value in PERSONAL:
        assert value not in text, f"{value!r} survived the erasure"
    assert not mai.tags.exists()
    assert not Affiliation.objects.filter(contact=mai).exists()
    assert not Relationship.objects.filter(from_contact=mai).exists()
    assert not Affiliation.history.filter(contact_id=mai.pk).exists()
    # Counts stay: the anonymous row, its attendance and its categories.
    assert Attendance.objects.filter(status="attended").count() == attendance_before
    assert (
        Contact.objects.active().filter(race_categories=category("ASIAN")).count()
        == asian_before_count
    )
    assert mai.race_ethnicity_status == Contact.SelfIdStatus.REPORTED
    comment = Comment.objects.get(text="We need Hmong interpreters")
    assert comment.contact is None
    assert FollowUp.objects.get(contact=mai).title == privacy.ERASED_TEXT
    event = AuditEvent.objects.get(action=AuditEvent.Action.ERASURE)
    assert event.actor == administrator
    assert event.object_id == str(mai.pk)
    assert "Mai" not in event.summary + json.dumps(event.details)
    assert event.details["attendance"] == 1


@pytest.mark.django_db
def test_erasure_also_erases_records_merged_into_the_person(mai, administrator):
    duplicate = ContactFactory(first_name="Mai", last_name="Vang-Lee", email="mv@x.org")
    duplicate.merged_into = mai
    duplicate.save()
    MergeRecord.objects.create(
        kept=mai,
        merged=duplicate,
        kept_before={"last_name": "Vang"},
        merged_before={"last_name": "Vang-Lee"},
    )
    row = ImportRow.objects.create(
        batch=_import_batch(administrator),
        row_number=2,
        action="update",
        label="Mai Vang",
        contact=mai,
        before={"email": "mai.vang@example.org"},
    )

    privacy.erase_personal_data(contact=mai, erased_by=administrator)

    duplicate.refresh_from_db()
    assert duplicate.first_name == privacy.ERASED_NAME
    assert duplicate.email == ""
    merge = MergeRecord.objects.get()
    assert merge.kept_before == {} and merge.merged_before == {}
    row.refresh_from_db()
    assert row.label == "" and row.before == {}


def _import_batch(user):
    from contacts.models import ImportBatch

    fields = {f.name for f in ImportBatch._meta.concrete_fields}
    values = {"kind": ImportBatch.Kind.values[0], "created_by": user}
    if "file_name" in fields:
        values["file_name"] = "sheet.xlsx"
    return ImportBatch.objects.create(
        **{k: v for k, v in values.items() if k in fields}
    )


@pytest.mark.django_db
def test_erasure_needs_the_record_number_typed_to_confirm(mai, administrator):
    response = client_for(administrator).post(
        f"/privacy/people/{mai.pk}/erase/", {"confirm_record": mai.pk + 1}
    )
    assert response.status_code == 400
    assert "Nothing was erased" in response.content.decode()
    mai.refresh_from_db()
    assert mai.first_name == "Mai"


@pytest.mark.django_db
def test_a_merged_record_cannot_be_erased_on_its_own(mai, administrator):
    duplicate = ContactFactory(merged_into=mai)
    with pytest.raises(privacy.ErasureError):
        privacy.erase_personal_data(contact=duplicate, erased_by=administrator)


@pytest.mark.django_db
def test_every_table_pointing_at_a_person_has_an_erasure_rule():
    missing = [
        f"{model._meta.label_lower}.{field_name}"
        for model, field_name in privacy.contact_relations()
        if f"{model._meta.label_lower}.{field_name}" not in privacy.ERASURE_HANDLING
    ]
    assert not missing, (
        f"Add these to contacts.privacy.ERASURE_HANDLING and erase_personal_data: "
        f"{missing}"
    )


@pytest.mark.django_db
def test_erasure_of_an_unrelated_person_leaves_others_untouched(mai, administrator):
    other = ContactFactory(first_name="Hodan", email="hodan@example.org")
    OutreachFactory(contact=other, organizer=UserFactory(), notes="Call Hodan")
    privacy.erase_personal_data(contact=mai, erased_by=administrator)
    other.refresh_from_db()
    assert other.first_name == "Hodan"
    assert Outreach.objects.get(contact=other).notes == "Call Hodan"
