"""Each activity's duration in one instance, from its history, for the instance page's diagram."""

import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from engines.models import HistoricActivityInstance
from instances.duration_views import activity_times
from tests.conftest import PASSWORD

INSTANCES = 120
START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _drawn(body):
    return json.loads(
        html.unescape(re.search(r'<div id="heatmap-data" hidden data-drawn="(.*?)">', body).group(1))
    )


def _step(activity_id, start_minutes, millis=None):
    start = START + timedelta(minutes=start_minutes)
    end = start + timedelta(milliseconds=millis) if millis is not None else None
    return HistoricActivityInstance(
        id=f"{activity_id}-{start_minutes}", activity_id=activity_id, start_time=start, end_time=end,
        duration_in_millis=millis,
    )  # fmt: skip


def test_runs_of_one_activity_add_up_and_a_running_one_counts_so_far():
    times = activity_times(
        [_step("review", 0, 60_000), _step("review", 5, 12_000), _step("sign", 10)],
        START + timedelta(minutes=70),
    )
    assert (times["review"].millis, times["review"].label) == (72_000, "2 runs, 1 min 12 s together")
    assert (times["sign"].label, times["sign"].running) == ("running 1 h", True)


@pytest.mark.django_db
def test_the_instance_page_carries_each_activitys_duration_from_its_history(
    on_demo, engine, fresh, viewer_client
):
    instance = fresh(process_definition_key="order", activity_ids=("ship",))
    page = viewer_client.get(f"/e/demo/instances/{instance.id}/").content.decode()
    assert f"/e/demo/instances/{instance.id}/durations/" in page
    body = viewer_client.get(f"/e/demo/instances/{instance.id}/durations/").content.decode()
    drawn = _drawn(body)["activities"]
    steps = engine.historic_activity_instances(instance.id)
    ended = next(s for s in steps if s.end_time and s.activity_id != "ship")
    assert drawn[ended.activity_id]["label"] == "30 s" == f"{ended.duration_in_millis // 1000} s"
    assert drawn["ship"]["label"].startswith("running ")
    assert drawn["ship"]["heat"] == 1


@pytest.mark.django_db
def test_an_unknown_instance_is_said_in_place_not_as_a_500(on_demo, viewer_client):
    response = viewer_client.get("/e/demo/instances/no-such-instance/durations/")
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "The activities' durations could not be loaded" in body and "does not exist" in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_instance_diagram_shows_how_long_each_activity_took(page, live_server, log_in, make_user, engine):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.goto(f"{live_server.url}/e/demo/instances/?definition_key=order&activity_id=ship")
    page.locator("table tbody tr td a").first.click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    instance_id = page.url.rstrip("/").split("/")[-1]
    ended = {s.activity_id for s in engine.historic_activity_instances(instance_id) if s.end_time}
    assert "check_stock" in ended
    expect(page.locator("#diagram .heat-label[data-heat-activity='check_stock']")).to_have_text("30 s")
    expect(page.locator("#diagram .heat-label[data-heat-activity='ship']")).to_contain_text("running")
    assert page.policy_violations == []
