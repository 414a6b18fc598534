"""People imports planned and written a chunk at a time decide exactly what one
pass over the whole file would: repeats across chunks, matching as the people
were before the import, all-or-nothing, undo of bulk updates, announcements."""

from __future__ import annotations

import io
from typing import Any

import pytest

from contacts import services as contact_services
from contacts.imports import engine, services
from contacts.imports.engine import ImportBlocked, reconcile_update
from contacts.models import Contact, ImportBatch, ImportRow, Tag
from tests.data.helpers import csv_bytes
from tests.factories import (
    ContactFactory,
    TagFactory,
    category,
    county,
    group,
    language,
)

pytestmark = pytest.mark.django_db

HEADER = ["First name", "Last name", "Email", "Phone", "ZIP", "County", "Tags"]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rows a chunk, so a few rows cross several chunk boundaries."""
    monkeypatch.setattr(engine, "CHUNK", 2)


def previewed(rows: list[list[Any]], user: Any) -> ImportBatch:
    batch = services.create_batch(
        upload=io.BytesIO(csv_bytes([HEADER, *rows])),
        filename="people.csv",
        kind=ImportBatch.Kind.CONTACTS,
        created_by=user,
    )
    return services.preview_batch(batch=batch)


def outcomes(batch: ImportBatch) -> dict[int, tuple[str, str]]:
    return {
        row.row_number: (row.action, row.message)
        for row in batch.rows.order_by("row_number")
    }


def test_a_person_repeated_in_a_later_chunk_is_skipped_as_the_same_person(
    data_staff, small_chunks
):
    rows = [
        ["Ana", "García", "ana@example.org", "", "98101", "King", ""],
        ["Bao", "Nguyen", "bao@example.org", "206-555-0102", "98118", "", ""],
        ["Chidi", "Okafor", "chidi@example.org", "", "98052", "", ""],
        ["Ana", "G.", "ANA@example.org", "", "", "", ""],
        ["Dana", "Lee", "", "(206) 555-0102", "", "", ""],
        ["ANA", "garcía", "", "", "98101-1234", "", ""],
    ]
    batch = previewed(rows, data_staff)
    preview = outcomes(batch)
    assert [preview[n][0] for n in range(2, 8)] == [
        "create",
        "create",
        "create",
        "skip",
        "skip",
        "skip",
    ]
    assert "same person as row 2" in preview[5][1]
    assert "same person as row 3" in preview[6][1]
    assert "same person as row 2" in preview[7][1]

    batch = services.commit_batch(batch=batch, committed_by=data_staff)
    assert outcomes(batch) == preview
    assert batch.counts == {"create": 3, "update": 0, "skip": 3, "error": 0}
    assert Contact.objects.count() == 3


def test_people_are_matched_as_they_were_before_the_import_changed_them(
    data_staff, small_chunks
):
    known = ContactFactory(
        first_name="Ana",
        last_name="Garcia",
        email="old@example.org",
        phone="+12065550101",
        zip_code="98101",
    )
    rows = [
        # Matched by phone: the email changes to a new one.
        ["Ana", "Garcia", "new@example.org", "(206) 555-0101", "98101", "", ""],
        ["Bao", "Nguyen", "bao@example.org", "", "98118", "", ""],
        # The old email, two chunks on: still this person, as in the preview.
        ["A.", "Garcia-Lopez", "old@example.org", "", "", "", ""],
        ["Chidi", "Okafor", "chidi@example.org", "", "", "", ""],
        # The old name and ZIP, with nothing else: still this person.
        ["ana", "GARCIA", "", "", "98101", "", ""],
    ]
    batch = previewed(rows, data_staff)
    preview = outcomes(batch)
    assert preview[2][0] == "update"
    assert preview[4] == ("skip", "same person as row 2")
    assert preview[6] == ("skip", "same person as row 2")

    batch = services.commit_batch(batch=batch, committed_by=data_staff)
    assert outcomes(batch) == preview
    known.refresh_from_db()
    assert known.email == "new@example.org"
    assert Contact.objects.count() == 3  # Ana (updated), Bao and Chidi


def test_an_error_in_the_last_chunk_leaves_everything_as_it_was(
    data_staff, small_chunks
):
    known = ContactFactory(
        first_name="Ana", last_name="Garcia", email="ana@example.org", county=None
    )
    version = known.version
    rows = [
        ["Ana", "García", "ana@example.org", "", "98101", "King", "parents"],
        ["Bao", "Nguyen", "bao@example.org", "", "98118", "", "spring"],
        ["Chidi", "Okafor", "chidi@example.org", "", "98052", "", ""],
        ["Dana", "Lee", "dana@example.org", "", "98052", "", ""],
        ["Eve", "Park", "not-an-email", "", "98052", "", ""],
    ]
    batch = previewed(rows, data_staff)
    assert batch.counts["error"] == 1
    preview = outcomes(batch)

    with pytest.raises(ImportBlocked) as excinfo:
        services.commit_batch(batch=batch, committed_by=data_staff)

    assert "row 6" in str(excinfo.value)
    assert "column C (Email)" in str(excinfo.value)
    assert Contact.objects.count() == 1
    known.refresh_from_db()
    assert (known.last_name, known.county_id, known.version) == (
        "Garcia",
        None,
        version,
    )
    assert not known.tags.exists()
    assert Tag.objects.count() == 0
    assert known.history.count() == 1  # type: ignore[attr-defined]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert outcomes(batch) == preview


def test_undo_after_bulk_updates_restores_every_person_as_they_were(
    data_staff, small_chunks
):
    people = [
        ContactFactory(
            first_name=name,
            last_name="Old",
            email=f"{name.lower()}@example.org",
            zip_code="98101",
            county=county("king"),
            preferred_language=None,
        )
        for name in ("Ana", "Bao", "Chidi")
    ]
    people[0].tags.add(TagFactory(name="alumni"))
    before = {p.pk: (p.last_name, p.county_id, p.zip_code, p.version) for p in people}
    header = [*HEADER, "Language", "Race", "Detailed groups"]
    rows = [
        [p.first_name, "New", p.email, "", "98118", "Pierce", "parents", "es", *race]
        for p, race in zip(
            people, [("Asian", ""), ("", ""), ("", "Hmong")], strict=True
        )
    ]
    batch = services.create_batch(
        upload=io.BytesIO(csv_bytes([header, *rows])),
        filename="people.csv",
        kind=ImportBatch.Kind.CONTACTS,
        created_by=data_staff,
    )
    batch = services.preview_batch(batch=batch)
    batch = services.commit_batch(batch=batch, committed_by=data_staff)
    assert batch.counts["update"] == 3

    for person in people:
        person.refresh_from_db()
        assert (person.last_name, person.zip_code) == ("New", "98118")
        assert person.county == county("pierce")
        assert person.preferred_language == language("es")
        assert person.version == before[person.pk][3] + 1
        latest = person.history.latest()  # type: ignore[attr-defined]
        assert (latest.history_type, latest.history_user) == ("~", data_staff)
        assert latest.last_name == "New"
    assert set(people[0].tags.values_list("name", flat=True)) == {"alumni", "parents"}
    assert list(people[0].race_categories.all()) == [category("ASIAN")]
    assert people[0].race_ethnicity_status == Contact.SelfIdStatus.REPORTED
    assert people[0].self_id_source == Contact.SelfIdSource.IMPORT
    assert list(people[2].race_groups.all()) == [group("HMONG")]
    assert list(people[2].race_categories.all()) == [group("HMONG").category]

    services.undo_batch(batch=batch, undone_by=data_staff)

    for person in people:
        person.refresh_from_db()
        assert (person.last_name, person.county_id, person.zip_code) == before[
            person.pk
        ][:3]
        assert person.preferred_language is None
        assert person.race_ethnicity_status == Contact.SelfIdStatus.UNTRACKED
        assert not person.race_categories.exists()
        assert not person.race_groups.exists()
    assert list(people[0].tags.values_list("name", flat=True)) == ["alumni"]
    assert not people[1].tags.exists()


def test_created_and_updated_people_are_announced_for_the_summary(data_staff, settings):
    from reports.models import SummaryChange

    settings.CRM_ENGAGEMENT_SUMMARY = True
    known = ContactFactory(email="ana@example.org", county=county("king"))
    rows = [
        ["Ana", "Garcia", "ana@example.org", "", "98101", "Pierce", ""],
        ["Bao", "Nguyen", "bao@example.org", "", "98118", "", ""],
    ]
    SummaryChange.objects.all().delete()
    services.commit_batch(batch=previewed(rows, data_staff), committed_by=data_staff)
    marked = set(
        SummaryChange.objects.filter(kind="person").values_list("object_id", flat=True)
    )
    created = Contact.objects.get(email="bao@example.org")
    assert {known.pk, created.pk} <= marked


def test_a_commit_takes_the_same_queries_however_many_rows(
    data_staff, django_assert_max_num_queries
):
    def batch_of(n: int) -> ImportBatch:
        for i in range(n):
            ContactFactory(email=f"known{n}-{i}@example.org", county=county("king"))
        rows = [
            [
                f"P{i}",
                "Known",
                f"known{n}-{i}@example.org",
                "",
                "98101",
                "Pierce",
                f"a{n}",
            ]
            for i in range(n)
        ] + [
            [
                f"P{i}",
                f"New{n}",
                f"new{n}-{i}@example.org",
                "",
                "98101",
                "King",
                f"b{n}",
            ]
            for i in range(n)
        ]
        return previewed(rows, data_staff)

    small, large = batch_of(3), batch_of(30)
    with django_assert_max_num_queries(30) as small_queries:
        services.commit_batch(batch=small, committed_by=data_staff)
    with django_assert_max_num_queries(30) as large_queries:
        services.commit_batch(batch=large, committed_by=data_staff)
    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)
    assert large.counts == {"create": 30, "update": 30, "skip": 0, "error": 0}


def test_a_phone_refused_once_is_refused_on_every_row_that_repeats_it(data_staff):
    rows = [
        ["Ana", "", "", "12", "", "", ""],
        ["Bao", "", "", "12", "", "", ""],
    ]
    batch = previewed(rows, data_staff)
    errors = batch.rows.filter(action=ImportRow.Action.ERROR).order_by("row_number")
    assert [row.row_number for row in errors] == [2, 3]
    assert all("column D (Phone)" in row.message for row in errors)


@pytest.mark.parametrize(
    ("stored", "changes"),
    [
        ({}, {"race_categories": ["ASIAN"]}),
        ({}, {"race_groups": ["HMONG"]}),
        ({}, {"race_write_in": "Oaxacan"}),
        ({"categories": ["ASIAN"]}, {"race_groups": ["SAMOAN"]}),
        ({"categories": ["ASIAN"]}, {"race_ethnicity_status": "declined"}),
        ({"groups": ["HMONG"]}, {"race_write_in": "Hmong American"}),
        ({"categories": ["ASIAN"]}, {"race_categories": []}),
        ({"write_in": "Mixed"}, {"race_ethnicity_status": "not_asked"}),
        ({"categories": ["ASIAN"]}, {"gender": "woman"}),
    ],
)
def test_bulk_updates_follow_the_self_identification_rules_of_a_single_update(
    stored: dict[str, Any], changes: dict[str, Any]
):
    person = ContactFactory()
    reported = any(stored.values())
    if reported:
        person.race_ethnicity_status = Contact.SelfIdStatus.REPORTED
        person.race_write_in = stored.get("write_in", "")
        person.save()
        person.race_categories.set([category(c) for c in stored.get("categories", [])])
        person.race_groups.set([group(g) for g in stored.get("groups", [])])
    values = {
        k: [category(c) for c in v]
        if k == "race_categories"
        else [group(g) for g in v]
        if k == "race_groups"
        else v
        for k, v in changes.items()
    }
    lists = ("race_categories", "race_groups")
    scalars = {k: v for k, v in values.items() if k not in lists}
    m2m = {k: [o.pk for o in v] for k, v in values.items() if k in lists}
    stored_ids = {
        "race_categories": set(person.race_categories.values_list("pk", flat=True)),
        "race_groups": set(person.race_groups.values_list("pk", flat=True)),
    }
    groups = dict(type(group("HMONG")).objects.values_list("pk", "category_id"))
    reconcile_update(person, scalars, m2m, stored_ids, groups)

    updated = contact_services.update_contact(
        contact=person, changes=values, updated_by=None
    )
    assert {k: scalars[k] for k in scalars} == {k: getattr(updated, k) for k in scalars}
    for name in lists:
        expected = set(getattr(updated, name).values_list("pk", flat=True))
        assert set(m2m.get(name, stored_ids[name])) == expected
