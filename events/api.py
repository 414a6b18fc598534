"""The engagement API: events, attendance, outreach, follow-ups, comments, vocabulary.

Filtered by the same FilterSets as the screens; writes go through events.services.
Attendance and outreach accept a list in one POST (all or nothing).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.serializers import BaseSerializer

from crm.fastlist import FastListMixin
from crm.models import Program, Topic
from crm.pagination import CursorPagination
from crm.permissions import RolePermissions
from events import services
from events.filters import (
    AttendanceFilter,
    CommentFilter,
    EventFilter,
    FollowUpFilter,
    OutreachFilter,
    ProgramFilter,
    TopicFilter,
)
from events.models import Attendance, Comment, Event, FollowUp, Outreach
from events.rules import can_change_event
from events.serializers import (
    AttendanceSerializer,
    CommentSerializer,
    EventSerializer,
    FollowUpSerializer,
    OutreachSerializer,
    ProgramSerializer,
    TopicSerializer,
)

BULK_LIMIT = 1000


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this record since you read it."
    default_code = "stale_version"


class BulkCreateMixin:
    """POST one object, or a list of them (all saved or none)."""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        many = isinstance(request.data, list)
        if many and len(request.data) > BULK_LIMIT:
            raise exceptions.ValidationError(
                {"non_field_errors": [f"Send at most {BULK_LIMIT} rows at once."]}
            )
        serializer = self.get_serializer(data=request.data, many=many)  # type: ignore[attr-defined]
        if many and not serializer.is_valid():
            errors: Any = serializer.errors
            # Rows are numbered from 1, as people count them.
            pairs = errors.items() if isinstance(errors, dict) else enumerate(errors)
            raise exceptions.ValidationError(
                {f"row {int(index) + 1}": row for index, row in pairs if row}
            )
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class EventViewSet(viewsets.ModelViewSet):
    """Events. Organizers change only the events they organize.

    Lists upcoming events unless asked for `when=past` or `when=all`, as the screen.
    """

    serializer_class = EventSerializer
    filterset_class = EventFilter
    permission_classes = [RolePermissions]
    ordering_fields = ["starts_at", "name", "created_at", "id"]
    queryset = Event.objects.none()

    def get_queryset(self) -> QuerySet[Event]:
        return Event.objects.with_list_related().prefetch_related(
            "topics",
            "languages_offered",
            "interpretation_provided",
            "host_organizations",
            "organizers",
            "focus_communities",
            "ta_recipients",
        )

    def get_object(self) -> Event:
        event = super().get_object()
        # Refuse an organizer who does not run the event before reading the body.
        if self.request.method in ("PUT", "PATCH") and not can_change_event(
            self.request.user, event
        ):
            self.permission_denied(self.request)
        return event

    def perform_update(self, serializer: BaseSerializer[Event]) -> None:
        try:
            serializer.save()
        except services.StaleEventError as exc:
            raise Conflict(str(exc)) from exc


class AttendanceViewSet(FastListMixin, BulkCreateMixin, viewsets.ModelViewSet):
    serializer_class = AttendanceSerializer
    filterset_class = AttendanceFilter
    pagination_class = CursorPagination
    permission_classes = [RolePermissions]
    ordering_fields = ["created_at", "id"]
    queryset = Attendance.objects.none()

    def list_plan_key(self, request: Request) -> Hashable:
        return ()  # the serializer shows the same fields to everyone

    def get_queryset(self) -> QuerySet[Attendance]:
        return Attendance.objects.order_by("id")


class OutreachViewSet(FastListMixin, BulkCreateMixin, viewsets.ModelViewSet):
    serializer_class = OutreachSerializer
    filterset_class = OutreachFilter
    pagination_class = CursorPagination
    permission_classes = [RolePermissions]
    ordering_fields = ["occurred_at", "created_at", "id"]
    queryset = Outreach.objects.none()

    def list_plan_key(self, request: Request) -> Hashable:
        return ()  # the serializer shows the same fields to everyone

    def get_queryset(self) -> QuerySet[Outreach]:
        return Outreach.objects.prefetch_related("topics")


class FollowUpViewSet(viewsets.ModelViewSet):
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    pagination_class = CursorPagination
    permission_classes = [RolePermissions]
    ordering_fields = ["created_at", "id"]
    queryset = FollowUp.objects.none()

    def get_queryset(self) -> QuerySet[FollowUp]:
        return FollowUp.objects.all()


class CommentViewSet(viewsets.ModelViewSet):
    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    pagination_class = CursorPagination
    permission_classes = [RolePermissions]
    ordering_fields = ["created_at", "id"]
    queryset = Comment.objects.none()

    def get_queryset(self) -> QuerySet[Comment]:
        return Comment.objects.select_related("language").prefetch_related("themes")


class ProgramViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Programs. Archive (is_archived) instead of delete."""

    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    permission_classes = [RolePermissions]
    ordering_fields = ["name", "id"]
    queryset = Program.objects.all()


class TopicViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Policy areas, bills and listening themes. Archive instead of delete."""

    serializer_class = TopicSerializer
    filterset_class = TopicFilter
    permission_classes = [RolePermissions]
    ordering_fields = ["name", "id"]
    queryset = Topic.objects.all()


def register(router: BaseRouter) -> None:
    router.register("events", EventViewSet, basename="event")
    router.register("attendance", AttendanceViewSet, basename="attendance")
    router.register("outreach", OutreachViewSet, basename="outreach")
    router.register("follow-ups", FollowUpViewSet, basename="followup")
    router.register("comments", CommentViewSet, basename="comment")
    router.register("programs", ProgramViewSet, basename="program")
    router.register("topics", TopicViewSet, basename="topic")
