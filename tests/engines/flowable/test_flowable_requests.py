"""The Flowable adapter sends exactly the requests Flowable's REST API defines, and reads its answers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from engines.base import BulkWork, InstanceTree
from engines.errors import InvalidRequest, NotFound, Unsupported
from engines.flowable.client import variable_id
from engines.migration import MigrationInstruction, MigrationPlan
from engines.queries import (
    DeploymentSort,
    HistoricProcessInstanceQuery,
    IncidentSort,
    InstanceSort,
    Instruction,
    InstructionKind,
    Modification,
    ProcessInstanceQuery,
    Restart,
    Sort,
    VariableFilter,
    containing,
)
from engines.variables import TypedValue, VariableType

# Flowable's REST references (OpenAPI 3.0 of 2019, Swagger 2.0 of 2020), in the shared reference
# beside the checkout (a worktree may sit deeper).
REFERENCE = next(
    (
        parent / "shared" / "reference" / "flowable"
        for parent in Path(__file__).resolve().parents
        if (parent / "shared" / "reference" / "flowable" / "flowable-oas-process.yaml").exists()
    ),
    Path("shared/reference/flowable"),
)
SPECS = (REFERENCE / "flowable-oas-process.yaml", REFERENCE / "flowable-swagger-process.yaml")

INSTANCE = {
    "id": "pi-1",
    "businessKey": "ORDER-1",
    "suspended": False,
    "ended": False,
    "processDefinitionId": "order:2:d-2",
    "tenantId": "",
    "startTime": "2026-12-02T00:43:39.166Z",
}
DEAD_JOB = {
    "id": "job-1",
    "processInstanceId": "pi-1",
    "processDefinitionId": "order:2:d-2",
    "executionId": "ex-2",
    "elementId": "charge",
    "retries": 0,
    "exceptionMessage": "Card declined",
    "dueDate": "2026-12-02T00:43:39.867Z",
    "createTime": "2026-12-02T00:43:39.867Z",
    "tenantId": "acme",
}
DEFINITION = {
    "id": "order:2:d-2",
    "key": "order",
    "version": 2,
    "name": "Order to delivery",
    "deploymentId": "dep-1",
    "suspended": False,
    "tenantId": "",
}


DEPLOYMENT = {
    "id": "dep-1",
    "name": "demo-1",
    "deploymentTime": "2026-12-02T00:43:39.166Z",
    "category": None,
    "parentDeploymentId": "dep-1",
    "url": "http://flowable.test/process-api/repository/deployments/dep-1",
    "tenantId": "",
}


def page(*items: dict[str, Any], total: int | None = None) -> dict[str, Any]:
    return {"data": list(items), "total": len(items) if total is None else total, "start": 0, "size": 10}


@dataclass
class Case:
    name: str
    call: Callable[[Any], Any]
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    answer: Any = None
    status: int = 200
    check: Callable[[Any], None] = lambda result: None


def _is(expected: Any) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert result == expected

    return check


CASES = [
    Case(
        "version",
        lambda e: e.version().version,
        "GET",
        "/management/engine",
        answer={"name": "default", "version": "7.2.0"},
        check=_is("7.2.0"),
    ),
    Case(
        "list_definitions",
        lambda e: e.list_definitions(key="order", latest_version=True, tenant_ids=["acme"], limit=20),
        "GET",
        "/repository/process-definitions",
        params={"key": "order", "latest": "true", "tenantId": "acme", "start": "0", "size": "20"},
        answer=page(DEFINITION, total=7),
        check=lambda r: (r.total, r[0].key, r[0].version, r[0].tenant_id) == (7, "order", 2, None),
    ),
    Case(
        "count_definitions",
        lambda e: e.count_definitions(key_like="%ord%"),
        "GET",
        "/repository/process-definitions",
        params={"keyLike": "%ord%", "size": "0"},
        answer=page(total=3),
        check=_is(3),
    ),
    Case(
        "get_definition",
        lambda e: e.get_definition("order:2:d-2").name,
        "GET",
        "/repository/process-definitions/order:2:d-2",
        answer=DEFINITION,
        check=_is("Order to delivery"),
    ),
    Case(
        "definition_xml",
        lambda e: e.definition_xml("order:2:d-2"),
        "GET",
        "/repository/process-definitions/order:2:d-2/resourcedata",
        answer="<definitions/>",
        check=_is('"<definitions/>"'),
    ),
    Case(
        "set_definition_suspended",
        lambda e: e.set_definition_suspended(
            "order:2:d-2",
            suspended=True,
            include_instances=True,
            execution_date=datetime(2026, 12, 3, 9, 30, tzinfo=UTC),
        ),
        "PUT",
        "/repository/process-definitions/order:2:d-2",
        json={"action": "suspend", "includeProcessInstances": True, "date": "2026-12-03T09:30:00.000Z"},
        answer=DEFINITION,
    ),
    Case(
        "list_instances",
        lambda e: e.list_instances(
            ProcessInstanceQuery(
                process_definition_key="order",
                business_key_like="%ORD%",
                suspended=True,
                tenant_ids=("acme",),
                variables=(
                    VariableFilter("amount", "gteq", 100),
                    VariableFilter("customer", "like", "%ada%"),
                ),
                sorting=(Sort(InstanceSort.BUSINESS_KEY, "desc"),),
            ),
            offset=50,
            limit=50,
        ),
        "POST",
        "/query/process-instances",
        json={
            "processDefinitionKey": "order",
            "processBusinessKeyLike": "%ORD%",
            "suspended": True,
            "tenantId": "acme",
            "variables": [
                {"name": "amount", "operation": "greaterThanOrEquals", "value": 100},
                {"name": "customer", "operation": "like", "value": "%ada%"},
            ],
            "sort": "businessKey",
            "order": "desc",
            "start": 50,
            "size": 50,
        },
        answer=page(INSTANCE, total=95),
        check=lambda r: (
            (r.total, r[0].business_key, r[0].definition_id, r[0].tenant_id)
            == (95, "ORDER-1", "order:2:d-2", None)
        ),
    ),
    Case(
        "count_instances_ignoring_case",
        lambda e: e.count_instances(
            ProcessInstanceQuery(
                process_definition_key_in=("order", "loan"),
                activity_ids=("pack",),
                active=True,
                variables=(VariableFilter("customer", "eq", "ada lovelace"),),
                variable_values_ignore_case=True,
                sorting=(Sort(InstanceSort.ID),),
            )
        ),
        "POST",
        "/query/process-instances",
        json={
            "processDefinitionKeys": ["order", "loan"],
            "activeActivityIds": ["pack"],
            "suspended": False,
            "variables": [{"name": "customer", "operation": "equalsIgnoreCase", "value": "ada lovelace"}],
            "size": 0,
        },
        answer=page(total=12),
        check=_is(12),
    ),
    Case(
        "list_instances_by_date_variable",
        lambda e: e.list_instances(
            ProcessInstanceQuery(
                super_process_instance="pi-0",
                variables=(VariableFilter("dueDate", "lt", datetime(2026, 11, 8, 9, 0, tzinfo=UTC)),),
            )
        ),
        "POST",
        "/query/process-instances",
        json={
            "superProcessInstanceId": "pi-0",
            "variables": [
                {
                    "name": "dueDate",
                    "operation": "lessThan",
                    "value": "2026-11-08T09:00:00.000Z",
                    "type": "date",
                }
            ],
            "start": 0,
            "size": 50,
        },
        answer=page(),
        check=lambda r: r == [] and r.total == 0,
    ),
    Case(
        "get_instance",
        lambda e: e.get_instance("pi-1").business_key,
        "GET",
        "/runtime/process-instances/pi-1",
        answer=INSTANCE,
        check=_is("ORDER-1"),
    ),
    Case(
        "delete_instance_with_reason",
        lambda e: e.delete_instance("pi-1", reason="Duplicate order"),
        "DELETE",
        "/runtime/process-instances/pi-1",
        params={"deleteReason": "Duplicate order"},
        status=204,
    ),
    Case(
        "suspend_instance",
        lambda e: e.set_instance_suspended("pi-1", suspended=True),
        "PUT",
        "/runtime/process-instances/pi-1",
        json={"action": "suspend"},
        answer=INSTANCE,
    ),
    Case(
        "activate_instance",
        lambda e: e.set_instance_suspended("pi-1", suspended=False),
        "PUT",
        "/runtime/process-instances/pi-1",
        json={"action": "activate"},
        answer=INSTANCE,
    ),
    Case(
        "instance_variables",
        lambda e: e.instance_variables("pi-1"),
        "GET",
        "/runtime/process-instances/pi-1/variables",
        answer=[
            {"name": "amount", "type": "integer", "value": 12, "scope": "local"},
            {"name": "rate", "type": "double", "value": 0.5, "scope": "local"},
            {"name": "priority", "type": "short", "value": 1, "scope": "local"},
            {"name": "orderNumber", "type": "long", "value": 9000000046, "scope": "local"},
            {"name": "express", "type": "boolean", "value": True, "scope": "local"},
            {"name": "dueDate", "type": "date", "value": "2026-11-08T07:04:00Z", "scope": "local"},
            {"name": "address", "type": "json", "value": {"city": "Springfield"}, "scope": "local"},
            {"name": "scan", "type": "binary", "value": None, "valueUrl": "http://x/data", "scope": "local"},
            {
                "name": "bean",
                "type": "serializable",
                "value": None,
                "valueUrl": "http://x/d",
                "scope": "local",
            },
            {"name": "comment", "value": None, "scope": "local"},
            {"name": "odd", "type": "customType", "value": "?", "scope": "local"},
        ],
        check=lambda r: (
            [(n, v.type, v.value) for n, v in r.items() if not v.unreadable]
            == [
                ("amount", VariableType.INTEGER, 12),
                ("rate", VariableType.DOUBLE, 0.5),
                ("priority", VariableType.SHORT, 1),
                ("orderNumber", VariableType.LONG, 9000000046),
                ("express", VariableType.BOOLEAN, True),
                ("dueDate", VariableType.DATE, datetime(2026, 11, 8, 7, 4, tzinfo=UTC)),
                ("address", VariableType.JSON, '{"city": "Springfield"}'),
                ("scan", VariableType.BYTES, None),
                ("comment", VariableType.NULL, None),
            ]
            and r["bean"].type == VariableType.OBJECT
            and "Java-serialized" in r["bean"].unreadable
            and r["odd"].type_label == "customType"
            and r["odd"].unreadable
        ),
    ),
    Case(
        "get_variable",
        lambda e: e.get_variable("pi-1", "amount").value,
        "GET",
        "/runtime/process-instances/pi-1/variables/amount",
        answer={"name": "amount", "type": "integer", "value": 12},
        check=_is(12),
    ),
    Case(
        "set_variable_date",
        lambda e: e.set_variable(
            "pi-1",
            "dueDate",
            TypedValue(VariableType.DATE, datetime(2026, 11, 8, 9, 4, 0, 123000, tzinfo=UTC)),
        ),
        "PUT",
        "/runtime/process-instances/pi-1/variables",
        json=[{"name": "dueDate", "type": "date", "value": "2026-11-08T09:04:00.123Z"}],
        answer=[],
    ),
    Case(
        "set_variable_json_local",
        lambda e: e.set_variable(
            "pi-1", "address", TypedValue(VariableType.JSON, '{"a": [1]}'), execution_id="ex-2"
        ),
        "PUT",
        "/runtime/executions/ex-2/variables",
        json=[{"name": "address", "scope": "local", "type": "json", "value": {"a": [1]}}],
        answer=[],
    ),
    Case(
        "set_variable_null",
        lambda e: e.set_variable("pi-1", "comment", TypedValue(VariableType.NULL, None)),
        "PUT",
        "/runtime/process-instances/pi-1/variables",
        json=[{"name": "comment", "value": None}],
        answer=[],
    ),
    Case(
        "set_variable_short",
        lambda e: e.set_variable("pi-1", "priority", TypedValue(VariableType.SHORT, 3)),
        "PUT",
        "/runtime/process-instances/pi-1/variables",
        json=[{"name": "priority", "type": "short", "value": 3}],
        answer=[],
    ),
    Case(
        "delete_variable",
        lambda e: e.delete_variable("pi-1", "amount"),
        "DELETE",
        "/runtime/process-instances/pi-1/variables/amount",
        status=204,
    ),
    Case(
        "delete_local_variable",
        lambda e: e.delete_variable("pi-1", "amount", execution_id="ex-2"),
        "DELETE",
        "/runtime/executions/ex-2/variables/amount",
        params={"scope": "local"},
        status=204,
    ),
    Case(
        "list_incidents_are_dead_letter_jobs",
        lambda e: e.list_incidents(process_instance_id="pi-1", limit=10),
        "GET",
        "/management/deadletter-jobs",
        params={"processInstanceId": "pi-1", "start": "0", "size": "10"},
        answer=page(DEAD_JOB),
        check=lambda r: (
            (r.total, r[0].incident_type, r[0].job_id, r[0].incident_message, r[0].activity_id)
            == (1, "failedJob", "job-1", "Card declined", "charge")
        ),
    ),
    Case(
        "count_incidents",
        lambda e: e.count_incidents(process_definition_id="order:2:d-2"),
        "GET",
        "/management/deadletter-jobs",
        params={"processDefinitionId": "order:2:d-2", "size": "0"},
        answer=page(total=4),
        check=_is(4),
    ),
    Case(
        "list_historic_instances",
        lambda e: e.list_historic_instances(
            HistoricProcessInstanceQuery(
                process_definition_key="order",
                finished=True,
                started_after=datetime(2026, 12, 1, tzinfo=UTC),
            ),
            limit=5,
        ),
        "POST",
        "/query/historic-process-instances",
        json={
            "processDefinitionKey": "order",
            "finished": True,
            "startedAfter": "2026-12-01T00:00:00.000Z",
            "start": 0,
            "size": 5,
        },
        answer=page(
            {
                "id": "pi-9",
                "processDefinitionId": "order:2:d-2",
                "endTime": "2026-12-02T01:00:00Z",
                "deleteReason": "Cancelled by the customer",
                "startTime": "2026-12-02T00:00:00Z",
            }
        ),
        check=lambda r: (
            (r[0].process_definition_key, r[0].process_definition_version, r[0].state, r[0].delete_reason)
            == ("order", 2, "EXTERNALLY_TERMINATED", "Cancelled by the customer")
        ),
    ),
    Case(
        "count_historic_instances",
        lambda e: e.count_historic_instances(HistoricProcessInstanceQuery(unfinished=True)),
        "POST",
        "/query/historic-process-instances",
        json={"finished": False, "size": 0},
        answer=page(total=8),
        check=_is(8),
    ),
    Case(
        "get_historic_instance",
        lambda e: e.get_historic_instance("pi-9").state,
        "GET",
        "/history/historic-process-instances/pi-9",
        answer={"id": "pi-9", "startTime": "2026-12-02T00:00:00Z"},
        check=_is("ACTIVE"),
    ),
    Case(
        "historic_activity_instances",
        lambda e: e.historic_activity_instances("pi-1", finished=True, limit=100),
        "GET",
        "/history/historic-activity-instances",
        params={
            "processInstanceId": "pi-1",
            "finished": "true",
            "sort": "startTime",
            "order": "asc",
            "start": "0",
            "size": "100",
        },
        answer=page(
            {
                "id": "ha-1",
                "activityId": "start",
                "activityType": "startEvent",
                "startTime": "2026-12-02T00:43:39.182Z",
                "endTime": "2026-12-02T00:43:39.194Z",
            }
        ),
        check=lambda r: (r[0].activity_id, r[0].activity_type) == ("start", "startEvent"),
    ),
    Case(
        "historic_variables",
        lambda e: e.historic_variables("pi-1"),
        "GET",
        "/history/historic-variable-instances",
        params={
            "processInstanceId": "pi-1",
            "sort": "variableName",
            "order": "asc",
            "start": "0",
            "size": "200",
        },
        answer=page(
            {
                "id": "hv-1",
                "processInstanceId": "pi-1",
                "variable": {"name": "amount", "type": "integer", "value": 12, "scope": "global"},
            }
        ),
        check=lambda r: (
            (r[0].name, r[0].value.type, r[0].value.value) == ("amount", VariableType.INTEGER, 12)
        ),
    ),
    Case(
        "modify_instance_is_change_state",
        lambda e: e.modify_instance(
            "pi-1",
            Modification(
                instructions=(
                    Instruction("cancel", activity_id="pack"),
                    Instruction("startBeforeActivity", activity_id="check_stock"),
                )
            ),
        ),
        "POST",
        "/runtime/process-instances/pi-1/change-state",
        json={"cancelActivityIds": ["pack"], "startActivityIds": ["check_stock"]},
        status=200,
    ),
    Case(
        "set_task_assignee_gives_the_task_to_a_user",
        lambda e: e.set_task_assignee("task-1", "mary"),
        "PUT",
        "/runtime/tasks/task-1",
        json={"assignee": "mary"},
        answer={"id": "task-1", "assignee": "mary"},
    ),
    Case(
        "set_task_assignee_none_takes_the_task_back",
        lambda e: e.set_task_assignee("task-1", None),
        "PUT",
        "/runtime/tasks/task-1",
        json={"assignee": None},
        answer={"id": "task-1"},
    ),
    Case(
        "add_candidate_group_is_a_candidate_identity_link",
        lambda e: e.add_candidate_group("task-1", "night-shift"),
        "POST",
        "/runtime/tasks/task-1/identitylinks",
        json={"group": "night-shift", "type": "candidate"},
        answer={"group": "night-shift", "type": "candidate"},
        status=201,
    ),
    Case(
        "remove_candidate_group_deletes_that_link",
        lambda e: e.remove_candidate_group("task-1", "night-shift"),
        "DELETE",
        "/runtime/tasks/task-1/identitylinks/groups/night-shift/candidate",
        status=204,
    ),
    Case(
        "migrate_instances_sends_the_migration_document_per_instance",
        lambda e: e.migrate_instances(
            MigrationPlan(
                "order:1:d-1",
                "order:2:d-2",
                (
                    MigrationInstruction(("pack",), ("pack",)),
                    MigrationInstruction(("check_stock",), ("charge",)),
                ),
                {"note": TypedValue(VariableType.STRING, "moved")},
            ),
            ids=["pi-1"],
        ),
        "POST",
        "/runtime/process-instances/pi-1/migrate",
        # An activity of the same id is left to Flowable, which maps it so by itself.
        json={
            "toProcessDefinitionId": "order:2:d-2",
            "activityMappings": [{"fromActivityIds": ["check_stock"], "toActivityIds": ["charge"]}],
            "processInstanceVariables": {"note": "moved"},
        },
        answer=INSTANCE,
    ),
    Case(
        "list_deployments",
        lambda e: e.list_deployments(name_like="%demo%", sort=Sort(DeploymentSort.TIME, "desc"), limit=51),
        "GET",
        "/repository/deployments",
        params={"nameLike": "%demo%", "sort": "deployTime", "order": "desc", "start": "0", "size": "51"},
        answer=page(DEPLOYMENT, total=4),
        check=lambda r: (
            (r.total, r[0].name, r[0].tenant_id, r[0].deployment_time.year) == (4, "demo-1", None, 2026)
        ),
    ),
    Case(
        "count_deployments",
        lambda e: e.count_deployments(name_like="%demo%"),
        "GET",
        "/repository/deployments",
        params={"nameLike": "%demo%", "size": "0"},
        answer=page(total=4),
        check=_is(4),
    ),
    Case(
        "get_deployment",
        lambda e: e.get_deployment("dep-1").title,
        "GET",
        "/repository/deployments/dep-1",
        answer=DEPLOYMENT,
        check=_is("demo-1"),
    ),
    Case(
        "deployment_resources",
        lambda e: [(r.id, r.name, r.is_bpmn) for r in e.deployment_resources("dep-1")],
        "GET",
        "/repository/deployments/dep-1/resources",
        answer=[
            {
                "id": "diagrams/order.bpmn20.xml",
                "url": "http://flowable.test/process-api/repository/deployments/dep-1/resources/diagrams/order.bpmn20.xml",
                "contentUrl": "http://flowable.test/process-api/repository/deployments/dep-1/resourcedata/diagrams/order.bpmn20.xml",
                "mediaType": "text/xml",
                "type": "processDefinition",
            }
        ],
        check=_is([(b"diagrams/order.bpmn20.xml".hex(), "diagrams/order.bpmn20.xml", True)]),
    ),
    Case(
        "deployment_definitions",
        lambda e: [d.id for d in e.deployment_definitions("dep-1")],
        "GET",
        "/repository/process-definitions",
        params={"deploymentId": "dep-1", "start": "0", "size": "200"},
        answer=page(DEFINITION),
        check=_is(["order:2:d-2"]),
    ),
    Case(
        "delete_deployment",
        lambda e: e.delete_deployment("dep-1", cascade=True),
        "DELETE",
        "/repository/deployments/dep-1",
        params={"cascade": "true"},
        status=204,
    ),
]
IDS = [case.name for case in CASES]


def _answer(case: Case) -> httpx.Response:
    if isinstance(case.answer, str):
        return httpx.Response(case.status, text=json.dumps(case.answer))
    if case.answer is None:
        return httpx.Response(case.status)
    return httpx.Response(case.status, json=case.answer)


@cache
def _spec_operations() -> list[tuple[str, re.Pattern[str]]]:
    operations = []
    paths = {
        template: item
        for spec in SPECS
        for template, item in yaml.safe_load(spec.read_text())["paths"].items()
    }
    for template, item in paths.items():
        literal = (re.escape(part) for part in re.split(r"\{[^}]+\}", template))
        pattern = re.compile("^" + "[^/]+".join(literal) + "$")
        operations += [
            (method.upper(), pattern) for method in item if method in ("get", "post", "put", "delete")
        ]
    return operations


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_operation_sends_the_exact_request_and_reads_the_answer(case, engine, http):
    route = http.route(method=case.method).mock(return_value=_answer(case))
    result = case.call(engine)
    request = route.calls.last.request
    assert request.url.raw_path.decode().split("?")[0] == f"/process-api{case.path}"
    assert dict(request.url.params) == case.params
    if case.json is not None:
        assert json.loads(request.content) == case.json
    else:
        assert not request.content
    assert request.headers["Authorization"].startswith("Basic ")
    # A check either asserts itself (None) or is one condition that must hold.
    outcome = case.check(result)
    assert outcome is None or bool(outcome)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_endpoint_is_one_of_flowables_reference(case):
    assert any(method == case.method and pattern.match(case.path) for method, pattern in _spec_operations())


def test_an_engine_error_shows_flowables_exception_sentence(engine, http):
    http.get("/runtime/process-instances/nope").respond(
        404, json={"message": "Not found", "exception": "Could not find a process instance with id 'nope'."}
    )
    http.put("/runtime/process-instances/pi-1/variables").respond(
        400, json={"message": "Bad request", "exception": "Converter can only convert integers"}
    )
    with pytest.raises(NotFound, match=r"Could not find a process instance with id 'nope'\."):
        engine.get_instance("nope")
    with pytest.raises(InvalidRequest, match="Converter can only convert integers"):
        engine.set_variable("pi-1", "amount", TypedValue(VariableType.INTEGER, 1))


def test_the_instance_tree_is_built_from_executions_nested_by_scope(engine, http):
    http.get("/runtime/process-instances/pi-1").respond(json=INSTANCE)
    http.get("/runtime/executions", params={"processInstanceId": "pi-1"}).respond(
        json=page(
            {"id": "pi-1", "parentId": None, "activityId": None},
            {"id": "ex-sub", "parentId": "pi-1", "activityId": "fulfilment"},
            {"id": "ex-2", "parentId": "ex-sub", "activityId": "charge"},
            {"id": "ex-3", "parentId": "pi-1", "activityId": "notify"},
        )
    )
    http.get("/management/deadletter-jobs", params={"processInstanceId": "pi-1"}).respond(json=page(DEAD_JOB))
    tree = engine.activity_instance_tree("pi-1")
    assert engine.capabilities.instance_tree == InstanceTree.EXECUTIONS
    assert [(c.activity_id, [g.activity_id for g in c.children]) for c in tree.children] == [
        ("notify", []),  # by execution id, which on Flowable is in creation order
        ("fulfilment", ["charge"]),
    ]
    assert tree.children[1].children[0].incident_ids == ["job-1"]
    assert tree.counts_by_activity() == {"fulfilment": 1, "charge": 1, "notify": 1}


def test_variables_of_every_execution_carry_their_scope_and_an_id_that_finds_them_again(engine, http):
    http.get("/runtime/executions", params={"processInstanceId": "pi-1"}).respond(
        json=page(
            {"id": "pi-1", "activityId": None}, {"id": "ex-2", "parentId": "pi-1", "activityId": "charge"}
        )
    )
    http.get("/runtime/executions/pi-1/variables", params={"scope": "local"}).respond(
        json=[{"name": "amount", "type": "integer", "value": 12, "scope": "local"}]
    )
    http.get("/runtime/executions/ex-2/variables", params={"scope": "local"}).respond(
        json=[{"name": "amount", "type": "integer", "value": 99, "scope": "local"}]
    )
    found = engine.variable_instances("pi-1")
    assert [(v.name, v.value.value, v.is_local) for v in found] == [
        ("amount", 12, False),
        ("amount", 99, True),
    ]
    assert found[1].id == variable_id("ex-2", "amount")
    # One path segment and one CSS identifier, whatever the name.
    assert re.fullmatch(r"[A-Za-z0-9_-]+", variable_id("ex-2", "a/b ~#.ü"))
    http.get("/runtime/executions/ex-2").respond(json={"id": "ex-2", "processInstanceId": "pi-1"})
    http.get("/runtime/executions/ex-2/variables/amount", params={"scope": "local"}).respond(
        json={"name": "amount", "type": "integer", "value": 99}
    )
    again = engine.get_variable_instance(found[1].id)
    assert (again.value.value, again.process_instance_id, again.is_local) == (99, "pi-1", True)


def test_a_page_of_jobs_runs_over_flowables_three_job_tables(engine, http):
    job = {"id": "j", "processInstanceId": "pi-1", "retries": 3}
    executable = http.get("/management/jobs").respond(json=page(total=2))
    timers = http.get("/management/timer-jobs").respond(json=page({**job, "id": "t-2"}, total=3))
    dead = http.get("/management/deadletter-jobs").respond(json=page({**job, "id": "d-1"}, total=4))
    jobs = engine.list_jobs(process_instance_id="pi-1", offset=4, limit=2)
    # Offset 4 skips the 2 executable jobs and 2 of the 3 timers: the last timer, then the first dead one.
    assert [j.id for j in jobs] == ["t-2", "d-1"] and jobs.total == 9
    assert executable.calls.last.request.url.params["start"] == "4"
    assert timers.calls.last.request.url.params["start"] == "2"
    assert dict(dead.calls.last.request.url.params) == {
        "processInstanceId": "pi-1",
        "start": "0",
        "size": "1",
    }


def test_retrying_a_dead_letter_job_moves_it_back(engine, http):
    http.get("/management/jobs/job-1").respond(404, json={"message": "Not found", "exception": "no job"})
    http.get("/management/timer-jobs/job-1").respond(
        404, json={"message": "Not found", "exception": "no job"}
    )
    http.get("/management/deadletter-jobs/job-1").respond(json=DEAD_JOB)
    moved = http.post("/management/deadletter-jobs/job-1").respond(204)
    engine.set_job_retries("job-1", 1)
    assert json.loads(moved.calls.last.request.content) == {"action": "move"}


def test_a_dead_letter_jobs_stack_trace_is_read_as_text(engine, http):
    http.get("/management/jobs/job-1").respond(404, json={"message": "Not found", "exception": "no job"})
    http.get("/management/timer-jobs/job-1").respond(
        404, json={"message": "Not found", "exception": "no job"}
    )
    http.get("/management/deadletter-jobs/job-1").respond(json=DEAD_JOB)
    http.get("/management/deadletter-jobs/job-1/exception-stacktrace").respond(
        text="Failure: declined\n\tat X"
    )
    assert engine.job_stacktrace("job-1") == "Failure: declined\n\tat X"


def test_a_binary_variable_is_uploaded_as_multipart(engine, http):
    route = http.put("/runtime/executions/ex-2/variables/scan").respond(200, json={})
    engine.set_variable_data(
        "pi-1", "scan", b"\x00\x01", filename="scan.bin", value_type=VariableType.BYTES, execution_id="ex-2"
    )
    body = route.calls.last.request.content
    assert b'name="type"' in body and b"binary" in body and b'name="scope"' in body and b"\x00\x01" in body


def test_capabilities_say_what_flowable_lacks(engine):
    capabilities = engine.capabilities
    assert not capabilities.incident_annotation and not capabilities.user_operation_log
    assert not capabilities.process_statistics and not capabilities.engine_batch(BulkWork.DELETE_INSTANCES)
    assert not capabilities.incident_history
    assert capabilities.instructions == {InstructionKind.CANCEL, InstructionKind.START_BEFORE_ACTIVITY}
    assert VariableType.XML not in capabilities.variable_types
    assert VariableType.OBJECT not in capabilities.variable_types
    assert VariableType.JSON in capabilities.variable_types


@pytest.mark.parametrize(
    "call, missing",
    [
        (lambda e: e.set_incident_annotation("job-1", "on it"), "annotations"),
        (lambda e: e.user_operations(process_instance_id="pi-1"), "user operation log"),
        (lambda e: e.count_historic_incidents(), "history of incidents"),
        (lambda e: e.delete_instances_async(["pi-1"]), "engine-side batches"),
        (lambda e: e.list_instances(ProcessInstanceQuery(incident_id="job-1")), "one failure"),
        (lambda e: e.list_instances(ProcessInstanceQuery(tenant_ids=("a", "b"))), "several tenants"),
        (
            lambda e: e.modify_instance(
                "pi-1", Modification(instructions=(Instruction("startAfterActivity", activity_id="pack"),))
            ),
            "start after activity",
        ),
        (lambda e: e.set_job_retries("job-1", 1, due_date=datetime(2027, 1, 1, tzinfo=UTC)), "schedule"),
        (lambda e: e.set_variable("pi-1", "label", TypedValue(VariableType.XML, "<a/>")), "no Xml variables"),
        (
            lambda e: e.set_variable("pi-1", "bean", TypedValue(VariableType.OBJECT, "{}")),
            "no Object variables",
        ),
        (
            lambda e: e.list_historic_instances(HistoricProcessInstanceQuery(externally_terminated=True)),
            "how an instance ended",
        ),
        (lambda e: e.restart_instances_async("order:1:d-1", Restart(), ids=["pi-1"]), "restart"),
        (lambda e: e.delete_historic_instances_async(["pi-1"]), "history"),
        (lambda e: e.validate_migration_plan(MigrationPlan("order:1:d-1", "order:2:d-2")), "validation"),
        (lambda e: e.list_external_tasks("pi-1"), "external tasks"),
        (lambda e: e.list_job_definitions(process_definition_id="order:1:d-1"), "job definitions"),
        (lambda e: e.list_jobs(job_definition_id="jd-1"), "job definitions"),
        (lambda e: e.set_job_due_date("job-1", datetime(2027, 1, 1, tzinfo=UTC)), "due date"),
        (lambda e: e.delete_deployment("dep-1", cascade=True, skip_io_mappings=True), "skipping listeners"),
    ],
)
def test_what_flowable_cannot_do_is_refused_naming_what_is_missing_and_sends_nothing(engine, call, missing):
    # No respx router here: anything sent would fail to connect rather than pass.
    with pytest.raises(Unsupported, match=missing):
        call(engine)


def test_instances_with_failures_are_those_with_dead_letter_jobs(engine, http):
    http.get("/management/deadletter-jobs").respond(
        json=page(DEAD_JOB, {**DEAD_JOB, "id": "job-2", "processInstanceId": "pi-7"})
    )
    query = http.post("/query/process-instances").respond(json=page(INSTANCE, total=1))
    found = engine.list_instances(
        ProcessInstanceQuery(process_instance_ids=("pi-1", "pi-2"), with_incident=True)
    )
    assert [i.id for i in found] == ["pi-1"]
    assert json.loads(query.calls.last.request.content) == {
        "processInstanceIds": ["pi-1"],
        "start": 0,
        "size": 50,
    }


def test_with_no_dead_letter_jobs_no_instance_has_failures_and_none_is_asked_for(engine, http):
    http.get("/management/deadletter-jobs").respond(json=page())
    assert engine.count_instances(ProcessInstanceQuery(with_incident=True)) == 0
    listed = engine.list_instances(ProcessInstanceQuery(with_incident=True))
    assert listed == [] and listed.total == 0


def test_definition_statistics_are_counted_with_queries(engine, http):
    http.get("/repository/process-definitions", params={"start": "0", "size": "1000"}).respond(
        json=page(DEFINITION, {**DEFINITION, "id": "order:1:d-1", "version": 1})
    )
    counted = http.post("/query/process-instances").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=page(total=7 if json.loads(request.content)["processDefinitionId"] == "order:2:d-2" else 2),
        )
    )
    http.get(
        "/management/deadletter-jobs", params={"processDefinitionId": "order:2:d-2", "size": "0"}
    ).respond(json=page(total=3))
    http.get(
        "/management/deadletter-jobs", params={"processDefinitionId": "order:1:d-1", "size": "0"}
    ).respond(json=page(total=0))
    rows = {row.id: row for row in engine.definition_statistics()}
    assert (rows["order:2:d-2"].instances, rows["order:2:d-2"].failed_jobs) == (7, 3)
    assert [(i.incident_type, i.incident_count) for i in rows["order:2:d-2"].incidents] == [("failedJob", 3)]
    assert (rows["order:1:d-1"].instances, rows["order:1:d-1"].incidents) == (2, [])
    assert rows["order:2:d-2"].definition.key == "order" and counted.call_count == 2


def test_activity_statistics_count_executions_and_dead_letter_jobs_per_activity(engine, http):
    http.get("/runtime/executions", params={"processDefinitionId": "order:2:d-2"}).respond(
        json=page(
            {"id": "pi-1", "activityId": None},
            {"id": "ex-1", "activityId": "pack"},
            {"id": "ex-2", "activityId": "pack"},
            {"id": "ex-3", "activityId": "charge"},
        )
    )
    http.get("/management/deadletter-jobs", params={"processDefinitionId": "order:2:d-2"}).respond(
        json=page(DEAD_JOB)
    )
    rows = {row.id: (row.instances, row.failed_jobs) for row in engine.activity_statistics("order:2:d-2")}
    assert rows == {"pack": (2, 0), "charge": (1, 1)}


def test_whole_list_lookups_page_on_until_flowables_total_is_reached(engine, http):
    from engines.flowable.client import MAX_PAGE_SIZE

    executions = http.get("/runtime/executions", params={"processDefinitionId": "order:2:d-2"})
    executions.side_effect = lambda request: httpx.Response(
        200,
        json=page({"id": f"ex-{request.url.params['start']}", "activityId": "pack"}, total=MAX_PAGE_SIZE + 1),
    )
    dead = http.get("/management/deadletter-jobs", params={"processDefinitionId": "order:2:d-2"})
    dead.side_effect = lambda request: httpx.Response(200, json=page(DEAD_JOB, total=MAX_PAGE_SIZE + 1))
    rows = {row.id: (row.instances, row.failed_jobs) for row in engine.activity_statistics("order:2:d-2")}
    assert rows == {"pack": (2, 0), "charge": (0, 2)}
    for route in (executions, dead):
        asked = [(c.request.url.params["start"], c.request.url.params["size"]) for c in route.calls]
        assert asked == [("0", str(MAX_PAGE_SIZE)), (str(MAX_PAGE_SIZE), str(MAX_PAGE_SIZE))]


def test_failures_of_a_process_by_its_key_activity_and_message_are_matched_over_every_version(engine, http):
    # Flowable's dead-letter query knows one definition id, no element or message pattern: the
    # adapter asks for the definitions of the key, then matches the failures of the engine's order.
    http.get("/repository/process-definitions", params={"key": "credit-check"}).respond(
        json=page({"id": "credit-check:1:a"}, {"id": "credit-check:2:b"})
    )
    jobs = http.get("/management/deadletter-jobs")
    jobs.respond(
        json=page(
            {**DEAD_JOB, "id": "j-1", "processDefinitionId": "credit-check:2:b", "elementId": "score",
             "exceptionMessage": "Scoring service answered 503"},
            {**DEAD_JOB, "id": "j-2", "processDefinitionId": "order:2:d-2", "elementId": "score",
             "exceptionMessage": "Scoring service answered 503"},
            {**DEAD_JOB, "id": "j-3", "processDefinitionId": "credit-check:1:a", "elementId": "score",
             "exceptionMessage": "Scoring service answered 503 again"},
            {**DEAD_JOB, "id": "j-4", "processDefinitionId": "credit-check:1:a", "elementId": "fetch",
             "exceptionMessage": "Scoring service answered 503"},
        )
    )  # fmt: skip
    filters = {
        "process_definition_keys": ["credit-check"],
        "activity_id": "score",
        "incident_message_like": containing("answered 503"),
    }
    newest = Sort(IncidentSort.TIMESTAMP, "desc")
    assert [i.id for i in engine.list_incidents(sort=newest, **filters)] == ["j-1", "j-3"]
    assert [i.id for i in engine.list_incidents(sort=newest, offset=1, limit=1, **filters)] == ["j-3"]
    assert engine.count_incidents(**filters) == 2
    listed = jobs.calls[0].request.url.params
    assert (listed["sort"], listed["order"], listed["size"]) == ("createTime", "desc", "1000")


def test_instances_are_found_by_their_failures_message_taken_literally(engine, http):
    http.get("/management/deadletter-jobs").respond(
        json=page(
            {**DEAD_JOB, "processInstanceId": "pi-1", "exceptionMessage": "Card declined: 100% used"},
            {
                **DEAD_JOB,
                "id": "job-2",
                "processInstanceId": "pi-2",
                "exceptionMessage": "Card declined: 100 used",
            },
            {**DEAD_JOB, "id": "job-3", "processInstanceId": "pi-3", "exceptionMessage": "Timed out"},
        )
    )
    query = http.post("/query/process-instances").respond(json=page(INSTANCE, total=1))
    engine.count_instances(ProcessInstanceQuery(incident_message_like=containing("100%")))
    assert json.loads(query.calls.last.request.content)["processInstanceIds"] == ["pi-1"]
    engine.count_instances(ProcessInstanceQuery(incident_message_like="Card%"))
    assert json.loads(query.calls.last.request.content)["processInstanceIds"] == ["pi-1", "pi-2"]
    engine.count_instances(ProcessInstanceQuery(incident_message="Timed out"))
    assert json.loads(query.calls.last.request.content)["processInstanceIds"] == ["pi-3"]


def test_suspending_an_instance_flowable_has_suspended_already_is_done_not_an_error(engine, http):
    http.put("/runtime/process-instances/pi-1").respond(
        409, json={"message": "Conflict", "exception": "Process instance pi-1 is already suspended."}
    )
    http.get("/runtime/process-instances/pi-1").respond(json={**INSTANCE, "suspended": True})
    engine.set_instance_suspended("pi-1", suspended=True)
    with pytest.raises(Exception, match="already suspended"):
        engine.set_instance_suspended("pi-1", suspended=False)  # active was asked: the refusal stands


def test_a_resource_is_read_by_its_name(engine, http):
    http.get("/repository/deployments/dep-1/resources").respond(
        200, json=[{"id": "order.bpmn20.xml", "type": "processDefinition"}]
    )
    [resource] = engine.deployment_resources("dep-1")
    route = http.get("/repository/deployments/dep-1/resourcedata/order.bpmn20.xml").respond(
        200, content=b"<definitions/>", headers={"Content-Type": "text/xml"}
    )
    content = engine.deployment_resource_data("dep-1", resource.id)
    assert (content.data, content.filename) == (b"<definitions/>", "order.bpmn20.xml")
    assert route.called


def test_a_resource_in_a_folder_is_refused_naming_why_and_nothing_is_sent(engine, http):
    [resource] = _resources(engine, http)
    assert resource.name == "diagrams/order.bpmn20.xml"
    with pytest.raises(Unsupported, match="file in a folder"):
        engine.deployment_resource_data("dep-1", resource.id)


def _resources(engine, http):
    http.get("/repository/deployments/dep-1/resources").respond(
        200, json=[{"id": "diagrams/order.bpmn20.xml", "type": "processDefinition"}]
    )
    return engine.deployment_resources("dep-1")


def test_a_resource_id_that_names_nothing_is_not_found_and_sends_nothing(engine):
    with pytest.raises(NotFound):
        engine.deployment_resource_data("dep-1", "not-hex")


CALLING_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="http://flowable.test">
  <process id="loan" name="Loan application" isExecutable="true">
    <startEvent id="start"/>
    <callActivity id="recheck" name="Check again" calledElement="credit-check"/>
    <callActivity id="credit_check" name="Check credit" calledElement="credit-check"/>
    <callActivity id="chosen" name="Chosen by a variable" calledElement="${which}"/>
    <callActivity id="gone" name="Nothing deployed" calledElement="retired"/>
    <endEvent id="end"/>
  </process>
</definitions>
"""


