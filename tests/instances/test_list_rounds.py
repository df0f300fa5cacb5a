"""The instance list draws its rows after one engine call; what each row shows beside the instance
(its process version, incidents, start time) comes after, in one round of its own."""

import re
import threading
from html import unescape

import pytest

from engines.queries import ProcessInstanceQuery
from engines.transport import Transport

pytestmark = pytest.mark.django_db
INSTANCES = 120


@pytest.fixture
def engine_calls(monkeypatch):
    """Every engine request the dashboard sends, as 'METHOD path', in the order sent."""
    calls: list[str] = []
    original = Transport._send_once

    def recorded(self, method, path, **kwargs):
        calls.append(f"{method} {path}")
        return original(self, method, path, **kwargs)

    monkeypatch.setattr(Transport, "_send_once", recorded)
    return calls


def details_form(body: str) -> tuple[str, list[tuple[str, str]]]:
    """The page's own loader of the rows' details: where it posts, and what."""
    [form] = re.findall(r'<form[^>]*class="row-details"[^>]*>.*?</form>', body, flags=re.S)
    action = unescape(re.search(r'hx-post="([^"]+)"', form).group(1))
    fields = [(n, unescape(v)) for n, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form)]
    return action, fields


def test_the_rows_show_after_one_engine_call(viewer_client, engine, engine_calls):
    expected = [i.id for i in engine.list_instances(ProcessInstanceQuery(process_definition_key="order"))]
    engine_calls.clear()
    body = viewer_client.get("/e/demo/instances/", {"definition_key": "order"}).content.decode()
    assert engine_calls == ["POST /process-instance"]
    assert all(instance_id in body for instance_id in expected)


def test_the_rows_details_come_in_one_round_of_concurrent_calls(
    viewer_client, engine, engine_calls, monkeypatch
):
    body = viewer_client.get("/e/demo/instances/", {"definition_key": "order"}).content.decode()
    action, fields = details_form(body)
    ids = [v for n, v in fields if n == "id"]
    assert len(ids) == 50

    # Both lookups must be in flight at once: one sent after the other breaks the barrier.
    both = threading.Barrier(2, timeout=10)
    recorded = Transport._send_once

    def together(self, method, path, **kwargs):
        both.wait()
        return recorded(self, method, path, **kwargs)

    monkeypatch.setattr(Transport, "_send_once", together)
    engine_calls.clear()
    details = viewer_client.post(action, dict(grouped(fields))).content.decode()
    assert sorted(engine_calls) == ["POST /history/process-instance", "POST /process-instance"]
    monkeypatch.setattr(Transport, "_send_once", recorded)

    troubled = {
        i.id
        for i in engine.list_instances(
            ProcessInstanceQuery(process_instance_ids=tuple(ids), with_incident=True)
        )
    }
    assert troubled and len(troubled) < len(ids)
    for slot, instance_id in enumerate(ids):
        state = re.search(rf'<span id="row-{slot}-state"[^>]*>(.*?)</span>', details).group(1)
        assert ("with incidents" in state) == (instance_id in troubled)
        started = re.search(rf'<span id="row-{slot}-started"[^>]*>(.*?)</span>', details).group(1)
        assert re.fullmatch(r'<time datetime="[^"]+" title="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d</time>', started)
        process = re.search(rf'<span id="row-{slot}-process"[^>]*>(.*?)</span>', details, re.S).group(1)
        assert process.startswith("Order to delivery <small>v")


def test_the_details_of_instances_of_another_engine_are_not_shown(viewer_client, engine):
    # Ids the engine does not know come back as nothing known, not as someone else's data.
    details = viewer_client.post("/e/demo/instances/details/", {"id": ["no-such-instance"]}).content.decode()
    assert re.search(r'<span id="row-0-started"[^>]*>—</span>', details)


def test_the_details_say_when_the_engine_could_not_give_them(viewer_client, on_demo, monkeypatch):
    def refused(self, query=None, *, offset=0, limit=50):
        from engines.errors import EngineUnavailable

        raise EngineUnavailable("history is down for maintenance", engine="demo")

    monkeypatch.setattr("engines.camunda7.client.Camunda7Client.list_historic_instances", refused)
    details = viewer_client.post("/e/demo/instances/details/", {"id": ["x"]}).content.decode()
    assert "history is down for maintenance" in details


def test_the_details_need_a_role(client_as):
    response = client_as(None).post("/e/demo/instances/details/", {"id": ["x"]})
    assert response.status_code == 403


def grouped(fields):
    grouped: dict[str, list[str]] = {}
    for name, value in fields:
        grouped.setdefault(name, []).append(value)
    return grouped.items()


def test_an_instance_the_engine_does_not_know_gets_a_dash_for_its_process(viewer_client, on_demo):
    details = viewer_client.post("/e/demo/instances/details/", {"id": ["no-such-instance"]}).content.decode()
    assert re.search(r'<span id="row-0-process" hx-swap-oob="true">—</span>', details)
