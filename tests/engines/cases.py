"""One case per engine operation: the call, the exact request it must send, a realistic answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engines.queries import (
    DeploymentSort,
    HistoricInstanceSort,
    HistoricProcessInstanceQuery,
    IncidentSort,
    InstanceSort,
    Instruction,
    Modification,
    ProcessInstanceQuery,
    Sort,
    StartVariable,
    VariableFilter,
)
from engines.variables import TypedValue, VariableType

BASE = "http://engine.test:8080/engine-rest"

BATCH = {
    "id": "b-1",
    "type": "instance-deletion",
    "totalJobs": 10,
    "jobsCreated": 0,
    "batchJobsPerSeed": 100,
    "invocationsPerBatchJob": 1,
    "seedJobDefinitionId": "sj",
    "monitorJobDefinitionId": "mj",
    "batchJobDefinitionId": "bj",
    "suspended": False,
    "tenantId": None,
    "createUserId": "demo",
    "startTime": "2026-11-22T10:00:00.000+0000",
    "executionStartTime": None,
}
INSTANCE = {
    "id": "pi-1",
    "definitionId": "order:1:abc",
    "businessKey": "order-42",
    "caseInstanceId": None,
    "ended": False,
    "suspended": False,
    "tenantId": None,
    "links": [],
}
DEFINITION = {
    "id": "order:1:abc",
    "key": "order",
    "category": "http://bpmn.io/schema/bpmn",
    "description": None,
    "name": "Order to delivery",
    "version": 1,
    "resource": "order.bpmn",
    "deploymentId": "dep-1",
    "diagram": None,
    "suspended": False,
    "tenantId": None,
    "versionTag": None,
    "historyTimeToLive": None,
    "startableInTasklist": True,
}
DEPLOYMENT = {
    "links": [],
    "id": "dep-1",
    "name": "demo-1",
    "source": "cockpit-tests",
    "deploymentTime": "2026-11-22T09:00:00.000+0100",
    "tenantId": None,
}
INCIDENT = {
    "id": "inc-1",
    "processDefinitionId": "order:1:abc",
    "processInstanceId": "pi-1",
    "executionId": "ex-1",
    "incidentTimestamp": "2026-11-22T09:30:00.000+0100",
    "incidentType": "failedJob",
    "activityId": "charge",
    "failedActivityId": "charge",
    "causeIncidentId": "inc-1",
    "rootCauseIncidentId": "inc-1",
    "configuration": "job-1",
    "tenantId": None,
    "incidentMessage": "Payment provider timed out",
    "jobDefinitionId": "jd-1",
    "annotation": None,
}
TASK = {
    "id": "task-1",
    "name": "Review application",
    "assignee": "mary",
    "owner": None,
    "created": "2026-11-22T09:30:00.000+0000",
    "lastUpdated": None,
    "due": "2026-11-25T09:30:00.000+0000",
    "followUp": None,
    "description": None,
    "executionId": "ex-1",
    "parentTaskId": None,
    "priority": 50,
    "processDefinitionId": "loan:1:abc",
    "processInstanceId": "pi-1",
    "caseExecutionId": None,
    "caseDefinitionId": None,
    "caseInstanceId": None,
    "taskDefinitionKey": "review",
    "suspended": False,
    "formKey": None,
    "tenantId": None,
}
EXTERNAL_TASK = {
    "activityId": "print_label",
    "activityInstanceId": "print_label:ai-1",
    "errorMessage": "Printer offline",
    "executionId": "ex-1",
    "id": "et-1",
    "lockExpirationTime": "2026-11-22T10:05:00.000+0000",
    "processDefinitionId": "order:1:abc",
    "processDefinitionKey": "order",
    "processDefinitionVersionTag": None,
    "processInstanceId": "pi-1",
    "tenantId": None,
    "retries": 0,
    "suspended": False,
    "workerId": "printer-7",
    "topicName": "label-printing",
    "priority": 0,
    "businessKey": "order-42",
}
JOB_DEFINITION = {
    "id": "jd-1",
    "processDefinitionId": "order:1:abc",
    "processDefinitionKey": "order",
    "activityId": "charge",
    "jobType": "async-continuation",
    "jobConfiguration": "async-before",
    "overridingJobPriority": None,
    "suspended": False,
    "tenantId": None,
    "deploymentId": "dep-1",
}
JOB = {
    "id": "job-1",
    "jobDefinitionId": "jd-1",
    "dueDate": None,
    "processInstanceId": "pi-1",
    "executionId": "ex-1",
    "processDefinitionId": "order:1:abc",
    "processDefinitionKey": "order",
    "retries": 0,
    "exceptionMessage": "Payment provider timed out",
    "failedActivityId": "charge",
    "suspended": False,
    "priority": 0,
    "tenantId": None,
    "createTime": "2026-11-22T09:00:00.000+0100",
    "batchId": None,
}
TREE = {
    "id": "pi-1",
    "parentActivityInstanceId": None,
    "activityId": "order:1:abc",
    "activityType": "processDefinition",
    "processInstanceId": "pi-1",
    "processDefinitionId": "order:1:abc",
    "childActivityInstances": [
        {
            "id": "ship:ai-2",
            "parentActivityInstanceId": "pi-1",
            "activityId": "ship",
            "activityType": "userTask",
            "processInstanceId": "pi-1",
            "processDefinitionId": "order:1:abc",
            "childActivityInstances": [],
            "childTransitionInstances": [],
            "executionIds": ["ex-2"],
            "activityName": "Ship goods",
            "incidentIds": [],
            "incidents": [],
            "name": "Ship goods",
        }
    ],
    "childTransitionInstances": [
        {
            "id": "ti-1",
            "parentActivityInstanceId": "pi-1",
            "processInstanceId": "pi-1",
            "processDefinitionId": "order:1:abc",
            "activityId": "charge",
            "activityName": "Charge card",
            "activityType": "serviceTask",
            "executionId": "ex-1",
            "incidentIds": ["inc-1"],
            "incidents": [{"id": "inc-1", "parentActivityInstanceId": "pi-1"}],
        }
    ],
    "executionIds": ["pi-1"],
    "activityName": "Order to delivery",
    "incidentIds": [],
    "incidents": [],
    "name": "Order to delivery",
}

QUERY = ProcessInstanceQuery(
    business_key_like="order-%",
    process_definition_key="order",
    suspended=False,
    with_incident=True,
    incident_type="failedJob",
    incident_message_like="%timed out%",
    activity_ids=("charge",),
    tenant_ids=("acme",),
    root_process_instances=True,
    super_process_instance="pi-0",
    variables=(VariableFilter("amount", "gteq", 100), VariableFilter("customer", "like", "A%")),
    variable_values_ignore_case=True,
    sorting=(Sort(InstanceSort.BUSINESS_KEY, "desc"),),
)
QUERY_JSON = {
    "businessKeyLike": "order-%",
    "processDefinitionKey": "order",
    "suspended": False,
    "withIncident": True,
    "incidentType": "failedJob",
    "incidentMessageLike": "%timed out%",
    "activityIdIn": ["charge"],
    "tenantIdIn": ["acme"],
    "rootProcessInstances": True,
    "superProcessInstance": "pi-0",
    "variables": [
        {"name": "amount", "operator": "gteq", "value": 100},
        {"name": "customer", "operator": "like", "value": "A%"},
    ],
    "variableValuesIgnoreCase": True,
    "sorting": [{"sortBy": "businessKey", "sortOrder": "desc"}],
}
HISTORIC_QUERY = HistoricProcessInstanceQuery(
    process_definition_key="order",
    started_after=datetime(2026, 11, 1, tzinfo=UTC),
    unfinished=True,
)
HISTORIC_QUERY_JSON = {
    "processDefinitionKey": "order",
    "startedAfter": "2026-11-01T00:00:00.000+0000",
    "unfinished": True,
}
MODIFICATION = Modification(
    instructions=(
        Instruction("cancel", activity_instance_id="charge:ai-1"),
        Instruction(
            "startBeforeActivity",
            activity_id="approve",
            ancestor_activity_instance_id="pi-1",
            variables={"approved": StartVariable(TypedValue(VariableType.BOOLEAN, False), local=True)},
        ),
        Instruction("startTransition", transition_id="flow_to_ship"),
        Instruction("startAfterActivity", activity_id="check"),
        Instruction("cancel", activity_id="wait", cancel_current_active_activity_instances=True),
    ),
    skip_custom_listeners=True,
    annotation="Repair after outage",
)
MODIFICATION_JSON = {
    "skipCustomListeners": True,
    "skipIoMappings": False,
    "instructions": [
        {"type": "cancel", "activityInstanceId": "charge:ai-1"},
        {
            "type": "startBeforeActivity",
            "activityId": "approve",
            "ancestorActivityInstanceId": "pi-1",
            "variables": {"approved": {"value": False, "type": "Boolean", "local": True}},
        },
        {"type": "startTransition", "transitionId": "flow_to_ship"},
        {"type": "startAfterActivity", "activityId": "check"},
        {"type": "cancel", "activityId": "wait", "cancelCurrentActiveActivityInstances": True},
    ],
    "annotation": "Repair after outage",
}

MANY_MODIFICATION = Modification(
    instructions=(
        Instruction("cancel", activity_id="charge", cancel_current_active_activity_instances=True),
        Instruction("startBeforeActivity", activity_id="approve"),
        Instruction("startTransition", transition_id="flow_to_ship"),
    ),
    skip_io_mappings=True,
)
MANY_MODIFICATION_JSON = {
    "skipCustomListeners": False,
    "skipIoMappings": True,
    "instructions": [
        {"type": "cancel", "activityId": "charge", "cancelCurrentActiveActivityInstances": True},
        {"type": "startBeforeActivity", "activityId": "approve"},
        {"type": "startTransition", "transitionId": "flow_to_ship"},
    ],
}


@dataclass
class Case:
    name: str
    call: Callable[[Any], Any]
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    status: int = 200
    answer: Any = None
    answer_headers: dict[str, str] = field(default_factory=dict)
    answer_bytes: bytes | None = None
    check: Callable[[Any], Any] = lambda result: None
    # multipart bodies are checked by their own test
    multipart: bool = False


def _is(expected):
    def check(result):
        assert result == expected, result

    return check


VARIABLE_INSTANCE = {
    "id": "v-1",
    "name": "note",
    "type": "String",
    "value": "checked",
    "valueInfo": {},
    "processDefinitionId": "order:1:abc",
    "processInstanceId": "pi-1",
    "executionId": "ex-2",
    "caseInstanceId": None,
    "caseExecutionId": None,
    "taskId": None,
    "batchId": None,
    "activityInstanceId": "ship:ai-2",
    "tenantId": None,
    "errorMessage": None,
}

CASES = [
    Case(
        "version",
        lambda c: c.version(),
        "GET",
        "/version",
        answer={"version": "7.22.0"},
        check=lambda r: r.version == "7.22.0",
    ),
    # process definitions
    Case(
        "list definitions",
        lambda c: c.list_definitions(key="order", latest_version=True, limit=20),
        "GET",
        "/process-definition",
        params={"key": "order", "latestVersion": "true", "firstResult": "0", "maxResults": "20"},
        answer=[DEFINITION],
        check=lambda r: r[0].title == "Order to delivery" and r[0].version == 1,
    ),
    Case(
        "count definitions",
        lambda c: c.count_definitions(name_like="%Order%", suspended=False),
        "GET",
        "/process-definition/count",
        params={"nameLike": "%Order%", "suspended": "false"},
        answer={"count": 3},
        check=_is(3),
    ),
    Case(
        "get definition",
        lambda c: c.get_definition("order:1:abc"),
        "GET",
        "/process-definition/order:1:abc",
        answer=DEFINITION,
        check=lambda r: r.key == "order",
    ),
    Case(
        "latest definition by key",
        lambda c: c.get_latest_definition("order"),
        "GET",
        "/process-definition/key/order",
        answer=DEFINITION,
        check=lambda r: r.id == "order:1:abc",
    ),
    Case(
        "latest definition by key and tenant",
        lambda c: c.get_latest_definition("loan", tenant_id="acme"),
        "GET",
        "/process-definition/key/loan/tenant-id/acme",
        answer={**DEFINITION, "tenantId": "acme"},
        check=lambda r: r.tenant_id == "acme",
    ),
    Case(
        "definition xml",
        lambda c: c.definition_xml("order:1:abc"),
        "GET",
        "/process-definition/order:1:abc/xml",
        answer={"id": "order:1:abc", "bpmn20Xml": "<definitions/>"},
        check=_is("<definitions/>"),
    ),
    Case(
        "definition statistics",
        lambda c: c.definition_statistics(),
        "GET",
        "/process-definition/statistics",
        params={"failedJobs": "true", "incidents": "true"},
        answer=[
            {
                "@class": "org.camunda.bpm.engine.rest.dto.repository.ProcessDefinitionStatisticsResultDto",
                "id": "order:1:abc",
                "instances": 1200,
                "failedJobs": 7,
                "incidents": [{"incidentType": "failedJob", "incidentCount": 7}],
                "definition": DEFINITION,
            }
        ],
        check=lambda r: (
            r[0].instances == 1200
            and r[0].incidents[0].incident_count == 7
            and r[0].definition.key == "order"
        ),
    ),
    Case(
        "activity statistics",
        lambda c: c.activity_statistics("order:1:abc"),
        "GET",
        "/process-definition/order:1:abc/statistics",
        params={"failedJobs": "true", "incidents": "true"},
        answer=[
            {
                "@class": "org.camunda.bpm.engine.rest.dto.repository.ActivityStatisticsResultDto",
                "id": "charge",
                "instances": 12,
                "failedJobs": 3,
                "incidents": [{"incidentType": "failedJob", "incidentCount": 3}],
            }
        ],
        check=lambda r: (r[0].id, r[0].instances, r[0].failed_jobs) == ("charge", 12, 3),
    ),
    Case(
        "suspend definition",
        lambda c: c.set_definition_suspended("order:1:abc", suspended=True, include_instances=True),
        "PUT",
        "/process-definition/order:1:abc/suspended",
        json={"suspended": True, "includeProcessInstances": True},
        status=204,
    ),
    # process instances: queries
    Case(
        "list instances (POST query)",
        lambda c: c.list_instances(QUERY, offset=50, limit=51),
        "POST",
        "/process-instance",
        params={"firstResult": "50", "maxResults": "51"},
        json=QUERY_JSON,
        answer=[INSTANCE],
        check=lambda r: r[0].business_key == "order-42",
    ),
    Case(
        "count instances (POST query)",
        lambda c: c.count_instances(QUERY),
        "POST",
        "/process-instance/count",
        json=QUERY_JSON,
        answer={"count": 1234567},
        check=_is(1234567),
    ),
    Case(
        "get instance",
        lambda c: c.get_instance("pi-1"),
        "GET",
        "/process-instance/pi-1",
        answer=INSTANCE,
        check=lambda r: r.definition_id == "order:1:abc" and r.suspended is False,
    ),
    Case(
        "activity instance tree",
        lambda c: c.activity_instance_tree("pi-1"),
        "GET",
        "/process-instance/pi-1/activity-instances",
        answer=TREE,
        check=lambda r: (
            r.counts_by_activity() == {"ship": 1, "charge": 1} and r.transitions[0].incident_ids == ["inc-1"]
        ),
    ),
    # process instances: single-instance actions
    Case(
        "delete instance",
        lambda c: c.delete_instance("pi-1", skip_io_mappings=True),
        "DELETE",
        "/process-instance/pi-1",
        params={
            "skipCustomListeners": "false",
            "skipIoMappings": "true",
            "skipSubprocesses": "false",
            "failIfNotExists": "true",
        },
        status=204,
    ),
    Case(
        "suspend instance",
        lambda c: c.set_instance_suspended("pi-1", suspended=True),
        "PUT",
        "/process-instance/pi-1/suspended",
        json={"suspended": True},
        status=204,
    ),
    Case(
        "modify instance",
        lambda c: c.modify_instance("pi-1", MODIFICATION),
        "POST",
        "/process-instance/pi-1/modification",
        json=MODIFICATION_JSON,
        status=204,
    ),
    Case(
        "modify instance async",
        lambda c: c.modify_instance_async("pi-1", MODIFICATION),
        "POST",
        "/process-instance/pi-1/modification-async",
        json=MODIFICATION_JSON,
        answer={**BATCH, "type": "instance-modification"},
        check=lambda r: r.type == "instance-modification",
    ),
    # variables
    Case(
        "instance variables",
        lambda c: c.instance_variables("pi-1"),
        "GET",
        "/process-instance/pi-1/variables",
        params={"deserializeValues": "false"},
        answer={
            "amount": {"type": "Integer", "value": 120, "valueInfo": {}},
            "due": {"type": "Date", "value": "2026-11-30T12:00:00.000+0100", "valueInfo": {}},
            "order": {
                "type": "Object",
                "value": '{"id":1}',
                "valueInfo": {
                    "objectTypeName": "com.acme.Order",
                    "serializationDataFormat": "application/json",
                },
            },
            "invoice": {
                "type": "File",
                "value": None,
                "valueInfo": {"filename": "invoice.pdf", "mimeType": "application/pdf"},
            },
            "nothing": {"type": "Null", "value": None, "valueInfo": {}},
        },
        check=lambda r: (
            r["amount"] == TypedValue(VariableType.INTEGER, 120)
            and r["due"].value.isoformat() == "2026-11-30T12:00:00+01:00"
            and r["order"].object_type_name == "com.acme.Order"
            and r["invoice"].filename == "invoice.pdf"
            and r["invoice"].mimetype == "application/pdf"
            and r["nothing"].value is None
        ),
    ),
    Case(
        "get variable",
        lambda c: c.get_variable("pi-1", "amount"),
        "GET",
        "/process-instance/pi-1/variables/amount",
        params={"deserializeValue": "false"},
        answer={"type": "Long", "value": 9007199254740993, "valueInfo": {}},
        check=_is(TypedValue(VariableType.LONG, 9007199254740993)),
    ),
    Case(
        "set variable",
        lambda c: c.set_variable(
            "pi-1", "due", TypedValue(VariableType.DATE, datetime(2026, 11, 30, 11, tzinfo=UTC))
        ),
        "PUT",
        "/process-instance/pi-1/variables/due",
        json={"type": "Date", "value": "2026-11-30T11:00:00.000+0000"},
        status=204,
    ),
    Case(
        "delete variable",
        lambda c: c.delete_variable("pi-1", "old"),
        "DELETE",
        "/process-instance/pi-1/variables/old",
        status=204,
    ),
    Case(
        "variable with a slash in its name stays one path segment",
        lambda c: c.delete_variable("pi-1", "a/b"),
        "DELETE",
        "/process-instance/pi-1/variables/a%2Fb",
        status=204,
    ),
    Case(
        "get binary variable",
        lambda c: c.get_variable_data("pi-1", "invoice"),
        "GET",
        "/process-instance/pi-1/variables/invoice/data",
        answer_bytes=b"%PDF-1.7",
        answer_headers={
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="invoice.pdf"',
        },
        check=lambda r: (r.data, r.mimetype, r.filename) == (b"%PDF-1.7", "application/pdf", "invoice.pdf"),
    ),
    Case(
        "set binary variable",
        lambda c: c.set_variable_data(
            "pi-1", "invoice", b"%PDF", filename="invoice.pdf", mimetype="application/pdf"
        ),
        "POST",
        "/process-instance/pi-1/variables/invoice/data",
        status=204,
        multipart=True,
    ),
    Case(
        "variable local to an execution",
        lambda c: c.set_variable(
            "pi-1", "note", TypedValue(VariableType.STRING, "checked"), execution_id="ex-2"
        ),
        "PUT",
        "/execution/ex-2/localVariables/note",
        json={"type": "String", "value": "checked"},
        status=204,
    ),
    Case(
        "delete a variable local to an execution",
        lambda c: c.delete_variable("pi-1", "note", execution_id="ex-2"),
        "DELETE",
        "/execution/ex-2/localVariables/note",
        status=204,
    ),
    Case(
        "set a binary variable local to an execution",
        lambda c: c.set_variable_data(
            "pi-1", "scan", b"%PDF", filename="scan.pdf", mimetype="application/pdf", execution_id="ex-2"
        ),
        "POST",
        "/execution/ex-2/localVariables/scan/data",
        status=204,
        multipart=True,
    ),
    Case(
        "one variable instance by id",
        lambda c: c.get_variable_instance("v-1"),
        "GET",
        "/variable-instance/v-1",
        params={"deserializeValue": "false"},
        answer=VARIABLE_INSTANCE,
        check=lambda v: (
            (v.name, v.value.value, v.is_local, v.execution_id) == ("note", "checked", True, "ex-2")
        ),
    ),
    Case(
        "a variable instance's binary content",
        lambda c: c.variable_instance_data("v-1"),
        "GET",
        "/variable-instance/v-1/data",
        answer_bytes=b"scanned",
        answer_headers={
            "Content-Type": "text/plain",
            "Content-Disposition": 'attachment; filename="scan.txt"',
        },
        check=lambda r: (r.data, r.mimetype, r.filename) == (b"scanned", "text/plain", "scan.txt"),
    ),
    Case(
        "variable instances of one name",
        lambda c: c.variable_instances("pi-1", name="note", limit=50),
        "GET",
        "/variable-instance",
        params={
            "processInstanceIdIn": "pi-1",
            "variableName": "note",
            "deserializeValues": "false",
            "sortBy": "variableName",
            "sortOrder": "asc",
            "firstResult": "0",
            "maxResults": "50",
        },
        answer=[],
        check=lambda r: r == [],
    ),
    Case(
        "variable instances with scope",
        lambda c: c.variable_instances("pi-1"),
        "GET",
        "/variable-instance",
        params={
            "processInstanceIdIn": "pi-1",
            "deserializeValues": "false",
            "sortBy": "variableName",
            "sortOrder": "asc",
            "firstResult": "0",
            "maxResults": "500",
        },
        answer=[{**VARIABLE_INSTANCE, "name": "approved", "type": "Boolean", "value": True}],
        check=lambda r: r[0].is_local and r[0].value.value is True,
    ),
    # bulk
    Case(
        "delete instances async",
        lambda c: c.delete_instances_async(["pi-1", "pi-2"], reason="cleanup", skip_subprocesses=True),
        "POST",
        "/process-instance/delete",
        json={
            "processInstanceIds": ["pi-1", "pi-2"],
            "skipCustomListeners": False,
            "skipIoMappings": False,
            "skipSubprocesses": True,
            "deleteReason": "cleanup",
        },
        answer=BATCH,
        check=lambda r: r.id == "b-1",
    ),
    Case(
        "delete instances async by query",
        lambda c: c.delete_instances_async(query=QUERY),
        "POST",
        "/process-instance/delete",
        json={
            "processInstanceQuery": QUERY_JSON,
            "skipCustomListeners": False,
            "skipIoMappings": False,
            "skipSubprocesses": False,
        },
        answer=BATCH,
    ),
    Case(
        "delete instances async by historic query",
        lambda c: c.delete_instances_async(query=HISTORIC_QUERY),
        "POST",
        "/process-instance/delete-historic-query-based",
        json={
            "historicProcessInstanceQuery": HISTORIC_QUERY_JSON,
            "skipCustomListeners": False,
            "skipIoMappings": False,
            "skipSubprocesses": False,
        },
        answer=BATCH,
    ),
    Case(
        "suspend instances async",
        lambda c: c.set_instances_suspended_async(query=QUERY, suspended=True),
        "POST",
        "/process-instance/suspended-async",
        json={"processInstanceQuery": QUERY_JSON, "suspended": True},
        answer={**BATCH, "type": "instance-update-suspension-state"},
    ),
    Case(
        "job retries async",
        lambda c: c.set_job_retries_async(["pi-1"], retries=3),
        "POST",
        "/process-instance/job-retries",
        json={"processInstances": ["pi-1"], "retries": 3},
        answer={**BATCH, "type": "instance-set-job-retries"},
    ),
    Case(
        "job retries async by historic query",
        lambda c: c.set_job_retries_async(
            query=HISTORIC_QUERY, retries=1, due_date=datetime(2026, 12, 1, tzinfo=UTC)
        ),
        "POST",
        "/process-instance/job-retries-historic-query-based",
        json={
            "historicProcessInstanceQuery": HISTORIC_QUERY_JSON,
            "retries": 1,
            "dueDate": "2026-12-01T00:00:00.000+0000",
        },
        answer=BATCH,
    ),
    Case(
        "set variables async",
        lambda c: c.set_variables_async(["pi-1"], variables={"priority": TypedValue(VariableType.SHORT, 2)}),
        "POST",
        "/process-instance/variables-async",
        json={"processInstanceIds": ["pi-1"], "variables": {"priority": {"type": "Short", "value": 2}}},
        answer={**BATCH, "type": "set-variables"},
    ),
    Case(
        "modification of many instances async",
        lambda c: c.execute_modification_async(
            "order:1:abc", MANY_MODIFICATION, query=ProcessInstanceQuery(activity_ids=("charge",))
        ),
        "POST",
        "/modification/executeAsync",
        json={
            "processDefinitionId": "order:1:abc",
            **MANY_MODIFICATION_JSON,
            "processInstanceQuery": {"activityIdIn": ["charge"]},
        },
        answer=BATCH,
    ),
    # incidents
    Case(
        "list incidents",
        lambda c: c.list_incidents(process_instance_id="pi-1", sort=Sort(IncidentSort.TIMESTAMP, "desc")),
        "GET",
        "/incident",
        params={
            "processInstanceId": "pi-1",
            "sortBy": "incidentTimestamp",
            "sortOrder": "desc",
            "firstResult": "0",
            "maxResults": "50",
        },
        answer=[INCIDENT],
        check=lambda r: r[0].job_id == "job-1" and r[0].incident_timestamp.utcoffset().seconds == 3600,
    ),
    Case(
        "count incidents",
        lambda c: c.count_incidents(incident_type="failedJob"),
        "GET",
        "/incident/count",
        params={"incidentType": "failedJob"},
        answer={"count": 7},
        check=_is(7),
    ),
    Case("get incident", lambda c: c.get_incident("inc-1"), "GET", "/incident/inc-1", answer=INCIDENT),
    Case(
        "annotate incident",
        lambda c: c.set_incident_annotation("inc-1", "Provider down, retry later"),
        "PUT",
        "/incident/inc-1/annotation",
        json={"annotation": "Provider down, retry later"},
        status=204,
    ),
    Case(
        "clear incident annotation",
        lambda c: c.clear_incident_annotation("inc-1"),
        "DELETE",
        "/incident/inc-1/annotation",
        status=204,
    ),
    # jobs
    Case(
        "list jobs",
        lambda c: c.list_jobs(process_instance_id="pi-1", with_exception=True),
        "GET",
        "/job",
        params={"processInstanceId": "pi-1", "withException": "true", "firstResult": "0", "maxResults": "50"},
        answer=[JOB],
        check=lambda r: r[0].retries == 0,
    ),
    Case(
        "count jobs",
        lambda c: c.count_jobs(no_retries_left=True),
        "GET",
        "/job/count",
        params={"noRetriesLeft": "true"},
        answer={"count": 2},
        check=_is(2),
    ),
    Case("get job", lambda c: c.get_job("job-1"), "GET", "/job/job-1", answer=JOB),
    Case(
        "job stacktrace",
        lambda c: c.job_stacktrace("job-1"),
        "GET",
        "/job/job-1/stacktrace",
        answer_bytes=b"java.lang.RuntimeException: boom\n\tat x",
        answer_headers={"Content-Type": "text/plain"},
        check=lambda r: r.startswith("java.lang.RuntimeException"),
    ),
    Case(
        "set job retries",
        lambda c: c.set_job_retries("job-1", 1),
        "PUT",
        "/job/job-1/retries",
        json={"retries": 1},
        status=204,
    ),
    Case(
        "set retries of many jobs",
        lambda c: c.set_jobs_retries_async(["job-1", "job-2"], 2),
        "POST",
        "/job/retries",
        json={"jobIds": ["job-1", "job-2"], "retries": 2},
        answer=BATCH,
    ),
    # batches
    Case(
        "count batches", lambda c: c.count_batches(), "GET", "/batch/count", answer={"count": 1}, check=_is(1)
    ),
    Case(
        "batch statistics",
        lambda c: c.batch_statistics(batch_id="b-1"),
        "GET",
        "/batch/statistics",
        params={"batchId": "b-1", "firstResult": "0", "maxResults": "50"},
        answer=[{**BATCH, "remainingJobs": 4, "completedJobs": 5, "failedJobs": 1}],
        check=lambda r: (r[0].percent, r[0].done) == (60, False),
    ),
    Case("get batch", lambda c: c.get_batch("b-1"), "GET", "/batch/b-1", answer=BATCH),
    Case(
        "suspend batch",
        lambda c: c.set_batch_suspended("b-1", suspended=True),
        "PUT",
        "/batch/b-1/suspended",
        json={"suspended": True},
        status=204,
    ),
    Case(
        "delete batch",
        lambda c: c.delete_batch("b-1", cascade=True),
        "DELETE",
        "/batch/b-1",
        params={"cascade": "true"},
        status=204,
    ),
    Case(
        "historic batch",
        lambda c: c.get_historic_batch("b-1"),
        "GET",
        "/history/batch/b-1",
        answer={**BATCH, "endTime": None},
    ),
    # history
    Case(
        "historic instances",
        lambda c: c.list_historic_instances(HISTORIC_QUERY, limit=5),
        "POST",
        "/history/process-instance",
        params={"firstResult": "0", "maxResults": "5"},
        json=HISTORIC_QUERY_JSON,
        answer=[
            {
                "id": "pi-1",
                "businessKey": "order-42",
                "processDefinitionId": "order:1:abc",
                "processDefinitionKey": "order",
                "processDefinitionName": "Order to delivery",
                "processDefinitionVersion": 1,
                "startTime": "2026-11-20T08:00:00.000+0000",
                "endTime": None,
                "removalTime": None,
                "durationInMillis": None,
                "startUserId": None,
                "startActivityId": "start",
                "deleteReason": None,
                "rootProcessInstanceId": "pi-1",
                "superProcessInstanceId": None,
                "superCaseInstanceId": None,
                "caseInstanceId": None,
                "tenantId": None,
                "state": "ACTIVE",
            }
        ],
        check=lambda r: r[0].state == "ACTIVE",
    ),
    Case(
        # The instance list's newest first: running instances with open incidents, as history has them
        "running instances with open incidents, newest first",
        lambda c: c.list_historic_instances(
            HistoricProcessInstanceQuery(
                unfinished=True,
                with_incidents=True,
                incident_status="open",
                sorting=(Sort(HistoricInstanceSort.START_TIME, "desc"),),
            ),
            limit=51,
        ),
        "POST",
        "/history/process-instance",
        params={"firstResult": "0", "maxResults": "51"},
        json={
            "unfinished": True,
            "withIncidents": True,
            "incidentStatus": "open",
            "sorting": [{"sortBy": "startTime", "sortOrder": "desc"}],
        },
        answer=[],
        check=lambda r: r == [],
    ),
    Case(
        "count historic instances",
        lambda c: c.count_historic_instances(HISTORIC_QUERY),
        "POST",
        "/history/process-instance/count",
        json=HISTORIC_QUERY_JSON,
        answer={"count": 12},
        check=_is(12),
    ),
    Case(
        "historic instance",
        lambda c: c.get_historic_instance("pi-1"),
        "GET",
        "/history/process-instance/pi-1",
        answer={"id": "pi-1", "state": "COMPLETED", "endTime": "2026-11-21T08:00:00.000+0000"},
        check=lambda r: r.end_time is not None,
    ),
    Case(
        "unfinished historic activity instances",
        lambda c: c.historic_activity_instances("pi-1", finished=False),
        "GET",
        "/history/activity-instance",
        params={
            "processInstanceId": "pi-1",
            "unfinished": "true",
            "sortBy": "startTime",
            "sortOrder": "asc",
            "firstResult": "0",
            "maxResults": "200",
        },
        answer=[],
    ),
    Case(
        "historic activity instances",
        lambda c: c.historic_activity_instances("pi-1"),
        "GET",
        "/history/activity-instance",
        params={
            "processInstanceId": "pi-1",
            "sortBy": "startTime",
            "sortOrder": "asc",
            "firstResult": "0",
            "maxResults": "200",
        },
        answer=[
            {
                "id": "start:1",
                "activityId": "start",
                "activityType": "startEvent",
                "processInstanceId": "pi-1",
                "startTime": "2026-11-20T08:00:00.000+0000",
                "endTime": "2026-11-20T08:00:00.000+0000",
                "durationInMillis": 0,
                "canceled": False,
                "completeScope": False,
            }
        ],
        check=lambda r: r[0].activity_id == "start",
    ),
    Case(
        "historic variables",
        lambda c: c.historic_variables("pi-1"),
        "GET",
        "/history/variable-instance",
        params={
            "processInstanceId": "pi-1",
            "deserializeValues": "false",
            "sortBy": "variableName",
            "sortOrder": "asc",
            "firstResult": "0",
            "maxResults": "200",
        },
        answer=[
            {
                "id": "hv-1",
                "name": "amount",
                "type": "Integer",
                "value": 5,
                "valueInfo": {},
                "processInstanceId": "pi-1",
                "state": "CREATED",
            }
        ],
        check=lambda r: r[0].value == 5,
    ),
    Case(
        "user operations",
        lambda c: c.user_operations(process_instance_id="pi-1"),
        "GET",
        "/history/user-operation",
        params={
            "processInstanceId": "pi-1",
            "sortBy": "timestamp",
            "sortOrder": "desc",
            "firstResult": "0",
            "maxResults": "100",
        },
        answer=[
            {
                "id": "op-1",
                "operationId": "o1",
                "operationType": "Suspend",
                "entityType": "ProcessInstance",
                "category": "Operator",
                "property": "suspensionState",
                "orgValue": None,
                "newValue": "suspended",
                "userId": "demo",
                "timestamp": "2026-11-22T10:00:00.000+0000",
                "processInstanceId": "pi-1",
                "annotation": None,
            }
        ],
        check=lambda r: r[0].operation_type == "Suspend",
    ),
    # --- user tasks ---
    Case(
        "list user tasks",
        lambda c: c.list_user_tasks("pi-1"),
        "GET",
        "/task",
        params={
            "processInstanceId": "pi-1",
            "sortBy": "created",
            "sortOrder": "asc",
            "firstResult": "0",
            "maxResults": "50",
        },
        answer=[],
        check=_is([]),
    ),
    Case(
        "set task assignee",
        lambda c: c.set_task_assignee("task-1", "mary"),
        "POST",
        "/task/task-1/assignee",
        json={"userId": "mary"},
        status=204,
    ),
    Case(
        "clear task assignee",
        lambda c: c.set_task_assignee("task-1", None),
        "POST",
        "/task/task-1/assignee",
        json={"userId": None},
        status=204,
    ),
    Case(
        "add candidate group",
        lambda c: c.add_candidate_group("task-1", "credit-officers"),
        "POST",
        "/task/task-1/identity-links",
        json={"groupId": "credit-officers", "type": "candidate"},
        status=204,
    ),
    Case(
        "remove candidate group",
        lambda c: c.remove_candidate_group("task-1", "credit-officers"),
        "POST",
        "/task/task-1/identity-links/delete",
        json={"groupId": "credit-officers", "type": "candidate"},
        status=204,
    ),
    # --- external tasks ---
    Case(
        "list external tasks",
        lambda c: c.list_external_tasks("pi-1"),
        "GET",
        "/external-task",
        params={
            "processInstanceId": "pi-1",
            "sortBy": "id",
            "sortOrder": "asc",
            "firstResult": "0",
            "maxResults": "50",
        },
        answer=[EXTERNAL_TASK],
        check=lambda r: (r[0].topic_name, r[0].worker_id, r[0].retries) == ("label-printing", "printer-7", 0),
    ),
    Case(
        "external task",
        lambda c: c.get_external_task("et-1"),
        "GET",
        "/external-task/et-1",
        answer=EXTERNAL_TASK,
        check=lambda r: r.lock_expiration_time is not None and r.error_message == "Printer offline",
    ),
    Case(
        "external task error details",
        lambda c: c.external_task_error_details("et-1"),
        "GET",
        "/external-task/et-1/errorDetails",
        answer_bytes=b"java.io.IOException: printer offline\n\tat x",
        answer_headers={"Content-Type": "text/plain"},
        check=lambda r: r.startswith("java.io.IOException"),
    ),
    Case(
        "set external task retries",
        lambda c: c.set_external_task_retries("et-1", 2),
        "PUT",
        "/external-task/et-1/retries",
        json={"retries": 2},
        status=204,
    ),
    Case(
        "unlock external task",
        lambda c: c.unlock_external_task("et-1"),
        "POST",
        "/external-task/et-1/unlock",
        status=204,
    ),
    # --- job due dates, running a job now ---
    Case(
        "set job due date",
        lambda c: c.set_job_due_date("job-1", datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
        "PUT",
        "/job/job-1/duedate",
        json={"duedate": "2026-11-23T08:00:00.000+0000", "cascade": False},
        status=204,
    ),
    Case(
        "recalculate job due date",
        lambda c: c.recalculate_job_due_date("job-1"),
        "POST",
        "/job/job-1/duedate/recalculate",
        params={"creationDateBased": "false"},
        status=204,
    ),
    Case(
        "execute job",
        lambda c: c.execute_job("job-1"),
        "POST",
        "/job/job-1/execute",
        status=204,
    ),
    # --- job definitions ---
    Case(
        "list job definitions",
        lambda c: c.list_job_definitions(process_definition_id="order:1:abc"),
        "GET",
        "/job-definition",
        params={
            "processDefinitionId": "order:1:abc",
            "sortBy": "activityId",
            "sortOrder": "asc",
            "firstResult": "0",
            "maxResults": "50",
        },
        answer=[JOB_DEFINITION],
        check=lambda r: (
            (r[0].activity_id, r[0].job_type, r[0].suspended) == ("charge", "async-continuation", False)
        ),
    ),
    Case(
        "job definition",
        lambda c: c.get_job_definition("jd-1"),
        "GET",
        "/job-definition/jd-1",
        answer={**JOB_DEFINITION, "overridingJobPriority": 10},
        check=lambda r: r.overriding_job_priority == 10,
    ),
    Case(
        "suspend job definition with its jobs",
        lambda c: c.set_job_definition_suspended("jd-1", suspended=True, include_jobs=True),
        "PUT",
        "/job-definition/jd-1/suspended",
        json={"suspended": True, "includeJobs": True},
        status=204,
    ),
    Case(
        "override job definition priority",
        lambda c: c.set_job_definition_priority("jd-1", 10),
        "PUT",
        "/job-definition/jd-1/jobPriority",
        json={"priority": 10, "includeJobs": False},
        status=204,
    ),
    Case(
        "clear job definition priority",
        lambda c: c.set_job_definition_priority("jd-1", None),
        "PUT",
        "/job-definition/jd-1/jobPriority",
        json={"priority": None, "includeJobs": False},
        status=204,
    ),
    Case(
        "failed jobs of a job definition",
        lambda c: c.list_jobs(job_definition_id="jd-1", no_retries_left=True),
        "GET",
        "/job",
        params={"jobDefinitionId": "jd-1", "noRetriesLeft": "true", "firstResult": "0", "maxResults": "50"},
        answer=[JOB],
        check=lambda r: r[0].id == "job-1",
    ),
]

# --- migration -------------------------------------------------------------------------------------

from engines.migration import MigrationInstruction, MigrationPlan  # noqa: E402

MIGRATION_PLAN = MigrationPlan(
    "order:1:abc",
    "order:2:def",
    (
        MigrationInstruction(("check_stock",), ("check_stock",)),
        MigrationInstruction(("await_delivery",), ("await_delivery",), update_event_trigger=True),
    ),
    variables={"migrated": TypedValue(VariableType.BOOLEAN, True)},
)
MIGRATION_PLAN_JSON = {
    "sourceProcessDefinitionId": "order:1:abc",
    "targetProcessDefinitionId": "order:2:def",
    "instructions": [
        {
            "sourceActivityIds": ["check_stock"],
            "targetActivityIds": ["check_stock"],
            "updateEventTrigger": False,
        },
        {
            "sourceActivityIds": ["await_delivery"],
            "targetActivityIds": ["await_delivery"],
            "updateEventTrigger": True,
        },
    ],
    "variables": {"migrated": {"type": "Boolean", "value": True}},
}
MIGRATION_EXECUTION_JSON = {
    "migrationPlan": MIGRATION_PLAN_JSON,
    "processInstanceQuery": {"processDefinitionId": "order:1:abc", "activityIdIn": ["check_stock"]},
    "skipCustomListeners": True,
    "skipIoMappings": False,
}
MIGRATION_QUERY = ProcessInstanceQuery(process_definition_id="order:1:abc", activity_ids=("check_stock",))

CASES += [
    Case(
        "generate a migration plan",
        lambda c: c.generate_migration_plan("order:1:abc", "order:2:def", update_event_triggers=True),
        "POST",
        "/migration/generate",
        json={
            "sourceProcessDefinitionId": "order:1:abc",
            "targetProcessDefinitionId": "order:2:def",
            "updateEventTriggers": True,
        },
        answer={**MIGRATION_PLAN_JSON, "variables": None},
        check=lambda r: r.instructions[1] == MIGRATION_PLAN.instructions[1] and r.variables == {},
    ),
    Case(
        "validate a migration plan",
        lambda c: c.validate_migration_plan(MIGRATION_PLAN),
        "POST",
        "/migration/validate",
        json=MIGRATION_PLAN_JSON,
        answer={
            "instructionReports": [
                {
                    "instruction": MIGRATION_PLAN_JSON["instructions"][0],
                    "failures": ["Activities have incompatible types"],
                }
            ],
            "variableReports": {
                "migrated": {"type": "Boolean", "value": True, "valueInfo": {}, "failures": ["odd"]}
            },
        },
        check=lambda r: (
            not r.valid
            and r.failures_of(MIGRATION_PLAN.instructions[0]) == ("Activities have incompatible types",)
            and r.failures_of(MIGRATION_PLAN.instructions[1]) == ()
            and r.failures_of_variable("migrated") == ("odd",)
        ),
    ),
    Case(
        "migrate instances",
        lambda c: c.migrate_instances(MIGRATION_PLAN, query=MIGRATION_QUERY, skip_custom_listeners=True),
        "POST",
        "/migration/execute",
        json=MIGRATION_EXECUTION_JSON,
        status=204,
    ),
    Case(
        "migrate instances as a batch",
        lambda c: c.migrate_instances_async(MIGRATION_PLAN, ["pi-1", "pi-2"]),
        "POST",
        "/migration/executeAsync",
        json={
            "migrationPlan": MIGRATION_PLAN_JSON,
            "processInstanceIds": ["pi-1", "pi-2"],
            "skipCustomListeners": False,
            "skipIoMappings": False,
        },
        answer={**BATCH, "type": "instance-migration"},
        check=lambda r: r.type == "instance-migration",
    ),
    Case(
        "deployments, newest first, by name",
        lambda c: c.list_deployments(name_like="%demo%", sort=Sort(DeploymentSort.TIME, "desc"), limit=51),
        "GET",
        "/deployment",
        params={
            "nameLike": "%demo%",
            "sortBy": "deploymentTime",
            "sortOrder": "desc",
            "firstResult": "0",
            "maxResults": "51",
        },
        answer=[DEPLOYMENT],
        check=lambda r: (
            (r[0].id, r[0].source, r[0].deployment_time.isoformat())
            == ("dep-1", "cockpit-tests", "2026-11-22T09:00:00+01:00")
        ),
    ),
    Case(
        "count deployments",
        lambda c: c.count_deployments(name_like="%demo%"),
        "GET",
        "/deployment/count",
        params={"nameLike": "%demo%"},
        answer={"count": 3},
        check=_is(3),
    ),
    Case(
        "one deployment",
        lambda c: c.get_deployment("dep-1"),
        "GET",
        "/deployment/dep-1",
        answer=DEPLOYMENT,
        check=lambda r: r.title == "demo-1",
    ),
    Case(
        "a deployment's resources",
        lambda c: c.deployment_resources("dep-1"),
        "GET",
        "/deployment/dep-1/resources",
        answer=[{"id": "res-1", "name": "order.bpmn", "deploymentId": "dep-1"}],
        check=lambda r: [(x.id, x.is_bpmn) for x in r] == [("res-1", True)],
    ),
    Case(
        "a resource's content",
        lambda c: c.deployment_resource_data("dep-1", "res-1"),
        "GET",
        "/deployment/dep-1/resources/res-1/data",
        answer_bytes=b"<definitions/>",
        answer_headers={
            "Content-Type": "application/xml",
            "Content-Disposition": 'attachment; filename="order.bpmn"',
        },
        check=lambda r: (r.data, r.filename) == (b"<definitions/>", "order.bpmn"),
    ),
    Case(
        "a deployment's definitions",
        lambda c: c.deployment_definitions("dep-1"),
        "GET",
        "/process-definition",
        params={"deploymentId": "dep-1", "firstResult": "0", "maxResults": "200"},
        answer=[DEFINITION],
        check=lambda r: [d.id for d in r] == ["order:1:abc"],
    ),
    Case(
        "delete a deployment with its instances",
        lambda c: c.delete_deployment("dep-1", cascade=True, skip_io_mappings=True),
        "DELETE",
        "/deployment/dep-1",
        params={"cascade": "true", "skipCustomListeners": "false", "skipIoMappings": "true"},
        status=204,
    ),
    Case(
        "the definitions a definition calls",
        lambda c: c.called_definitions("loan:1:abc"),
        "GET",
        "/process-definition/loan:1:abc/static-called-process-definitions",
        answer=[
            {
                **DEFINITION,
                "id": "credit-check:2:abc",
                "key": "credit-check",
                "name": "Credit check",
                "version": 2,
                "calledFromActivityIds": ["credit_check", "recheck"],
                "callingProcessDefinitionId": "loan:1:abc",
            }
        ],
        check=lambda r: (
            [(d.id, d.title, d.called_from_activity_ids, d.calling_process_definition_id) for d in r]
            == [("credit-check:2:abc", "Credit check", ("credit_check", "recheck"), "loan:1:abc")]
        ),
    ),
]

# --- the dashboard's pictures over time ------------------------------------------------------------------

HOUR_START, HOUR_END = datetime(2026, 11, 22, 9, 0, tzinfo=UTC), datetime(2026, 11, 22, 10, 0, tzinfo=UTC)

CASES += [
    Case(
        "count incidents raised in an hour, from history",
        lambda c: c.count_historic_incidents(created_after=HOUR_START, created_before=HOUR_END),
        "GET",
        "/history/incident/count",
        params={
            "createTimeAfter": "2026-11-22T09:00:00.000+0000",
            "createTimeBefore": "2026-11-22T10:00:00.000+0000",
        },
        answer={"count": 4},
        check=_is(4),
    ),
    Case(
        "count instances started in an hour, from history",
        lambda c: c.count_historic_instances(
            HistoricProcessInstanceQuery(started_after=HOUR_START, started_before=HOUR_END)
        ),
        "POST",
        "/history/process-instance/count",
        json={
            "startedAfter": "2026-11-22T09:00:00.000+0000",
            "startedBefore": "2026-11-22T10:00:00.000+0000",
        },
        answer={"count": 7},
        check=_is(7),
    ),
]
