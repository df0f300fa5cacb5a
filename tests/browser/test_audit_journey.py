"""In Chromium at 1440 by 900: a team lead reads in the audit log what support changed, pages through
a filtered log, and a failed save is said next to the form it came from."""

import re

import pytest
from playwright.sync_api import expect

from audit.models import AuditEntry
from demo_engine.server import Faults
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 60
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _edit_amount(page, live_server, instance_id):
    page.goto(f"{live_server.url}/e/demo/instances/{instance_id}/")
    # The variables tab is the one the page opens with.
    page.get_by_role("button", name="Edit amount").click()
    return page.locator("#variables-body [name=value]")


def test_the_audit_log_says_who_changed_which_variable_on_which_instance_from_what_to_what(
    page, live_server, log_in, make_user, engine, fresh
):
    instance = fresh(process_definition_key="order")
    old = engine.get_variable(instance.id, "amount").value
    make_user("Support", username="support")
    log_in("support", PASSWORD)

    value = _edit_amount(page, live_server, instance.id)
    value.fill(str(old + 3))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#variables-body")).to_contain_text("Saved.")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    row = page.get_by_role("row").nth(1)
    expect(row).to_contain_text(
        f"support changed amount on {instance.business_key} (Order to delivery): {old} → {old + 3}"
    )
    when = row.locator("time")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", when.inner_text())
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} CET \(.+ UTC\)", when.get_attribute("title"))
    row.get_by_role("link", name=f"{instance.business_key} (Order to delivery)").click()
    expect(page).to_have_url(re.compile(rf"/instances/{instance.id}/$"))
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


def test_paging_through_the_audit_log_keeps_the_filter(page, live_server, log_in, make_user):
    make_user("Admin", username="lee")
    long_words = "the customer asked us to change the delivery address again " * 12
    for n in range(60):
        AuditEntry.objects.create(
            username="support", engine="demo", action="variable.update", outcome="succeeded",
            target_type="process_instance", target_id=f"pi-{n}",
            parameters={"name": "note", "business_key": f"ORDER-{n}"},
            old_value={"type": "String", "value": "x" * 300},
            new_value={"type": "String", "value": long_words},
        )  # fmt: skip
    AuditEntry.objects.create(
        username="olivia", engine="demo", action="instance.suspend", outcome="succeeded"
    )
    log_in("lee", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    # Measured once the page and its style sheet have loaded, as a person would see it.
    page.wait_for_load_state("load")
    expect(page.locator("table.audit-log")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)  # a 300-character token and a long text wrap in their cell

    page.get_by_label("User", exact=True).fill("support")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"user=support"))
    expect(page.locator(".pager")).to_contain_text("Entries 1–50 of 60")
    page.get_by_role("link", name=re.compile("Next")).click()
    expect(page.locator(".pager")).to_contain_text("Entries 51–60 of 60")
    expect(page).to_have_url(re.compile(r"user=support.*page=2|page=2.*user=support"))
    expect(page.get_by_label("User", exact=True)).to_have_value("support")
    rows = page.locator("table.audit-log tbody tr")
    expect(rows).to_have_count(10)
    assert all(text.startswith("support ") for text in rows.locator(".said").all_inner_texts())
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


def test_a_failed_variable_save_says_the_engines_message_next_to_the_form(
    page, live_server, log_in, make_user, engine, fresh, on_demo
):
    instance = fresh(process_definition_key="order")
    old = engine.get_variable(instance.id, "amount").value
    make_user("Support", username="support")
    log_in("support", PASSWORD)
    value = _edit_amount(page, live_server, instance.id)
    value.fill(str(old + 1))
    on_demo.faults = Faults(fail_rate=1.0)
    try:
        page.get_by_role("button", name="Save", exact=True).click()
        alert = page.locator("form.variable-form [role=alert]")
        expect(alert).to_contain_text("Injected failure")
    finally:
        on_demo.faults = Faults(latency_ms=2)
    box = alert.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900  # where the user looks
    expect(value).to_have_value(str(old + 1))  # what was typed is kept
    assert engine.get_variable(instance.id, "amount").value == old


def test_a_keyboard_user_skips_to_the_content_and_sees_where_the_focus_is(
    page, live_server, log_in, make_user
):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate(
        "e => [getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]"
    )
    assert outline[0] != "none" and outline[1] >= 2
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the first control of the page itself, past the header's links
    assert page.evaluate("document.activeElement.closest('main') !== null")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none"


def test_the_saved_searches_say_there_are_none_yet(page, live_server, log_in, make_user, on_demo):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    menu = page.locator("details.saved-menu")
    expect(menu.locator("summary")).to_have_text("Saved searches")  # no count: there are none
    menu.locator("summary").click()  # the saved searches sit in the bar's own menu
    saved = menu.get_by_role("navigation", name="Saved searches")
    expect(saved.get_by_text("No saved searches yet")).to_be_visible()
