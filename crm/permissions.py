"""Role permissions for the API: every method needs the model permission, reads too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import permissions

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class RolePermissions(permissions.DjangoModelPermissions):
    """Like DRF's model permissions, but reading needs the `view` permission too."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }


class HasPermission(permissions.BasePermission):
    """For views without a model queryset: `required_permissions` on the view."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user: Any = request.user
        if not (user and user.is_authenticated):
            return False
        required = getattr(view, "required_permissions", ())
        return bool(user.has_perms(required))
