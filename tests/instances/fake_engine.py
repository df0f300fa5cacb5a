"""A fake engine (respx) answering everything the instance page asks for one instance, pi-1.

Tests replace one answer to see what the page does with it: an error, a null, a type no codec knows.
"""

from __future__ import annotations

import respx

from tests.conftest import ENGINE_URL
from tests.engines.cases import (
    DEFINITION,
    INCIDENT,
    INSTANCE,
    JOB,
    JOB_DEFINITION,
    TREE,
    VARIABLE_INSTANCE,
)

HISTORIC = {
    "id": "pi-1",
    "businessKey": "order-42",
    "processDefinitionId": "order:1:abc",
    "processDefinitionKey": "order",
    "processDefinitionName": "Order to delivery",
    "processDefinitionVersion": 1,
    "startTime": "2026-11-22T09:00:00.000+0100",
    "endTime": None,
    "state": "ACTIVE",
}
CALLED = {**HISTORIC, "id": "pi-sub", "superProcessInstanceId": "pi-1", "businessKey": "sub-1"}
STEP = {
    "id": "charge:1",
    "activityId": "charge",
    "activityName": "Charge card",
    "activityType": "serviceTask",
    "processInstanceId": "pi-1",
    "startTime": "2026-11-22T09:00:00.000+0100",
    "endTime": "2026-11-22T09:01:00.000+0100",
    "durationInMillis": 60000,
}
OPERATION = {
    "id": "op-1",
    "operationType": "SetJobRetries",
    "entityType": "Job",
    "userId": "demo",
    "timestamp": "2026-11-22T09:30:00.000+0100",
    "processInstanceId": "pi-1",
}
PROCESS_VARIABLE = {**VARIABLE_INSTANCE, "id": "v-0", "name": "amount", "type": "Integer", "value": 42,
                    "activityInstanceId": "pi-1", "executionId": "pi-1"}  # fmt: skip

# (method, path) -> the answer's JSON
ANSWERS = {
    ("GET", "/process-instance/pi-1"): INSTANCE,
    ("GET", "/history/process-instance/pi-1"): HISTORIC,
    ("GET", "/incident/count"): {"count": 1},
    ("GET", "/task"): [],
    ("GET", "/external-task"): [],
    ("GET", "/job-definition"): [JOB_DEFINITION],
    ("GET", "/process-definition/order:1:abc"): DEFINITION,
    ("GET", "/process-instance/pi-1/activity-instances"): TREE,
    ("GET", "/variable-instance"): [PROCESS_VARIABLE, VARIABLE_INSTANCE],
    ("GET", "/incident"): [INCIDENT],
    ("POST", "/history/process-instance"): [CALLED],
    ("GET", "/job"): [JOB],
    ("GET", "/history/activity-instance"): [STEP],
    ("GET", "/history/user-operation"): [OPERATION],
}


def fake_engine(overrides: dict | None = None) -> respx.MockRouter:
    """A started respx router; overrides map (method, path) to a JSON answer or an httpx.Response."""
    import httpx

    overrides = overrides or {}
    router = respx.mock(base_url=ENGINE_URL, assert_all_called=False)
    for (method, path), answer in {**ANSWERS, **overrides}.items():
        response = answer if isinstance(answer, httpx.Response) else httpx.Response(200, json=answer)
        router.route(method=method, path=path).mock(return_value=response)
    running = overrides.get(("POST", "/process-instance"))
    if isinstance(running, list) and ("POST", "/history/process-instance") not in overrides:
        # As a real engine: history knows the running instances the runtime lists (the list reads them
        # there, newest first); the called ones are still pi-1's sub-instance.
        router.route(method="POST", path="/history/process-instance").mock(side_effect=_history_of(running))
    return router


def _history_of(running: list[dict]):
    import json

    import httpx

    historic = [
        {
            **HISTORIC,
            "id": i["id"],
            "businessKey": i.get("businessKey"),
            "processDefinitionId": i["definitionId"],
        }
        for i in running
    ]

    def answer(request):
        body = json.loads(request.content or b"{}")
        if body.get("superProcessInstanceId"):
            found = [c for c in [CALLED] if c["superProcessInstanceId"] == body["superProcessInstanceId"]]
        else:
            ids = body.get("processInstanceIds")
            found = [h for h in historic if ids is None or h["id"] in ids]
        return httpx.Response(200, json=found)

    return answer
