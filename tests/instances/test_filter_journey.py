"""In headless Chromium: a filter survives paging, and a bulk action on everything matching says
which filter it acts on and how many instances that is, then acts on exactly those."""

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from engines.queries import ProcessInstanceQuery
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 1200  # enough instances with incidents for a second page of them


def test_paging_keeps_the_filter_and_the_bulk_confirmation_names_it(
    page, live_server, log_in, make_user, engine
):
    with_incidents = engine.count_instances(ProcessInstanceQuery(with_incident=True))
    assert 50 < with_incidents < engine.count_instances()
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")

    page.locator("#tile-instances").get_by_role("link", name=re.compile("with incidents")).click()
    expect(page.locator("#count")).to_have_text(f"{with_incidents:,} matching", timeout=30_000)
    page.get_by_role("link", name="Next →").click()

    expect(page.locator(".pager")).to_contain_text(f"Rows 51–{with_incidents}")
    assert "%3F" not in page.url and "??" not in page.url
    expect(page.locator("#count")).to_have_text(f"{with_incidents:,} matching", timeout=30_000)
    expect(page.get_by_label("With incidents", exact=True)).to_be_checked()
    # The rows' incidents come in a fragment after the rows (a tree per row): wait until every slot is filled.
    expect(page.locator("#results .pending")).to_have_count(0, timeout=30_000)
    states = page.locator("table.engine-table tbody tr td:nth-child(2)").all_inner_texts()
    assert len(states) == with_incidents - 50
    assert all("with incidents" in state for state in states)

    page.get_by_label("Action").select_option("delete")
    page.get_by_label("Which instances").select_option("all")
    page.get_by_role("button", name="Continue…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Delete instances: {with_incidents} instances")
    expect(page.locator(".acts-on")).to_have_text(
        f"Acts on the instances matching: With incidents. That is {with_incidents} instances now."
    )

    page.get_by_role("button", name="Back to the list").click()
    expect(page.locator("#count")).to_have_text(f"{with_incidents:,} matching", timeout=30_000)
    expect(page.get_by_label("With incidents", exact=True)).to_be_checked()
    assert engine.count_instances(ProcessInstanceQuery(with_incident=True)) == with_incidents
    assert page.policy_violations == []


def test_other_instances_of_the_version_are_the_versions_instances(
    page, live_server, log_in, make_user, engine
):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    first = page.locator("table.engine-table tbody tr").first
    instance_id = first.locator("td a code").inner_text()
    definition = engine.deployed_definition(engine.get_instance(instance_id).definition_id)
    of_version = engine.count_instances(ProcessInstanceQuery(process_definition_id=definition.id))
    assert of_version < engine.count_instances()
    first.locator("td a").first.click()

    page.get_by_role("link", name="other instances").click()
    expect(page.locator("#count")).to_have_text(f"{of_version:,} matching")
    processes = set(
        page.locator("table.engine-table tbody tr td:nth-child(3)").all_inner_texts()
    )  # a viewer has no selection column
    assert processes == {f"{definition.title} v{definition.version}"}
    expect(page.locator(".banner")).to_have_count(0)


def test_a_refused_filter_marks_each_field_it_needs_fixed(page, live_server, log_in, make_user, engine):
    make_user("Support", username="sam")
    log_in("sam", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/instances/")
    page.get_by_text("Add filter").click()
    page.get_by_label("Version").fill("99")
    page.get_by_label("Variable name", exact=True).last.fill("amount")
    page.get_by_label("Comparison").last.select_option("gt")
    page.get_by_label("Value type").last.select_option("number")
    page.get_by_label("Variable value", exact=True).last.fill("abc")
    page.get_by_role("button", name="Search").click()

    summary = page.locator("#results .banner-error")
    expect(summary).to_contain_text("needs fixing (Version, Variable amount: see the message by each field)")
    version = page.locator("label", has=page.get_by_label("Version"))
    expect(version.locator(".field-error")).to_have_text("A version belongs to a process: give its key too.")
    expect(page.get_by_label("Version")).to_have_attribute("aria-invalid", "true")
    row = page.locator(".variable-row", has=page.locator("input[name=var_value][value=abc]"))
    expect(row.locator(".field-error")).to_have_text("'abc' is not a number.")
    expect(page.get_by_label("Variable value", exact=True).first).to_have_value("abc")  # kept to fix
    expect(page.locator("#count")).to_have_count(0)


def test_next_pages_on_while_the_total_is_still_being_counted(page, live_server, log_in, make_user, engine):
    orders = engine.count_instances(ProcessInstanceQuery(process_definition_key="order"))
    assert orders > 100
    held = []  # the count's answer is held back, as a slow engine's would be

    def hold(route):
        held.append(route)

    page.route(re.compile(r"/instances/count/"), hold)
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    page.get_by_text("Add filter").click()
    page.get_by_label("Process (key)").select_option("order")
    page.get_by_label("Business key like").fill("%")  # a wildcard in the query string
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"definition_key=order"))
    expect(page.locator("#count")).to_contain_text("Counting…")
    expect(page.locator(".pager")).to_contain_text("Rows 1–50")

    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".pager")).to_contain_text("Rows 51–100")
    expect(page).to_have_url(re.compile(r"offset=50"))
    page.unroute(re.compile(r"/instances/count/"), hold)
    for route in held:
        with contextlib.suppress(PlaywrightError):  # the first page's count, dropped with its page
            route.continue_()
    expect(page.locator("#count")).to_have_text(f"{orders:,} matching")
    expect(page.locator(".pager")).to_contain_text("Rows 51–100")
    expect(page.get_by_label("Process (key)")).to_have_value("order")
    expect(page.get_by_label("Business key like")).to_have_value("%")
    assert page.policy_violations == []


def test_next_clicked_before_a_search_answers_wins_and_the_page_matches_its_address(
    page, live_server, log_in, make_user, engine
):
    total = engine.count_instances()
    held = []  # the search's answer is held back, as a slow engine's would be

    def hold(route):
        held.append(route)

    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    expect(page.locator("#count")).to_have_text(f"{total:,} matching")
    page.route(re.compile(r"/instances/\?definition_key=order"), hold)
    page.get_by_text("Add filter").click()
    page.get_by_label("Process (key)").select_option("order")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Next →").click()  # the list shown still: it was clicked last
    page.wait_for_timeout(0)  # let the held search reach its route
    page.unroute(re.compile(r"/instances/\?definition_key=order"), hold)
    for route in held:
        with contextlib.suppress(PlaywrightError):  # dropped for the later click
            route.continue_()

    expect(page).to_have_url(re.compile(r"/instances/\?offset=50$"))
    expect(page.locator(".pager")).to_contain_text("Rows 51–100")
    expect(page.locator("#count")).to_have_text(f"{total:,} matching")
    assert page.policy_violations == []
