"""The big lists (contacts, attendance, outreach) read rows with values() instead
of through their serializers: the JSON must be byte for byte what the serializer
renders for the same records, for every role."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db.models import QuerySet
from django.test import RequestFactory
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from contacts.models import Contact, Organization
from contacts.serializers import ContactSerializer
from crm.fastlist import Computed, ReadPlan
from crm.models import Topic, User
from crm.roles import Role, role_permissions
from events.models import Attendance, Outreach
from events.serializers import AttendanceSerializer, OutreachSerializer
from tests.conftest import client_for
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    EventFactory,
    OrganizationFactory,
    OutreachFactory,
    ProgramFactory,
    TagFactory,
    TopicFactory,
    UserFactory,
    group,
    language,
    role,
)

pytestmark = pytest.mark.django_db

SELF_ID = {
    "race_ethnicity_status",
    "race_categories",
    "race_groups",
    "race_write_in",
    "self_id_source",
    "self_id_date",
    "gender",
    "age_band",
}


def make_people() -> list[Contact]:
    """Everyone a list can show: full lists, empty lists, nulls, archived."""
    owner = UserFactory()
    district = OrganizationFactory(kind=Organization.Kind.SCHOOL_DISTRICT)
    full = ContactFactory(
        first_name="Ana María",
        last_name="Ñúñez",
        preferred_name="Ana",
        pronouns="she/her",
        preferred_language=language("es"),
        interpretation_needed=True,
        owner=owner,
        school_district=district,
        legislative_district=37,
        birth_year=1980,
        consent_email=True,
        consent_date=dt.date(2025, 3, 9),
        consent_source=Contact.ConsentSource.PAPER,
        race_write_in="Mixteco",
        self_id_source=Contact.SelfIdSource.SURVEY,
        self_id_date=dt.date(2025, 11, 2),
        gender="woman",
        age_band=Contact.AgeBand.AGE_35_44,
        notes='Line one\nline two \u2028 and a \u2029 "quote" 🙂',
        categories=["WHITE", "ASIAN", "HISPANIC"],
    )
    full.other_languages.add(language("vi"), language("en"), language("so"))
    full.roles.add(role("student"), role("parent"), role("educator"))
    full.tags.add(TagFactory(name="zeta"), TagFactory(name="alpha"))
    full.race_groups.add(group("VIETNAMESE"), group("HMONG"))
    bare = ContactFactory(
        first_name="Solo",
        last_name="",
        email="",
        phone="",
        zip_code="",
        county=None,
        state="",
    )
    archived = ContactFactory(first_name="Gone")
    archived.tags.add(TagFactory(name="alpha"))
    Contact.objects.filter(pk=archived.pk).update(
        archived_at=timezone.now() - dt.timedelta(days=3)
    )
    # Stored times on both sides of a daylight saving change, with microseconds.
    Contact.objects.filter(pk=full.pk).update(
        created_at=dt.datetime(2025, 3, 9, 9, 59, 59, 123456, tzinfo=dt.UTC),
        updated_at=dt.datetime(2025, 3, 9, 10, 0, 0, tzinfo=dt.UTC),
    )
    return [full, bare, archived]


def serializer_data(
    serializer_class: type[serializers.ModelSerializer[Any]],
    records: QuerySet[Any],
    user: User,
) -> Any:
    """What the serializer makes of the records, for the user."""
    request = RequestFactory().get("/")
    request.user = user
    return serializer_class(records, many=True, context={"request": request}).data


def same_as_serializer(body: bytes, rows: list[Any], data: Any) -> None:
    """The list's rows are the serializer's, key by key in order, and its JSON
    is the serializer's rendered as the API renders it, byte for byte."""
    assert rows == pairs(JSONRenderer().render(data))
    assert body == results_bytes(data)


def pairs(body: bytes) -> Any:
    """JSON with each object as its list of (key, value): key order counts."""
    return json.loads(body, object_pairs_hook=list)


