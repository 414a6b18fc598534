"""An organizer on a phone logs a call in a few taps and sees it on the timeline."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from crm.roles import Role
from events.models import Outreach
from tests.e2e.conftest import log_in
from tests.factories import ContactFactory, UserFactory


def test_an_organizer_on_a_phone_logs_a_call_and_sees_it_on_the_timeline(
    browsing, axe_check
):
    organizer = UserFactory(username="rosa", first_name="Rosa", role=Role.ORGANIZER)
    person = ContactFactory(first_name="Marisol", last_name="Quintero")
    ContactFactory(first_name="Mario", last_name="Quispe")
    page = browsing.page(phone=True)

    log_in(page, "rosa")
    axe_check(page)
    page.get_by_role("link", name="Log outreach").first.tap()
    expect(page.get_by_role("heading", name="Log outreach")).to_be_visible()
    axe_check(page)

    page.get_by_label("Person: name, phone or email").fill("Quintero")
    choice = page.get_by_role("radio", name=re.compile("Marisol Quintero"))
    expect(choice).to_be_checked()  # the only match is chosen already
    page.get_by_role("radio", name="Left message").tap()
    page.get_by_role("button", name="Log it").tap()

    expect(page.get_by_role("heading", name="Marisol Quintero")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Left message")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Phone call: Left message")
    expect(timeline).to_contain_text("by Rosa")
    axe_check(page)

    outreach = Outreach.objects.get()
    assert outreach.contact == person
    assert outreach.organizer == organizer
    assert outreach.channel == Outreach.Channel.PHONE
    assert outreach.outcome == Outreach.Outcome.LEFT_MESSAGE
