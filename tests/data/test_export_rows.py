"""The people export's rows: the same cells as reading each person's record,
whatever the order, the chunking or the way the lists are read."""

from __future__ import annotations

import csv
import io
import random
from datetime import date
from typing import Any

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat, Lower

from contacts import exports
from contacts.models import Contact
from contacts.normalize import format_phone
from tests.factories import (
    ContactFactory,
    TagFactory,
    UserFactory,
    category,
    county,
    group,
    language,
    role,
)

pytestmark = pytest.mark.django_db


def _names(objects: Any) -> str:
    return "; ".join(str(obj) for obj in objects)


def _label(contact: Contact, name: str) -> str:
    value = getattr(contact, name)
    return str(getattr(contact, f"get_{name}_display")()) if value else value


def expected_row(contact: Contact, *, include_self_id: bool) -> list[Any]:
    """The row read from the person's record and related objects, one by one."""
    row = [
        contact.pk,
        contact.first_name,
        contact.last_name,
        contact.preferred_name,
        contact.pronouns,
        contact.email,
        format_phone(contact.phone),
        contact.street_address,
        contact.city,
        contact.state,
        contact.zip_code,
        contact.county.name if contact.county else None,
        contact.legislative_district,
        str(contact.preferred_language) if contact.preferred_language else None,
        _names(contact.other_languages.all()),
        contact.interpretation_needed,
        _names(contact.roles.all()),
        _names(contact.tags.all()),
        contact.birth_year,
        contact.consent_email,
        contact.consent_sms,
        contact.consent_phone,
        contact.consent_date,
        _label(contact, "consent_source"),
    ]
    if include_self_id:
        row += [
            _label(contact, "race_ethnicity_status"),
            _names(contact.race_categories.all()),
            _names(contact.race_groups.all()),
            contact.race_write_in,
            _label(contact, "self_id_source"),
            contact.self_id_date,
            contact.gender,
            _label(contact, "age_band"),
        ]
    row += [str(contact.owner) if contact.owner else "", contact.created_at]
    return row


def exported(queryset: Any, *, include_self_id: bool = True) -> list[list[Any]]:
    columns = exports.contact_columns(include_self_id=include_self_id)
    return list(exports.contact_rows(queryset, [g for _c, g in columns]))


@pytest.fixture
def people() -> list[Contact]:
    """People with and without each list, owner, county and language, some
    with the same names (ties broken by the id)."""
    owner = UserFactory(username="owner1", first_name="Mai", last_name="Tran")
    plain_owner = UserFactory(username="nameless", first_name="", last_name="")
    rng = random.Random(8)
    tags = [TagFactory(name=name) for name in ("zeta", "alpha", "mid")]
    roles = [role("parent"), role("student"), role("educator")]
    groups = [group("NAVAJO_NATION"), group("AZTEC")]
    made = []
    for index in range(13):
        person = ContactFactory(
            first_name=rng.choice(["Ana", "Bo", "=Cy"]),
            last_name=rng.choice(["García", "Lee", "Ng", ""]),
            phone=rng.choice(["", "+12065550100", "+442071838750", "+1206555"]),
            county=rng.choice([county("king"), county("yakima"), None]),
            preferred_language=rng.choice([None, language("es"), language("vi")]),
            owner=rng.choice([None, owner, plain_owner]),
            consent_email=index % 2 == 0,
            consent_date=rng.choice([None, date(2026, 3, index % 28 + 1)]),
            consent_source=rng.choice(["", "paper", "web_form"]),
            age_band=rng.choice(["", "18_24"]),
            legislative_district=rng.choice([None, 37]),
        )
        person.tags.set(rng.sample(tags, rng.randint(0, 3)))
        person.roles.set(rng.sample(roles, rng.randint(0, 2)))
        person.other_languages.set(
            rng.sample([language("en"), language("ru"), language("uk")], index % 3)
        )
        if index % 4:
            person.race_categories.set(
                rng.sample([category("WHITE"), category("ASIAN"), category("AIAN")], 2)
            )
            person.race_groups.set(groups[: index % 3])
        made.append(person)
    return made


