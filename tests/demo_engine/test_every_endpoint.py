"""Every endpoint the demo engine serves, called once the way a client would and checked against the spec.

The table must name every route: a route added without an example here fails
`test_every_route_has_an_example`.
"""

from types import SimpleNamespace

import httpx
import pytest

from demo_engine.api import ROUTES
from demo_engine.api.external_tasks import add_external_task
from tests.contract import check_request, check_response
from tests.demo_engine.conftest import start_server, stop_server

VARIABLE = {"value": "checked", "type": "String"}


@pytest.fixture(scope="module")
def server():
    server = start_server(120, seed=5)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def sample(server) -> SimpleNamespace:
    """Ids of real things in this engine, to fill the paths with."""
    with httpx.Client(base_url=server.url, auth=("demo", "demo-pw")) as http:
        definition = http.get("/process-definition", params={"key": "order", "maxResults": 1}).json()[0]
        instances = http.get("/process-instance", params={"processDefinitionKey": "order"}).json()
        incident = http.get("/incident", params={"maxResults": 1, "activityId": "charge"}).json()[0]
        job = http.get("/job", params={"maxResults": 1, "timers": "true"}).json()[0]
        task = http.get("/task", params={"maxResults": 1}).json()[0]
        timer = http.get("/job", params={"maxResults": 2, "timers": "true"}).json()[1]  # the first is run
        waiting = http.get(
            "/process-instance", params={"activityIdIn": "check_stock", "maxResults": 1}
        ).json()
        external = add_external_task(
            server.store, waiting[0]["id"], "check_stock", topic="t", worker="w", error_details="details"
        )
        # A batch over every instance, suspended at once: it stays running for the table.
        batch = http.post(
            "/process-instance/suspended-async", json={"processInstanceQuery": {}, "suspended": False}
        )
        http.put(f"/batch/{batch.json()['id']}/suspended", json={"suspended": True})
        variables = http.get("/variable-instance", params={"processInstanceIdIn": instances[1]["id"]}).json()
        tree = http.get(f"/process-instance/{instances[1]['id']}/activity-instances").json()
        finished = http.post(
            "/history/process-instance", json={"finished": True, "processDefinitionKey": "order"}
        )
        ended = [
            h
            for h in finished.json()
            if h["processDefinitionId"] == finished.json()[0]["processDefinitionId"]
        ]
        resource = http.get(f"/deployment/{definition['deploymentId']}/resources").json()[0]
        acme = http.get("/process-definition/key/loan/tenant-id/acme").json()
        return SimpleNamespace(
            deployment=definition["deploymentId"],
            resource=resource["id"],
            doomed_deployment=acme["deploymentId"],
            finished=[h["id"] for h in ended[:3]],
            finished_definition=ended[0]["processDefinitionId"],
            variable=variables[0]["id"],
            file_variable=next(v["id"] for v in variables if v["type"] == "File"),
            execution=tree["childActivityInstances"][0]["executionIds"][0],
            definition=definition["id"],
            instance=instances[1]["id"],
            other=instances[2]["id"],
            doomed=instances[3]["id"],
            incident=incident["id"],
            failed_job=incident["configuration"],
            job=job["id"],
            task=task["id"],
            timer=timer["id"],
            external=external,
            batch=batch.json()["id"],
        )


