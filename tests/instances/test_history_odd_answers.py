"""The Finished mode against odd engine answers: history's query as sent, a refusal shown with the
engine's message, an unreadable row costing only its row."""

import json

import pytest
import respx

from tests.conftest import ENGINE_URL

pytestmark = pytest.mark.django_db

ENDED = {
    "id": "pi-9",
    "businessKey": "order-9",
    "processDefinitionId": "order:2:x",
    "processDefinitionKey": "order",
    "processDefinitionName": "Order to delivery",
    "processDefinitionVersion": 2,
    "startTime": "2026-11-22T09:00:00.000+0000",
    "endTime": "2026-11-22T10:05:00.000+0000",
    "durationInMillis": 3_900_000,
    "state": "EXTERNALLY_TERMINATED",
}


@pytest.fixture
def engine():
    with respx.mock(base_url=ENGINE_URL, assert_all_called=False) as mock:
        yield mock


def test_the_finished_mode_asks_for_ended_instances_newest_first(viewer_client, engine):
    route = engine.post("/history/process-instance").respond(json=[ENDED])
    body = viewer_client.get(
        "/e/demo/instances/finished/", {"state": "externally_terminated"}
    ).content.decode()
    sent = json.loads(route.calls[0].request.content)
    assert sent == {
        "finished": True,
        "externallyTerminated": True,
        "sorting": [{"sortBy": "endTime", "sortOrder": "desc"}],
    }
    assert "cancelled" in body and "1 h 5 min" in body and "Order to delivery <small>v2</small>" in body


def test_an_engine_refusal_shows_its_message_not_a_server_error(viewer_client, engine):
    engine.post("/history/process-instance").respond(
        400, json={"type": "InvalidRequestException", "message": "Cannot set query parameter 'finishedAfter'"}
    )
    response = viewer_client.get("/e/demo/instances/finished/")
    assert response.status_code == 502  # the engine failed the page, not the dashboard
    assert "Cannot set query parameter &#x27;finishedAfter&#x27;" in response.content.decode()


def test_a_row_the_dashboard_cannot_read_costs_only_its_row(viewer_client, engine):
    odd = {**ENDED, "id": "pi-odd", "startTime": "yesterday"}
    engine.post("/history/process-instance").respond(json=[odd, {**ENDED, "id": "pi-ok"}])
    body = viewer_client.get("/e/demo/instances/finished/").content.decode()
    assert "Could not be read (id" in body and "pi-odd" in body
    assert 'href="/e/demo/instances/pi-ok/"' in body


def test_engine_text_in_a_row_is_escaped(viewer_client, engine):
    engine.post("/history/process-instance").respond(
        json=[{**ENDED, "businessKey": "<script>x()</script>", "processDefinitionName": "<b>bold</b>"}]
    )
    body = viewer_client.get("/e/demo/instances/finished/").content.decode()
    assert "<script>x()</script>" not in body and "&lt;script&gt;" in body and "<b>bold</b>" not in body
