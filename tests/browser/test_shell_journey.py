import pytest
import respx
from playwright.sync_api import expect

from tests.conftest import ENGINE_URL, OTHER_ENGINE_URL, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def engines():
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{ENGINE_URL}/version").respond(json={"version": "7.22.0"})
        mock.get(f"{OTHER_ENGINE_URL}/version").respond(json={"version": "1.1.0"})
        yield mock


def test_an_operator_logs_in_sees_the_layout_switches_engine_and_logs_out(
    page, live_server, log_in, make_user, engines
):
    make_user("Operator", username="olivia")

    log_in("olivia", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/e/demo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo engine")
    expect(page.locator("#engine-version")).to_have_text("7.22.0")
    nav = page.get_by_role("navigation", name="Main")
    for link in ("Dashboard", "Processes", "Instances", "Incidents", "Batches", "Audit log", "Health"):
        expect(nav.get_by_role("link", name=link)).to_be_visible()

    page.locator("#engine-selector summary").click()
    page.locator("#engine-selector").get_by_role("link", name="staging").click()

    expect(page).to_have_url(f"{live_server.url}/e/staging/")
    expect(page.locator("#engine-version")).to_have_text("1.1.0")
    expect(page.locator("#engine-selector summary")).to_have_text("Engine: staging")

    page.locator("#user-menu summary").click()
    expect(page.locator("#user-menu")).to_contain_text("Operator")
    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto(f"{live_server.url}/e/demo/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/e/demo/")
    assert page.policy_violations == []


def test_a_wrong_password_keeps_the_user_name_typed(page, live_server, log_in, make_user):
    make_user("Viewer", username="victor")
    log_in("victor", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_label("User name")).to_have_value("victor")
