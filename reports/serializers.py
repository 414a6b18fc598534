"""API shapes for population baselines and grants with their targets."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from contacts.models import RaceEthnicityCategory
from crm.api import StrictInputMixin
from crm.models import County
from reports import services
from reports.models import (
    BaselineFigure,
    Grant,
    GrantTarget,
    PopulationBaseline,
    Tabulation,
)

MAX_FIGURES = 20000


class BaselineFigureSerializer(StrictInputMixin, serializers.ModelSerializer):
    population = serializers.IntegerField(min_value=0, max_value=2_000_000_000)

    class Meta:
        model = BaselineFigure
        fields = ["geography", "group", "population"]


class PopulationBaselineSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A baseline with its figures; created all at once, as an import is."""

    figures = BaselineFigureSerializer(many=True, max_length=MAX_FIGURES)  # type: ignore[call-arg]
    year = serializers.IntegerField(min_value=1900, max_value=2100)
    imported_by: serializers.PrimaryKeyRelatedField = (
        serializers.PrimaryKeyRelatedField(read_only=True)
    )

    class Meta:
        model = PopulationBaseline
        fields = [
            "id",
            "name",
            "source",
            "year",
            "method",
            "level",
            "notes",
            "imported_by",
            "imported_at",
            "figures",
        ]
        read_only_fields = ["imported_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        method = attrs.get("method", "")
        groups = set(RaceEthnicityCategory.objects.values_list("code", flat=True))
        groups.add(BaselineFigure.TOTAL)
        if method == Tabulation.SINGLE:
            groups.add(BaselineFigure.TWO_OR_MORE)
        seen: set[tuple[str, str]] = set()
        errors: dict[str, list[str]] = {}
        for number, figure in enumerate(attrs.get("figures", []), start=1):
            key = (figure["geography"], figure["group"])
            if figure["group"] not in groups:
                errors[f"figures row {number}"] = [
                    _("Unknown group %(group)s; use one of %(groups)s.")
                    % {"group": figure["group"], "groups": ", ".join(sorted(groups))}
                ]
            elif key in seen:
                errors[f"figures row {number}"] = [
                    _("A second figure for %(group)s in %(geography)s.")
                    % {"group": figure["group"], "geography": figure["geography"]}
                ]
            seen.add(key)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data: dict[str, Any]) -> PopulationBaseline:
        request = self.context.get("request")
        return services.import_baseline(
            user=getattr(request, "user", None), **validated_data
        )


class GrantTargetSerializer(serializers.ModelSerializer):
    county = serializers.SlugRelatedField(
        slug_field="code", queryset=County.objects.all(), allow_null=True
    )
    community = serializers.SlugRelatedField(
        slug_field="code",
        queryset=RaceEthnicityCategory.objects.all(),
        allow_null=True,
    )

    class Meta:
        model = GrantTarget
        fields = ["id", "metric", "target", "county", "community", "event_kind"]


class GrantSerializer(serializers.ModelSerializer):
    """A grant, its programs and its targets (edited on the Grants screen)."""

    targets = GrantTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id",
            "funder",
            "name",
            "starts_on",
            "ends_on",
            "programs",
            "notes",
            "created_at",
            "targets",
        ]
        read_only_fields = fields
