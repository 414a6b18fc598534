"""What the engagement lists can be filtered by, shared by the screens and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from crm.models import County, Language, Program, Topic, User
from events.models import Attendance, Comment, Event, FollowUp, Outreach


class DateInput(forms.DateInput):
    input_type = "date"


# People and events are too many for a drop-down: filter by record number.
RECORD_NUMBER = forms.NumberInput(attrs={"min": 1})


class EventFilter(django_filters.FilterSet):
    WHEN_CHOICES = (
        ("upcoming", _("Upcoming")),
        ("past", _("Past")),
        ("all", _("All dates")),
    )

    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Name"), max_length=100
    )
    when = django_filters.ChoiceFilter(
        choices=WHEN_CHOICES, method="filter_when", label=_("When"), empty_label=None
    )
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(
        choices=Event.Status.choices, label=_("Status")
    )
    program = django_filters.ModelChoiceFilter(
        queryset=Program.objects.all(), label=_("Program")
    )
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.all(), label=_("County")
    )
    organizer = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True),
        field_name="organizers",
        label=_("Organizer"),
    )
    language = django_filters.ModelChoiceFilter(
        queryset=Language.objects.all(),
        method="filter_language",
        label=_("Language"),
        to_field_name="code",
    )
    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), field_name="topics", label=_("Topic")
    )
    start = django_filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=DateInput,
    )
    end = django_filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=DateInput,
    )

    class Meta:
        model = Event
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet[Event]:
        queryset = super().qs
        cleaned = getattr(self.form, "cleaned_data", {})
        when = cleaned.get("when") or "upcoming"
        if when == "upcoming":
            queryset = queryset.order_by("starts_at", "id")
        else:
            queryset = queryset.order_by("-starts_at", "-id")
        if not cleaned.get("when"):
            queryset = self.filter_when(queryset, "when", "upcoming")
        if any(cleaned.get(k) for k in ("organizer", "language", "topic")):
            queryset = queryset.distinct()
        return queryset

    def filter_when(
        self, queryset: QuerySet[Event], name: str, value: str
    ) -> QuerySet[Event]:
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(ends_at__gte=now)
        if value == "past":
            return queryset.filter(ends_at__lt=now)
        return queryset

    def filter_language(
        self, queryset: QuerySet[Event], name: str, value: Language
    ) -> QuerySet[Event]:
        return queryset.filter(
            Q(languages_offered=value) | Q(interpretation_provided=value)
        )


class AttendanceFilter(django_filters.FilterSet):
    event = django_filters.ModelChoiceFilter(
        queryset=Event.objects.all(), label=_("Event number"), widget=RECORD_NUMBER
    )
    contact = django_filters.ModelChoiceFilter(
        queryset=Contact.objects.all(),
        label=_("Person number"),
        widget=RECORD_NUMBER,
    )
    status = django_filters.ChoiceFilter(
        choices=Attendance.Status.choices, label=_("Status")
    )
    role = django_filters.ChoiceFilter(choices=Attendance.Role.choices, label=_("Role"))
    source = django_filters.ChoiceFilter(
        choices=Attendance.Source.choices, label=_("Source")
    )
    pending = django_filters.BooleanFilter(
        method="filter_pending", label=_("Answers to review")
    )

    class Meta:
        model = Attendance
        fields: list[str] = []

    def filter_pending(
        self, queryset: QuerySet[Attendance], name: str, value: bool | None
    ) -> QuerySet[Attendance]:
        if value is None:
            return queryset
        pending = queryset.with_pending_changes()  # type: ignore[attr-defined]
        return pending if value else queryset.filter(pending_changes={})


class OutreachFilter(django_filters.FilterSet):
    contact = django_filters.ModelChoiceFilter(
        queryset=Contact.objects.all(),
        label=_("Person number"),
        widget=RECORD_NUMBER,
    )
    organizer = django_filters.ModelChoiceFilter(
        queryset=User.objects.all(), label=_("Organizer")
    )
    channel = django_filters.ChoiceFilter(
        choices=Outreach.Channel.choices, label=_("Channel")
    )
    purpose = django_filters.ChoiceFilter(
        choices=Outreach.Purpose.choices, label=_("Purpose")
    )
    outcome = django_filters.ChoiceFilter(
        choices=Outreach.Outcome.choices, label=_("Outcome")
    )
    program = django_filters.ModelChoiceFilter(
        queryset=Program.objects.all(), label=_("Program")
    )
    start = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=DateInput,
    )
    end = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=DateInput,
    )

    class Meta:
        model = Outreach
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet[Outreach]:
        return super().qs.order_by("-occurred_at", "-id")


class FollowUpFilter(django_filters.FilterSet):
    assigned_to = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True), label=_("Assigned to")
    )
    status = django_filters.ChoiceFilter(
        choices=FollowUp.Status.choices, label=_("Status")
    )
    contact = django_filters.ModelChoiceFilter(
        queryset=Contact.objects.all(),
        label=_("Person number"),
        widget=RECORD_NUMBER,
    )
    event = django_filters.ModelChoiceFilter(
        queryset=Event.objects.all(), label=_("Event number"), widget=RECORD_NUMBER
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due by"), widget=DateInput
    )

    class Meta:
        model = FollowUp
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet[FollowUp]:
        return super().qs.order_by("due_date", "id")


class CommentFilter(django_filters.FilterSet):
    event = django_filters.ModelChoiceFilter(
        queryset=Event.objects.all(), label=_("Event number"), widget=RECORD_NUMBER
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), field_name="themes", label=_("Theme")
    )
    language = django_filters.ModelChoiceFilter(
        queryset=Language.objects.all(), label=_("Language"), to_field_name="code"
    )
    program = django_filters.ModelChoiceFilter(
        queryset=Program.objects.all(), field_name="event__program", label=_("Program")
    )
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.all(), field_name="event__county", label=_("County")
    )
    start = django_filters.DateFilter(
        field_name="event__starts_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=DateInput,
    )
    end = django_filters.DateFilter(
        field_name="event__starts_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=DateInput,
    )

    class Meta:
        model = Comment
        fields: list[str] = []


class ProgramFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Name"), max_length=100
    )
    archived = django_filters.BooleanFilter(
        field_name="is_archived", label=_("Archived")
    )

    class Meta:
        model = Program
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet[Program]:
        queryset = super().qs
        if getattr(self.form, "cleaned_data", {}).get("archived") is None:
            queryset = queryset.filter(is_archived=False)
        return queryset.order_by("name", "id")


class TopicFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name"), max_length=100)
    kind = django_filters.ChoiceFilter(choices=Topic.Kind.choices, label=_("Kind"))
    legislative_session = django_filters.CharFilter(
        label=_("Legislative session"), max_length=32
    )
    archived = django_filters.BooleanFilter(
        field_name="is_archived", label=_("Archived")
    )

    class Meta:
        model = Topic
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet[Topic]:
        queryset = super().qs
        if getattr(self.form, "cleaned_data", {}).get("archived") is None:
            queryset = queryset.filter(is_archived=False)
        return queryset.order_by("kind", "name", "id")

    def filter_q(self, queryset: QuerySet[Topic], name: str, value: Any) -> Any:
        return queryset.filter(
            Q(name__icontains=value) | Q(bill_number__icontains=value)
        )
