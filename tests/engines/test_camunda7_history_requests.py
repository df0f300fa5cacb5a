"""Restart of finished instances, their history's deletion and history's sorting: the exact requests,
checked against the engine's OpenAPI spec."""

import json

import pytest

from engines.queries import (
    HistoricInstanceSort,
    HistoricProcessInstanceQuery,
    Instruction,
    InstructionKind,
    Restart,
    Sort,
)
from tests.contract import check_request, check_response, unknown_request_fields
from tests.engines.cases import BATCH, Case
from tests.engines.test_camunda7_operations import _answer, _run

CANCELLED = HistoricProcessInstanceQuery(
    process_definition_id="order:2:x", finished=True, externally_terminated=True
)
CANCELLED_JSON = {"processDefinitionId": "order:2:x", "finished": True, "externallyTerminated": True}
RESTART = Restart(
    instructions=(Instruction(InstructionKind.START_BEFORE_ACTIVITY, activity_id="check_stock"),),
    initial_variables=True,
    without_business_key=True,
    skip_custom_listeners=True,
)
RESTART_JSON = {
    "instructions": [{"type": "startBeforeActivity", "activityId": "check_stock"}],
    "initialVariables": True,
    "withoutBusinessKey": True,
    "skipCustomListeners": True,
    "skipIoMappings": False,
}
HISTORIC = {
    "id": "pi-1",
    "businessKey": "order-42",
    "processDefinitionId": "order:2:x",
    "processDefinitionKey": "order",
    "processDefinitionName": "Order to delivery",
    "processDefinitionVersion": 2,
    "startTime": "2026-11-22T09:00:00.000+0000",
    "endTime": "2026-11-22T10:00:00.000+0000",
    "durationInMillis": 3_600_000,
    "state": "EXTERNALLY_TERMINATED",
}

CASES = [
    Case(
        "restart finished instances",
        lambda c: c.restart_instances("order:2:x", RESTART, ["pi-1", "pi-2"]),
        "POST",
        "/process-definition/order:2:x/restart",
        json={"processInstanceIds": ["pi-1", "pi-2"], **RESTART_JSON},
        status=204,
    ),
    Case(
        "restart finished instances async by history query",
        lambda c: c.restart_instances_async(
            "order:2:x",
            Restart(instructions=(Instruction(InstructionKind.START_TRANSITION, transition_id="to_ship"),)),
            query=CANCELLED,
        ),
        "POST",
        "/process-definition/order:2:x/restart-async",
        json={
            "historicProcessInstanceQuery": CANCELLED_JSON,
            "instructions": [{"type": "startTransition", "transitionId": "to_ship"}],
            "initialVariables": False,
            "withoutBusinessKey": False,
            "skipCustomListeners": False,
            "skipIoMappings": False,
        },
        answer={**BATCH, "type": "instance-restart"},
        check=lambda b: b.type == "instance-restart",
    ),
    Case(
        "delete history of finished instances",
        lambda c: c.delete_historic_instances_async(["pi-1"], CANCELLED, reason="cleanup"),
        "POST",
        "/history/process-instance/delete",
        json={
            "historicProcessInstanceIds": ["pi-1"],
            "historicProcessInstanceQuery": CANCELLED_JSON,
            "failIfNotExists": False,
            "deleteReason": "cleanup",
        },
        answer={**BATCH, "type": "historic-instance-deletion"},
        check=lambda b: b.type == "historic-instance-deletion",
    ),
    Case(
        "finished instances newest first",
        lambda c: c.list_historic_instances(
            HistoricProcessInstanceQuery(
                finished=True, completed=True, sorting=(Sort(HistoricInstanceSort.END_TIME, "desc"),)
            ),
            limit=51,
        ),
        "POST",
        "/history/process-instance",
        params={"firstResult": "0", "maxResults": "51"},
        json={"finished": True, "completed": True, "sorting": [{"sortBy": "endTime", "sortOrder": "desc"}]},
        answer=[HISTORIC],
        check=lambda rows: rows[0].duration_in_millis == 3_600_000,
    ),
]
IDS = [case.name for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_operation_sends_the_exact_request(case, engine, http):
    request, result = _run(case, engine, http)
    assert request.url.raw_path.decode().split("?")[0] == f"/engine-rest{case.path}"
    assert dict(request.url.params) == case.params
    assert json.loads(request.content) == case.json
    case.check(result)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_request_and_the_answer_keep_the_engines_contract(case, engine, http):
    request, _ = _run(case, engine, http)
    check_request(request)
    assert unknown_request_fields(request) == []
    check_response(request, _answer(case))


def test_a_restart_takes_start_instructions_only():
    with pytest.raises(ValueError, match="starts at activities or sequence flows only"):
        Restart(instructions=(Instruction(InstructionKind.CANCEL, activity_id="ship"),))