def _examples(s: SimpleNamespace) -> dict[tuple[str, str], dict]:
    """(method, route pattern) -> what to send. Paths are the concrete ones."""
    P, D = f"/process-instance/{s.instance}", f"/process-definition/{s.definition}"
    return {
        ("GET", r"/version"): {"path": "/version"},
        ("GET", r"/engine"): {"path": "/engine"},
        ("GET", r"/deployment"): {
            "path": "/deployment",
            "params": {"nameLike": "demo%", "sortBy": "deploymentTime", "sortOrder": "desc", "maxResults": 5},
        },
        ("GET", r"/deployment/count"): {"path": "/deployment/count", "params": {"nameLike": "demo%"}},
        ("GET", r"/deployment/(?P<id>[^/]+)"): {"path": f"/deployment/{s.deployment}"},
        ("GET", r"/deployment/(?P<id>[^/]+)/resources"): {"path": f"/deployment/{s.deployment}/resources"},
        ("GET", r"/deployment/(?P<id>[^/]+)/resources/(?P<rid>[^/]+)/data"): {
            "path": f"/deployment/{s.deployment}/resources/{s.resource}/data"
        },
        # The acme tenant's loan: no later example uses it.
        ("DELETE", r"/deployment/(?P<id>[^/]+)"): {
            "path": f"/deployment/{s.doomed_deployment}",
            "params": {"cascade": "true", "skipCustomListeners": "true", "skipIoMappings": "false"},
        },
        ("GET", r"/process-definition"): {"path": "/process-definition", "params": {"latestVersion": "true"}},
        ("GET", r"/process-definition/count"): {
            "path": "/process-definition/count",
            "params": {"key": "loan"},
        },
        ("GET", r"/process-definition/statistics"): {
            "path": "/process-definition/statistics",
            "params": {"failedJobs": "true", "incidents": "true"},
        },
        ("PUT", r"/process-definition/suspended"): {
            "path": "/process-definition/suspended",
            "json": {"processDefinitionKey": "credit-check", "suspended": False},
        },
        ("GET", r"/process-definition/key/(?P<key>[^/]+)"): {"path": "/process-definition/key/order"},
        ("PUT", r"/process-definition/key/(?P<key>[^/]+)/suspended"): {
            "path": "/process-definition/key/credit-check/suspended",
            "json": {"suspended": False},
        },
        ("GET", r"/process-definition/key/(?P<key>[^/]+)/tenant-id/(?P<tenant>[^/]+)"): {
            "path": "/process-definition/key/loan/tenant-id/acme"
        },
        ("GET", r"/process-definition/(?P<id>[^/]+)"): {"path": D},
        ("GET", r"/process-definition/(?P<id>[^/]+)/xml"): {"path": f"{D}/xml"},
        ("GET", r"/process-definition/(?P<id>[^/]+)/static-called-process-definitions"): {
            "path": f"{D}/static-called-process-definitions"
        },
        ("GET", r"/process-definition/(?P<id>[^/]+)/statistics"): {
            "path": f"{D}/statistics",
            "params": {"incidents": "true"},
        },
        ("PUT", r"/process-definition/(?P<id>[^/]+)/suspended"): {
            "path": f"{D}/suspended",
            "json": {"suspended": False, "includeProcessInstances": False},
        },
        ("GET", r"/process-instance"): {
            "path": "/process-instance",
            "params": {
                "variables": "amount_gt_100",
                "sortBy": "businessKey",
                "sortOrder": "asc",
                "maxResults": 5,
            },
        },
        ("POST", r"/process-instance"): {
            "path": "/process-instance",
            "params": {"maxResults": 5},
            "json": {
                "variables": [{"name": "customer", "operator": "like", "value": "A%"}],
                "withIncident": True,
            },
        },
        ("GET", r"/process-instance/count"): {
            "path": "/process-instance/count",
            "params": {"active": "true"},
        },
        ("POST", r"/process-instance/count"): {
            "path": "/process-instance/count",
            "json": {"activityIdIn": ["check_stock"], "rootProcessInstances": True},
        },
        ("POST", r"/process-instance/delete"): {
            "path": "/process-instance/delete",
            "json": {
                "processInstanceIds": [s.doomed],
                "deleteReason": "contract test",
                "skipSubprocesses": False,
            },
        },
        ("POST", r"/process-instance/delete-historic-query-based"): {
            "path": "/process-instance/delete-historic-query-based",
            "json": {"historicProcessInstanceQuery": {"processInstanceIds": [s.doomed]}},
        },
        ("PUT", r"/process-instance/suspended"): {
            "path": "/process-instance/suspended",
            "json": {"processInstanceIds": [s.other], "suspended": False},
        },
        ("POST", r"/process-instance/suspended-async"): {
            "path": "/process-instance/suspended-async",
            "json": {"processInstanceQuery": {"businessKey": "ORDER-10000"}, "suspended": False},
        },
        ("POST", r"/process-instance/job-retries"): {
            "path": "/process-instance/job-retries",
            "json": {"processInstanceQuery": {"withIncident": True}, "retries": 0},
        },
        ("POST", r"/process-instance/job-retries-historic-query-based"): {
            "path": "/process-instance/job-retries-historic-query-based",
            "json": {"historicProcessInstanceQuery": {"withIncidents": True}, "retries": 0},
        },
        ("POST", r"/process-instance/variables-async"): {
            "path": "/process-instance/variables-async",
            "json": {"processInstanceIds": [s.other], "variables": {"checked": VARIABLE}},
        },
        ("GET", r"/process-instance/(?P<id>[^/]+)"): {"path": P},
        ("DELETE", r"/process-instance/(?P<id>[^/]+)"): {
            "path": f"/process-instance/{s.doomed}",
            "params": {"failIfNotExists": "false", "skipSubprocesses": "true"},
        },
        ("GET", r"/process-instance/(?P<id>[^/]+)/activity-instances"): {"path": f"{P}/activity-instances"},
        ("PUT", r"/process-instance/(?P<id>[^/]+)/suspended"): {
            "path": f"{P}/suspended",
            "json": {"suspended": False},
        },
        ("POST", r"/process-instance/(?P<id>[^/]+)/modification"): {
            "path": f"{P}/modification",
            "json": {
                "instructions": [{"type": "startBeforeActivity", "activityId": "pack"}],
                "annotation": "x",
            },
        },
        ("POST", r"/process-instance/(?P<id>[^/]+)/modification-async"): {
            "path": f"{P}/modification-async",
            "json": {"instructions": [{"type": "cancel", "activityId": "pack"}], "skipIoMappings": False},
        },
        ("GET", r"/process-instance/(?P<id>[^/]+)/variables"): {
            "path": f"{P}/variables",
            "params": {"deserializeValues": "false"},
        },
        ("POST", r"/process-instance/(?P<id>[^/]+)/variables"): {
            "path": f"{P}/variables",
            "json": {"modifications": {"checked": VARIABLE}, "deletions": ["comment"]},
        },
        ("GET", r"/process-instance/(?P<id>[^/]+)/variables/(?P<name>[^/]+)"): {
            "path": f"{P}/variables/amount"
        },
        ("PUT", r"/process-instance/(?P<id>[^/]+)/variables/(?P<name>[^/]+)"): {
            "path": f"{P}/variables/checked",
            "json": VARIABLE,
        },
        ("DELETE", r"/process-instance/(?P<id>[^/]+)/variables/(?P<name>[^/]+)"): {
            "path": f"{P}/variables/label"
        },
        ("GET", r"/process-instance/(?P<id>[^/]+)/variables/(?P<name>[^/]+)/data"): {
            "path": f"{P}/variables/invoice/data"
        },
        ("POST", r"/process-instance/(?P<id>[^/]+)/variables/(?P<name>[^/]+)/data"): {
            "path": f"{P}/variables/scan/data",
            "files": {
                "data": ("scan.txt", b"scanned", "text/plain"),
                "valueType": (None, "File", "text/plain"),
            },
        },
        ("GET", r"/variable-instance"): {
            "path": "/variable-instance",
            "params": {"processInstanceIdIn": s.instance, "sortBy": "variableName", "sortOrder": "asc"},
        },
        ("GET", r"/variable-instance/count"): {
            "path": "/variable-instance/count",
            "params": {"variableName": "amount"},
        },
        ("GET", r"/variable-instance/(?P<id>[^/]+)"): {"path": f"/variable-instance/{s.variable}"},
        ("GET", r"/variable-instance/(?P<id>[^/]+)/data"): {
            "path": f"/variable-instance/{s.file_variable}/data"
        },
        ("PUT", r"/execution/(?P<id>[^/]+)/localVariables/(?P<name>[^/]+)"): {
            "path": f"/execution/{s.execution}/localVariables/note",
            "json": VARIABLE,
        },
        ("DELETE", r"/execution/(?P<id>[^/]+)/localVariables/(?P<name>[^/]+)"): {
            "path": f"/execution/{s.execution}/localVariables/gone"
        },
        ("POST", r"/execution/(?P<id>[^/]+)/localVariables/(?P<name>[^/]+)/data"): {
            "path": f"/execution/{s.execution}/localVariables/scan/data",
            "files": {
                "data": ("scan.txt", b"scanned", "text/plain"),
                "valueType": (None, "File", "text/plain"),
            },
        },
        ("POST", r"/modification/execute"): {
            "path": "/modification/execute",
            "json": {
                "processDefinitionId": s.definition,
                "processInstanceIds": [s.other],
                "instructions": [{"type": "startBeforeActivity", "activityId": "pack"}],
            },
        },
        ("POST", r"/modification/executeAsync"): {
            "path": "/modification/executeAsync",
            "json": {
                "processDefinitionId": s.definition,
                "processInstanceIds": [s.other],
                "instructions": [
                    {"type": "cancel", "activityId": "pack", "cancelCurrentActiveActivityInstances": True}
                ],
            },
        },
        ("GET", r"/incident"): {
            "path": "/incident",
            "params": {"incidentType": "failedJob", "maxResults": 3},
        },
        ("GET", r"/incident/count"): {"path": "/incident/count", "params": {"incidentMessageLike": "%"}},
        ("GET", r"/incident/(?P<id>[^/]+)"): {"path": f"/incident/{s.incident}"},
        ("PUT", r"/incident/(?P<id>[^/]+)/annotation"): {
            "path": f"/incident/{s.incident}/annotation",
            "json": {"annotation": "looked at"},
        },
        ("DELETE", r"/incident/(?P<id>[^/]+)/annotation"): {"path": f"/incident/{s.incident}/annotation"},
        ("GET", r"/job"): {"path": "/job", "params": {"withException": "true", "maxResults": 3}},
        ("GET", r"/job/count"): {"path": "/job/count", "params": {"noRetriesLeft": "true"}},
        ("POST", r"/job/retries"): {"path": "/job/retries", "json": {"jobIds": [s.job], "retries": 3}},
        ("GET", r"/job/(?P<id>[^/]+)"): {"path": f"/job/{s.job}"},
        ("GET", r"/job/(?P<id>[^/]+)/stacktrace"): {"path": f"/job/{s.failed_job}/stacktrace"},
        ("PUT", r"/job/(?P<id>[^/]+)/retries"): {"path": f"/job/{s.job}/retries", "json": {"retries": 3}},
        ("POST", r"/job/(?P<id>[^/]+)/execute"): {"path": f"/job/{s.job}/execute"},
        ("GET", r"/batch"): {"path": "/batch"},
        ("GET", r"/batch/count"): {"path": "/batch/count"},
        ("GET", r"/batch/statistics"): {"path": "/batch/statistics", "params": {"batchId": s.batch}},
        ("GET", r"/batch/statistics/count"): {"path": "/batch/statistics/count"},
        ("GET", r"/batch/(?P<id>[^/]+)"): {"path": f"/batch/{s.batch}"},
        ("PUT", r"/batch/(?P<id>[^/]+)/suspended"): {
            "path": f"/batch/{s.batch}/suspended",
            "json": {"suspended": True},
        },
        ("DELETE", r"/batch/(?P<id>[^/]+)"): {"path": f"/batch/{s.batch}", "params": {"cascade": "false"}},
        ("GET", r"/history/process-instance"): {
            "path": "/history/process-instance",
            "params": {"finished": "true", "sortBy": "startTime", "sortOrder": "desc", "maxResults": 3},
        },
        ("POST", r"/history/process-instance"): {
            "path": "/history/process-instance",
            "params": {"maxResults": 3},
            "json": {"startedAfter": "2026-11-01T00:00:00.000+0100", "processDefinitionKey": "loan"},
        },
        ("GET", r"/history/process-instance/count"): {
            "path": "/history/process-instance/count",
            "params": {"completed": "true"},
        },
        ("POST", r"/history/process-instance/count"): {
            "path": "/history/process-instance/count",
            "json": {"variables": [{"name": "amount", "operator": "gteq", "value": 100}]},
        },
        ("POST", r"/process-definition/(?P<id>[^/]+)/restart"): {
            "path": f"/process-definition/{s.finished_definition}/restart",
            "json": {
                "processInstanceIds": s.finished[:1],
                "instructions": [{"type": "startBeforeActivity", "activityId": "pack"}],
            },
        },
        ("POST", r"/process-definition/(?P<id>[^/]+)/restart-async"): {
            "path": f"/process-definition/{s.finished_definition}/restart-async",
            "json": {
                "processInstanceIds": s.finished[1:2],
                "instructions": [{"type": "startBeforeActivity", "activityId": "pack"}],
            },
        },
        ("POST", r"/history/process-instance/delete"): {
            "path": "/history/process-instance/delete",
            "json": {"historicProcessInstanceIds": s.finished[2:3], "failIfNotExists": False},
        },
        ("GET", r"/history/process-instance/(?P<id>[^/]+)"): {
            "path": f"/history/process-instance/{s.instance}"
        },
        ("GET", r"/history/activity-instance"): {
            "path": "/history/activity-instance",
            "params": {"processInstanceId": s.instance, "sortBy": "startTime", "sortOrder": "asc"},
        },
        ("GET", r"/history/activity-instance/count"): {
            "path": "/history/activity-instance/count",
            "params": {"processInstanceId": s.instance, "finished": "true"},
        },
        ("GET", r"/history/variable-instance"): {
            "path": "/history/variable-instance",
            "params": {"processInstanceId": s.instance, "deserializeValues": "false"},
        },
        ("GET", r"/history/variable-instance/count"): {
            "path": "/history/variable-instance/count",
            "params": {"variableName": "amount"},
        },
        ("GET", r"/history/user-operation"): {
            "path": "/history/user-operation",
            "params": {"sortBy": "timestamp", "sortOrder": "desc", "maxResults": 5},
        },
        ("GET", r"/history/user-operation/count"): {
            "path": "/history/user-operation/count",
            "params": {"entityType": "ProcessInstance"},
        },
        ("GET", r"/history/incident/count"): {
            "path": "/history/incident/count",
            "params": {
                "createTimeAfter": "2026-11-01T00:00:00.000+0100",
                "createTimeBefore": "2030-01-01T00:00:00.000+0100",
            },
        },
        ("GET", r"/history/process-definition/(?P<id>[^/]+)/statistics"): {
            "path": f"/history/process-definition/{s.definition}/statistics",
            "params": {
                "finished": "true",
                "canceled": "true",
                "startedAfter": "2026-11-01T00:00:00.000+0100",
            },
        },
        # user tasks
        ("GET", r"/task"): {
            "path": "/task",
            "params": {"processInstanceId": s.instance, "sortBy": "created", "sortOrder": "asc"},
        },
        ("GET", r"/task/(?P<id>[^/]+)"): {"path": f"/task/{s.task}"},
        ("POST", r"/task/(?P<id>[^/]+)/assignee"): {
            "path": f"/task/{s.task}/assignee",
            "json": {"userId": "anna"},
        },
        ("GET", r"/task/(?P<id>[^/]+)/identity-links"): {
            "path": f"/task/{s.task}/identity-links",
            "params": {"type": "candidate"},
        },
        ("POST", r"/task/(?P<id>[^/]+)/identity-links"): {
            "path": f"/task/{s.task}/identity-links",
            "json": {"groupId": "managers", "type": "candidate"},
        },
        ("POST", r"/task/(?P<id>[^/]+)/identity-links/delete"): {
            "path": f"/task/{s.task}/identity-links/delete",
            "json": {"groupId": "managers", "type": "candidate"},
        },
        # external tasks
        ("GET", r"/external-task"): {"path": "/external-task", "params": {"processInstanceId": s.instance}},
        ("GET", r"/external-task/(?P<id>[^/]+)"): {"path": f"/external-task/{s.external}"},
        ("GET", r"/external-task/(?P<id>[^/]+)/errorDetails"): {
            "path": f"/external-task/{s.external}/errorDetails"
        },
        ("PUT", r"/external-task/(?P<id>[^/]+)/retries"): {
            "path": f"/external-task/{s.external}/retries",
            "json": {"retries": 2},
        },
        ("POST", r"/external-task/(?P<id>[^/]+)/unlock"): {"path": f"/external-task/{s.external}/unlock"},
        # job due dates and job definitions
        ("PUT", r"/job/(?P<id>[^/]+)/duedate"): {
            "path": f"/job/{s.timer}/duedate",
            "json": {"duedate": "2030-01-01T08:00:00.000+0000", "cascade": False},
        },
        ("POST", r"/job/(?P<id>[^/]+)/duedate/recalculate"): {
            "path": f"/job/{s.timer}/duedate/recalculate",
            "params": {"creationDateBased": "true"},
        },
        ("GET", r"/job-definition"): {
            "path": "/job-definition",
            "params": {"processDefinitionId": s.definition},
        },
        ("GET", r"/job-definition/(?P<id>[^/]+)"): {
            "path": f"/job-definition/timer:{s.definition}:await_delivery"
        },
        ("PUT", r"/job-definition/(?P<id>[^/]+)/suspended"): {
            "path": f"/job-definition/timer:{s.definition}:await_delivery/suspended",
            "json": {"suspended": False, "includeJobs": False},
        },
        ("PUT", r"/job-definition/(?P<id>[^/]+)/jobPriority"): {
            "path": f"/job-definition/timer:{s.definition}:await_delivery/jobPriority",
            "json": {"priority": 5, "includeJobs": False},
        },
        ("GET", r"/history/batch"): {"path": "/history/batch", "params": {"completed": "false"}},
        ("GET", r"/history/batch/count"): {"path": "/history/batch/count"},
        ("GET", r"/history/batch/(?P<id>[^/]+)"): {"path": f"/history/batch/{s.batch}"},
        **_migration_examples(s),
    }


