"""Logins are throttled and locked after repeated failures; passwords must be strong."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from crm.roles import Role
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


def attempt(client: Client, password: str) -> int:
    response = client.post(
        "/accounts/login/",
        {"username": "amara", "password": password},
        REMOTE_ADDR="203.0.113.7",
    )
    return response.status_code


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one():
    UserFactory(username="amara", role=Role.ORGANIZER)
    client = Client()
    for _ in range(4):
        assert attempt(client, "wrong password") == 200
    assert attempt(client, "wrong password") == 429
    response = client.post(
        "/accounts/login/",
        {"username": "amara", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_a_successful_login_resets_the_failure_count():
    UserFactory(username="amara", role=Role.ORGANIZER)
    client = Client()
    for _ in range(3):
        attempt(client, "wrong password")
    assert attempt(client, PASSWORD) == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "wrong password") == 200


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_a_locked_out_person_at_another_address_can_still_log_in():
    UserFactory(username="amara", role=Role.ORGANIZER)
    client = Client()
    for _ in range(5):
        attempt(client, "wrong password")
    response = Client().post(
        "/accounts/login/",
        {"username": "amara", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "password",
    ["short1!", "password1234", "123456789012", "amara-amara-amara"],
)
@pytest.mark.django_db
def test_weak_passwords_are_refused(password):
    user = UserFactory.build(username="amara-amara-amara", email="a@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user=user)


@pytest.mark.django_db
def test_a_long_uncommon_passphrase_is_accepted():
    user = UserFactory.build(username="amara")
    validate_password("tidal basin lantern 42 okra", user=user)


@pytest.mark.django_db
def test_password_change_form_refuses_a_short_password():
    user = UserFactory(username="amara", role=Role.ORGANIZER)
    client = Client()
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "abc12345",
            "new_password2": "abc12345",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


@pytest.mark.django_db
def test_sessions_expire_and_cookies_are_http_only(settings):
    user = UserFactory(username="amara", role=Role.ORGANIZER)
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "amara", "password": PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert 0 < int(cookie["max-age"]) <= 12 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert user.pk == int(client.session["_auth_user_id"])


@pytest.mark.django_db
@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_session_and_csrf_cookies_are_secure_outside_development(settings):
    UserFactory(username="amara", role=Role.ORGANIZER)
    client = Client(enforce_csrf_checks=False)
    page = client.get("/accounts/login/", secure=True)
    assert page.cookies[settings.CSRF_COOKIE_NAME]["secure"]
    response = client.post(
        "/accounts/login/",
        {"username": "amara", "password": PASSWORD},
        secure=True,
    )
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"]
