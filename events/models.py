"""What happened: events and who came, outreach, follow-ups, what we heard."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from contacts.models import Contact, Organization, RaceEthnicityCategory
from crm.models import County, Language, Program, Topic


def new_signin_token() -> str:
    return secrets.token_urlsafe(24)


class EventQuerySet(models.QuerySet["Event"]):
    def upcoming(self) -> EventQuerySet:
        """Events that have not ended yet, soonest first."""
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at")

    def past(self) -> EventQuerySet:
        """Events that have ended, latest first."""
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at")

    def not_cancelled(self) -> EventQuerySet:
        """Events that were not cancelled."""
        return self.exclude(status=Event.Status.CANCELLED)

    def organized_by(self, user: object) -> EventQuerySet:
        """Events the user is one of the organizers of."""
        return self.filter(organizers=user)

    def listening_sessions(self) -> EventQuerySet:
        """Listening sessions only."""
        return self.filter(kind=Event.Kind.LISTENING_SESSION)

    def with_list_related(self) -> EventQuerySet:
        """What event lists show, with attendee counts, in one query."""
        return self.select_related("program", "county").annotate(
            attendee_count=models.Count(
                "attendance",
                filter=Q(attendance__status=Attendance.Status.ATTENDED),
            )
        )


class Event(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY_MEETING = "community_meeting", _("Community meeting")
        LISTENING_SESSION = "listening_session", _("Listening session")
        TRAINING = "training", _("Training")
        TA_SESSION = "ta_session", _("Technical assistance session")
        LEGISLATIVE_MEETING = "legislative_meeting", _("Legislative meeting")
        HEARING = "hearing", _("Hearing or testimony")
        COALITION_MEETING = "coalition_meeting", _("Coalition meeting")
        RALLY = "rally", _("Rally or lobby day")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="events"
    )
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    is_virtual = models.BooleanField(_("virtual"), default=False)
    languages_offered = models.ManyToManyField(
        Language, verbose_name=_("languages offered"), blank=True, related_name="+"
    )
    interpretation_provided = models.ManyToManyField(
        Language,
        verbose_name=_("interpretation provided"),
        blank=True,
        related_name="+",
    )
    childcare_provided = models.BooleanField(_("childcare provided"), default=False)
    food_provided = models.BooleanField(_("food provided"), default=False)
    transport_provided = models.BooleanField(_("transport provided"), default=False)
    host_organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("host organizations"),
        blank=True,
        related_name="hosted_events",
    )
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizers"),
        blank=True,
        related_name="organized_events",
    )
    focus_communities = models.ManyToManyField(
        RaceEthnicityCategory,
        verbose_name=_("focus communities"),
        blank=True,
        related_name="+",
    )
    head_count = models.PositiveIntegerField(
        _("head count"),
        null=True,
        blank=True,
        help_text=_("Everyone present, including people who did not sign in."),
    )
    # Technical assistance: hours given and who received them.
    ta_hours = models.DecimalField(
        _("TA hours"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10000)],
    )
    ta_recipients = models.ManyToManyField(
        Organization,
        verbose_name=_("organizations receiving TA"),
        blank=True,
        related_name="ta_events",
    )
    summary = models.TextField(_("what we heard"), blank=True)

    # Public self sign-in: an unguessable link, open in a window around the event.
    signin_token = models.CharField(
        max_length=64, unique=True, default=new_signin_token, editable=False
    )
    signin_opens_minutes_before = models.PositiveIntegerField(
        _("sign-in opens (minutes before start)"), default=120
    )
    signin_closes_minutes_after = models.PositiveIntegerField(
        _("sign-in closes (minutes after end)"), default=240
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-starts_at"]
        permissions = [("change_any_event", "Can edit events organized by others")]
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["ends_at"]),
            models.Index(fields=["kind", "starts_at"]),
            models.Index(fields=["program", "starts_at"]),
            models.Index(fields=["county", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:event-detail", args=[self.pk])

    @property
    def signin_opens_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.signin_opens_minutes_before)

    @property
    def signin_closes_at(self) -> datetime:
        return self.ends_at + timedelta(minutes=self.signin_closes_minutes_after)

    def signin_is_open(self, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return (
            self.status != self.Status.CANCELLED
            and self.signin_opens_at <= now <= self.signin_closes_at
        )


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    def attended(self) -> AttendanceQuerySet:
        """People who were there."""
        return self.filter(status=Attendance.Status.ATTENDED)

    def for_roster(self) -> AttendanceQuerySet:
        """An event's roster: each person with their row, in one query."""
        return self.select_related("contact", "recorded_by").order_by(
            "-checked_in_at", "contact__last_name", "contact__first_name", "id"
        )

    def with_pending_changes(self) -> AttendanceQuerySet:
        """Self sign-ins whose answers differ from what is stored, awaiting review."""
        return self.exclude(pending_changes={})


