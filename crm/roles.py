"""The roles and what each may do: the permission matrix, defined once in code.

Roles are Django groups. `sync_roles()` (run after every migrate and by
`manage.py sync_roles`) makes each group hold exactly the permissions listed here,
so the README's matrix, the tests and the database never drift apart.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q


class Role:
    ORGANIZER = "Organizer"
    LEADERSHIP = "Leadership"
    DATA_STAFF = "Data staff"
    ADMINISTRATOR = "Administrator"

    ALL = (ORGANIZER, LEADERSHIP, DATA_STAFF, ADMINISTRATOR)


def _crud(app: str, model: str, *actions: str) -> set[str]:
    return {f"{app}.{action}_{model}" for action in actions}


_VIEW = ("view",)
_WRITE = ("view", "add", "change")
_ALL = ("view", "add", "change", "delete")

# Reading people and organizations: every role.
_READ_PEOPLE = (
    _crud("contacts", "contact", *_VIEW)
    | _crud("contacts", "organization", *_VIEW)
    | _crud("contacts", "affiliation", *_VIEW)
    | _crud("contacts", "relationship", *_VIEW)
    | _crud("contacts", "tag", *_VIEW)
    | _crud("contacts", "raceethnicitycategory", *_VIEW)
    | _crud("contacts", "raceethnicitygroup", *_VIEW)
    | _crud("crm", "program", *_VIEW)
    | _crud("crm", "topic", *_VIEW)
    | _crud("crm", "county", *_VIEW)
    | _crud("crm", "language", *_VIEW)
)

_WRITE_PEOPLE = (
    _crud("contacts", "contact", *_WRITE)
    | _crud("contacts", "organization", *_WRITE)
    | _crud("contacts", "affiliation", *_ALL)
    | _crud("contacts", "relationship", *_ALL)
    | _crud("contacts", "tag", *_WRITE)
)

_READ_EVENTS = (
    _crud("events", "event", *_VIEW)
    | _crud("events", "attendance", *_VIEW)
    | _crud("events", "outreach", *_VIEW)
    | _crud("events", "followup", *_VIEW)
    | _crud("events", "comment", *_VIEW)
)

# Organizers run their own events and log their own work; editing another
# organizer's event needs events.change_any_event.
_RUN_EVENTS = (
    _crud("events", "event", *_WRITE)
    | _crud("events", "attendance", *_WRITE)
    | _crud("events", "outreach", *_WRITE)
    | _crud("events", "followup", *_WRITE)
    | _crud("events", "comment", *_WRITE)
)

_MANAGE_EVENTS = (
    _RUN_EVENTS
    | _crud("events", "event", "delete", "change_any")
    | _crud("events", "attendance", "delete")
    | _crud("events", "outreach", "delete")
    | _crud("events", "followup", "delete")
    | _crud("events", "comment", "delete")
)

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.ORGANIZER: _READ_PEOPLE | _WRITE_PEOPLE | _RUN_EVENTS | {"crm.view_dashboard"},
    Role.LEADERSHIP: _READ_PEOPLE
    | _READ_EVENTS
    | {"crm.view_dashboard", "crm.export_reports"}
    | _crud("crm", "program", *_WRITE)
    | _crud("crm", "topic", *_WRITE),
    Role.DATA_STAFF: _READ_PEOPLE
    | _WRITE_PEOPLE
    | _MANAGE_EVENTS
    | _crud("contacts", "contact", "archive")
    | _crud("contacts", "organization", "archive")
    | _crud("crm", "program", *_WRITE)
    | _crud("crm", "topic", *_WRITE)
    | {
        "crm.view_dashboard",
        "crm.export_reports",
        "crm.export_personal_data",
        "crm.import_data",
        "crm.merge_contacts",
        "crm.view_self_identification",
        "crm.view_audit_log",
    },
}

# Measures: Leadership manages grants; Data staff manage baselines and grants.
_MANAGE_GRANTS = _crud("reports", "grant", *_ALL) | _crud(
    "reports", "granttarget", *_ALL
)
_READ_BASELINES = _crud("reports", "populationbaseline", *_VIEW) | _crud(
    "reports", "baselinefigure", *_VIEW
)
_MANAGE_BASELINES = _crud("reports", "populationbaseline", *_ALL) | _crud(
    "reports", "baselinefigure", *_ALL
)
ROLE_PERMISSIONS[Role.LEADERSHIP] |= _MANAGE_GRANTS | _READ_BASELINES
ROLE_PERMISSIONS[Role.DATA_STAFF] |= _MANAGE_GRANTS | _MANAGE_BASELINES

# Imports, duplicate review and merges (the views also check crm.import_data,
# crm.merge_contacts and crm.export_personal_data).
_DATA_WORK = (
    _crud("contacts", "importbatch", *_WRITE)
    | _crud("contacts", "importrow", *_VIEW)
    | _crud("contacts", "columnmapping", *_ALL)
    | _crud("contacts", "duplicatedismissal", *_WRITE)
    | _crud("contacts", "mergerecord", *_VIEW)
)
ROLE_PERMISSIONS[Role.DATA_STAFF] |= _DATA_WORK

# Administrators hold every permission of the product's apps, plus user management.
ADMIN_APPS = (
    "crm",
    "contacts",
    "events",
    "reports",
    "authtoken",
    "django_tasks_database",
)
ADMIN_EXTRA = _crud("auth", "group", *_ALL)

# Roles whose members may open Django's admin site (it still checks each permission).
STAFF_ROLES = (Role.DATA_STAFF, Role.ADMINISTRATOR)


def _lookup(codes: set[str]) -> list[Permission]:
    query = Q()
    for code in codes:
        app_label, codename = code.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    found_codes = {f"{p.content_type.app_label}.{p.codename}" for p in found}
    missing = codes - found_codes
    if missing:
        raise LookupError(f"Unknown permissions in the role matrix: {sorted(missing)}")
    return found


def role_permissions(role: str) -> set[str]:
    """The permission codes a role holds, as 'app_label.codename'."""
    if role == Role.ADMINISTRATOR:
        perms = set(
            Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
            .values_list("content_type__app_label", "codename")
            .iterator()
        )
        return (
            {f"{app}.{code}" for app, code in perms}
            | ADMIN_EXTRA
            | _crud("crm", "user", *_ALL)
        )
    return set(ROLE_PERMISSIONS[role])


@transaction.atomic
def sync_roles() -> dict[str, int]:
    """Make each role group hold exactly the matrix's permissions."""
    counts = {}
    for role in Role.ALL:
        group, _ = Group.objects.get_or_create(name=role)
        perms = _lookup(role_permissions(role))
        group.permissions.set(perms)
        counts[role] = len(perms)
    return counts


def sync_roles_after_migrate(**kwargs: Any) -> None:
    # Only once the whole project is migrated can every permission be found.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    using = kwargs.get("using", "default")
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles()
