# mypy: disable-error-code="misc,list-item,dict-item"
# (factory_boy instances are seen as factories, not models)
"""The dashboard and the metrics API: permissions, agreement, query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from crm.models import Topic
from events.models import Attendance, Event
from reports.models import Grant, GrantTarget, PopulationBaseline
from reports.services import import_baseline
from tests.conftest import client_for
from tests.factories import (
    CommentFactory,
    ContactFactory,
    OutreachFactory,
    ProgramFactory,
    TopicFactory,
    UserFactory,
    county,
)
from tests.reports.helpers import at, attend, event_on

pytestmark = pytest.mark.django_db

MARCH = "period=custom&start=2026-03-01&end=2026-03-31"
DASHBOARD = reverse("reports:dashboard")
ENGAGEMENT = "/api/v1/metrics/engagement/"


def some_engagement(n: int = 1) -> None:
    """n groups of people: single-category, two categories, Hispanic, declined."""
    for i in range(n):
        asian = ContactFactory(categories=["ASIAN"], county=county("king"))
        both = ContactFactory(categories=["ASIAN", "BLACK"], county=county("yakima"))
        hispanic = ContactFactory(categories=["HISPANIC", "WHITE"], county=None)
        declined = ContactFactory(race_ethnicity_status=Contact.SelfIdStatus.DECLINED)
        for day in (2, 9, 16):
            attend(asian, day + i % 3)
        attend(both, 5, role=Attendance.Role.SPEAKER)
        OutreachFactory(contact=hispanic, occurred_at=at(6))
        attend(declined, 20, event__kind=Event.Kind.LISTENING_SESSION)
        theme = TopicFactory(kind=Topic.Kind.THEME)
        CommentFactory(event=event_on(21), contact=asian).themes.set([theme])
        CommentFactory(event=event_on(21), contact=None).themes.set([theme])


def test_anonymous_people_are_sent_to_log_in():
    response = client_for(None).get(DASHBOARD)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_without_the_dashboard_permission_is_refused():
    nobody = UserFactory()

    assert client_for(nobody).get(DASHBOARD).status_code == 403
    assert client_for(nobody).get(ENGAGEMENT).status_code == 403
    assert client_for(None).get(ENGAGEMENT).status_code in (401, 403)


@pytest.mark.parametrize("role", ["organizer", "leadership", "data_staff"])
def test_every_role_with_the_dashboard_permission_sees_it(role, request):
    user = request.getfixturevalue(role)

    response = client_for(user).get(DASHBOARD)

    assert response.status_code == 200
    assert b"Headline figures" in response.content


def test_the_dashboard_shows_the_numbers_and_the_method(leadership):
    some_engagement()

    response = client_for(leadership).get(f"{DASHBOARD}?{MARCH}&method=combination")

    board = response.context["board"]
    figures = {f.key: f.value for f in board.headline}
    assert figures["engaged_people"] == 4
    assert figures["attendance"] == 5  # asian 3, both 1, declined 1
    assert figures["people_reached"] == 1
    content = response.content.decode()
    assert "Alone or in combination" in content
    assert "Prefer not to say" in content
    assert "Not yet tracked" in content
    assert "<svg" in content and "<table" in content


def test_the_charts_geometry_reads_as_svg_in_every_language(leadership):
    some_engagement(3)
    for language in ("en", "es"):
        response = client_for(leadership).get(
            f"{DASHBOARD}?{MARCH}", HTTP_ACCEPT_LANGUAGE=language
        )
        content = response.content.decode()
        assert response["Content-Language"] == language
        widths = re.findall(r'<rect class="bar" [^>]*width="([^"]*)%"', content)
        places = re.findall(r'<text class="value" x="([^"]*)%"', content)
        assert widths and places
        # Bars of different lengths, so fractions appear, written with a point.
        assert any("." in width for width in widths)
        for number in widths + places:
            assert re.fullmatch(r"\d+(\.\d+)?", number), (language, number)


def test_a_bad_period_gets_a_clear_message_not_an_error(leadership):
    response = client_for(leadership).get(
        f"{DASHBOARD}?period=custom&start=2026-05-01&end=2026-04-01"
    )
    api = client_for(leadership).get(
        f"{ENGAGEMENT}?period=custom&start=2026-05-01&end=2026-04-01&by=nonsense"
    )

    assert response.status_code == 400
    assert "The period must end on or after its start." in response.content.decode()
    assert api.status_code == 400
    assert set(api.json()["error"]["fields"]) == {"end", "by"}


@pytest.mark.parametrize(
    "query",
    [
        f"{MARCH}&method=single",
        f"{MARCH}&method=combination",
        f"{MARCH}&method=single&county=king",
        f"{MARCH}&method=single&external=true",
        f"{MARCH}&method=combination&event_kind=community_meeting",
    ],
)
def test_the_dashboard_and_the_api_give_identical_numbers(leadership, query):
    some_engagement(3)
    client = client_for(leadership)

    board = client.get(f"{DASHBOARD}?{query}").context["board"]
    for by, table in [
        ("race_ethnicity", board.by_community),
        ("county", board.by_county),
        ("language", board.by_language),
        ("month", board.over_time),
    ]:
        api = client.get(f"{ENGAGEMENT}?{query}&by={by}").json()
        assert [
            (r["group"], r["unique_people"], r["attendance"]) for r in api["rows"]
        ] == [(r.key, r.people, r.attendance) for r in table.rows]
        assert api["totals"] == {
            "unique_people": table.total_people,
            "attendance": table.total_attendance,
        }
        assert api["method"] == table.method


def count_dashboard_queries(user) -> int:
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{DASHBOARD}?{MARCH}&method=combination")
    assert response.status_code == 200
    return len(queries)


def a_grant() -> None:
    grant = Grant.objects.create(
        funder="F", name="G", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 1, 1)
    )
    grant.programs.set([ProgramFactory()])
    grant.targets.create(metric=GrantTarget.Metric.ENGAGED_PEOPLE, target=10)


def test_the_dashboard_runs_a_fixed_number_of_queries(
    leadership, django_assert_num_queries
):
    a_grant()
    some_engagement(1)
    client = client_for(leadership)
    client.get(DASHBOARD)  # warm the session and permission caches
    # session, user, user and group permissions (4); themes, their totals and
    # the categories (3); headline now and before (3 + 3); by month (2); by
    # community (3), county (3), language (3): groups, total, labels; ladder
    # (1), by community and its categories (2), movement (1); grants, their
    # programs, targets, one aggregate (4); the filter
    # form's choices: programs, counties, categories, organizers, baselines (5).
    with django_assert_num_queries(37):
        client.get(f"{DASHBOARD}?{MARCH}&method=combination")


def test_adding_people_and_engagement_adds_no_dashboard_queries(leadership):
    a_grant()
    some_engagement(1)
    before = count_dashboard_queries(leadership)
    some_engagement(4)
    PopulationBaseline.objects.create(
        name="x", source="y", year=2025, method="single", level="state"
    )

    assert count_dashboard_queries(leadership) == before + 0


def test_the_engagement_endpoint_breaks_down_with_both_methods(leadership):
    some_engagement()
    client = client_for(leadership)

    single = client.get(f"{ENGAGEMENT}?{MARCH}&by=race_ethnicity&method=single").json()
    combination = client.get(
        f"{ENGAGEMENT}?{MARCH}&by=race_ethnicity&method=combination"
    ).json()

    singles = {r["group"]: r["unique_people"] for r in single["rows"]}
    combos = {r["group"]: r["unique_people"] for r in combination["rows"]}
    assert singles["ASIAN"] == 1 and singles["TWO_OR_MORE"] == 1
    assert singles["HISPANIC"] == 1 and singles["declined"] == 1
    assert combos["ASIAN"] == 2 and combos["BLACK"] == 1 and combos["WHITE"] == 1
    assert single["method"] == "single"
    assert "Hispanic or Latino of any race" in single["method_label"]
    assert single["totals"] == {"unique_people": 4, "attendance": 5}


def test_external_output_hides_small_numbers_and_says_so(leadership):
    some_engagement()

    body = (
        client_for(leadership)
        .get(f"{ENGAGEMENT}?{MARCH}&by=county&external=true")
        .json()
    )

    assert body["external"] and body["suppressed"]
    assert all(
        r["unique_people"] in (None, 0) or r["unique_people"] >= 10
        for r in body["rows"]
    )
    assert all(r["share"] is None for r in body["rows"] if r["suppressed"])
    assert body["totals"]["unique_people"] is None  # 4 people in all
    assert body["notes"]


def test_the_engagement_endpoint_computes_representation_with_a_baseline(leadership):
    some_engagement()
    baseline = import_baseline(
        name="OSPI",
        source="OSPI",
        year=2025,
        method="single",
        level="state",
        figures=[
            {"geography": "WA", "group": "TOTAL", "population": 100},
            {"geography": "WA", "group": "ASIAN", "population": 10},
        ],
    )

    body = (
        client_for(leadership)
        .get(f"{ENGAGEMENT}?{MARCH}&method=single&baseline={baseline.pk}")
        .json()
    )
    asian = next(r for r in body["rows"] if r["group"] == "ASIAN")

    # 4 engaged, 1 declined: 3 chose a category; Asian alone is 1 of 3.
    assert asian["representation_index"] == pytest.approx((1 / 3) / 0.10)
    assert body["baseline"]["id"] == baseline.pk
    combination = (
        client_for(leadership)
        .get(f"{ENGAGEMENT}?{MARCH}&method=combination&baseline={baseline.pk}")
        .json()
    )
    assert combination["representation_reason"]
    rep = client_for(leadership).get(f"/api/v1/metrics/representation/?{MARCH}")
    assert rep.status_code == 400
    assert "baseline" in rep.json()["error"]["fields"]


def test_the_ladder_and_grant_progress_endpoints(leadership):
    some_engagement()
    Contact.objects.update(created_at=at(1, month=1))
    a_grant()
    client = client_for(leadership)

    ladder = client.get(f"/api/v1/metrics/ladder/?{MARCH}").json()
    grants = client.get("/api/v1/metrics/grant-progress/").json()

    rungs = {r["rung"]: r["people"] for r in ladder["rungs"]}
    assert rungs == {
        "known": 0,
        "reached": 1,
        "participant": 1,
        "regular": 1,
        "leader": 1,
    }
    assert {m["direction"] for m in ladder["movement"]} == {"up"}
    assert ladder["by_community"]["rows"][0]["group"] == "AIAN"
    assert grants["grants"][0]["targets"][0]["metric"] == "engaged_people"


def test_the_schema_documents_the_metrics_parameters(leadership):
    schema = client_for(leadership).get("/api/schema/?format=json").json()

    engagement = schema["paths"]["/api/v1/metrics/engagement/"]["get"]
    names = {p["name"] for p in engagement["parameters"]}
    assert {"by", "method", "external", "baseline", "county", "period"} <= names
    assert "/api/v1/metrics/grant-progress/" in schema["paths"]
