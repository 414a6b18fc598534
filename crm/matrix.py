"""The permission matrix as people read it: what each role may do, per area.

Built from crm.roles at run time, so the README's table cannot drift from the code
(a test compares them).
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.roles import Role, role_permissions


@dataclass(frozen=True, slots=True)
class Capability:
    area: str
    action: str
    permissions: tuple[str, ...]


CAPABILITIES = (
    Capability("People and organizations", "view", ("contacts.view_contact",)),
    Capability(
        "People and organizations",
        "add and change",
        ("contacts.add_contact", "contacts.change_contact"),
    ),
    Capability(
        "People and organizations", "archive and restore", ("contacts.archive_contact",)
    ),
    Capability(
        "Self-identification of a person",
        "view and change",
        ("crm.view_self_identification",),
    ),
    Capability("Events and attendance", "view", ("events.view_event",)),
    Capability(
        "Events and attendance",
        "run own events, check in, log outreach and follow-ups",
        ("events.add_event", "events.add_attendance", "events.add_outreach"),
    ),
    Capability(
        "Events and attendance", "edit others' events", ("events.change_any_event",)
    ),
    Capability("Events and attendance", "delete records", ("events.delete_event",)),
    Capability("Programs and topics", "change", ("crm.change_program",)),
    Capability("Dashboards and metrics", "view", ("crm.view_dashboard",)),
    Capability("Reports", "export aggregate reports", ("crm.export_reports",)),
    Capability("Personal data", "export", ("crm.export_personal_data",)),
    Capability("Spreadsheets", "import", ("crm.import_data",)),
    Capability("Duplicates", "review and merge", ("crm.merge_contacts",)),
    Capability("Change history", "view", ("crm.view_audit_log",)),
    Capability("Personal data", "erase on request", ("crm.erase_personal_data",)),
    Capability(
        "Administration",
        "users, roles, taxonomy",
        ("crm.add_user", "contacts.change_raceethnicitygroup"),
    ),
)


def role_can(role: str, capability: Capability) -> bool:
    held = role_permissions(role)
    return all(perm in held for perm in capability.permissions)


def matrix_markdown() -> str:
    header = "| area | action | " + " | ".join(Role.ALL) + " |"
    rule = "|---|---|" + "---|" * len(Role.ALL)
    lines = [header, rule]
    for cap in CAPABILITIES:
        cells = ["yes" if role_can(role, cap) else "no" for role in Role.ALL]
        lines.append(f"| {cap.area} | {cap.action} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
