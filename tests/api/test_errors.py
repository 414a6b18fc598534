"""Bad input of every kind gets a 4xx in the one error shape, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.throttling import UserRateThrottle

from crm.models import User
from tests.conftest import client_for
from tests.factories import ContactFactory, EventFactory

pytestmark = pytest.mark.django_db


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == response.status_code
    return error


def post(client: Client, url: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


def test_malformed_json_is_refused_with_the_error_shape(administrator: User) -> None:
    response = post(client_for(administrator), "/api/v1/contacts/", '{"first_name": ')
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_a_wrong_type_names_the_field(administrator: User) -> None:
    response = post(
        client_for(administrator),
        "/api/v1/contacts/",
        {"first_name": "Ana", "legislative_district": "forty"},
    )
    assert response.status_code == 400
    assert "legislative_district" in error_of(response)["fields"]


def test_an_unknown_field_in_a_write_is_refused_by_name(administrator: User) -> None:
    response = post(
        client_for(administrator),
        "/api/v1/contacts/",
        {"first_name": "Ana", "emial": "ana@example.org"},
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["emial"]


def test_an_unknown_field_in_one_bulk_row_names_the_row(administrator: User) -> None:
    event = EventFactory()
    contacts = ContactFactory.create_batch(2)
    rows = [
        {"event": event.pk, "contact": contacts[0].pk},
        {"event": event.pk, "contact": contacts[1].pk, "colour": "red"},
    ]
    response = post(client_for(administrator), "/api/v1/attendance/", rows)
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["row 2"]
    assert "colour" in error_of(response)["fields"]["row 2"]


def test_huge_numbers_are_refused_not_crashed_on(administrator: User) -> None:
    client = client_for(administrator)
    huge = 10**30
    response = post(
        client,
        "/api/v1/contacts/",
        {"first_name": "Ana", "legislative_district": huge, "owner": huge},
    )
    assert response.status_code == 400
    assert {"legislative_district", "owner"} <= set(error_of(response)["fields"])
    assert client.get(f"/api/v1/contacts/{huge}/").status_code == 404
    assert client.get(f"/api/v1/attendance/?event={huge}").status_code == 400


def test_bad_and_far_off_dates_are_refused_by_name(administrator: User) -> None:
    client = client_for(administrator)
    event = {"name": "Meeting", "kind": "community_meeting"}
    impossible = post(
        client,
        "/api/v1/events/",
        event | {"starts_at": "2026-13-40T10:00", "ends_at": "2026-12-01T10:00"},
    )
    assert impossible.status_code == 400
    assert list(error_of(impossible)["fields"]) == ["starts_at"]
    far_off = post(
        client,
        "/api/v1/events/",
        event
        | {"starts_at": "0024-07-18T10:00:00-07:00", "ends_at": "2026-12-01T12:00"},
    )
    assert far_off.status_code == 400
    assert list(error_of(far_off)["fields"]) == ["starts_at"]


def test_an_unknown_filter_is_refused_naming_the_parameter(
    administrator: User,
) -> None:
    response = client_for(administrator).get("/api/v1/contacts/?countyy=king")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["countyy"]


def test_an_unknown_metrics_parameter_is_refused(administrator: User) -> None:
    response = client_for(administrator).get("/api/v1/metrics/engagement/?perod=30d")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["perod"]


def test_known_filters_ordering_and_paging_parameters_are_accepted(
    administrator: User,
) -> None:
    client = client_for(administrator)
    assert client.get("/api/v1/events/?when=all&page=1&page_size=5").status_code == 200
    assert (
        client.get("/api/v1/contacts/?ordering=last_name&page_size=5").status_code
        == 200
    )


def test_out_of_range_pages_and_bad_cursors_are_404_in_the_shape(
    administrator: User,
) -> None:
    client = client_for(administrator)
    for url in (
        "/api/v1/events/?when=all&page=999",
        "/api/v1/events/?when=all&page=abc",
        "/api/v1/contacts/?cursor=not-a-cursor",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert error_of(response)["code"] == "not_found"


def test_anonymous_requests_get_401_in_the_shape() -> None:
    response = Client().get("/api/v1/contacts/")
    assert response.status_code in (401, 403)
    error_of(response)


def test_users_are_throttled_per_user_with_the_shape(
    administrator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    client = client_for(administrator)
    statuses = [client.get("/api/v1/programs/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    cache.clear()


def test_a_yes_no_filter_refuses_anything_but_true_or_false(
    administrator: User,
) -> None:
    client = client_for(administrator)
    assert client.get("/api/v1/organizations/?archived=true").status_code == 200
    response = client.get("/api/v1/organizations/?archived=maybe")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["archived"]
    metrics = client.get("/api/v1/metrics/engagement/?external=perhaps")
    assert list(error_of(metrics)["fields"]) == ["external"]


def test_a_whole_number_filter_refuses_fractions(administrator: User) -> None:
    response = client_for(administrator).get("/api/v1/baselines/?year=2025.5")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["year"]


def test_a_page_size_that_is_not_a_number_in_range_is_refused(
    administrator: User,
) -> None:
    client = client_for(administrator)
    for size in ("abc", "0", "1001"):
        response = client.get(f"/api/v1/contacts/?page_size={size}")
        assert response.status_code == 400, size
        assert list(error_of(response)["fields"]) == ["page_size"]


def test_a_malformed_id_in_a_path_is_a_404_in_the_shape(administrator: User) -> None:
    client = client_for(administrator)
    for url in ("/api/v1/contacts/0.5/", "/api/v1/contacts/0.5/archive/"):
        response = client.get(url) if "archive" not in url else client.post(url)
        assert response.status_code == 404, url
        assert error_of(response)["code"] == "not_found"


def test_not_signed_in_is_a_401_naming_the_token_scheme() -> None:
    response = Client().get("/api/v1/contacts/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_json_values_of_the_wrong_type_are_refused_not_coerced(
    administrator: User,
) -> None:
    response = post(
        client_for(administrator),
        "/api/v1/programs/",
        {"name": 5, "is_archived": "false"},
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"name", "is_archived"}


def test_an_empty_string_for_a_related_record_is_refused(administrator: User) -> None:
    response = post(
        client_for(administrator), "/api/v1/organizations/", {"name": "X", "county": ""}
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["county"]


def test_form_encoded_bodies_are_refused_with_415(administrator: User) -> None:
    response = client_for(administrator).post("/api/v1/programs/", {"name": "X"})
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
