"""Metrics API: `/api/v1/metrics/{engagement,ladder,representation,grant-progress}/`.

Each endpoint parses its query with MetricsFilterForm (the dashboard's form)
and counts with reports.metrics, so the API and the dashboard agree.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from crm.filters import refuse_malformed_booleans, refuse_unknown_parameters
from crm.permissions import RolePermissions
from events.models import Event
from reports import metrics
from reports.dashboard import engagement_table, table_payload
from reports.forms import MetricsFilterForm, Period
from reports.metrics.suppression import is_small, suppress_matrix
from reports.models import Grant, PopulationBaseline, Tabulation
from reports.serializers import GrantSerializer, PopulationBaselineSerializer
from reports.views_workbook import GrantWorkbookViewSet


def _param(name: str, description: str, **kwargs: Any) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        kwargs.pop("type", OpenApiTypes.STR),
        OpenApiParameter.QUERY,
        description=description,
        **kwargs,
    )


FILTER_PARAMETERS = [
    _param(
        "period",
        "Preset period ending today (default 90d); or give start and end.",
        enum=[code for code, _label in Period.CHOICES],
    ),
    _param("start", "First day of the period (YYYY-MM-DD).", type=OpenApiTypes.DATE),
    _param("end", "Last day of the period (YYYY-MM-DD).", type=OpenApiTypes.DATE),
    _param("program", "Program id.", type=OpenApiTypes.INT),
    _param("county", "County code, e.g. king."),
    _param("event_kind", "Event kind.", enum=Event.Kind.values),
    _param("community", "Minimum category code, e.g. ASIAN."),
    _param("organizer", "Organizer (user) id.", type=OpenApiTypes.INT),
    _param(
        "external",
        "true for output meant to leave the organisation: small numbers suppressed.",
        type=OpenApiTypes.BOOL,
    ),
]
METHOD_PARAMETER = _param(
    "method", "Race/ethnicity tabulation (default single).", enum=Tabulation.values
)

ROW = inline_serializer(
    "EngagementRow",
    many=True,
    fields={
        "group": serializers.CharField(),
        "label": serializers.CharField(),
        "unique_people": serializers.IntegerField(allow_null=True),
        "attendance": serializers.IntegerField(allow_null=True),
        "share": serializers.FloatField(allow_null=True),
        "share_of_reported": serializers.FloatField(allow_null=True),
        "baseline_share": serializers.FloatField(allow_null=True),
        "representation_index": serializers.FloatField(allow_null=True),
        "under_represented": serializers.BooleanField(),
        "is_unknown": serializers.BooleanField(),
        "suppressed": serializers.BooleanField(),
    },
)
ENGAGEMENT = inline_serializer(
    "Engagement",
    {
        "period": inline_serializer(
            "Period", {"start": serializers.DateField(), "end": serializers.DateField()}
        ),
        "by": serializers.CharField(),
        "method": serializers.CharField(),
        "method_label": serializers.CharField(),
        "external": serializers.BooleanField(),
        "suppressed": serializers.BooleanField(),
        "notes": serializers.ListField(child=serializers.CharField()),
        "baseline": serializers.DictField(allow_null=True),
        "representation_reason": serializers.CharField(),
        "rows": ROW,
        "totals": inline_serializer(
            "EngagementTotals",
            {
                "unique_people": serializers.IntegerField(allow_null=True),
                "attendance": serializers.IntegerField(allow_null=True),
            },
        ),
    },
)


def _parse(request: Request, *extra: str) -> MetricsFilterForm:
    form = MetricsFilterForm(request.query_params)
    refuse_unknown_parameters(request, [*form.fields, *extra])
    refuse_malformed_booleans(request, ["external"])
    if not form.is_valid():
        raise ValidationError(
            {
                field: [error["message"] for error in errors]
                for field, errors in form.errors.get_json_data().items()
            }
        )
    return form


class MetricsViewSet(viewsets.ViewSet):
    """Counts for dashboards and BI tools. Needs crm.view_dashboard."""

    required_permissions = ("crm.view_dashboard",)

    def get_permissions(self) -> list[Any]:
        from crm.permissions import HasPermission

        return [HasPermission()]

    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            METHOD_PARAMETER,
            _param(
                "by",
                "Break down by (default race_ethnicity).",
                enum=list(metrics.DIMENSIONS),
            ),
            _param(
                "baseline",
                "Population baseline id for representation.",
                type=OpenApiTypes.INT,
            ),
        ],
        responses=ENGAGEMENT,
    )
    @action(detail=False, methods=["get"])
    def engagement(self, request: Request) -> Response:
        """Unique people and attendance per group, with totals, the method used,
        baseline share and representation index when a baseline is given."""
        form = _parse(request)
        data = form.cleaned_data
        f = form.to_filters()
        table = engagement_table(
            f,
            data["by"],
            data["method"],
            baseline=data.get("baseline"),
            external=bool(data.get("external")),
        )
        return Response(table_payload(table, f))

    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            METHOD_PARAMETER,
            _param("baseline", "Population baseline id.", type=OpenApiTypes.INT),
        ],
        responses=ENGAGEMENT,
    )
    @action(detail=False, methods=["get"])
    def representation(self, request: Request) -> Response:
        """Race/ethnicity engagement against a baseline (baseline required)."""
        form = _parse(request)
        data = form.cleaned_data
        if not data.get("baseline"):
            raise ValidationError({"baseline": ["Choose a population baseline."]})
        f = form.to_filters()
        table = engagement_table(
            f,
            "race_ethnicity",
            data["method"],
            baseline=data["baseline"],
            external=bool(data.get("external")),
        )
        return Response(table_payload(table, f))

    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            METHOD_PARAMETER,
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["get"])
    def ladder(self, request: Request) -> Response:
        """The engagement ladder as of the period's last day: per rung, per rung
        by community, and movement since the period's first day."""
        form = _parse(request)
        data = form.cleaned_data
        f = form.to_filters()
        external = bool(data.get("external"))
        snapshot = metrics.ladder_snapshot(
            f.end, county=f.county, community=f.community
        )
        by = metrics.ladder_by_community(f.end, method=data["method"], county=f.county)
        movement = metrics.ladder_movement(
            f.start, f.end, county=f.county, community=f.community
        )
        rungs = snapshot.rows()
        matrix: list[list[int | None]] = [list(r) for r in by.matrix()]
        moves = movement.rows()
        if external:
            hidden = suppress_matrix([[r["people"]] for r in rungs], rows_add_up=False)
            for row, flags in zip(rungs, hidden, strict=True):
                row["people"] = None if flags[0] else row["people"]
            cells = suppress_matrix(by.matrix())
            matrix = [
                [None if h else v for v, h in zip(r, hr, strict=True)]
                for r, hr in zip(by.matrix(), cells, strict=True)
            ]
            limit = metrics.threshold()
            for move in moves:
                if is_small(move["people"], limit):
                    move["people"] = None
        return Response(
            {
                "on": f.end.isoformat(),
                "since": f.start.isoformat(),
                "window_months": metrics.ladder.window_months(),
                "external": external,
                "rungs": rungs,
                "by_community": {
                    "method": by.method,
                    "rungs": list(metrics.RUNGS),
                    "rows": [
                        {"group": key, "label": str(label), "people": counts}
                        for (key, label), counts in zip(
                            by.communities, matrix, strict=True
                        )
                    ],
                },
                "movement": moves,
            }
        )

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"], url_path="grant-progress")
    def grant_progress(self, request: Request) -> Response:
        """Every grant target's progress today and whether it is on track."""
        refuse_unknown_parameters(request, ())
        today = timezone.localdate()
        grants = metrics.grants_for_progress()
        progress = metrics.grant_progress(grants, today)
        by_grant: dict[int, list[dict[str, Any]]] = {}
        for item in progress:
            by_grant.setdefault(item.grant_id, []).append(item.as_dict())
        return Response(
            {
                "today": today.isoformat(),
                "grants": [
                    {
                        "id": grant.pk,
                        "funder": grant.funder,
                        "name": grant.name,
                        "starts_on": grant.starts_on.isoformat(),
                        "ends_on": grant.ends_on.isoformat(),
                        "targets": by_grant.get(grant.pk, []),
                    }
                    for grant in grants
                ],
            }
        )


class PopulationBaselineViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Population baselines with their figures; create one as an import does.

    Baselines are not edited: import a corrected one and compare against it.
    """

    serializer_class = PopulationBaselineSerializer
    permission_classes = [RolePermissions]
    filterset_fields = ["level", "method", "year"]
    ordering_fields = ["year", "name", "id"]
    queryset = PopulationBaseline.objects.none()

    def get_queryset(self) -> QuerySet[PopulationBaseline]:
        return PopulationBaseline.objects.latest_first().prefetch_related("figures")


class GrantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Grants with their programs and targets, written as the Grants screen does;
    progress is at `/metrics/grant-progress/`. Grants are not deleted here, as on
    the screen."""

    serializer_class = GrantSerializer
    permission_classes = [RolePermissions]
    ordering_fields = ["ends_on", "starts_on", "name", "id"]
    queryset = Grant.objects.none()

    def get_queryset(self) -> QuerySet[Grant]:
        return Grant.objects.order_by("-ends_on", "name", "id").prefetch_related(
            "programs", "targets__county", "targets__community"
        )


def register(router: BaseRouter) -> None:
    router.register("baselines", PopulationBaselineViewSet, basename="baseline")
    router.register("grants", GrantViewSet, basename="grant")
    router.register("metrics", MetricsViewSet, basename="metrics")
    router.register("reports", GrantWorkbookViewSet, basename="reports")
