"""Deployments on the demo engine and on real Camunda 7.24: the list, one deployment, its files and their
content, and deletion refused while instances run (without cascade) and done with cascade, answered alike."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.demo_engine.conftest import start_server, stop_server
from tests.real_engines.differential import differences, error_type

# A process of this module's own on Camunda, so that the shared engine's seeded deployments stay as seeded.
CHECK_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             targetNamespace="http://cockpit.test/deployments">
  <process id="deployment_check" name="Deployment check" isExecutable="true" camunda:historyTimeToLive="P30D">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <userTask id="wait" name="Wait"/>
    <sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>
"""


@pytest.fixture(scope="module")
def demo_http():
    server = start_server(120, seed=31)
    http = httpx.Client(base_url=server.url, auth=("demo", "demo-pw"), timeout=30)
    yield http
    http.close()
    stop_server(server)


@pytest.fixture(scope="module")
def camunda_http(camunda7_engine):
    http = camunda7_engine.http()
    yield http
    http.close()


def demo_deployment(http: httpx.Client) -> str:
    """A seeded deployment with running instances (the order process's first version)."""
    definition = http.get("/process-definition", params={"key": "order", "version": 1}).json()[0]
    return definition["deploymentId"]


def camunda_deployment(http: httpx.Client) -> str:
    """A deployment of this module's own, with a running instance."""
    # POST /deployment/create
    answer = http.post(
        "/deployment/create",
        data={"deployment-name": "deployment-check", "deployment-source": "cockpit-tests"},
        files=[("check", ("deployment_check.bpmn", CHECK_BPMN.encode(), "application/octet-stream"))],
    )
    assert answer.status_code == 200, answer.text
    deployment_id = answer.json()["id"]
    started = http.post("/process-definition/key/deployment_check/start", json={})
    assert started.status_code == 200, started.text
    return deployment_id


@pytest.fixture(scope="module")
def deployments(demo_http, camunda_http):
    made = {"demo": demo_deployment(demo_http), "camunda": camunda_deployment(camunda_http)}
    yield made
    # Whatever a test left of it, the shared engine keeps none of this module's process.
    camunda_http.delete(f"/deployment/{made['camunda']}", params={"cascade": "true"})


def compare(ask, demo_http, camunda_http, deployments) -> list[str]:
    demo, real = ask(demo_http, deployments["demo"]), ask(camunda_http, deployments["camunda"])
    return [f"{d} (Camunda: {real.text[:300]})" for d in differences(demo, real)]


def first_resource(http: httpx.Client, deployment_id: str) -> str:
    return http.get(f"/deployment/{deployment_id}/resources").json()[0]["id"]


def test_the_reads_answer_alike(demo_http, camunda_http, deployments):
    asks = {
        "list": lambda h, _: h.get(
            "/deployment", params={"nameLike": "%e%", "sortBy": "deploymentTime", "sortOrder": "desc"}
        ),
        "count": lambda h, _: h.get("/deployment/count", params={"nameLike": "%e%"}),
        "one": lambda h, d: h.get(f"/deployment/{d}"),
        "resources": lambda h, d: h.get(f"/deployment/{d}/resources"),
        "content": lambda h, d: h.get(f"/deployment/{d}/resources/{first_resource(h, d)}/data"),
        "definitions": lambda h, d: h.get("/process-definition", params={"deploymentId": d}),
        "unknown": lambda h, _: h.get("/deployment/no-such-deployment"),
        "unknown resource": lambda h, d: h.get(f"/deployment/{d}/resources/no-such-resource/data"),
    }
    found = [
        f"{name}: {d}"
        for name, ask in asks.items()
        for d in compare(ask, demo_http, camunda_http, deployments)
    ]
    assert found == [], "\n".join(found)


def test_deleting_with_running_instances_is_refused_without_cascade_and_done_with_it(
    demo_http, camunda_http, deployments
):
    refused = {
        side: http.delete(f"/deployment/{deployments[side]}")
        for side, http in (("demo", demo_http), ("camunda", camunda_http))
    }
    assert differences(refused["demo"], refused["camunda"]) == []
    assert error_type(refused["camunda"]) == error_type(refused["demo"])
    pattern = r"Deletion of process definition without cascading failed\. .* because there are \d+ dependent"
    assert re.search(pattern, refused["camunda"].json()["message"]), refused["camunda"].text
    assert re.search(pattern, refused["demo"].json()["message"])

    for side, http in (("demo", demo_http), ("camunda", camunda_http)):
        deleted = http.delete(
            f"/deployment/{deployments[side]}",
            params={"cascade": "true", "skipCustomListeners": "true", "skipIoMappings": "true"},
        )
        assert deleted.status_code == 204, f"{side}: {deleted.text}"
        assert http.get(f"/deployment/{deployments[side]}").status_code == 404