def _migration_examples(s: SimpleNamespace) -> dict[tuple[str, str], dict]:
    # The order definition onto itself, every activity mapped: it changes nothing later examples use.
    plan = {
        "sourceProcessDefinitionId": s.definition,
        "targetProcessDefinitionId": s.definition,
        "instructions": [
            {"sourceActivityIds": [a], "targetActivityIds": [a]}
            for a in ("check_stock", "split", "pack", "charge", "join", "shipping", "ship", "await_delivery")
        ],
    }
    execution = {"migrationPlan": plan, "processInstanceQuery": {"processDefinitionId": s.definition}}
    return {
        ("POST", r"/migration/generate"): {
            "path": "/migration/generate",
            "json": {
                "sourceProcessDefinitionId": s.definition,
                "targetProcessDefinitionId": s.definition,
                "updateEventTriggers": True,
            },
        },
        ("POST", r"/migration/validate"): {"path": "/migration/validate", "json": plan},
        ("POST", r"/migration/execute"): {"path": "/migration/execute", "json": execution},
        ("POST", r"/migration/executeAsync"): {"path": "/migration/executeAsync", "json": execution},
    }


def test_every_route_has_an_example():
    routes = {(method, pattern) for method, pattern, _ in ROUTES}
    sample = SimpleNamespace(**dict.fromkeys(
        ("definition", "instance", "other", "doomed", "incident", "job", "batch", "failed_job",
         "variable", "file_variable", "execution", "finished", "finished_definition", "task", "external",
         "timer", "deployment", "resource", "doomed_deployment"), "x"
    ))  # fmt: skip
    assert routes == set(_examples(sample))


