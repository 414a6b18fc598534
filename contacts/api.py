from __future__ import annotations

from collections.abc import Hashable

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.serializers import BaseSerializer

from contacts import services
from contacts.filters import ContactFilter, OrganizationFilter
from contacts.models import (
    Affiliation,
    Contact,
    Organization,
    RaceEthnicityCategory,
    RaceEthnicityGroup,
    Relationship,
)
from contacts.serializers import (
    AffiliationSerializer,
    ContactSerializer,
    OrganizationSerializer,
    RaceEthnicityCategorySerializer,
    RaceEthnicityGroupSerializer,
    RelationshipSerializer,
)
from crm.fastlist import Computed, FastListMixin
from crm.pagination import CursorPagination, FilterSetOrderingBackend
from crm.permissions import RolePermissions


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this record since you read it."
    default_code = "stale_version"


class ContactViewSet(
    FastListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People. Archive instead of delete: `POST /contacts/{id}/archive/`.

    Newest first unless `?ordering=` (the people list's sort) says otherwise.
    """

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    # The FilterSet's `ordering` is the one sort, and the cursor pages by it.
    filter_backends = [FilterSetOrderingBackend]
    pagination_class = CursorPagination
    permission_classes = [RolePermissions]
    queryset = Contact.objects.none()
    list_computed = {
        "is_archived": Computed(
            ("archived_at",), lambda row: row["archived_at"] is not None
        )
    }

    def list_plan_key(self, request: Request) -> Hashable:
        # The serializer shows self-identification by this permission alone.
        return request.user.has_perm("crm.view_self_identification")

    def get_queryset(self) -> QuerySet[Contact]:
        return Contact.objects.select_related(
            "county", "preferred_language"
        ).prefetch_related(
            "other_languages", "roles", "tags", "race_categories", "race_groups"
        )

    def perform_update(self, serializer: BaseSerializer[Contact]) -> None:
        try:
            serializer.save()
        except services.StaleEditError as exc:
            raise Conflict(
                f"{exc} Fields now stored differently: {', '.join(exc.changed_fields)}."
            ) from exc

    @extend_schema(request=None, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        if not request.user.has_perm("contacts.archive_contact"):
            self.permission_denied(request)
        contact = services.archive_contact(
            contact=self.get_object(),
            archived_by=request.user,  # type: ignore[arg-type]
        )
        return Response(self.get_serializer(contact).data)

    @extend_schema(request=None, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        if not request.user.has_perm("contacts.archive_contact"):
            self.permission_denied(request)
        contact = services.restore_contact(
            contact=self.get_object(),
            restored_by=request.user,  # type: ignore[arg-type]
        )
        return Response(self.get_serializer(contact).data)


class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    permission_classes = [RolePermissions]
    ordering_fields = ["name", "id"]
    queryset = Organization.objects.none()

    def get_queryset(self) -> QuerySet[Organization]:
        return Organization.objects.select_related("county")


class AffiliationViewSet(viewsets.ModelViewSet):
    serializer_class = AffiliationSerializer
    permission_classes = [RolePermissions]
    filterset_fields = ["contact", "organization"]
    queryset = Affiliation.objects.order_by("id")


class RelationshipViewSet(viewsets.ModelViewSet):
    serializer_class = RelationshipSerializer
    permission_classes = [RolePermissions]
    filterset_fields = ["from_contact", "to_contact", "kind"]
    queryset = Relationship.objects.order_by("id")


class RaceEthnicityCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The seven minimum categories of the 2024 federal standard."""

    serializer_class = RaceEthnicityCategorySerializer
    permission_classes = [RolePermissions]
    queryset = RaceEthnicityCategory.objects.all()
    pagination_class = None


class RaceEthnicityGroupViewSet(viewsets.ReadOnlyModelViewSet):
    """Detailed groups, each rolling up to one minimum category."""

    serializer_class = RaceEthnicityGroupSerializer
    permission_classes = [RolePermissions]
    queryset = RaceEthnicityGroup.objects.select_related("category")
    filterset_fields = ["category__code", "is_active"]


def register(router: BaseRouter) -> None:
    router.register("contacts", ContactViewSet, basename="contact")
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("affiliations", AffiliationViewSet, basename="affiliation")
    router.register("relationships", RelationshipViewSet, basename="relationship")
    router.register(
        "race-ethnicity/categories",
        RaceEthnicityCategoryViewSet,
        basename="race-category",
    )
    router.register(
        "race-ethnicity/groups", RaceEthnicityGroupViewSet, basename="race-group"
    )