class Attendance(models.Model):
    """One person at one event (one row per person per event)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        SPEAKER = "speaker", _("Speaker")
        FACILITATOR = "facilitator", _("Facilitator")
        INTERPRETER = "interpreter", _("Interpreter")
        HOST = "host", _("Host")
        TESTIFIER = "testifier", _("Testifier")
        VOLUNTEER = "volunteer", _("Volunteer")

    # Roles that make someone a leader on the engagement ladder.
    LEADER_ROLES = (
        Role.HOST,
        Role.FACILITATOR,
        Role.SPEAKER,
        Role.TESTIFIER,
        Role.INTERPRETER,
    )

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff check-in")
        SELF_SIGN_IN = "self_sign_in", _("Self sign-in")
        IMPORT = "import", _("Import")
        API = "api", _("API")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="attendance"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ATTENDED
    )
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.PARTICIPANT
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.STAFF
    )
    # Self sign-in answers that differ from what is stored, kept for staff review.
    pending_changes = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["event", "contact__last_name"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "contact"], name="one_attendance_per_person_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["contact", "status"]),
            models.Index(fields=["event", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.contact} at {self.event}"


class OutreachQuerySet(models.QuerySet["Outreach"]):
    def with_list_related(self) -> OutreachQuerySet:
        """What outreach lists show, without a query per row."""
        return self.select_related("contact", "organizer", "program")

    def by_organizer(self, user: object) -> OutreachQuerySet:
        """Outreach the user logged."""
        return self.filter(organizer=user)


class Outreach(models.Model):
    """A one-to-one touch: a call, a text, a door knock, a 1:1."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("Email")
        DOOR = "door", _("Door knock")
        ONE_ON_ONE = "one_on_one", _("1:1 meeting")
        SOCIAL = "social", _("Social media")

    class Purpose(models.TextChoices):
        INVITE = "invite", _("Invite to an event")
        FOLLOW_UP = "follow_up", _("Follow up")
        RELATIONSHIP = "relationship", _("Relationship building")
        ACTION = "action", _("Call to action")
        SURVEY = "survey", _("Survey or listening")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        LEFT_MESSAGE = "left_message", _("Left message")
        NO_ANSWER = "no_answer", _("No answer")
        DECLINED = "declined", _("Declined")
        COMMITTED = "committed", _("Committed to attend")
        WRONG_NUMBER = "wrong_number", _("Wrong number or address")

    # Outcomes in which a conversation took place (count as "reached").
    REACHED_OUTCOMES = (Outcome.REACHED, Outcome.COMMITTED, Outcome.DECLINED)

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="outreach"
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="outreach",
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.OTHER
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach",
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="outreach"
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutreachQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = "outreach"
        indexes = [
            models.Index(fields=["contact", "occurred_at"]),
            models.Index(fields=["organizer", "occurred_at"]),
            models.Index(fields=["occurred_at", "outcome"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} with {self.contact}"

    @property
    def is_reached(self) -> bool:
        return self.outcome in self.REACHED_OUTCOMES


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> FollowUpQuerySet:
        """Follow-ups not yet done or cancelled."""
        return self.filter(status=FollowUp.Status.OPEN)

    def for_user(self, user: object) -> FollowUpQuerySet:
        """Follow-ups assigned to the user."""
        return self.filter(assigned_to=user)

    def overdue(self, today: date) -> FollowUpQuerySet:
        """Open follow-ups due before today."""
        return self.open().filter(due_date__lt=today)

    def due_on(self, day: date) -> FollowUpQuerySet:
        """Open follow-ups due on the day."""
        return self.open().filter(due_date=day)

    def with_list_related(self) -> FollowUpQuerySet:
        """What follow-up lists show, without a query per row."""
        return self.select_related("contact", "event", "assigned_to")


class FollowUp(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("what to do"), max_length=200)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    outreach = models.ForeignKey(
        Outreach, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendance = models.ForeignKey(
        Attendance, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["assigned_to", "status", "due_date"])]

    def __str__(self) -> str:
        return self.title


class CommentQuerySet(models.QuerySet["Comment"]):
    def with_list_related(self) -> CommentQuerySet:
        """Comments with speaker, language and themes, in a fixed number of queries."""
        return self.select_related("contact", "language", "event").prefetch_related(
            "themes"
        )

    def theme_tally(self) -> models.QuerySet[Any]:
        """How often each theme was heard: comments and sessions per theme."""
        return (
            self.filter(themes__isnull=False)
            .values("themes__id", "themes__name")
            .annotate(
                comment_count=models.Count("id", distinct=True),
                session_count=models.Count("event", distinct=True),
            )
            .order_by("-comment_count", "themes__name")
        )


class Comment(models.Model):
    """What was heard at a listening session (speaker optional, anonymous allowed)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField(_("what was said"))
    themes = models.ManyToManyField(
        Topic, verbose_name=_("themes"), blank=True, related_name="comments"
    )
    language = models.ForeignKey(
        Language,
        verbose_name=_("language"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("speaker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["event", "created_at"]
        indexes = [
            models.Index(fields=["event", "created_at"]),
            # The dashboard's themes read (event, speaker) from this index alone.
            models.Index(fields=["event", "contact"]),
        ]

    def __str__(self) -> str:
        return self.text[:60]
