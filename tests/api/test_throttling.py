"""Clients are slowed per user and per address, even when every request is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from crm.models import User
from tests.api.test_errors import error_of
from tests.conftest import client_for
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def low_rates(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    yield
    cache.clear()


def test_a_client_without_credentials_is_throttled_after_its_refusals() -> None:
    client = Client()
    responses = [client.get("/api/v1/contacts/") for _ in range(3)]
    assert [r.status_code for r in responses] == [401, 401, 429]
    error = error_of(responses[-1])
    assert error["code"] == "throttled"
    assert int(responses[-1]["Retry-After"]) > 0


def test_guessing_tokens_is_throttled() -> None:
    client = Client(HTTP_AUTHORIZATION="Token not-a-real-token")
    statuses = [client.get("/api/v1/programs/").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_anonymous_rate_is_per_address() -> None:
    first = Client(REMOTE_ADDR="203.0.113.1")
    other = Client(REMOTE_ADDR="203.0.113.2")
    assert [first.get("/api/v1/contacts/").status_code for _ in range(3)] == [
        401,
        401,
        429,
    ]
    assert other.get("/api/v1/contacts/").status_code == 401


def test_refusals_of_a_signed_in_user_count_against_their_rate(
    organizer: User,
) -> None:
    client = client_for(organizer)
    statuses = [client.get("/api/v1/baselines/").status_code for _ in range(3)]
    assert statuses == [403, 403, 429]


def test_a_request_is_counted_once_when_refused_inside_the_view(
    organizer: User,
) -> None:
    """The archive action checks its own permission after the throttles ran."""
    contact = ContactFactory()
    client = client_for(organizer)
    url = f"/api/v1/contacts/{contact.pk}/archive/"
    statuses = [client.post(url).status_code for _ in range(3)]
    assert statuses == [403, 403, 429]