ORDERS = [
    (),
    ("last_name", "first_name", "id"),
    ("-created_at", "-id"),
    ("zip_code",),
    ("-last_name",),
    ("county__name", "first_name"),
]


@pytest.mark.parametrize("order", ORDERS)
def test_rows_are_each_persons_record_in_the_lists_order(people, monkeypatch, order):
    monkeypatch.setattr(exports, "CHUNK", 3)
    queryset = Contact.objects.all()
    if order:
        queryset = queryset.order_by(*order)
    # The export breaks ties by the id, as the people list does.
    in_order = queryset
    if order and not {key.lstrip("-") for key in order} & {"id", "pk"}:
        in_order = queryset.order_by(*order, "pk")
    expected = [expected_row(c, include_self_id=True) for c in in_order]
    assert exported(queryset) == expected
    assert [row[0] for row in exported(queryset, include_self_id=False)] == [
        row[0] for row in expected
    ]


@pytest.mark.parametrize(
    "order",
    [
        (Lower("last_name"), "id"),
        ("shown", "id"),
        ("?",),
    ],
)
def test_rows_in_any_other_order_read_the_lists_a_chunk_at_a_time(
    people, monkeypatch, order
):
    monkeypatch.setattr(exports, "CHUNK", 4)
    queryset = Contact.objects.annotate(
        shown=Concat(F("last_name"), Value(" "), F("first_name"))
    ).order_by(*order)
    assert exports._total_order(queryset) is None
    rows = exported(queryset)
    by_id = {c.pk: expected_row(c, include_self_id=True) for c in Contact.objects.all()}
    assert sorted(rows, key=lambda r: r[0]) == [by_id[pk] for pk in sorted(by_id)]
    if order[0] != "?":
        assert [row[0] for row in rows] == [c.pk for c in queryset]


def test_a_person_listed_twice_has_their_lists_both_times(people):
    tagged = people[0]
    tagged.tags.set([TagFactory(name="one"), TagFactory(name="two")])
    # Filtering through a many-to-many join repeats the person, once per tag.
    queryset = Contact.objects.filter(tags__name__in=["one", "two"])
    rows = exported(queryset)
    assert [row[0] for row in rows] == [tagged.pk, tagged.pk]
    assert rows[0] == rows[1] == expected_row(tagged, include_self_id=True)


def test_lists_follow_each_listed_models_order(people):
    person = people[0]
    person.race_categories.set([category("WHITE"), category("AIAN")])
    person.tags.set([TagFactory(name="zeta"), TagFactory(name="alpha")])
    columns = exports.contact_columns(include_self_id=True)
    headings = [str(c.heading) for c, _g in columns]
    (row,) = exported(Contact.objects.filter(pk=person.pk))
    assert row[headings.index("Tags")] == "alpha; zeta"
    categories = row[headings.index("Race/ethnicity categories")]
    assert categories == "; ".join(
        str(c) for c in (category("AIAN"), category("WHITE"))
    )


def test_the_quick_phone_format_is_the_librarys(monkeypatch):
    from contacts import normalize
    from contacts.normalize import library_format_phone

    rng = random.Random(1)
    numbers = ["", "+1206555", "+442071838750", "+12065550100", "+10005550100"]
    numbers += [
        "+1" + "".join(rng.choice("0123456789") for _ in range(10)) for _ in range(3000)
    ]
    for number in numbers:
        assert format_phone(number) == library_format_phone(number), number
    # A North American number never reaches the library.
    monkeypatch.setattr(normalize, "library_format_phone", None)
    assert format_phone("+12065550100") == "(206) 555-0100"


def test_the_export_follows_the_lists_filters_and_sort(data_staff, people):
    from tests.conftest import client_for

    king = county("king")
    response = client_for(data_staff).get(
        f"/data/export/people/?format=csv&ordering=-created&county={king.pk}"
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    expected = Contact.objects.filter(county=king).order_by("-created_at", "-id")
    assert [int(line[0]) for line in lines[1:]] == [c.pk for c in expected]
    headings = lines[0]
    tags = {c.pk: _names(c.tags.all()) for c in expected}
    assert {int(line[0]): line[headings.index("Tags")] for line in lines[1:]} == tags
