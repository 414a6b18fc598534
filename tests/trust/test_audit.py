"""Every change to an audited record can be read back: who, when, before and after."""

from __future__ import annotations

import pytest

from contacts import services
from crm.audit import AUDITED_MODELS, record_audit_event
from crm.models import AuditEvent
from tests.conftest import client_for
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    OrganizationFactory,
    OutreachFactory,
    county,
)


def edit(contact, user, **changes):
    return services.update_contact(
        contact=contact,
        changes=changes,
        updated_by=user,
        expected_version=contact.version,
    )


@pytest.mark.django_db
def test_history_page_shows_who_changed_what_with_before_and_after(
    data_staff, organizer
):
    contact = ContactFactory(first_name="Mai", last_name="Vang")
    contact = edit(contact, organizer, city="Kent", county=county("pierce"))

    response = client_for(data_staff).get(f"/history/contact/{contact.pk}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "History of Mai Vang" in body
    assert str(organizer) in body
    assert "Changed" in body and "Created" in body
    assert "<td>King</td><td>Pierce</td>" in body.replace("\n", "")
    assert "<td>—</td><td>Kent</td>" in body.replace("\n", "")


@pytest.mark.django_db
def test_self_identification_changes_are_hidden_from_roles_that_cannot_see_them(
    administrator, data_staff
):
    contact = ContactFactory(first_name="Mai")
    edit(contact, data_staff, race_write_in="Hmong American")
    data_staff.user_permissions.clear()
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Auditor")
    group.permissions.add(
        Permission.objects.get(codename="view_audit_log"),
        Permission.objects.get(codename="view_contact"),
    )
    auditor = type(data_staff).objects.create(username="auditor")
    auditor.groups.add(group)

    hidden = client_for(auditor).get(f"/history/contact/{contact.pk}/")
    shown = client_for(administrator).get(f"/history/contact/{contact.pk}/")

    assert hidden.status_code == 200
    assert "Hmong American" not in hidden.content.decode()
    assert "(hidden)" in hidden.content.decode()
    assert "Hmong American" in shown.content.decode()


@pytest.mark.parametrize("model_name", sorted(AUDITED_MODELS))
@pytest.mark.django_db
def test_every_audited_model_has_a_history_page(administrator, model_name):
    factories = {
        "contact": ContactFactory,
        "organization": OrganizationFactory,
        "attendance": AttendanceFactory,
        "outreach": OutreachFactory,
    }
    if model_name in factories:
        obj = factories[model_name]()
    elif model_name == "event":
        obj = AttendanceFactory().event
    elif model_name == "affiliation":
        from tests.factories import AffiliationFactory

        obj = AffiliationFactory()
    else:
        from contacts.models import Relationship

        obj = Relationship.objects.create(
            from_contact=ContactFactory(), to_contact=ContactFactory(), kind="parent_of"
        )
    response = client_for(administrator).get(f"/history/{model_name}/{obj.pk}/")
    assert response.status_code == 200
    assert "Created" in response.content.decode()


@pytest.mark.django_db
def test_history_of_an_unknown_kind_or_record_is_not_found(administrator):
    client = client_for(administrator)
    assert client.get("/history/user/1/").status_code == 404
    assert client.get("/history/contact/999999/").status_code == 404


@pytest.mark.django_db
def test_roles_without_the_audit_permission_are_refused(organizer, leadership, client):
    contact = ContactFactory()
    url = f"/history/contact/{contact.pk}/"
    assert client_for(organizer).get(url).status_code == 403
    assert client_for(leadership).get(url).status_code == 403
    assert client_for(organizer).get("/audit/").status_code == 403
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_history_page_query_count_does_not_grow_with_changes(
    data_staff, organizer, django_assert_max_num_queries
):
    contact = ContactFactory()
    for number in range(3):
        contact = edit(contact, organizer, city=f"City {number}")
    client = client_for(data_staff)
    client.get(f"/history/contact/{contact.pk}/")
    with django_assert_max_num_queries(14) as few:
        client.get(f"/history/contact/{contact.pk}/")
    for number in range(20):
        contact = edit(contact, organizer, city=f"Town {number}", notes=str(number))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/history/contact/{contact.pk}/")


@pytest.mark.django_db
def test_audit_events_appear_in_the_log_and_on_the_record_history(
    data_staff, organizer
):
    contact = ContactFactory()
    record_audit_event(
        actor=data_staff,
        action=AuditEvent.Action.EXPORT,
        obj=contact,
        summary="Grant workbook, 2026 Q3",
    )
    record_audit_event(
        actor=None, action=AuditEvent.Action.IMPORT, summary="Sign-in sheet"
    )
    client = client_for(data_staff)

    log = client.get("/audit/").content.decode()
    history = client.get(f"/history/contact/{contact.pk}/").content.decode()
    only_imports = client.get("/audit/?action=import").content.decode()

    assert "Grant workbook, 2026 Q3" in log and "Sign-in sheet" in log
    assert "Grant workbook, 2026 Q3" in history
    assert "Sign-in sheet" in only_imports
    assert "Grant workbook" not in only_imports


@pytest.mark.django_db
def test_record_audit_event_refuses_an_unknown_action(data_staff):
    with pytest.raises(ValueError, match="Unknown audit action"):
        record_audit_event(actor=data_staff, action="peek")


@pytest.mark.django_db
def test_audit_summaries_are_escaped(data_staff):
    record_audit_event(
        actor=data_staff,
        action=AuditEvent.Action.OTHER,
        summary="<script>alert(1)</script>",
    )
    body = client_for(data_staff).get("/audit/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.django_db
def test_history_shows_list_changes_like_languages_and_categories(
    administrator, organizer
):
    from tests.factories import category, language

    contact = ContactFactory(first_name="Mai")
    contact = edit(
        contact,
        organizer,
        other_languages=[language("es")],
        race_categories=[category("ASIAN")],
    )

    body = client_for(administrator).get(f"/history/contact/{contact.pk}/")
    text = body.content.decode().replace("\n", "")

    assert '<th scope="row">Other languages</th><td>—</td><td>Spanish</td>' in text
    assert "<td>—</td><td>Asian</td>" in text