def listed(client: Any, url: str) -> tuple[bytes, list[Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    body = response.content
    document = dict(pairs(body))
    assert document["next"] is None  # everything on one page
    return body, document["results"]


def results_bytes(records: list[Any]) -> bytes:
    return JSONRenderer().render({"next": None, "previous": None, "results": records})


@pytest.mark.parametrize("role_name", Role.ALL)
def test_the_contact_list_shows_people_as_the_serializer_does(role_name: str) -> None:
    make_people()
    user = UserFactory(role=role_name)
    body, rows = listed(client_for(user), "/api/v1/contacts/?state=all&page_size=100")
    data = serializer_data(
        ContactSerializer,
        Contact.objects.filter(merged_into=None)
        .order_by("-id")
        .prefetch_related(
            "other_languages", "roles", "tags", "race_categories", "race_groups"
        ),
        user,
    )
    assert len(rows) == 3
    same_as_serializer(body, rows, data)

    shown = {key for key, _value in rows[0]}
    may_see = "crm.view_self_identification" in role_permissions(role_name)
    assert (shown >= SELF_ID) is may_see
    assert not (SELF_ID & shown) or may_see


def test_a_full_person_in_the_list_carries_every_list_in_order(
    administrator: User,
) -> None:
    full, _bare, _archived = make_people()
    rows = client_for(administrator).get("/api/v1/contacts/?state=all").json()
    person = next(row for row in rows["results"] if row["id"] == full.pk)
    assert person["tags"] == ["alpha", "zeta"]
    assert person["roles"] == [r.code for r in full.roles.all()]
    assert person["other_languages"] == [
        lang.code for lang in full.other_languages.all()
    ]
    assert person["race_categories"] == [c.code for c in full.race_categories.all()]
    assert person["race_groups"] == [g.code for g in full.race_groups.all()]
    assert person["created_at"] == "2025-03-09T01:59:59.123456-08:00"
    assert person["updated_at"] == "2025-03-09T03:00:00-07:00"
    assert person["consent_date"] == "2025-03-09"
    assert person["is_archived"] is False
    bare = next(row for row in rows["results"] if row["first_name"] == "Solo")
    assert bare["county"] is None and bare["preferred_language"] is None
    assert bare["tags"] == [] and bare["consent_date"] is None
    assert bare["owner"] is None and bare["legislative_district"] is None


def test_times_in_utc_end_in_z_as_the_serializer_writes_them(
    administrator: User, settings: Any
) -> None:
    settings.TIME_ZONE = "UTC"
    make_people()
    body, rows = listed(
        client_for(administrator), "/api/v1/contacts/?state=all&page_size=100"
    )
    data = serializer_data(
        ContactSerializer, Contact.objects.order_by("-id"), administrator
    )
    same_as_serializer(body, rows, data)
    assert dict(rows[-1])["created_at"] == "2025-03-09T09:59:59.123456Z"


def test_a_filtered_and_sorted_contact_list_matches_the_serializer(
    administrator: User,
) -> None:
    make_people()
    speakers = ContactFactory.create_batch(3, preferred_language=language("es"))
    speakers[0].tags.add(TagFactory(name="beta"))
    url = "/api/v1/contacts/?language=es&ordering=-last_name&page_size=100"
    body, rows = listed(client_for(administrator), url)
    ids = [dict(row)["id"] for row in rows]
    data = serializer_data(
        ContactSerializer,
        Contact.objects.filter(pk__in=ids).order_by("-last_name", "-id"),
        administrator,
    )
    same_as_serializer(body, rows, data)
    assert len(ids) == 4


def make_attendance() -> None:
    event = EventFactory()
    AttendanceFactory(event=event, pending_changes={"email": "new@example.org"})
    AttendanceFactory(
        event=event,
        checked_in_at=None,
        status=Attendance.Status.REGISTERED,
        role=Attendance.Role.INTERPRETER,
        source=Attendance.Source.SELF_SIGN_IN,
    )
    AttendanceFactory(pending_changes={"phone": None, "languages": ["es", "vi"]})


@pytest.mark.parametrize("role_name", [Role.ORGANIZER, Role.DATA_STAFF])
def test_the_attendance_list_matches_the_serializer(role_name: str) -> None:
    make_attendance()
    user = UserFactory(role=role_name)
    body, rows = listed(client_for(user), "/api/v1/attendance/?page_size=100")
    data = serializer_data(
        AttendanceSerializer, Attendance.objects.order_by("-id"), user
    )
    assert len(rows) == 3
    same_as_serializer(body, rows, data)


def make_outreach() -> None:
    bill = TopicFactory(name="HB 1", kind=Topic.Kind.BILL, bill_number="HB 1")
    area = TopicFactory(name="Access", kind=Topic.Kind.POLICY_AREA)
    theme = TopicFactory(name="Buses", kind=Topic.Kind.THEME)
    first = OutreachFactory(program=ProgramFactory(), notes="Called back ✓")
    first.topics.add(theme, area, bill)
    OutreachFactory(
        occurred_at=dt.datetime(2025, 11, 2, 8, 30, tzinfo=dt.UTC),
        channel=Outreach.Channel.DOOR,
        outcome=Outreach.Outcome.NO_ANSWER,
    )


@pytest.mark.parametrize("role_name", [Role.ORGANIZER, Role.DATA_STAFF])
def test_the_outreach_list_matches_the_serializer(role_name: str) -> None:
    make_outreach()
    user = UserFactory(role=role_name)
    body, rows = listed(client_for(user), "/api/v1/outreach/?page_size=100")
    data = serializer_data(
        OutreachSerializer,
        Outreach.objects.order_by("-id").prefetch_related("topics"),
        user,
    )
    assert len(rows) == 2
    same_as_serializer(body, rows, data)
    topics = dict(rows[-1])["topics"]
    assert len(topics) == 3


def test_a_list_page_matches_the_record_read_alone(administrator: User) -> None:
    full, _bare, _archived = make_people()
    client = client_for(administrator)
    listed_person = next(
        row
        for row in client.get("/api/v1/contacts/").json()["results"]
        if row["id"] == full.pk
    )
    assert listed_person == client.get(f"/api/v1/contacts/{full.pk}/").json()


def test_pages_of_a_fast_list_follow_each_other(administrator: User) -> None:
    make_outreach()
    OutreachFactory.create_batch(3)
    client = client_for(administrator)
    first = client.get("/api/v1/outreach/?page_size=2").json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    ids = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert ids == sorted(Outreach.objects.values_list("id", flat=True), reverse=True)
    back = client.get(third["previous"]).json()
    assert back["results"] == second["results"]


class WithMethodField(serializers.ModelSerializer[Contact]):
    shout = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "shout"]

    def get_shout(self, contact: Contact) -> str:
        return contact.first_name.upper()


class WithProperty(serializers.ModelSerializer[Contact]):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "display_name"]


def test_a_plan_refuses_fields_it_cannot_read_as_the_serializer_does() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        ReadPlan(WithMethodField())
    with pytest.raises(ImproperlyConfigured):
        ReadPlan(WithProperty())
    plan = ReadPlan(
        WithProperty(),
        {"display_name": Computed(("first_name",), lambda row: row["first_name"])},
    )
    assert "first_name" in plan.names


def test_list_fields_read_through_django_when_it_converts_them(
    administrator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list query that Django must convert is not run as compiled SQL, and
    either way the lists are the same."""
    from django.db.models import F

    from crm import fastlist

    compiled = fastlist._compile(
        Attendance.objects.filter(
            fastlist._AmongIds(F("id"), [fastlist._IDS])
        ).values_list("id", "pending_changes"),
        "default",
    )
    assert compiled is None  # JSON is decoded by the field
    make_people()
    client = client_for(administrator)
    url = "/api/v1/contacts/?state=all&page_size=100"
    compiled_body = client.get(url).content
    fastlist._PLANS.clear()
    monkeypatch.setattr(fastlist, "_compile", lambda queryset, alias: None)
    assert client.get(url).content == compiled_body
    fastlist._PLANS.clear()
