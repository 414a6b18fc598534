"""Every list endpoint: who may read it, and a query count that rows and page size
do not change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Relationship
from crm.models import User
from crm.roles import Role, role_permissions
from reports.models import BaselineFigure, Grant, GrantTarget, PopulationBaseline
from tests.conftest import client_for
from tests.factories import (
    AffiliationFactory,
    AttendanceFactory,
    CommentFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    OrganizationFactory,
    OutreachFactory,
    ProgramFactory,
    TopicFactory,
    category,
    county,
    group,
    language,
)

pytestmark = pytest.mark.django_db


def make_contact() -> Any:
    contact = ContactFactory(categories=["ASIAN", "WHITE"])
    contact.race_groups.add(group("HMONG"))
    contact.other_languages.add(language("es"), language("vi"))
    return contact


def make_relationship() -> Any:
    return Relationship.objects.create(
        from_contact=ContactFactory(), to_contact=ContactFactory(), kind="parent_of"
    )


def make_baseline() -> Any:
    baseline = PopulationBaseline.objects.create(
        name="OSPI", source="OSPI", year=2025, method="single", level="state"
    )
    BaselineFigure.objects.create(
        baseline=baseline, geography="WA", group="ASIAN", population=10
    )
    return baseline


def make_grant() -> Any:
    grant = Grant.objects.create(
        funder="Fund",
        name="Capacity",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    grant.programs.add(ProgramFactory())
    GrantTarget.objects.create(
        grant=grant,
        metric="engaged_people",
        target=100,
        county=county("king"),
        community=category("ASIAN"),
    )
    return grant


def no_rows() -> None:
    """Reference rows (taxonomy) are seeded by migrations."""


def make_event() -> Any:
    event = EventFactory()
    event.languages_offered.add(language("es"))
    event.topics.add(TopicFactory())
    return event


def make_outreach() -> Any:
    outreach = OutreachFactory()
    outreach.topics.add(TopicFactory())
    return outreach


def make_comment() -> Any:
    comment = CommentFactory()
    comment.themes.add(TopicFactory())
    return comment


# url, the permission to read it, a maker of one row.
LISTS: dict[str, tuple[str, str, Callable[[], Any]]] = {
    "contacts": ("/api/v1/contacts/", "contacts.view_contact", make_contact),
    "organizations": (
        "/api/v1/organizations/",
        "contacts.view_organization",
        OrganizationFactory,
    ),
    "affiliations": (
        "/api/v1/affiliations/",
        "contacts.view_affiliation",
        AffiliationFactory,
    ),
    "relationships": (
        "/api/v1/relationships/",
        "contacts.view_relationship",
        make_relationship,
    ),
    "race categories": (
        "/api/v1/race-ethnicity/categories/",
        "contacts.view_raceethnicitycategory",
        no_rows,
    ),
    "race groups": (
        "/api/v1/race-ethnicity/groups/",
        "contacts.view_raceethnicitygroup",
        no_rows,
    ),
    "events": ("/api/v1/events/?when=all", "events.view_event", make_event),
    "attendance": (
        "/api/v1/attendance/",
        "events.view_attendance",
        AttendanceFactory,
    ),
    "outreach": ("/api/v1/outreach/", "events.view_outreach", make_outreach),
    "follow-ups": ("/api/v1/follow-ups/", "events.view_followup", FollowUpFactory),
    "comments": ("/api/v1/comments/", "events.view_comment", make_comment),
    "programs": ("/api/v1/programs/", "crm.view_program", ProgramFactory),
    "topics": ("/api/v1/topics/", "crm.view_topic", TopicFactory),
    "baselines": (
        "/api/v1/baselines/",
        "reports.view_populationbaseline",
        make_baseline,
    ),
    "grants": ("/api/v1/grants/", "reports.view_grant", make_grant),
}


def with_params(url: str, **params: Any) -> str:
    joiner = "&" if "?" in url else "?"
    return url + joiner + "&".join(f"{k}={v}" for k, v in params.items())


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("role", Role.ALL)
def test_each_role_reads_a_list_only_with_its_view_permission(
    name: str, role: str, user_for_role: Any
) -> None:
    url, permission, _make = LISTS[name]
    _user, client = user_for_role(role)
    response = client.get(url)
    expected = 200 if permission in role_permissions(role) else 403
    assert response.status_code == expected, (role, name, response.content[:200])


@pytest.mark.parametrize("name", LISTS)
def test_anonymous_clients_cannot_read_any_list(name: str, client: Any) -> None:
    response = client.get(LISTS[name][0])
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def count_queries(client: Any, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries), response.json()


@pytest.mark.parametrize("name", LISTS)
def test_a_list_costs_the_same_queries_whatever_its_rows_and_page_size(
    name: str, administrator: User
) -> None:
    url, _permission, make = LISTS[name]
    client = client_for(administrator)
    paged = name != "race categories"  # seven rows, never paged
    make()
    one_row, _ = count_queries(client, with_params(url, page_size=1) if paged else url)
    for _ in range(4):
        make()
    small_page, _ = count_queries(
        client, with_params(url, page_size=2) if paged else url
    )
    big_page, body = count_queries(
        client, with_params(url, page_size=50) if paged else url
    )
    assert one_row == small_page == big_page, (one_row, small_page, big_page)
    assert big_page == QUERY_COUNT[name], big_page
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) >= 5 or make is no_rows


# Per list: the session, the user, the user's and their groups' permissions
# (4), a count for page-number lists (none for cursor lists), the rows, and one
# query per prefetched relation.
QUERY_COUNT: dict[str, int] = {
    "contacts": 10,
    "organizations": 6,
    "affiliations": 6,
    "relationships": 6,
    "race categories": 5,
    "race groups": 6,
    "events": 13,
    "attendance": 5,
    "outreach": 6,
    "follow-ups": 5,
    "comments": 6,
    "programs": 6,
    "topics": 6,
    "baselines": 7,
    "grants": 10,
}


def test_a_contact_carries_its_self_identification_and_languages(
    administrator: User,
) -> None:
    make_contact()
    body = client_for(administrator).get("/api/v1/contacts/").json()
    person = body["results"][0]
    assert sorted(person["race_categories"]) == ["ASIAN", "WHITE"]
    assert person["race_groups"] == ["HMONG"]
    assert sorted(person["other_languages"]) == ["es", "vi"]


def test_big_lists_page_by_cursor_and_small_ones_by_number(
    administrator: User,
) -> None:
    client = client_for(administrator)
    ContactFactory.create_batch(3)
    first = client.get("/api/v1/contacts/?page_size=2").json()
    assert set(first) == {"next", "previous", "results"}
    assert "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 3
    assert ids == sorted(ids, reverse=True)
    events = client.get("/api/v1/events/?when=all").json()
    assert set(events) == {"count", "next", "previous", "results"}
