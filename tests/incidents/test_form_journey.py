"""In headless Chromium: every filter the incident list applies is in its form, where it can be seen and
dropped, and Back shows the form as it was for the list it brings back."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 300


def open_incidents(page, live_server, log_in, make_user):
    make_user("Support", username="sam")
    log_in("sam", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents").click()


def test_a_groups_filters_show_in_the_form_and_a_search_keeps_only_what_it_shows(
    page, live_server, log_in, make_user, engine
):
    open_incidents(page, live_server, log_in, make_user)
    page.get_by_label("Group by message").check()
    page.get_by_role("button", name="Search").click()
    # A group with a message (a call activity's copies of incidents have none, as on Camunda).
    page.locator("table.incident-groups tbody td a").filter(has_not_text="(no message)").first.click()

    exact = page.get_by_label(re.compile("Message is exactly"))
    version = page.get_by_label(re.compile("Process version"))
    expect(exact).to_be_checked()
    expect(version).to_be_checked()
    message, definition = exact.get_attribute("value"), version.get_attribute("value")
    page.get_by_label("Type").select_option("")
    page.get_by_label("Activity").fill("")
    page.get_by_role("button", name="Search").click()
    both = engine.count_incidents(incident_message=message, process_definition_id=definition)
    expect(page.locator("#count")).to_have_text(f"{both:,} matching")
    expect(exact).to_be_checked()  # still in force, and still shown

    exact.uncheck()
    page.get_by_role("button", name="Search").click()
    expect(page).not_to_have_url(re.compile("exact_message"))
    of_version = engine.count_incidents(process_definition_id=definition)
    assert of_version > both
    expect(page.locator("#count")).to_have_text(f"{of_version:,} matching")
    expect(exact).not_to_be_checked()


def test_back_shows_the_form_as_it_was_for_the_list_it_brings_back(
    page, live_server, log_in, make_user, engine
):
    open_incidents(page, live_server, log_in, make_user)
    box = page.get_by_label("Message contains")
    counts = {}
    for typed in ("Card", "Payout"):
        box.fill(typed)
        page.get_by_role("button", name="Search").click()
        counts[typed] = engine.count_incidents(incident_message_like=f"%{typed}%")
        expect(page.locator("#count")).to_have_text(f"{counts[typed]:,} matching")
    assert counts["Card"] != counts["Payout"]

    page.go_back()
    expect(page).to_have_url(re.compile("message=Card"))
    expect(page.locator("#count")).to_have_text(f"{counts['Card']:,} matching")
    expect(page.get_by_label("Message contains")).to_have_value("Card")
    page.go_forward()
    expect(page.get_by_label("Message contains")).to_have_value("Payout")
    expect(page.locator("#count")).to_have_text(f"{counts['Payout']:,} matching")
