"""`?ordering=` takes only the fields a list offers, and refuses anything else."""

from __future__ import annotations

import pytest

from crm.models import User
from tests.api.test_errors import error_of
from tests.conftest import client_for
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_a_list_sorts_by_a_field_it_offers(administrator: User) -> None:
    ProgramFactory(name="Beta")
    ProgramFactory(name="Alpha")
    client = client_for(administrator)
    ascending = client.get("/api/v1/programs/?ordering=name").json()["results"]
    descending = client.get("/api/v1/programs/?ordering=-name").json()["results"]
    names = [p["name"] for p in ascending]
    assert names == sorted(names)
    assert [p["name"] for p in descending] == names[::-1]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/programs/?ordering=nmae",
        "/api/v1/programs/?ordering=name,colour",
        "/api/v1/outreach/?ordering=topics",
        "/api/v1/attendance/?ordering=checked_in_at",
        "/api/v1/events/?when=all&ordering=organizers",
    ],
)
def test_an_unknown_sort_is_refused_naming_ordering(
    administrator: User, url: str
) -> None:
    response = client_for(administrator).get(url)
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["ordering"]


def test_a_list_naming_no_sort_fields_sorts_by_id_only(administrator: User) -> None:
    client = client_for(administrator)
    assert client.get("/api/v1/affiliations/?ordering=-id").status_code == 200
    refused = client.get("/api/v1/affiliations/?ordering=role")
    assert refused.status_code == 400


def test_the_schema_lists_each_lists_sort_choices(administrator: User) -> None:
    schema = client_for(administrator).get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/outreach/"]["get"]["parameters"]
    ordering = next(p for p in parameters if p["name"] == "ordering")
    assert ordering["schema"]["enum"] == [
        "occurred_at",
        "-occurred_at",
        "created_at",
        "-created_at",
        "id",
        "-id",
    ]
