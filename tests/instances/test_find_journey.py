"""In headless Chromium, the header's search box on every page: a business key or a process key goes
straight to its one match, a business key on two engines lists both by engine and kind, and nothing
found says so with what was typed still in the box."""

import re

import pytest
from playwright.sync_api import expect

from engines.config import EngineConfig
from engines.queries import HistoricProcessInstanceQuery
from tests.conftest import PASSWORD
from tests.demo_engine.conftest import start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 300


@pytest.fixture(scope="module")
def second_demo():
    server = start_server(INSTANCES, seed=7)
    yield server
    stop_server(server)


def engine_at(name, server, label):
    return EngineConfig(name=name, base_url=server.url, username="demo", password="demo-pw", label=label)


@pytest.fixture
def two_demo_engines(settings, on_demo, second_demo):
    settings.ENGINES = {
        "demo": engine_at("demo", on_demo, "Production"),
        "second": engine_at("second", second_demo, "Staging"),
    }
    from cockpit.engines import client

    return client("demo"), client("second")


def business_keys(engine) -> dict[str, int]:
    """How many instances (running or finished) have each business key."""
    found: dict[str, int] = {}
    for h in engine.list_historic_instances(HistoricProcessInstanceQuery(), limit=1000):
        if h.business_key:
            found[h.business_key] = found.get(h.business_key, 0) + 1
    return found


def search(page, typed):
    box = page.get_by_role("search").get_by_role("searchbox").first
    box.fill(typed)
    box.press("Enter")


def test_a_business_key_found_once_goes_straight_to_its_instance(
    page, live_server, log_in, make_user, engine
):
    key = next(k for k, n in sorted(business_keys(engine).items()) if n == 1)
    (instance,) = engine.list_historic_instances(
        HistoricProcessInstanceQuery(process_instance_business_key=key)
    )
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents").click()

    search(page, key)
    expect(page).to_have_url(f"{live_server.url}/e/demo/instances/{instance.id}/")
    expect(page.locator("main")).to_contain_text(key)


def test_a_process_key_goes_to_its_process(page, live_server, log_in, make_user, settings, engine):
    latest = engine.list_definitions(latest_version=True, limit=100)
    keys = [d.key for d in latest]
    (newest,) = [d for d in latest if keys.count(d.key) == 1][:1]  # one tenant's process: one match
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)

    search(page, newest.key)
    expect(page).to_have_url(f"{live_server.url}/e/demo/processes/{newest.id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(newest.title)


def test_a_business_key_on_two_engines_lists_both_by_engine_and_kind(
    page, live_server, log_in, make_user, two_demo_engines
):
    first, second = two_demo_engines
    on_first, on_second = business_keys(first), business_keys(second)
    key = next(k for k in sorted(on_first) if on_first[k] == 1 and on_second.get(k) == 1)
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)

    search(page, key)
    expect(page.get_by_role("heading", level=1)).to_have_text("Find")
    expect(page.locator("main")).to_contain_text(f"2 matches for “{key}”")
    rows = page.locator("table.find-results tbody tr")
    expect(rows).to_have_count(2)
    engines = {row.locator("td").nth(0).inner_text() for row in rows.all()}
    kinds = {row.locator("td").nth(1).inner_text() for row in rows.all()}
    assert engines == {"Production", "Staging"}
    assert kinds <= {"Running instance", "Finished instance"}

    rows.filter(has_text="Staging").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/e/second/instances/[^/]+/$"))
    expect(page.locator("main")).to_contain_text(key)


def test_nothing_found_says_so_and_keeps_what_was_typed(
    page, live_server, log_in, make_user, two_demo_engines
):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)

    search(page, "NO-SUCH-KEY-42")
    expect(page.get_by_role("status")).to_have_text(
        "Nothing found for “NO-SUCH-KEY-42”: no instance has that id or business key, and no process"
        " that key, on Production, Staging."
    )
    expect(page.locator("main").get_by_role("searchbox")).to_have_value("NO-SUCH-KEY-42")