# Routes that end or change what later examples use go last.
LAST = ("DELETE", "POST /process-instance/delete", "/modification")


@pytest.mark.parametrize(
    ("method", "pattern"),
    sorted(((m, p) for m, p, _ in ROUTES), key=lambda r: any(word in f"{r[0]} {r[1]}" for word in LAST)),
)
def test_the_endpoint_answers_as_the_spec_says(server, sample, method, pattern):
    with httpx.Client(base_url=server.url, auth=("demo", "demo-pw")) as http:
        example = dict(_examples(sample)[(method, pattern)])
        path = example.pop("path")
        response = http.request(method, path, **example)
        response.read()
        response.request.read()
    assert response.status_code in (200, 204), response.text
    check_request(response.request)
    check_response(response.request, response)


def test_a_definition_names_the_latest_definition_its_call_activity_calls(server):
    with httpx.Client(base_url=server.url, auth=("demo", "demo-pw")) as http:
        loan = http.get("/process-definition/key/loan").json()
        called = http.get(f"/process-definition/{loan['id']}/static-called-process-definitions")
        credit_check = http.get("/process-definition/key/credit-check").json()
        order = http.get("/process-definition/key/order").json()
        none = http.get(f"/process-definition/{order['id']}/static-called-process-definitions").json()
    check_response(called.request, called)
    [only] = called.json()
    assert only["id"] == credit_check["id"] and only["key"] == "credit-check"
    assert only["calledFromActivityIds"] == ["credit_check"]
    assert only["callingProcessDefinitionId"] == loan["id"]
    assert none == []
