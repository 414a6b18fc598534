"""Deep pages of the people list show the same people, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest

from contacts.models import Contact
from tests.conftest import client_for
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _names(response: Any) -> list[str]:
    return [str(c.pk) for c in response.context["page"].object_list]


def test_a_deep_page_lists_the_same_people_as_counting_from_the_start(
    organizer: Any, monkeypatch: Any, django_assert_num_queries: Any
):
    from contacts import views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    monkeypatch.setattr(views, "DEEP_OFFSET", 8)
    for i in range(30):
        ContactFactory(last_name=f"Name{i % 7}", first_name=f"F{i % 3}")
    expected = [
        str(pk)
        for pk in Contact.objects.active()
        .order_by("last_name", "first_name", "id")
        .values_list("pk", flat=True)
    ]
    client = client_for(organizer)
    for page in (1, 2, 3, 5, 8):
        response = client.get(f"/people/?page={page}")
        assert response.status_code == 200
        assert _names(response) == expected[(page - 1) * 4 : page * 4]
    with django_assert_num_queries(11) as deep:  # as many as a first page
        client.get("/people/?page=6")
    ContactFactory.create_batch(10)
    with django_assert_num_queries(len(deep.captured_queries)):
        client.get("/people/?page=6")
