"""In headless Chromium: with "Refresh by itself" on, the list and the instance page show what changed
in the engine without a reload, and keep what the person was doing: ticks, scroll, typed text."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120


@pytest.fixture
def quickly(settings):
    settings.COCKPIT_LIVE_SECONDS = 1


def _updated(page) -> str:
    return page.locator(".live-status").get_attribute("data-updated") or ""


def test_the_list_shows_a_change_made_elsewhere_and_keeps_the_ticks_and_the_scroll(
    page, live_server, log_in, make_user, engine, quickly
):
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.get_by_role("link", name="Instances").click()
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_be_visible()
    first, second = (rows.nth(n).locator('input[name="ids"]').get_attribute("value") for n in range(2))
    engine.set_instance_suspended(first, suspended=False)
    page.reload()
    expect(page.get_by_role("row", name=re.compile(first))).not_to_contain_text("suspended")

    page.get_by_label("Refresh by itself").check()
    page.get_by_role("row", name=re.compile(second)).locator('input[name="ids"]').check()
    page.evaluate("window.scrollTo(0, 300)")  # as the wheel would; the page allows no eval to wait on
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    engine.set_instance_suspended(first, suspended=True)

    expect(page.get_by_role("row", name=re.compile(first))).to_contain_text("suspended", timeout=10_000)
    expect(page.locator(".live-status")).to_contain_text("Last updated")
    expect(page.get_by_role("row", name=re.compile(second)).locator('input[name="ids"]')).to_be_checked()
    assert page.evaluate("window.scrollY") == scrolled

    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_label("Refresh by itself")).to_be_checked()  # paging keeps it on


def test_the_refresh_waits_while_the_person_types_and_keeps_what_they_typed(
    page, live_server, log_in, make_user, engine, quickly
):
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.get_by_role("link", name="Instances").click()
    page.get_by_label("Refresh by itself").check()
    expect(page.locator(".live-status")).to_contain_text("Last updated", timeout=10_000)

    page.get_by_label("Name of the search").fill("late orders")
    page.get_by_label("Name of the search").blur()
    expect(page.locator(".live-status")).to_contain_text("Paused while you edit", timeout=10_000)
    paused_since = _updated(page)
    page.wait_for_timeout(2_500)
    assert _updated(page) == paused_since
    expect(page.get_by_label("Name of the search")).to_have_value("late orders")


def test_the_instance_page_shows_its_new_state_by_itself(
    page, live_server, log_in, make_user, engine, quickly
):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.get_by_role("link", name="Instances").click()
    page.locator("#results tbody tr td a code").first.click()
    instance_id = page.locator("h1 code").inner_text()
    engine.set_instance_suspended(instance_id, suspended=False)
    page.reload()
    expect(page.locator("#instance-state")).not_to_have_text("suspended")

    page.get_by_label("Refresh by itself").check()
    engine.set_instance_suspended(instance_id, suspended=True)

    expect(page.locator("#instance-state")).to_have_text("suspended", timeout=10_000)
    engine.set_instance_suspended(instance_id, suspended=False)
