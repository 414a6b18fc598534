from __future__ import annotations

import pytest
from django.test import Client

from crm.models import User
from crm.roles import Role
from tests.factories import UserFactory

ROLE_FIXTURES = {
    "organizer": Role.ORGANIZER,
    "leadership": Role.LEADERSHIP,
    "data_staff": Role.DATA_STAFF,
    "administrator": Role.ADMINISTRATOR,
}


@pytest.fixture
def organizer(db: None) -> User:
    return UserFactory(username="organizer", role=Role.ORGANIZER)


@pytest.fixture
def leadership(db: None) -> User:
    return UserFactory(username="leader", role=Role.LEADERSHIP)


@pytest.fixture
def data_staff(db: None) -> User:
    return UserFactory(username="datastaff", role=Role.DATA_STAFF, is_staff=True)


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, is_staff=True)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def user_for_role(db: None):  # type: ignore[no-untyped-def]
    """Build a logged-in client for a role name (or None for anonymous)."""

    def make(role: str | None) -> tuple[User | None, Client]:
        if role is None:
            return None, Client()
        user = UserFactory(
            role=role, is_staff=role in (Role.DATA_STAFF, Role.ADMINISTRATOR)
        )
        return user, client_for(user)

    return make
