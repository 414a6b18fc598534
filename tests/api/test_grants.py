"""Grants and their targets are written through the API as on the Grants screen."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from crm.models import User
from crm.roles import Role, role_permissions
from reports.models import Grant, GrantTarget
from tests.api.test_errors import error_of
from tests.conftest import client_for
from tests.factories import ProgramFactory, county

pytestmark = pytest.mark.django_db

URL = "/api/v1/grants/"


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json"
    )


def new_grant_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "funder": "Community Foundation",
        "name": "Family voice",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "targets": [
            {"metric": "engaged_people", "target": 200},
            {"metric": "events_held", "target": 12, "county": "king"},
        ],
    }
    return body | changes


def targets_of(grant: Grant) -> list[tuple[str, int, str | None]]:
    return [
        (t.metric, t.target, t.county.code if t.county else None)
        for t in grant.targets.select_related("county")
    ]


def test_leadership_creates_a_grant_with_programs_and_targets(
    leadership: User,
) -> None:
    program = ProgramFactory()
    response = send(
        client_for(leadership), "post", URL, new_grant_body(programs=[program.pk])
    )
    assert response.status_code == 201, response.content
    grant = Grant.objects.get(pk=response.json()["id"])
    assert list(grant.programs.all()) == [program]
    assert targets_of(grant) == [
        ("engaged_people", 200, None),
        ("events_held", 12, "king"),
    ]
    assert [t["metric"] for t in response.json()["targets"]] == [
        "engaged_people",
        "events_held",
    ]


def test_sending_targets_changes_adds_and_deletes_them_in_order(
    data_staff: User,
) -> None:
    client = client_for(data_staff)
    created = send(client, "post", URL, new_grant_body()).json()
    first, second = created["targets"]
    response = send(
        client,
        "patch",
        f"{URL}{created['id']}/",
        {
            "targets": [
                {"metric": "attendance", "target": 500},
                {"id": first["id"], "target": 250},
            ]
        },
    )
    assert response.status_code == 200, response.content
    grant = Grant.objects.get()
    assert targets_of(grant) == [
        ("attendance", 500, None),
        ("engaged_people", 250, None),
    ]
    assert not GrantTarget.objects.filter(pk=second["id"]).exists()
    assert [t["target"] for t in response.json()["targets"]] == [500, 250]


def test_leaving_targets_out_keeps_them(leadership: User) -> None:
    client = client_for(leadership)
    created = send(client, "post", URL, new_grant_body()).json()
    response = send(
        client, "patch", f"{URL}{created['id']}/", {"notes": "Renewed in March."}
    )
    assert response.status_code == 200, response.content
    grant = Grant.objects.get()
    assert grant.notes == "Renewed in March."
    assert len(targets_of(grant)) == 2


def test_a_target_of_another_grant_is_refused_and_nothing_is_saved(
    leadership: User,
) -> None:
    client = client_for(leadership)
    ours = send(client, "post", URL, new_grant_body()).json()
    theirs = send(client, "post", URL, new_grant_body(name="Other")).json()
    response = send(
        client,
        "patch",
        f"{URL}{ours['id']}/",
        {
            "name": "Renamed",
            "targets": [{"id": theirs["targets"][0]["id"], "target": 1}],
        },
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["targets[0].id"]
    grant = Grant.objects.get(pk=ours["id"])
    assert grant.name == "Family voice"
    assert len(targets_of(grant)) == 2


def test_a_grant_ending_before_it_starts_names_ends_on(leadership: User) -> None:
    response = send(
        client_for(leadership), "post", URL, new_grant_body(ends_on="2025-01-01")
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["ends_on"]
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    "target",
    [
        {"metric": "engaged_people", "target": 0},
        {"metric": "engaged_people", "target": 10**12},
        {"metric": "votes", "target": 5},
        {"metric": "engaged_people", "target": "5"},
        {"metric": "engaged_people", "target": 5, "county": "atlantis"},
        {"metric": "engaged_people", "target": 5, "colour": "red"},
    ],
)
def test_a_bad_target_is_refused_naming_targets(
    leadership: User, target: dict[str, Any]
) -> None:
    response = send(
        client_for(leadership), "post", URL, new_grant_body(targets=[target])
    )
    assert response.status_code == 400, response.content
    assert "targets" in error_of(response)["fields"]
    assert not Grant.objects.exists()


def test_a_new_target_without_a_metric_is_refused_in_a_partial_update(
    leadership: User,
) -> None:
    client = client_for(leadership)
    created = send(client, "post", URL, new_grant_body()).json()
    response = send(
        client, "patch", f"{URL}{created['id']}/", {"targets": [{"target": 5}]}
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["targets[0].metric"]
    assert len(targets_of(Grant.objects.get())) == 2


def test_more_than_fifty_targets_are_refused(leadership: User) -> None:
    targets = [{"metric": "attendance", "target": n + 1} for n in range(51)]
    response = send(
        client_for(leadership), "post", URL, new_grant_body(targets=targets)
    )
    assert response.status_code == 400
    assert "targets" in error_of(response)["fields"]


@pytest.mark.parametrize("role", Role.ALL)
def test_changing_a_grant_needs_the_change_permission(
    role: str, user_for_role: Any
) -> None:
    grant = Grant.objects.create(
        funder="F", name="G", starts_on="2026-01-01", ends_on="2026-12-31"
    )
    _, client = user_for_role(role)
    response = send(client, "patch", f"{URL}{grant.pk}/", {"name": "New"})
    if "reports.change_grant" in role_permissions(role):
        assert response.status_code == 200
        assert Grant.objects.get().name == "New"
    else:
        assert response.status_code in (403, 404)
        assert Grant.objects.get().name == "G"


def test_grants_are_not_deleted_through_the_api(administrator: User) -> None:
    grant = Grant.objects.create(
        funder="F", name="G", starts_on="2026-01-01", ends_on="2026-12-31"
    )
    response = client_for(administrator).delete(f"{URL}{grant.pk}/")
    assert response.status_code == 405
    assert Grant.objects.exists()


def test_the_county_of_a_target_is_its_code(leadership: User) -> None:
    response = send(client_for(leadership), "post", URL, new_grant_body())
    assert response.json()["targets"][1]["county"] == county("king").code


@pytest.mark.parametrize("programs", [{}, {"1": 1}, "1", 1])
def test_programs_must_be_a_list(leadership: User, programs: Any) -> None:
    response = send(
        client_for(leadership), "post", URL, new_grant_body(programs=programs)
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["programs"]
    assert not Grant.objects.exists()