def test_the_definitions_a_process_calls_are_read_from_its_call_activities_and_resolved_to_the_latest(
    engine, http
):
    http.get("/repository/process-definitions/loan:1:d-3").respond(
        200, json={**DEFINITION, "id": "loan:1:d-3", "key": "loan", "name": "Loan application", "version": 1}
    )
    http.get("/repository/process-definitions/loan:1:d-3/resourcedata").respond(
        200, content=CALLING_BPMN.encode(), headers={"Content-Type": "text/xml"}
    )
    credit_check = {**DEFINITION, "id": "credit-check:4:d-9", "key": "credit-check", "name": "Credit check"}
    latest = http.get(
        "/repository/process-definitions",
        params={"key": "credit-check", "latest": "true", "start": "0", "size": "2"},
    ).respond(200, json=page(credit_check, total=1))
    retired = http.get(
        "/repository/process-definitions",
        params={"key": "retired", "latest": "true", "start": "0", "size": "2"},
    ).respond(200, json=page(total=0))
    [called] = engine.called_definitions("loan:1:d-3")
    assert (called.id, called.title, called.version) == ("credit-check:4:d-9", "Credit check", 2)
    assert called.called_from_activity_ids == ("credit_check", "recheck")
    assert called.calling_process_definition_id == "loan:1:d-3"
    assert latest.call_count == 1 and retired.called  # the expression is not resolved: no request for it
    assert engine.capabilities.called_definitions
