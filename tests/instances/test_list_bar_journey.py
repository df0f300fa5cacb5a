"""In headless Chromium, the instance list as an operator sees it: a bar of filter chips over dense
rows, twenty and more above the fold; removing a chip keeps the other filters through the pager and
into the bulk confirmation; a viewer sees no bulk bar."""

import re

import pytest
from playwright.sync_api import expect

from engines.queries import HistoricInstanceSort, HistoricProcessInstanceQuery, ProcessInstanceQuery, Sort
from tests.conftest import PASSWORD
from tests.instances.test_list_rounds import names_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 1200  # enough instances of one process with incidents for a second page of them
SHOTS = "var/shots"


def rows_above_the_fold(page) -> int:
    """The result rows a person sees without scrolling: those whose box lies inside the viewport."""
    return page.evaluate(
        """() => [...document.querySelectorAll("table.engine-table tbody tr")].filter((row) => {
             const box = row.getBoundingClientRect();
             return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
           }).length"""
    )


def scrolls_sideways(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.parametrize(("width", "height", "at_least"), [(1440, 900, 20), (1024, 768, 15)])
def test_the_list_shows_its_rows_above_the_fold_without_scrolling_sideways(
    page, live_server, log_in, make_user, engine, width, height, at_least
):
    page.set_viewport_size({"width": width, "height": height})
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    expect(page.locator("#results .pending")).to_have_count(0, timeout=30_000)
    page.screenshot(path=f"{SHOTS}/instance-list-{width}x{height}.png")

    assert rows_above_the_fold(page) >= at_least
    assert not scrolls_sideways(page)
    expect(page.locator("#bulk-form")).to_be_visible()  # an operator may act: the bar is there, on top


def test_the_newest_instance_comes_first_with_where_it_stands(page, live_server, log_in, make_user, engine):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    expect(page.locator("#results .pending")).to_have_count(0, timeout=30_000)

    (newest,) = engine.list_historic_instances(
        HistoricProcessInstanceQuery(
            unfinished=True, sorting=(Sort(HistoricInstanceSort.START_TIME, "desc"),)
        ),
        limit=1,
    )
    first = page.locator("table.engine-table tbody tr").first
    expect(first.locator("td a code")).to_have_text(newest.id)
    names = names_in(engine.activity_instance_tree(newest.id))
    cells = first.locator("td").all_inner_texts()  # a viewer has no selection column
    state, _id, process, _key, activities, incidents, started = cells
    assert state.strip().endswith(("active", "suspended", "with incidents"))
    assert process == f"{newest.process_definition_name} v{newest.process_definition_version}"
    assert {name.strip() for name in activities.split(",")} <= names - {None}
    assert incidents.strip().isdigit()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", started.strip())


def test_removing_a_chip_keeps_the_other_filters_through_the_pager_into_the_bulk_confirmation(
    page, live_server, log_in, make_user, engine
):
    keys = {d.key for d in engine.list_definitions(latest_version=True)}
    key = max(
        keys,
        key=lambda k: engine.count_instances(
            ProcessInstanceQuery(process_definition_key=k, with_incident=True)
        ),
    )
    definition = engine.get_latest_definition(key)
    expected = engine.count_instances(ProcessInstanceQuery(process_definition_key=key, with_incident=True))
    assert 50 < expected < engine.count_instances(ProcessInstanceQuery(process_definition_key=key))
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()

    page.get_by_text("Add filter").click()
    page.get_by_label("Process (key)").select_option(label=definition.title)
    page.get_by_label("With incidents").check()
    page.get_by_label("Business key like").fill("%")
    page.get_by_role("button", name="Search").click()
    chips = page.get_by_role("list", name="Filters")
    expect(chips.locator(".chip")).to_have_count(3)
    expect(chips).to_contain_text(f"Process: {definition.title}")

    page.get_by_role("link", name="Remove the filter Business key like: %").click()
    expect(chips.locator(".chip")).to_have_count(2)
    expect(chips).to_contain_text(f"Process: {definition.title}")
    expect(chips).to_contain_text("With incidents")
    expect(page.locator("#count")).to_have_text(f"{expected:,} matching", timeout=30_000)

    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".pager")).to_contain_text(f"Rows 51–{expected}")
    expect(chips.locator(".chip")).to_have_count(2)
    expect(page.locator("#results .pending")).to_have_count(0, timeout=30_000)
    rows = page.locator("table.engine-table tbody tr")
    expect(rows).to_have_count(expected - 50)
    assert all("with incidents" in text for text in rows.locator("td:nth-child(2)").all_inner_texts())
    processes = rows.locator("td:nth-child(4)").all_inner_texts()
    assert {process.rsplit(" v", 1)[0] for process in processes} == {definition.title}  # any of its versions

    words = f"Process {definition.title}, with incidents"
    expect(page.locator(".bulk-scope [data-scope]:visible")).to_have_text(
        f"Everything matching: {words} ({expected:,} instances)"
    )
    page.get_by_label("Action").select_option("suspend")
    page.get_by_role("button", name="Continue…").click()
    expect(page.locator(".acts-on")).to_have_text(
        f"Acts on the instances matching: {words}. That is {expected} instances now."
    )
    assert page.policy_violations == []


def test_ticking_rows_makes_the_bulk_bar_act_on_them_and_say_which(
    page, live_server, log_in, make_user, engine
):
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    boxes = page.locator('table.engine-table tbody input[name="ids"]')
    first, second = boxes.nth(0).get_attribute("value"), boxes.nth(1).get_attribute("value")
    boxes.nth(0).check()
    boxes.nth(1).check()
    expect(page.get_by_label("Which instances")).to_have_value("selected")
    expect(page.locator(".bulk-scope [data-scope]:visible")).to_have_text(
        f"Selected: 2 instances ({first}, {second})"
    )


def test_a_viewer_sees_no_bulk_bar_and_no_row_selection(page, live_server, log_in, make_user, engine):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instances").click()
    expect(page.locator("table.engine-table tbody tr").first).to_be_visible()
    expect(page.locator("#bulk-form")).to_have_count(0)
    expect(page.locator('input[name="ids"]')).to_have_count(0)
    expect(page.get_by_role("button", name="Continue…")).to_have_count(0)
