"""Every route, as every role and as an anonymous visitor, against the matrix.

The routes come from the URL resolver, so a new page or API route is swept
automatically; until it has a line in PAGES or API below, its test fails and says
so. What each role may do comes from crm.roles (the matrix the README prints):
a route lists the permissions it needs, and a role is expected in exactly when it
holds all of them.

Expected answers: a role holding the permissions gets through (no 401/403, no
login redirect, never a 5xx); a signed-in role without them gets 403; an
anonymous visitor is sent to the login page (pages) or gets 401/403 (API).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from crm.roles import STAFF_ROLES, Role, role_permissions
from tests.factories import UserFactory
from tests.trust.routes import BUILDERS, Route, all_routes

PUBLIC: tuple[str, ...] | None = None  # anyone, anonymous included
SIGNED_IN: tuple[str, ...] = ()  # any signed-in user


@dataclass(frozen=True)
class Page:
    perms: tuple[str, ...] | None
    method: str = "GET"
    obj: str | None = None
    # Logging out lands on the login page: that is success, not refusal.
    lands_on_login: bool = False


@dataclass(frozen=True)
class Api:
    perms: dict[str, tuple[str, ...] | None]
    obj: str | None = None


def P(*perms: str, method: str = "GET", obj: str | None = None) -> Page:
    return Page(tuple(perms), method, obj)


CHANGE_EVENT = ("events.change_event", "events.change_any_event")

# Pages: what each needs. Events organized by someone else need change_any_event
# (the sweep's events are organized by no one).
PAGES: dict[str, Page] = {
    "home": P(),
    "login": Page(PUBLIC),
    "logout": Page(PUBLIC, "POST", lands_on_login=True),
    "password_change": P(),
    "password_change_done": P(),
    "password_reset": Page(PUBLIC),
    "password_reset_done": Page(PUBLIC),
    "password_reset_confirm": Page(PUBLIC, obj="reset link"),
    "password_reset_complete": Page(PUBLIC),
    "set_language": Page(PUBLIC, "POST"),
    # People and organizations
    "contacts:contact-list": P("contacts.view_contact"),
    "contacts:contact-create": P("contacts.add_contact"),
    "contacts:contact-detail": P("contacts.view_contact", obj="contact"),
    "contacts:contact-edit": P("contacts.change_contact", obj="contact"),
    "contacts:contact-archive": P(
        "contacts.archive_contact", method="POST", obj="contact"
    ),
    "contacts:contact-restore": P(
        "contacts.archive_contact", method="POST", obj="contact"
    ),
    "contacts:affiliation-create": P(
        "contacts.add_affiliation", method="POST", obj="contact"
    ),
    "contacts:affiliation-end": P(
        "contacts.change_affiliation", method="POST", obj="affiliation"
    ),
    "contacts:relationship-create": P(
        "contacts.add_relationship", method="POST", obj="contact"
    ),
    "contacts:organization-list": P("contacts.view_organization"),
    "contacts:organization-create": P("contacts.add_organization"),
    "contacts:organization-detail": P("contacts.view_organization", obj="organization"),
    "contacts:organization-edit": P("contacts.change_organization", obj="organization"),
    "contacts:organization-archive": P(
        "contacts.archive_organization", method="POST", obj="organization"
    ),
    # Imports, duplicates, exports
    "data:import-list": P("crm.import_data"),
    "data:import-detail": P("crm.import_data", obj="import"),
    "data:import-progress": P("crm.import_data", obj="import"),
    "data:import-mapping": P("crm.import_data", method="POST", obj="import"),
    "data:import-commit": P("crm.import_data", method="POST", obj="import"),
    "data:import-undo": P("crm.import_data", method="POST", obj="import"),
    "data:duplicate-list": P("crm.merge_contacts"),
    "data:merge": P("crm.merge_contacts", obj="pair"),
    "data:dismiss": P("crm.merge_contacts", method="POST", obj="pair"),
    "data:contact-export": P("contacts.view_contact", "crm.export_personal_data"),
    "event_data:attendance-import": P(
        "crm.import_data", "events.add_attendance", obj="event"
    ),
    "event_data:event-export": P(
        "events.view_event", "crm.export_personal_data", obj="event export"
    ),
    # Trust: history, audit log, privacy
    "trust:audit-log": P("crm.view_audit_log"),
    "trust:history": P(
        "crm.view_audit_log", "contacts.view_contact", obj="contact history"
    ),
    "trust:access-report": P("crm.export_personal_data", obj="contact"),
    "trust:erase": P("crm.erase_personal_data", obj="contact"),
    # Events
    "events:event-list": P("events.view_event"),
    "events:event-create": P("events.add_event"),
    "events:event-detail": P("events.view_event", obj="event"),
    "events:event-edit": P(*CHANGE_EVENT, obj="event"),
    "events:event-cancel": P(*CHANGE_EVENT, method="POST", obj="event"),
    "events:event-reset-link": P(*CHANGE_EVENT, method="POST", obj="event"),
    "events:event-roster": P("events.view_attendance", obj="event"),
    "events:event-signin-sheet": P("events.view_event", obj="event"),
    "events:event-qr": P("events.view_event", obj="event qr"),
    "events:checkin": P("events.add_attendance", obj="event"),
    "events:checkin-search": P("events.add_attendance", obj="event"),
    "events:checkin-mark": P("events.add_attendance", method="POST", obj="event"),
    "events:checkin-walk-in": P(
        "events.add_attendance", "contacts.add_contact", method="POST", obj="event"
    ),
    "events:attendance-remove": P(
        "events.delete_attendance", method="POST", obj="attendance"
    ),
    "events:attendance-pending": P(
        "events.change_attendance", "contacts.change_contact"
    ),
    "events:attendance-review": P(
        "events.change_attendance",
        "contacts.change_contact",
        obj="pending attendance",
    ),
    "events:event-comments": P("events.view_comment", obj="event"),
    "events:event-summary": P(*CHANGE_EVENT, method="POST", obj="event"),
    "events:theme-tally": P("events.view_comment"),
    "events:outreach-list": P("events.view_outreach"),
    "events:outreach-create": P("events.add_outreach"),
    "events:outreach-bulk": P("events.add_outreach", "contacts.view_contact"),
    "events:person-search": P("contacts.view_contact"),
    "events:followup-list": P("events.view_followup"),
    "events:followup-create": P("events.add_followup"),
    "events:followup-close": P("events.change_followup", method="POST", obj="followup"),
    "events:program-list": P("crm.view_program"),
    "events:program-create": P("crm.add_program"),
    "events:program-edit": P("crm.change_program", obj="program"),
    "events:program-archive": P("crm.change_program", method="POST", obj="program"),
    "events:topic-list": P("crm.view_topic"),
    "events:topic-create": P("crm.add_topic"),
    "events:topic-edit": P("crm.change_topic", obj="topic"),
    "events:topic-archive": P("crm.change_topic", method="POST", obj="topic"),
    "public-signin": Page(PUBLIC, obj="signin token"),
    "public-signin-thanks": Page(PUBLIC, obj="signin token"),
    # Reports
    "reports:dashboard": P("crm.view_dashboard"),
    "reports:baseline-list": P("reports.view_populationbaseline"),
    "reports:baseline-import": P("reports.add_populationbaseline"),
    "reports:baseline-confirm": P("reports.add_populationbaseline", method="POST"),
    "reports:baseline-detail": P("reports.view_populationbaseline", obj="baseline"),
    "reports:grant-list": P("reports.view_grant"),
    "reports:grant-create": P("reports.add_grant"),
    "reports:grant-detail": P("reports.view_grant", obj="grant"),
    "reports:grant-edit": P("reports.change_grant", obj="grant"),
    "reports:grant-workbook": P("crm.export_reports"),
    # API documentation: for signed-in users only (DRF views: 401/403 otherwise).
    "api-schema": P(),
    "api-docs": P(),
    "api-redoc": P(),
}


def crud(app: str, model: str, *, obj: str | None = None, delete: bool = True) -> Api:
    """The standard model permissions of a viewset route (list, or detail if obj)."""
    view = (f"{app}.view_{model}",)
    if obj is None:
        return Api({"get": view, "post": (f"{app}.add_{model}",)})
    change = (f"{app}.change_{model}",)
    perms: dict[str, tuple[str, ...] | None] = {
        "get": view,
        "put": change,
        "patch": change,
    }
    if delete:
        perms["delete"] = (f"{app}.delete_{model}",)
    return Api(perms, obj)


API: dict[str, Api] = {
    "api-root": Api({"get": SIGNED_IN}),
    "contact-list": crud("contacts", "contact"),
    "contact-detail": crud("contacts", "contact", obj="contact", delete=False),
    "contact-archive": Api({"post": ("contacts.archive_contact",)}, "contact"),
    "contact-restore": Api({"post": ("contacts.archive_contact",)}, "contact"),
    "organization-list": crud("contacts", "organization"),
    "organization-detail": crud(
        "contacts", "organization", obj="organization", delete=False
    ),
    "affiliation-list": crud("contacts", "affiliation"),
    "affiliation-detail": crud("contacts", "affiliation", obj="affiliation"),
    "relationship-list": crud("contacts", "relationship"),
    "relationship-detail": crud("contacts", "relationship", obj="relationship"),
    "race-category-list": Api({"get": ("contacts.view_raceethnicitycategory",)}),
    "race-category-detail": Api(
        {"get": ("contacts.view_raceethnicitycategory",)}, "race category"
    ),
    "race-group-list": Api({"get": ("contacts.view_raceethnicitygroup",)}),
    "race-group-detail": Api(
        {"get": ("contacts.view_raceethnicitygroup",)}, "race group"
    ),
    "event-list": crud("events", "event"),
    "event-detail": Api(
        {
            "get": ("events.view_event",),
            "put": CHANGE_EVENT,
            "patch": CHANGE_EVENT,
            "delete": ("events.delete_event",),
        },
        "event",
    ),
    "attendance-list": crud("events", "attendance"),
    "attendance-detail": crud("events", "attendance", obj="attendance"),
    "outreach-list": crud("events", "outreach"),
    "outreach-detail": crud("events", "outreach", obj="outreach"),
    "followup-list": crud("events", "followup"),
    "followup-detail": crud("events", "followup", obj="followup"),
    "comment-list": crud("events", "comment"),
    "comment-detail": crud("events", "comment", obj="comment"),
    "program-list": crud("crm", "program"),
    "program-detail": crud("crm", "program", obj="program", delete=False),
    "topic-list": crud("crm", "topic"),
    "topic-detail": crud("crm", "topic", obj="topic", delete=False),
    "metrics-engagement": Api({"get": ("crm.view_dashboard",)}),
    "metrics-representation": Api({"get": ("crm.view_dashboard",)}),
    "metrics-ladder": Api({"get": ("crm.view_dashboard",)}),
    "metrics-grant-progress": Api({"get": ("crm.view_dashboard",)}),
    "reports-grant-workbook": Api({"get": ("crm.export_reports",)}),
    "baseline-list": crud("reports", "populationbaseline"),
    "baseline-detail": Api({"get": ("reports.view_populationbaseline",)}, "baseline"),
    "grant-list": crud("reports", "grant"),
    "grant-detail": crud("reports", "grant", obj="grant", delete=False),
}

# Django's admin has its own gate (staff flag, then each model permission);
# test_admin_site_is_closed_to_non_staff_roles covers it.
ADMIN_PREFIX = "admin:"

# Known failures in code this suite does not own: (route, METHOD, role) -> reason.
# Strict: once fixed, the sweep fails until the entry is removed.
KNOWN_FAILURES: dict[tuple[str, str, str | None], str] = {}

ROLES: list[str | None] = [*Role.ALL, None]
ROUTES = [r for r in all_routes() if not r.name.startswith(ADMIN_PREFIX)]


def _login_redirect(response: object) -> bool:
    location = getattr(response, "headers", {}).get("Location", "")
    return getattr(response, "status_code", 0) == 302 and location.startswith(
        reverse("login")
    )


def _client(role: str | None) -> Client:
    client = Client()
    if role is not None:
        user = UserFactory(role=role, is_staff=role in STAFF_ROLES)
        client.force_login(user)
    return client


def _send(client: Client, method: str, url: str, is_api: bool) -> object:
    call = getattr(client, method.lower())
    if is_api and method.lower() in ("post", "put", "patch"):
        return call(url, {}, content_type="application/json")
    if method.lower() == "post":
        return call(url, {})
    return call(url)


def _verdict(
    response: object,
    *,
    expected_in: bool,
    role: str | None,
    is_api: bool,
    lands_on_login: bool = False,
) -> str | None:
    status = getattr(response, "status_code", 0)
    if status >= 500:
        return f"server error {status}"
    if expected_in and lands_on_login and _login_redirect(response):
        return None
    if expected_in:
        if status in (401, 403) or _login_redirect(response):
            return f"expected to get through, got {status}"
        if status == 404:
            return "expected to get through, got 404 (check the object builder)"
        return None
    if role is None:
        if is_api:
            return None if status in (401, 403) else f"expected 401/403, got {status}"
        return None if _login_redirect(response) else f"expected login, got {status}"
    return None if status == 403 else f"expected 403, got {status}"


def _checks(
    route: Route,
) -> list[tuple[str, tuple[str, ...] | None, str | None, bool]]:
    """(method, permissions needed, object builder, lands on login) per call."""
    if route.name in PAGES:
        page = PAGES[route.name]
        return [(page.method, page.perms, page.obj, page.lands_on_login)]
    api = API[route.name]
    methods = [method for method, _action in route.actions or ()] or list(api.perms)
    missing = [m for m in methods if m not in api.perms]
    assert not missing, (
        f"{route.name}: add methods {missing} to its entry in API "
        "(tests/trust/test_permission_sweep.py)"
    )
    return [(method, api.perms[method], api.obj, False) for method in methods]


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
@pytest.mark.django_db
def test_every_route_answers_each_role_as_the_permission_matrix_says(route):
    table = "API" if route.is_api else "PAGES"
    assert route.name in PAGES or route.name in API, (
        f"New route {route.name!r} ({route.pattern}) is not in the permission sweep: "
        f"add it to {table} in tests/trust/test_permission_sweep.py with the "
        "permissions it needs (from crm/roles.py)."
    )
    problems = []
    for method, perms, obj, lands_on_login in _checks(route):
        for role in ROLES:
            held = role_permissions(role) if role else set()
            expected_in = perms is None or (role is not None and set(perms) <= held)
            kwargs = BUILDERS[obj]() if obj else {}
            url = reverse(route.name, kwargs=kwargs)
            response = _send(_client(role), method, url, route.is_api)
            verdict = _verdict(
                response,
                expected_in=expected_in,
                role=role,
                is_api=route.is_api,
                lands_on_login=lands_on_login,
            )
            who = role or "anonymous"
            known = KNOWN_FAILURES.get((route.name, method.upper(), role))
            if known and not verdict:
                problems.append(
                    f"{method.upper()} {url} as {who} now answers as the matrix says: "
                    "remove it from KNOWN_FAILURES"
                )
            elif verdict and not known:
                problems.append(f"{method.upper()} {url} as {who}: {verdict}")
    assert not problems, "\n".join(problems)


def test_the_sweep_tables_name_only_routes_that_exist():
    names = {route.name for route in all_routes()}
    known = {route for route, _method, _role in KNOWN_FAILURES}
    stale = sorted((set(PAGES) | set(API) | known) - names)
    assert not stale, f"Remove these from the permission sweep tables: {stale}"


@pytest.mark.django_db
def test_every_permission_in_the_tables_exists():
    from django.contrib.auth.models import Permission

    named = {perm for entry in PAGES.values() for perm in entry.perms or ()} | {
        perm
        for entry in API.values()
        for perms in entry.perms.values()
        for perm in perms or ()
    }
    existing = {
        f"{app}.{code}"
        for app, code in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert named <= existing, sorted(named - existing)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.django_db
def test_admin_site_is_closed_to_non_staff_roles(role):
    client = _client(role)
    index = client.get(reverse("admin:index"))
    people = client.get(reverse("admin:contacts_contact_changelist"))
    if role in STAFF_ROLES:
        assert index.status_code == 200
        assert people.status_code == 200
    else:
        for response in (index, people):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
