from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from contacts.models import Contact, RaceEthnicityCategory
from crm.api import AnnotatedCountField, StrictInputMixin
from crm.models import County, Language, Program, Topic
from events import services
from events.models import Attendance, Comment, Event, FollowUp, Outreach


def _user(serializer: serializers.BaseSerializer[Any]) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class EventSerializer(StrictInputMixin, serializers.ModelSerializer):
    county = serializers.SlugRelatedField(
        slug_field="code",
        queryset=County.objects.all(),
        allow_null=True,
        required=False,
    )
    languages_offered = serializers.SlugRelatedField(
        slug_field="code", queryset=Language.objects.all(), many=True, required=False
    )
    interpretation_provided = serializers.SlugRelatedField(
        slug_field="code", queryset=Language.objects.all(), many=True, required=False
    )
    focus_communities = serializers.SlugRelatedField(
        slug_field="code",
        queryset=RaceEthnicityCategory.objects.all(),
        many=True,
        required=False,
    )
    version = serializers.IntegerField(
        required=False,
        help_text="The version you read; an older one is refused with 409.",
    )
    attendee_count = AnnotatedCountField()

    class Meta:
        model = Event
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "program",
            "topics",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "address",
            "county",
            "is_virtual",
            "languages_offered",
            "interpretation_provided",
            "childcare_provided",
            "food_provided",
            "transport_provided",
            "host_organizations",
            "organizers",
            "focus_communities",
            "head_count",
            "ta_hours",
            "ta_recipients",
            "summary",
            "signin_opens_minutes_before",
            "signin_closes_minutes_after",
            "attendee_count",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError(
                {"ends_at": _("The end must be after the start.")}
            )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Event:
        validated_data.pop("version", None)
        return services.create_event(created_by=_user(self), **validated_data)

    def update(self, instance: Event, validated_data: dict[str, Any]) -> Event:
        expected = validated_data.pop("version", None)
        return services.update_event(
            event=instance,
            changes=validated_data,
            updated_by=_user(self),
            expected_version=expected,
        )


class AttendanceSerializer(StrictInputMixin, serializers.ModelSerializer):
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=Attendance.Source.choices, default=Attendance.Source.API
    )
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.active())

    class Meta:
        model = Attendance
        fields = [
            "id",
            "event",
            "contact",
            "status",
            "role",
            "source",
            "checked_in_at",
            "pending_changes",
            "created_at",
        ]
        read_only_fields = ["pending_changes", "created_at"]
        # One row per person per event: a repeat updates the row instead.
        validators: list[Any] = []

    def create(self, validated_data: dict[str, Any]) -> Attendance:
        attendance, _created = services.record_attendance(
            recorded_by=_user(self), **validated_data
        )
        return attendance

    def update(
        self, instance: Attendance, validated_data: dict[str, Any]
    ) -> Attendance:
        attendance, _created = services.record_attendance(
            event=validated_data.get("event", instance.event),
            contact=validated_data.get("contact", instance.contact),
            role=validated_data.get("role", instance.role),
            status=validated_data.get("status", instance.status),
            source=validated_data.get("source", instance.source),
            checked_in_at=validated_data.get("checked_in_at", instance.checked_in_at),
            recorded_by=_user(self),
        )
        return attendance


class OutreachSerializer(StrictInputMixin, serializers.ModelSerializer):
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.active())
    organizer: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    follow_up_date = serializers.DateField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text="Adds a follow-up for you on this date.",
    )

    class Meta:
        model = Outreach
        fields = [
            "id",
            "contact",
            "organizer",
            "occurred_at",
            "channel",
            "purpose",
            "outcome",
            "program",
            "topics",
            "notes",
            "follow_up_date",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def create(self, validated_data: dict[str, Any]) -> Outreach:
        return services.log_outreach(organizer=_user(self), **validated_data)

    def update(self, instance: Outreach, validated_data: dict[str, Any]) -> Outreach:
        validated_data.pop("follow_up_date", None)
        return services.update_outreach(outreach=instance, changes=validated_data)


class FollowUpSerializer(StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "title",
            "assigned_to",
            "contact",
            "event",
            "outreach",
            "attendance",
            "due_date",
            "status",
            "notes",
            "completed_at",
            "created_at",
        ]
        read_only_fields = ["completed_at", "created_at"]

    def create(self, validated_data: dict[str, Any]) -> FollowUp:
        status = validated_data.pop("status", FollowUp.Status.OPEN)
        follow_up = services.create_follow_up(created_by=_user(self), **validated_data)
        if status != FollowUp.Status.OPEN:
            services.close_follow_up(follow_up=follow_up, status=status)
        return follow_up

    def update(self, instance: FollowUp, validated_data: dict[str, Any]) -> FollowUp:
        return services.update_follow_up(follow_up=instance, changes=validated_data)


class CommentSerializer(StrictInputMixin, serializers.ModelSerializer):
    language = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Language.objects.all(),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = Comment
        fields = ["id", "event", "text", "themes", "language", "contact", "created_at"]
        read_only_fields = ["created_at"]

    def create(self, validated_data: dict[str, Any]) -> Comment:
        (comment,) = services.add_comments(
            event=validated_data["event"],
            texts=[validated_data["text"]],
            themes=validated_data.get("themes", []),
            language=validated_data.get("language"),
            contact=validated_data.get("contact"),
            created_by=_user(self),
        )
        return comment


class ProgramSerializer(StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "name", "description", "starts_on", "ends_on", "is_archived"]


class TopicSerializer(StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = [
            "id",
            "name",
            "kind",
            "bill_number",
            "legislative_session",
            "description",
            "is_archived",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        number = attrs.get("bill_number", getattr(self.instance, "bill_number", ""))
        if kind == Topic.Kind.BILL and not number:
            raise serializers.ValidationError(
                {"bill_number": _("A bill needs its number, like HB 1234.")}
            )
        return attrs
