"""An organizer checks three people in at the door, by keyboard alone.

One is already known, one walks in, and one signs herself in on her phone through
the public link, in Spanish.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from crm.roles import Role
from events.models import Attendance
from tests.e2e.conftest import PASSWORD
from tests.factories import ContactFactory, EventFactory, UserFactory

MAX_TABS = 80


def tab_to(page, target) -> None:
    """Press Tab until the target has focus, and check the focus can be seen."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", handle):
            break
    else:
        raise AssertionError(f"Tab never reached {target}")
    outline = page.evaluate(
        "(el) => { const s = getComputedStyle(el);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }",
        handle,
    )
    visible = (outline[0] != "none" and outline[1] != "0px") or outline[2] != "none"
    assert visible, f"focus is not visible on {target}: {outline}"


def test_an_organizer_checks_in_a_known_person_a_walk_in_and_a_self_sign_in(
    browsing, axe_check
):
    UserFactory(username="rosa", first_name="Rosa", role=Role.ORGANIZER)
    known = ContactFactory(first_name="Marisol", last_name="Quintero")
    start = timezone.now() - timedelta(minutes=30)
    event = EventFactory(
        name="Family math night", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    page = browsing.page()

    page.goto("/accounts/login/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("rosa")
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    page.goto(f"/events/{event.pk}/")
    axe_check(page)
    tab_to(page, page.get_by_role("link", name="Check in", exact=True))
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Check in: Family math night")
    ).to_be_visible()
    axe_check(page)

    # The one we know: search, then the result's button.
    tab_to(page, page.get_by_label("Name, phone or email"))
    page.keyboard.type("Quint")
    found = page.get_by_role("list", name="People found")
    expect(found).to_contain_text("Marisol Quintero")
    axe_check(page)
    tab_to(page, found.get_by_role("button", name="Check in"))
    page.keyboard.press("Enter")
    roster = page.locator("#roster")
    expect(roster).to_contain_text("Roster: 1 attended")
    expect(roster).to_contain_text("Marisol Quintero")

    # The walk-in: open the form, fill it, check in.
    tab_to(page, page.get_by_text("Add someone new"))
    page.keyboard.press("Enter")
    walk_in = page.locator("form.js-walk-in")
    tab_to(page, walk_in.get_by_label("First name"))
    page.keyboard.type("Tomás")
    tab_to(page, walk_in.get_by_label("Last name"))
    page.keyboard.type("Herrera")
    tab_to(page, walk_in.get_by_label("Phone"))
    page.keyboard.type("206 555 0142")
    axe_check(page)
    tab_to(page, walk_in.get_by_role("button", name="Check in"))
    page.keyboard.press("Enter")
    expect(roster).to_contain_text("Roster: 2 attended")
    expect(roster).to_contain_text("Tomás Herrera")

    # The third signs herself in on her phone, in Spanish.
    phone = browsing.page(phone=True, locale="es-MX")
    phone.goto(f"/s/{event.signin_token}/")
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.get_by_text("Por favor, regístrese. Toma un minuto.")).to_be_visible()
    axe_check(phone)
    phone.get_by_label("Nombre").fill("Lucía")
    phone.get_by_label("Apellido").fill("Ramírez")
    phone.get_by_label("Correo electrónico").fill("lucia@example.org")
    phone.get_by_label("Código postal").fill("98118")
    phone.get_by_role("button", name="Registrarse").tap()
    expect(phone.get_by_role("status")).to_contain_text("Gracias. Ya está registrado.")
    axe_check(phone)

    page.reload()
    expect(roster).to_contain_text("Lucía Ramírez")
    expect(roster).to_contain_text("Self sign-in")
    axe_check(page)

    rows = {
        a.contact.display_name: a
        for a in Attendance.objects.filter(event=event).select_related("contact")
    }
    assert set(rows) == {"Marisol Quintero", "Tomás Herrera", "Lucía Ramírez"}
    assert rows["Marisol Quintero"].contact == known
    assert rows["Marisol Quintero"].source == Attendance.Source.STAFF
    assert rows["Tomás Herrera"].source == Attendance.Source.STAFF
    assert rows["Tomás Herrera"].contact.phone == "+12065550142"
    assert rows["Lucía Ramírez"].source == Attendance.Source.SELF_SIGN_IN
    assert rows["Lucía Ramírez"].contact.email == "lucia@example.org"
    assert all(re.fullmatch(r"attended", a.status) for a in rows.values()), [
        a.status for a in rows.values()
    ]
