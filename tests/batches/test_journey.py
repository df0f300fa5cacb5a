"""In headless Chromium: an operator watches an operation progress on the Batches page without reloading."""

import pytest
from playwright.sync_api import expect

from batches.models import Operation, OperationItem
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 60


def test_an_operator_watches_an_operation_finish_and_is_told(page, live_server, log_in, make_user, on_demo):
    operator = make_user("Operator", username="olivia")
    operation = Operation.objects.create(
        user=operator, username="olivia", engine="demo", kind="retry_incidents", mode="chunked",
        status="running", total=40, done=10,
    )  # fmt: skip
    OperationItem.objects.create(operation=operation, seq=0, target="pi-9", state="failed", result="Job gone")

    log_in("olivia", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/batches/")
    row = page.get_by_role("row", name="Retry failed jobs, instance by instance")
    expect(row).to_contain_text("10 done of 40")
    expect(page.locator("#my-operations")).to_contain_text("(25 %)")

    # The worker gets on with it; the page follows without a reload.
    Operation.objects.filter(pk=operation.pk).update(done=39, failed=1, status="completed")
    expect(row).to_contain_text("39 done, 1 failed of 40")
    expect(page.locator("#my-operations")).to_contain_text("completed: 39 done, 1 failed")
    page.screenshot(path=str(live_server_screenshot()))

    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retry failed jobs, instance by instance")
    expect(page.get_by_role("table")).to_contain_text("Job gone")
    page.get_by_role("button", name="Retry the 1 failed").click()
    expect(page.locator(".messages")).to_contain_text("1 failed item(s) will run again.")
    assert page.policy_violations == []


def live_server_screenshot():
    from django.conf import settings

    return settings.VAR_DIR / "batches-journey.png"
