"""Merging duplicates moves everything to the kept person, and is recorded."""
# mypy: disable-error-code="misc, operator"

from __future__ import annotations

import pytest

from contacts.dedupe import find_duplicates
from contacts.merge import MergeError, dismiss_duplicate, merge_contacts
from contacts.models import Contact, MergeRecord, Relationship
from events.models import Attendance, Comment, FollowUp, Outreach
from tests.factories import (
    AffiliationFactory,
    AttendanceFactory,
    CommentFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    OutreachFactory,
    TagFactory,
    language,
)

pytestmark = pytest.mark.django_db


def test_merge_moves_attendance_outreach_follow_ups_comments_affiliations_and_tags(
    data_staff,
):
    keep = ContactFactory(first_name="Ana", last_name="Garcia")
    duplicate = ContactFactory(first_name="Anna", last_name="Garcia")
    attendance = AttendanceFactory(contact=duplicate)
    outreach = OutreachFactory(contact=duplicate)
    follow_up = FollowUpFactory(contact=duplicate)
    comment = CommentFactory(contact=duplicate)
    affiliation = AffiliationFactory(contact=duplicate)
    duplicate.tags.add(TagFactory(name="parents"))
    keep.tags.add(TagFactory(name="spring"))
    duplicate.other_languages.add(language("es"))

    record = merge_contacts(keep=keep, duplicate=duplicate, merged_by=data_staff)

    assert Attendance.objects.get(pk=attendance.pk).contact_id == keep.pk
    assert Outreach.objects.get(pk=outreach.pk).contact_id == keep.pk
    assert FollowUp.objects.get(pk=follow_up.pk).contact_id == keep.pk
    assert Comment.objects.get(pk=comment.pk).contact_id == keep.pk
    affiliation.refresh_from_db()
    assert affiliation.contact_id == keep.pk
    assert set(keep.tags.values_list("name", flat=True)) == {"parents", "spring"}
    assert list(keep.other_languages.values_list("code", flat=True)) == ["es"]
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk
    assert not Contact.objects.active().filter(pk=duplicate.pk).exists()
    assert record.merged_by == data_staff
    assert record.moved["events.attendance.contact"] == 1
    assert record.merged_before["first_name"] == "Anna"


def test_merge_keeps_one_attendance_when_both_people_attended_the_same_event(
    data_staff,
):
    event = EventFactory()
    keep, duplicate = ContactFactory(), ContactFactory()
    AttendanceFactory(event=event, contact=keep, status=Attendance.Status.REGISTERED)
    theirs = AttendanceFactory(
        event=event, contact=duplicate, role=Attendance.Role.SPEAKER
    )
    follow_up = FollowUpFactory(contact=duplicate, attendance=theirs)

    merge_contacts(keep=keep, duplicate=duplicate, merged_by=data_staff)

    rows = Attendance.objects.filter(event=event)
    assert rows.count() == 1
    kept = rows.get()
    assert kept.contact_id == keep.pk
    assert kept.status == Attendance.Status.ATTENDED
    assert kept.role == Attendance.Role.SPEAKER
    follow_up.refresh_from_db()
    assert follow_up.attendance_id == kept.pk


def test_merge_uses_the_chosen_value_for_each_field(data_staff):
    keep = ContactFactory(first_name="Ana", email="old@example.org", zip_code="")
    duplicate = ContactFactory(first_name="Ana María", email="new@example.org")

    merge_contacts(
        keep=keep,
        duplicate=duplicate,
        choices={"first_name": "merged"},
        merged_by=data_staff,
    )

    keep.refresh_from_db()
    assert keep.first_name == "Ana María"
    assert keep.email == "old@example.org"  # not chosen: the kept value stays
    assert keep.zip_code == duplicate.zip_code  # blank on the kept side: filled


def test_merge_drops_a_relationship_between_the_two_people(data_staff):
    keep, duplicate = ContactFactory(), ContactFactory()
    Relationship.objects.create(
        from_contact=duplicate, to_contact=keep, kind=Relationship.Kind.HOUSEHOLD
    )
    child = ContactFactory()
    Relationship.objects.create(
        from_contact=duplicate, to_contact=child, kind=Relationship.Kind.PARENT_OF
    )

    merge_contacts(keep=keep, duplicate=duplicate, merged_by=data_staff)

    assert list(Relationship.objects.values_list("from_contact", "to_contact")) == [
        (keep.pk, child.pk)
    ]


def test_a_person_cannot_be_merged_twice(data_staff):
    keep, duplicate = ContactFactory(), ContactFactory()
    merge_contacts(keep=keep, duplicate=duplicate, merged_by=data_staff)
    with pytest.raises(MergeError):
        merge_contacts(keep=keep, duplicate=duplicate, merged_by=data_staff)
    assert MergeRecord.objects.count() == 1


def test_duplicates_are_found_by_email_phone_and_similar_name_with_zip():
    a = ContactFactory(first_name="Jon", last_name="Smith", zip_code="98101")
    b = ContactFactory(first_name="John", last_name="smith", zip_code="98101")
    c = ContactFactory(email="same@example.org")
    d = ContactFactory(email="same@example.org")
    e = ContactFactory(phone="+12065550199")
    f = ContactFactory(phone="+12065550199")
    ContactFactory(first_name="Zed", last_name="Smith", zip_code="98101")

    pairs = {(p.first.pk, p.second.pk): p.reasons for p in find_duplicates()}

    assert pairs == {
        (a.pk, b.pk): ["similar name, same ZIP"],
        (c.pk, d.pk): ["same email"],
        (e.pk, f.pk): ["same phone"],
    }


def test_a_pair_marked_not_a_duplicate_is_not_suggested_again(data_staff):
    c = ContactFactory(email="same@example.org")
    d = ContactFactory(email="same@example.org")
    dismiss_duplicate(first=d, second=c, dismissed_by=data_staff)
    assert find_duplicates() == []


def test_finding_duplicates_takes_the_same_queries_however_many_pairs(
    django_assert_max_num_queries,
):
    for n in range(3):
        ContactFactory(email=f"twin{n}@example.org")
        ContactFactory(email=f"twin{n}@example.org")
    # email groups (2), phone groups (1), zip groups (1), birth-year groups (1),
    # first names (1), dismissals (1), people (1)
    with django_assert_max_num_queries(9):
        assert len(find_duplicates()) == 3
    for n in range(3, 9):
        ContactFactory(email=f"twin{n}@example.org")
        ContactFactory(email=f"twin{n}@example.org")
    with django_assert_max_num_queries(9):
        assert len(find_duplicates()) == 9
