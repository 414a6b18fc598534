"""Test data factories. Tests say what matters about their data; the rest is filler."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from contacts.models import (
    Affiliation,
    CommunityRole,
    Contact,
    Organization,
    RaceEthnicityCategory,
    RaceEthnicityGroup,
    Tag,
)
from crm.models import County, Language, Program, Topic, User
from events.models import Attendance, Comment, Event, FollowUp, Outreach


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def county(code: str = "king") -> County:
    return County.objects.get(code=code)


def language(code: str = "en") -> Language:
    return Language.objects.get(code=code)


def category(code: str) -> RaceEthnicityCategory:
    return RaceEthnicityCategory.objects.get(code=code)


def group(code: str) -> RaceEthnicityGroup:
    return RaceEthnicityGroup.objects.get(code=code)


def role(code: str) -> CommunityRole:
    return CommunityRole.objects.get(code=code)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag-{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = Organization.Kind.COMMUNITY
    county = factory.LazyFunction(lambda: county("king"))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    phone = factory.Sequence(lambda n: f"+1206555{n % 10000:04d}")
    zip_code = "98101"
    county = factory.LazyFunction(lambda: county("king"))

    @factory.post_generation
    def categories(
        self, create: bool, extracted: list[str] | None, **kwargs: Any
    ) -> None:
        if create and extracted:
            self.race_categories.set([category(code) for code in extracted])
            self.race_ethnicity_status = Contact.SelfIdStatus.REPORTED
            self.save(update_fields=["race_ethnicity_status"])


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    contact = factory.SubFactory(ContactFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = "Member"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    kind = Topic.Kind.POLICY_AREA


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Event {n}")
    kind = Event.Kind.COMMUNITY_MEETING
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    county = factory.LazyFunction(lambda: county("king"))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory)
    contact = factory.SubFactory(ContactFactory)
    status = Attendance.Status.ATTENDED
    checked_in_at = factory.LazyAttribute(lambda a: a.event.starts_at)


class OutreachFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outreach

    contact = factory.SubFactory(ContactFactory)
    organizer = factory.SubFactory(UserFactory)
    channel = Outreach.Channel.PHONE
    outcome = Outreach.Outcome.REACHED


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    title = factory.Sequence(lambda n: f"Call back {n}")
    assigned_to = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory)
    due_date = factory.LazyFunction(timezone.localdate)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    event = factory.SubFactory(EventFactory, kind=Event.Kind.LISTENING_SESSION)
    text = factory.Faker("sentence")
