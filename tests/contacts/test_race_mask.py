"""The race/ethnicity mask beside each person always equals their links, and the
people list finds the same people by it as by the links."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import merge, privacy, services
from contacts.filters import ContactFilter
from contacts.imports import services as import_services
from contacts.models import (
    RACE_MASK_IDS,
    Contact,
    ImportBatch,
    RaceEthnicityCategory,
    has_race_category,
)
from tests.conftest import client_for
from tests.data.helpers import csv_bytes
from tests.factories import ContactFactory, UserFactory, category

pytestmark = pytest.mark.django_db

Links = Contact.race_categories.through


def stored_masks() -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, race_mask FROM contacts_contact")
        return dict(cursor.fetchall())


def assert_masks_equal_links() -> None:
    expected = dict.fromkeys(Contact.objects.values_list("pk", flat=True), 0)
    for person, category_id in Links.objects.values_list(
        "contact_id", "raceethnicitycategory_id"
    ):
        expected[person] |= 1 << category_id
    assert stored_masks() == expected


def categories_of(person: Contact) -> set[str]:
    return set(person.race_categories.values_list("code", flat=True))


def test_links_added_removed_set_and_cleared_keep_the_mask():
    ana, bao = ContactFactory(), ContactFactory()
    ana.race_categories.add(category("ASIAN"), category("WHITE"))
    bao.race_categories.add(category("BLACK"))
    assert_masks_equal_links()
    assert stored_masks()[ana.pk] != 0
    ana.race_categories.remove(category("WHITE"))
    assert_masks_equal_links()
    bao.race_categories.set([category("HISPANIC"), category("NHPI")])
    assert_masks_equal_links()
    ana.race_categories.clear()
    assert_masks_equal_links()
    assert stored_masks()[ana.pk] == 0


def test_a_save_of_a_person_read_before_their_links_changed_keeps_the_mask():
    person = ContactFactory()
    stale = Contact.objects.get(pk=person.pk)
    person.race_categories.add(category("AIAN"))
    stale.first_name = "Renamed"
    stale.save()
    assert_masks_equal_links()
    assert stored_masks()[person.pk] == 1 << category("AIAN").pk


def test_links_moved_to_another_person_move_their_bits():
    ana, bao = ContactFactory(), ContactFactory()
    ana.race_categories.add(category("MENA"))
    Links.objects.filter(contact=ana).update(contact=bao)
    assert_masks_equal_links()
    assert stored_masks()[ana.pk] == 0


def test_an_edit_through_the_services_keeps_the_mask():
    person = ContactFactory()
    services.update_contact(
        contact=person,
        changes={"race_categories": [category("ASIAN"), category("BLACK")]},
        updated_by=None,
    )
    assert categories_of(person) == {"ASIAN", "BLACK"}
    assert_masks_equal_links()


def test_an_edit_through_the_api_keeps_the_mask(administrator):
    person = ContactFactory()
    response = client_for(administrator).patch(
        f"/api/v1/contacts/{person.pk}/",
        json.dumps({"race_categories": ["WHITE"], "version": person.version}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert categories_of(person) == {"WHITE"}
    assert_masks_equal_links()


def test_a_merge_keeps_the_mask_of_both_people():
    keep, duplicate = ContactFactory(), ContactFactory()
    keep.race_categories.add(category("WHITE"))
    duplicate.race_categories.add(category("ASIAN"))
    merge.merge_contacts(keep=keep, duplicate=duplicate, merged_by=None)
    assert_masks_equal_links()


def test_an_erasure_keeps_the_mask_equal_to_what_it_keeps():
    # An erasure keeps the anonymous categories for the counts.
    person, duplicate = ContactFactory(), ContactFactory()
    person.race_categories.add(category("BLACK"))
    duplicate.race_categories.add(category("WHITE"))
    merge.merge_contacts(keep=person, duplicate=duplicate, merged_by=None)
    privacy.erase_personal_data(contact=person, erased_by=UserFactory())
    assert_masks_equal_links()


def test_an_import_and_its_undo_keep_the_mask(data_staff):
    person = ContactFactory(first_name="Ana", email="ana@example.org")
    header = ["First name", "Last name", "Email", "Race"]
    rows = [["Ana", "García", "ana@example.org", "Asian"], ["Bao", "Le", "", "White"]]
    batch = committed_import([header, *rows], data_staff)
    assert categories_of(person) == {"ASIAN"}
    assert Links.objects.count() == 2
    assert_masks_equal_links()
    import_services.undo_batch(batch=batch, undone_by=data_staff)
    assert Links.objects.count() == 0
    assert_masks_equal_links()


def committed_import(rows: list[list[str]], user: Any) -> ImportBatch:
    batch = import_services.create_batch(
        upload=io.BytesIO(csv_bytes(rows)),
        filename="people.csv",
        kind=ImportBatch.Kind.CONTACTS,
        created_by=user,
    )
    batch = import_services.preview_batch(batch=batch)
    return import_services.commit_batch(batch=batch, committed_by=user)


def test_a_deleted_person_takes_their_links_along():
    ana, bao = ContactFactory(), ContactFactory()
    ana.race_categories.add(category("ASIAN"))
    bao.race_categories.add(category("ASIAN"))
    ana.delete()
    assert_masks_equal_links()


def test_every_category_has_a_bit():
    ids = RaceEthnicityCategory.objects.values_list("pk", flat=True)
    assert ids and all(pk in RACE_MASK_IDS for pk in ids)
    with pytest.raises(ValueError, match="no bit"):
        has_race_category(63)


def test_the_list_finds_by_the_mask_exactly_whom_the_links_link(administrator):
    codes = ["ASIAN", "BLACK", "WHITE"]
    for index in range(12):
        person = ContactFactory(last_name=f"P{index:02}")
        person.race_categories.set(
            [category(code) for n, code in enumerate(codes) if index % (n + 2) == 0]
        )
    ContactFactory(last_name="Gone", archived_at="2026-01-01T00:00:00Z")
    for code in [*codes, "AIAN"]:
        params = {"race_category": code}
        request = type("Request", (), {"user": administrator})()
        filterset = ContactFilter(
            params, queryset=Contact.objects.all(), request=request
        )
        assert filterset.is_valid(), filterset.errors
        assert "race_category" in filterset.form.cleaned_data
        by_mask = list(filterset.filtered(links="exists").values_list("pk", flat=True))
        by_links = list(filterset.filtered(links="join").values_list("pk", flat=True))
        by_in = list(
            filterset.filtered(shapes={"race_categories": "in"}).values_list(
                "pk", flat=True
            )
        )
        assert by_mask == by_links == by_in, code
        with CaptureQueriesContext(connection) as queries:
            list(filterset.filtered(links="exists").values("pk")[:3])
        assert "race_mask" in queries.captured_queries[-1]["sql"]
        assert len(by_mask) == (
            Links.objects.filter(raceethnicitycategory__code=code)
            .exclude(contact__archived_at__isnull=False)
            .count()
        )
    assert by_mask == []  # nobody is linked to AIAN


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    from contacts import filters, views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    monkeypatch.setattr(filters, "DENSE_LINKS", 4)


def test_the_list_pages_through_a_common_category_by_the_mask(
    administrator, small_pages
):
    expected = []
    for index in range(7):
        person = ContactFactory(last_name=f"Q{index}", first_name="Ana")
        if index != 3:
            person.race_categories.add(category("BLACK"))
            expected.append(f"Ana Q{index}")
    client = client_for(administrator)
    url, seen = "/people/?race_category=BLACK", []
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Counted and walked by the mask: six people is more than DENSE_LINKS.
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert "race_mask" in counts[-1]
    assert response.context["page"].more_than
    while True:
        page = response.context["page"]
        seen += [str(person) for person in page.object_list]
        if not page.has_next:
            break
        response = client.get(f"/people/?{page.next_query}")
    assert seen == expected


def test_a_category_linking_fewer_than_dense_links_is_counted_by_its_links(
    administrator, small_pages
):
    for index in range(4):
        ContactFactory(last_name=f"R{index}").race_categories.add(category("BLACK"))
    with CaptureQueriesContext(connection) as queries:
        response = client_for(administrator).get("/people/?race_category=BLACK")
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert "race_mask" not in counts[-1]
    page = response.context["page"]
    assert (page.count, page.more_than) == (3, True)
    assert len(page.object_list) == 2


def test_the_mask_column_index_and_triggers_are_in_place():
    """A table rebuilt by a later migration (SQLite remakes a table to alter a
    column) would drop the column Django does not know, and its triggers."""
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(
                cursor, "contacts_contact"
            )
        }
        constraints = connection.introspection.get_constraints(
            cursor, "contacts_contact"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid ="
                " 'contacts_contact_race_categories'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'contacts_contact_race_categories'"
            )
        triggers = {row[0] for row in cursor.fetchall()}
    assert "race_mask" in columns
    assert constraints["contact_active_race_idx"]["columns"][-1] == "race_mask"
    assert triggers


def test_reading_the_mask_names_the_queried_table_in_a_subquery():
    person = ContactFactory()
    person.race_categories.add(category("WHITE"))
    inner = Contact.objects.filter(has_race_category(category("WHITE").pk))
    outer = Contact.objects.filter(pk__in=inner.values("pk")[:5])
    assert list(outer) == [person]
    data: Any = list(outer.values_list("pk", flat=True))
    assert data == [person.pk]


def test_the_demo_seed_writes_each_mask_with_the_person():
    """Written with the person, not left to the triggers: a million people's
    masks updated one link at a time took minutes and left PostgreSQL's
    indexes bloated. Shown with the triggers dropped (the test's transaction
    brings them back)."""
    from demo.seeding import seed

    drop_the_triggers()
    seed(contacts=300, seed=5)
    assert Links.objects.count() > 100
    assert_masks_equal_links()


def test_an_import_writes_each_new_persons_mask_with_them(data_staff):
    """As the seed does, for the same reason (shown the same way)."""
    drop_the_triggers()
    header = ["First name", "Last name", "Email", "Race"]
    rows = [
        ["Ana", "García", "ana@example.org", "Asian; White"],
        ["Bao", "Le", "bao@example.org", "Black"],
        ["Cy", "Ode", "cy@example.org", ""],
    ]
    committed_import([header, *rows], data_staff)
    assert Links.objects.count() == 3
    assert_masks_equal_links()


def drop_the_triggers() -> None:
    """For the rest of the test (its transaction brings them back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "DROP TRIGGER contacts_race_mask ON contacts_contact_race_categories"
            )
        else:
            for event in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER contacts_race_mask_{event}")


def test_the_mask_is_refused_in_a_query_of_anything_but_people():
    with pytest.raises(TypeError, match="query of Contact"):
        list(RaceEthnicityCategory.objects.filter(has_race_category(1)))
