"""`?ordering=` on the contact list: the people list's sort, one owner (the
FilterSet), and cursor pages that follow it."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact
from crm.models import User
from tests.conftest import client_for
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 1, 6, 17, 0, tzinfo=dt.UTC)

# first name, last name, ZIP code, days after START it was added: ties in each key.
PEOPLE = [
    ("Ana", "Baker", "98101", 0),
    ("Ben", "Baker", "98101", 0),
    ("Cal", "Adams", "98002", 1),
    ("Ana", "Chen", "98002", 1),
    ("Dee", "Baker", "98500", 2),
    ("Eve", "Adams", "98101", 0),
    ("Ana", "Diaz", "98500", 2),
]

# The choice, and the field it sorts by.
CHOICES = {
    "last_name": "last_name",
    "first_name": "first_name",
    "created": "created_at",
    "zip_code": "zip_code",
}


@pytest.fixture
def people() -> list[Contact]:
    made = []
    for first, last, zip_code, days in PEOPLE:
        contact = ContactFactory(first_name=first, last_name=last, zip_code=zip_code)
        Contact.objects.filter(pk=contact.pk).update(
            created_at=START + dt.timedelta(days=days)
        )
        contact.refresh_from_db()
        made.append(contact)
    return made


def expected_ids(people: list[Contact], ordering: str) -> list[int]:
    field = CHOICES[ordering.lstrip("-")]
    ranked = sorted(people, key=lambda c: (getattr(c, field), c.pk))
    if ordering.startswith("-"):
        ranked.reverse()  # the id breaks ties in the same direction
    return [c.pk for c in ranked]


def walk(client: Any, url: str) -> list[list[int]]:
    """Every page's ids, following `next` from the first page."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
    return pages


ALL_CHOICES = [prefix + name for name in CHOICES for prefix in ("", "-")]


@pytest.mark.parametrize("ordering", ALL_CHOICES)
def test_each_sort_pages_in_order_across_cursor_pages(
    ordering: str, people: list[Contact], administrator: User
) -> None:
    client = client_for(administrator)
    pages = walk(client, f"/api/v1/contacts/?ordering={ordering}&page_size=3")
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [pk for page in pages for pk in page] == expected_ids(people, ordering)


@pytest.mark.parametrize("ordering", ["last_name", "-created"])
def test_previous_goes_back_to_the_same_pages(
    ordering: str, people: list[Contact], administrator: User
) -> None:
    client = client_for(administrator)
    first = client.get(f"/api/v1/contacts/?ordering={ordering}&page_size=3").json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    back = client.get(third["previous"]).json()
    assert back["results"] == second["results"]
    assert client.get(back["previous"]).json()["results"] == first["results"]


def test_more_namesakes_than_a_page_holds_are_all_listed_once(
    administrator: User,
) -> None:
    namesakes = [ContactFactory(last_name="García").pk for _ in range(7)]
    ContactFactory(last_name="Zapata")
    client = client_for(administrator)
    pages = walk(client, "/api/v1/contacts/?ordering=last_name&page_size=2")
    ids = [pk for page in pages for pk in page]
    assert ids[:7] == sorted(namesakes)
    assert len(ids) == len(set(ids)) == 8


def test_two_sorts_at_once_page_in_that_order(
    people: list[Contact], administrator: User
) -> None:
    client = client_for(administrator)
    pages = walk(client, "/api/v1/contacts/?ordering=first_name,-zip_code&page_size=2")
    ranked = sorted(people, key=lambda c: c.pk)
    ranked.sort(key=lambda c: c.zip_code, reverse=True)
    ranked.sort(key=lambda c: c.first_name)
    # Ties on both are broken by the id, in the direction of the last key.
    ties: dict[tuple[str, str], list[int]] = {}
    for c in ranked:
        ties.setdefault((c.first_name, c.zip_code), []).append(c.pk)
    expected = [pk for group in ties.values() for pk in sorted(group, reverse=True)]
    assert [pk for page in pages for pk in page] == expected


def test_without_ordering_the_newest_come_first(
    people: list[Contact], administrator: User
) -> None:
    pages = walk(client_for(administrator), "/api/v1/contacts/?page_size=4")
    assert [pk for page in pages for pk in page] == sorted(
        (c.pk for c in people), reverse=True
    )


@pytest.mark.parametrize("ordering", ["shoe_size", "created_at", "-id", "id"])
def test_an_unknown_sort_is_refused_naming_ordering(
    ordering: str, administrator: User
) -> None:
    response = client_for(administrator).get(f"/api/v1/contacts/?ordering={ordering}")
    assert response.status_code == 400
    assert "ordering" in response.json()["error"]["fields"]


def cursor(position: str) -> str:
    token = f"p={position}".encode()
    return base64.b64encode(token).decode()


@pytest.mark.parametrize(
    "position",
    [
        '["not a time", "3"]',  # not a date added
        '["2025-01-06 17:00:00+00:00"]',  # one key short
        "not json",
        "[1, 2]",  # numbers, not the text a cursor holds
    ],
)
def test_a_forged_cursor_is_404(position: str, administrator: User) -> None:
    response = client_for(administrator).get(
        "/api/v1/contacts/", {"ordering": "-created", "cursor": cursor(position)}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_later_sorted_page_costs_the_queries_of_the_first(
    people: list[Contact], administrator: User
) -> None:
    client = client_for(administrator)
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get("/api/v1/contacts/?ordering=-created&page_size=2").json()
    with CaptureQueriesContext(connection) as next_queries:
        client.get(first["next"])
    assert len(first_queries) == len(next_queries)


def test_the_schema_has_one_ordering_parameter_with_its_choices(
    administrator: User,
) -> None:
    response = client_for(administrator).get("/api/schema/?format=json")
    schema = json.loads(response.content)
    parameters = schema["paths"]["/api/v1/contacts/"]["get"]["parameters"]
    ordering = [p for p in parameters if p["name"] == "ordering"]
    assert len(ordering) == 1
    assert sorted(ordering[0]["schema"]["items"]["enum"]) == sorted(ALL_CHOICES)
