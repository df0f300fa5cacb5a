"""The instance list draws its rows after one engine call (the bar's pickers are asked alongside, never
before); what each row shows beside the instance (its process version, current activities, incidents,
start time) comes after, in one round of its own."""

import re
import threading
from html import unescape

import pytest

from engines.queries import (
    HistoricInstanceSort,
    HistoricProcessInstanceQuery,
    ProcessInstanceQuery,
    Sort,
)
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


# What the bar's pickers ask (processes, their versions, incident types, the chosen process's diagram).
PICKERS = re.compile(r"GET /process-definition(/statistics|/[^/]+/xml)?$")


def test_the_rows_show_after_one_engine_call(viewer_client, engine, engine_calls):
    newest = HistoricProcessInstanceQuery(
        unfinished=True,
        process_definition_key="order",
        sorting=(Sort(HistoricInstanceSort.START_TIME, "desc"),),
    )
    expected = [h.id for h in engine.list_historic_instances(newest)]
    engine_calls.clear()
    body = viewer_client.get("/e/demo/instances/", {"definition_key": "order"}).content.decode()
    # Newest first: the running instances as history has them, which knows when each started.
    assert [call for call in engine_calls if not PICKERS.match(call)] == ["POST /history/process-instance"]
    assert body.index(expected[0]) < body.index(expected[1]) < body.index(expected[-1])


def test_the_rows_details_come_in_one_round_of_concurrent_calls(
    viewer_client, engine, engine_calls, monkeypatch
):
    body = viewer_client.get("/e/demo/instances/", {"definition_key": "order"}).content.decode()
    action, fields = details_form(body)
    ids = [v for n, v in fields if n == "id"]
    assert len(ids) == 50

    # The lookups are in flight at once: the most sent but not yet answered is more than one.
    in_flight, most = [0], [0]
    lock = threading.Lock()
    recorded = Transport._send_once

    def counted(self, method, path, **kwargs):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            return recorded(self, method, path, **kwargs)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(Transport, "_send_once", counted)
    engine_calls.clear()
    details = viewer_client.post(action, dict(grouped(fields))).content.decode()
    # No engine lists several instances' activities at once: one tree each, beside one history lookup.
    assert sorted(engine_calls) == sorted(
        ["POST /history/process-instance"] + [f"GET /process-instance/{i}/activity-instances" for i in ids]
    )
    assert most[0] > 1
    monkeypatch.setattr(Transport, "_send_once", recorded)

    troubled = {
        i.id
        for i in engine.list_instances(
            ProcessInstanceQuery(process_instance_ids=tuple(ids), with_incident=True)
        )
    }
    assert troubled and len(troubled) < len(ids)
    for slot, instance_id in enumerate(ids):
        state = cell(details, slot, "state")
        assert ("with incidents" in state) == (instance_id in troubled)
        started = cell(details, slot, "started")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", re.sub(r"<[^>]+>", "", started))
        process = cell(details, slot, "process")
        assert process.startswith("Order to delivery <small>v")
        incidents = cell(details, slot, "incidents")
        assert (incidents != "0") == (instance_id in troubled)
        names = names_in(engine.activity_instance_tree(instance_id))
        activities = cell(details, slot, "activities")
        assert activities and set(unescape(activities).split(", ")) <= names


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


def cell(details: str, slot: int, name: str) -> str:
    """What the details fragment puts into one slot of a row (each slot is a line of its own)."""
    return re.search(rf'<span id="row-{slot}-{name}"[^>]*>(.*?)</span>\n', details, re.S).group(1)


def names_in(node) -> set[str]:
    """Every activity name in an activity instance tree (a sub-process's own and those inside it)."""
    found = {t.activity_name for t in node.transitions}
    for child in node.children:
        found |= {child.activity_name} | names_in(child)
    return found


def grouped(fields):
    grouped: dict[str, list[str]] = {}
    for name, value in fields:
        grouped.setdefault(name, []).append(value)
    return grouped.items()


def test_an_instance_the_engine_does_not_know_gets_a_dash_for_its_process(viewer_client, on_demo):
    details = viewer_client.post("/e/demo/instances/details/", {"id": ["no-such-instance"]}).content.decode()
    assert re.search(r'<span id="row-0-process" hx-swap-oob="true">—</span>', details)
