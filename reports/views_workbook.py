"""Downloading the grant report workbook: the page and the API endpoint.

Both need crm.export_reports (the workbook holds aggregates only, in either
variant), parse their input with GrantWorkbookForm and call
export_grant_workbook, which records the export in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from crm.permissions import HasPermission
from reports.workbook import (
    XLSX_CONTENT_TYPE,
    GrantWorkbookForm,
    WorkbookRequest,
    export_grant_workbook,
)

QUERY_FIELDS = ("start", "end", "grant", "external")


def workbook_response(request: WorkbookRequest, handle: Any) -> FileResponse:
    return FileResponse(
        handle,
        as_attachment=True,
        filename=request.filename(),
        content_type=XLSX_CONTENT_TYPE,
    )


def default_period(today: dt.date) -> dict[str, dt.date]:
    """The page's first suggestion: the year so far."""
    return {"start": dt.date(today.year, 1, 1), "end": today}


@login_required
@permission_required("crm.export_reports", raise_exception=True)
def grant_workbook(request: HttpRequest) -> HttpResponseBase:
    """The download form; with a period in the query, the workbook itself."""
    if not any(name in request.GET for name in QUERY_FIELDS):
        form = GrantWorkbookForm(initial=default_period(timezone.localdate()))
        return render(request, "reports/workbook.html", {"form": form})
    form = GrantWorkbookForm(request.GET)
    if not form.is_valid():
        response: HttpResponse = render(
            request, "reports/workbook.html", {"form": form}, status=400
        )
        return response
    wanted = form.to_request()
    handle = export_grant_workbook(request=wanted, actor=request.user, channel="web")
    return workbook_response(wanted, handle)


class XlsxRenderer(renderers.BaseRenderer):
    """Lets clients ask for the workbook by its media type; errors stay JSON."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        # Only error bodies reach a renderer (the workbook is a FileResponse).
        return renderers.JSONRenderer().render(data)


def _param(name: str, kind: Any, description: str, **kwargs: Any) -> OpenApiParameter:
    return OpenApiParameter(
        name, kind, OpenApiParameter.QUERY, description=description, **kwargs
    )


class GrantWorkbookViewSet(viewsets.ViewSet):
    """Report downloads. Needs crm.export_reports."""

    required_permissions = ("crm.export_reports",)
    permission_classes = [HasPermission]
    renderer_classes = [renderers.JSONRenderer, XlsxRenderer]

    @extend_schema(
        operation_id="reports_grant_workbook",
        summary="Grant report workbook (.xlsx)",
        description=(
            "The grant report workbook for a period and optionally a grant: "
            "Summary, Race and ethnicity (single category and alone or in "
            "combination), County, Language, Events, Technical assistance, "
            "Targets and progress, Definitions and notes. Aggregates only, no "
            "personal data. external=true hides counts from 1 to 9 (the "
            "suppression threshold minus one) for sharing outside the "
            "organisation. Each download is recorded in the audit log."
        ),
        parameters=[
            _param(
                "start",
                OpenApiTypes.DATE,
                "First day of the period (YYYY-MM-DD).",
                required=True,
            ),
            _param(
                "end",
                OpenApiTypes.DATE,
                "Last day of the period (YYYY-MM-DD), on or after start.",
                required=True,
            ),
            _param(
                "grant",
                OpenApiTypes.INT,
                "Grant id: count only its programs and show its targets.",
            ),
            _param(
                "external",
                OpenApiTypes.BOOL,
                "true for the external variant (small numbers suppressed).",
            ),
        ],
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The workbook."
            ),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="A parameter is not valid; error.fields names it.",
            ),
            403: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Needs crm.export_reports."
            ),
        },
    )
    @action(detail=False, methods=["get"], url_path="grant-workbook")
    def grant_workbook(self, request: Request) -> FileResponse:
        form = GrantWorkbookForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors_by_field())
        wanted = form.to_request()
        handle = export_grant_workbook(
            request=wanted, actor=request.user, channel="api"
        )
        return workbook_response(wanted, handle)
