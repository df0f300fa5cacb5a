"""Restart of a cancelled instance and the deletion of its history, on the demo engine and on real
Camunda 7.24: the same requests behave the same, and the answers have the same shape."""

from __future__ import annotations

import itertools
import time

import httpx
import pytest

from engines.camunda7.variables import encode
from realengines.seed import variables_of
from tests.demo_engine.conftest import start_server, stop_server
from tests.real_engines.differential import differences, error_type

_numbers = itertools.count(70_000)


class Side:
    def __init__(self, name: str, http: httpx.Client, start_order) -> None:
        self.name, self.http, self.start_order = name, http, start_order

    def cancelled_order(self) -> dict:
        """A fresh order instance waiting at check_stock, cancelled: its history record."""
        instance_id = self.start_order()
        variables = self.http.get(f"/process-instance/{instance_id}/variables").json()
        # DELETE /process-instance/{id}
        assert self.http.delete(f"/process-instance/{instance_id}").status_code == 204
        record = self.http.get(f"/history/process-instance/{instance_id}").json()
        assert record["state"] == "EXTERNALLY_TERMINATED", record
        return {**record, "variables": variables}


@pytest.fixture(scope="module")
def demo_side():
    server = start_server(120, seed=23)
    http = httpx.Client(base_url=server.url, auth=("demo", "demo-pw"), timeout=30)
    waiting = iter(
        item["id"]
        for item in http.get(
            "/process-instance",
            params={"processDefinitionKey": "order", "activityIdIn": "check_stock", "maxResults": 100},
        ).json()
    )
    yield Side("demo", http, lambda: next(waiting))
    http.close()
    stop_server(server)


@pytest.fixture(scope="module")
def camunda_side(camunda7_engine):
    http = camunda7_engine.http()

    def start_order() -> str:
        # POST /process-definition/key/{key}/start: an order of this module's own, waiting at check_stock
        seq = next(_numbers)
        variables = {name: encode(value) for name, value in variables_of(seq, "order").items()}
        answer = http.post(
            "/process-definition/key/order/start",
            json={"businessKey": f"RESTART-{seq}", "variables": variables},
        )
        answer.raise_for_status()
        return answer.json()["id"]

    yield Side("camunda7", http, start_order)
    http.close()


@pytest.fixture(params=["demo_side", "camunda_side"])
def side(request) -> Side:
    return request.getfixturevalue(request.param)


def restart(side: Side, record: dict, *, asynchronously: bool = False, **options) -> httpx.Response:
    path = f"/process-definition/{record['processDefinitionId']}/restart" + (
        "-async" if asynchronously else ""
    )
    body = {
        "processInstanceIds": [record["id"]],
        "instructions": [{"type": "startBeforeActivity", "activityId": "check_stock"}],
        **options,
    }
    return side.http.post(path, json=body)


def wait_for(condition, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"not reached in {timeout:.0f} s"
        time.sleep(0.5)
    return result


def test_a_cancelled_instance_restarts_before_the_activity_with_its_variables_and_business_key(side):
    record = side.cancelled_order()
    answer = restart(side, record)
    assert answer.status_code == 204, answer.text
    [new] = side.http.get(
        "/process-instance", params={"businessKey": record["businessKey"], "activityIdIn": "check_stock"}
    ).json()
    assert new["id"] != record["id"] and new["definitionId"] == record["processDefinitionId"]
    tree = side.http.get(f"/process-instance/{new['id']}/activity-instances").json()
    assert [child["activityId"] for child in tree["childActivityInstances"]] == ["check_stock"]
    variables = side.http.get(f"/process-instance/{new['id']}/variables").json()
    assert {name: v["value"] for name, v in variables.items() if v["type"] not in ("File", "Bytes")} == {
        name: v["value"] for name, v in record["variables"].items() if v["type"] not in ("File", "Bytes")
    }


def test_a_restart_without_the_business_key_leaves_it_out(side):
    record = side.cancelled_order()
    assert restart(side, record, withoutBusinessKey=True).status_code == 204
    assert side.http.get("/process-instance", params={"businessKey": record["businessKey"]}).json() == []


def test_restart_and_history_deletion_answer_alike_on_both_engines(demo_side, camunda_side):
    deleted = {}

    def delete_history(s: Side) -> httpx.Response:
        deleted[s.name] = record = s.cancelled_order()
        return s.http.post(
            "/history/process-instance/delete", json={"historicProcessInstanceIds": [record["id"]]}
        )

    def restart_running(s: Side) -> httpx.Response:
        record = {"id": s.start_order()}
        record["processDefinitionId"] = s.http.get(f"/process-instance/{record['id']}").json()["definitionId"]
        return restart(s, record)

    asks = {
        "restart as a batch": lambda s: restart(s, s.cancelled_order(), asynchronously=True),
        "restart with no instructions": lambda s: restart(s, s.cancelled_order(), instructions=[]),
        "restart of a running instance": restart_running,
        "history deletion": delete_history,
    }
    found = []
    for name, ask in asks.items():
        demo, real = ask(demo_side), ask(camunda_side)
        found += [f"{name}: {d} (Camunda: {real.text[:300]})" for d in differences(demo, real)]
        if real.is_error:
            assert demo.is_error and error_type(demo) == error_type(real), (name, demo.text, real.text)
    assert found == []
    for s in (demo_side, camunda_side):
        record = deleted[s.name]
        wait_for(
            lambda s=s, record=record: (
                s.http.get(f"/history/process-instance/{record['id']}").status_code == 404
            )
        )
