"""The grant report workbook (issue 5): build it, and export it on the record.

`export_grant_workbook()` is what the download page, the API and the
`export_grant_report` command call: it builds the file and records the export
in the audit log. The numbers come from reports.metrics (see build.py).
"""

from __future__ import annotations

from typing import IO, Any

from crm.audit import record_audit_event
from crm.models import AuditEvent
from reports.workbook.build import GrantWorkbook, build_grant_workbook, sheet_titles
from reports.workbook.forms import GrantWorkbookForm, WorkbookRequest

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_grant_workbook(
    *, request: WorkbookRequest, actor: Any, channel: str
) -> IO[bytes]:
    """Build the workbook and record the export (`channel`: web, api, command)."""
    handle = build_grant_workbook(request)
    grant = request.grant
    summary = (
        f"Grant workbook ({request.variant}), "
        f"{request.start:%Y-%m-%d} to {request.end:%Y-%m-%d}"
    )
    if grant is not None:
        summary += f", grant {grant.pk}"
    record_audit_event(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=grant,
        object_type="" if grant is not None else "reports.grantworkbook",
        summary=summary,
        details={
            "report": "grant_workbook",
            "start": request.start.isoformat(),
            "end": request.end.isoformat(),
            "grant": grant.pk if grant is not None else None,
            "variant": request.variant,
            "channel": channel,
        },
    )
    return handle


__all__ = [
    "XLSX_CONTENT_TYPE",
    "GrantWorkbook",
    "GrantWorkbookForm",
    "WorkbookRequest",
    "build_grant_workbook",
    "export_grant_workbook",
    "sheet_titles",
]
