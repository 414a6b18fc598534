"""The language switcher changes the screens and remembers the choice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from crm.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import EventFactory, UserFactory


def test_an_organizer_switches_to_spanish_and_it_is_remembered(browsing, axe_check):
    UserFactory(username="rosa", first_name="Rosa", role=Role.ORGANIZER)
    page = browsing.page()
    log_in(page, "rosa")
    expect(page.get_by_role("heading", name="Welcome, Rosa")).to_be_visible()

    page.get_by_label("Language").select_option("es")
    expect(page.get_by_role("heading", name="Bienvenido/a, Rosa")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    axe_check(page)

    page.get_by_role("link", name="Personas", exact=True).first.click()
    expect(page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()
    axe_check(page)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["django_language"] == "es"

    page.get_by_role("button", name="Cerrar sesión").click()
    log_in(page, "rosa")
    expect(page.get_by_role("heading", name="Bienvenido/a, Rosa")).to_be_visible()


@pytest.mark.parametrize("language", ["vi", "ru", "uk", "so", "zh-hans"])
def test_the_public_form_is_accessible_in_every_language(browsing, axe_check, language):
    start = timezone.now() - timedelta(minutes=10)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    page = browsing.page(phone=True)
    page.goto(f"/s/{event.signin_token}/?lang={language}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    axe_check(page)
    page.locator("button[type=submit]").tap()  # empty: the errors must be announced
    expect(page.get_by_role("alert").first).to_be_attached()
    axe_check(page)
