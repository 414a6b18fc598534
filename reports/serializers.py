"""API shapes for population baselines and grants with their targets."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from contacts.models import RaceEthnicityCategory
from crm.api import StrictInputMixin
from crm.models import County, Program
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


class GrantTargetSerializer(StrictInputMixin, serializers.ModelSerializer):
    """One target; send `id` to change one of the grant's targets, none to add one."""

    id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="A target of this grant to change; leave out to add a target.",
    )
    target = serializers.IntegerField(min_value=1, max_value=2_000_000_000)
    county = serializers.SlugRelatedField(
        slug_field="code",
        queryset=County.objects.all(),
        allow_null=True,
        required=False,
    )
    community = serializers.SlugRelatedField(
        slug_field="code",
        queryset=RaceEthnicityCategory.objects.all(),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = GrantTarget
        fields = ["id", "metric", "target", "county", "community", "event_kind"]
        extra_kwargs = {"event_kind": {"required": False}}


class GrantSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A grant, its programs and its targets, saved together as on the Grants screen.

    Sending `targets` replaces the grant's targets in that order: entries with
    the `id` of an existing target change it, entries without add one, and
    targets left out are deleted. Leave `targets` out to keep them as they are.
    """

    targets = GrantTargetSerializer(
        many=True,
        required=False,
        max_length=services.MAX_TARGETS,  # type: ignore[call-arg]
    )
    programs = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Program.objects.all(), required=False
    )

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
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        starts = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError(
                {"ends_on": [_("The grant must end on or after it starts.")]}
            )
        return attrs

    def _save(self, grant: Grant | None, data: dict[str, Any]) -> Grant:
        return services.save_grant(
            grant=grant,
            fields={k: v for k, v in data.items() if k in services.GRANT_FIELDS},
            programs=data.get("programs"),
            targets=data.get("targets"),
        )

    def create(self, validated_data: dict[str, Any]) -> Grant:
        return self._save(None, validated_data)

    def update(self, instance: Grant, validated_data: dict[str, Any]) -> Grant:
        return self._save(instance, validated_data)
