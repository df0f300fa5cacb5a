"""The modification wizard in headless Chromium: repair a stuck instance with a previewed plan."""

import re
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 150


def test_an_operator_cancels_the_failing_charge_and_starts_before_checking_stock(
    page, live_server, log_in, make_user, engine
):
    [incident] = engine.list_incidents(activity_id="charge", incident_message_like="Card declined%", limit=1)
    instance_id = incident.process_instance_id
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/instances/{instance_id}/")
    page.get_by_role("button", name="Modify…").click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")

    page.get_by_role("combobox", name="Instruction").select_option("cancel")
    which = page.get_by_label("Which of its instances")
    waiting = which.locator("option", has_text="Charge card, waiting").get_attribute("value")
    which.select_option(waiting)
    page.get_by_role("button", name="Add the instruction").click()
    expect(page.locator(".plan")).to_contain_text("Cancel the waiting token Charge card")

    page.get_by_role("combobox", name="Instruction").select_option("startBeforeActivity")
    page.locator('#diagram .djs-element[data-element-id="check_stock"]').click()  # picked on the diagram
    expect(page.locator('select[name="add-activity_id"]')).to_have_value("check_stock")
    page.get_by_role("button", name="Add the instruction").click()
    expect(page.locator(".plan li")).to_have_count(2)

    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_contain_text("Check stock")
    expect(page.locator('#diagram .djs-element.will-cancel[data-element-id="charge"]')).to_have_count(1)
    expect(page.locator('#diagram .djs-element.will-start[data-element-id="check_stock"]')).to_have_count(1)

    page.get_by_role("button", name="Submit the modification").click()
    expect(page.get_by_role("alert").filter(has_text="Say why")).to_be_visible()
    expect(page.locator(".plan li")).to_have_count(2)  # nothing was lost
    page.get_by_label(re.compile("^Annotation")).fill("card declined: ask the customer again")
    page.get_by_role("button", name="Submit the modification").click()

    expect(page).to_have_url(re.compile(rf"/instances/{instance_id}/$"))
    expect(page.locator("#messages")).to_contain_text("The instance was modified.")
    tree = page.locator("#activity-tree")
    expect(tree).to_contain_text("Check stock")
    expect(tree).to_contain_text("Pack goods")
    expect(tree).not_to_contain_text("Charge card")
    expect(page.locator('#diagram .djs-element.active[data-element-id="check_stock"]')).to_have_count(1)
    assert page.policy_violations == []


@pytest.mark.parametrize("size", [(1440, 900), (1024, 768)], ids=["1440x900", "1024x768"])
def test_the_wizards_options_do_not_overlap_their_hints(
    page, live_server, log_in, make_user, engine, size, tmp_path
):
    [incident] = engine.list_incidents(activity_id="charge", limit=1)
    make_user("Operator", username="otto")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in("otto", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/instances/{incident.process_instance_id}/")
    page.get_by_role("button", name="Modify…").click()
    options = page.locator("fieldset", has_text="Options")
    options.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / f"modify-options-{size[0]}x{size[1]}.png")  # to look at

    boxes = []
    for label in options.locator("label").all():
        box = label.bounding_box()
        assert box["x"] + box["width"] <= options.bounding_box()["x"] + options.bounding_box()["width"] + 1
        boxes.append(box)
        for part in label.locator("input, small").all():
            inner = part.bounding_box()
            # Everything a label shows sits inside it, one line under the other, none across another.
            assert inner["y"] >= box["y"] - 1 and inner["y"] + inner["height"] <= box["y"] + box["height"] + 1
    for upper, lower in pairwise(boxes):
        assert upper["y"] + upper["height"] <= lower["y"] + 1, (upper, lower)
    checkbox = page.get_by_label("Run as a batch in the background")
    hint = options.locator("small", has_text="followed on the Batches page")
    words_box = options.locator(".option-words").bounding_box()
    check, words = checkbox.bounding_box(), hint.bounding_box()
    # The hint is under the checkbox's line, and starts where the label's words start.
    assert check["y"] + check["height"] <= words["y"] and abs(words["x"] - words_box["x"]) <= 1


def test_a_token_started_before_the_join_is_previewed_and_left_waiting_there(
    page, live_server, log_in, make_user, engine
):
    incidents = engine.list_incidents(activity_id="charge", incident_message_like="Card declined%", limit=5)
    instance_id = incidents[-1].process_instance_id
    assert engine.activity_instance_tree(instance_id).counts_by_activity() == {"pack": 1, "charge": 1}
    make_user("Operator", username="oskar")
    log_in("oskar", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/instances/{instance_id}/")
    page.get_by_role("button", name="Modify…").click()

    page.get_by_role("combobox", name="Instruction").select_option("cancel")
    which = page.get_by_label("Which of its instances")
    which.select_option(which.locator("option", has_text="Charge card, waiting").get_attribute("value"))
    page.get_by_role("button", name="Add the instruction").click()
    expect(page.locator(".plan li")).to_have_count(1)
    page.get_by_role("combobox", name="Instruction").select_option("startBeforeActivity")
    page.get_by_role("combobox", name="Activity", exact=True).select_option(label="join (parallelGateway)")
    page.get_by_role("button", name="Add the instruction").click()
    expect(page.locator(".plan li")).to_have_count(2)

    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("the token waits in join for 1 more token")
    expect(preview).not_to_contain_text("does not wait")
    expect(preview.locator(".afterwards li")).to_have_text(["Pack goods", "join (new)"])

    page.get_by_label(re.compile("^Annotation")).fill("charge again after the customer calls")
    page.get_by_role("button", name="Submit the modification").click()
    expect(page).to_have_url(re.compile(rf"/instances/{instance_id}/$"))
    tree = page.locator("#activity-tree")
    expect(tree).to_contain_text("Pack goods")
    expect(tree).to_contain_text("join")
    expect(tree).not_to_contain_text("Charge card")
    assert engine.activity_instance_tree(instance_id).counts_by_activity() == {"pack": 1, "join": 1}
