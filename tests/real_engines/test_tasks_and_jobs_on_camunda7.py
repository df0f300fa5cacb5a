"""The demo engine answers the user task, external task, job due date and job definition endpoints as
real Camunda 7.24 does: the same fields, the same job definitions for the same model, the same refusals."""

import httpx
import pytest

from tests.demo_engine.conftest import start_server, stop_server

# Unset, the 7.22 spec refuses them null, so the demo leaves them out (see demo_engine/api/tasks.py).
LEFT_OUT_WHEN_UNSET = {"delegationState", "camundaFormRef"}


@pytest.fixture(scope="module")
def demo():
    server = start_server(120, seed=3)
    with httpx.Client(base_url=server.url, auth=("demo", "demo-pw")) as http:
        yield http
    stop_server(server)


@pytest.fixture
def real(camunda7_engine):
    with camunda7_engine.http() as http:
        yield http


def _waiting_in(http, activity: str, key: str = "loan") -> str:
    found = http.get(
        "/process-instance", params={"processDefinitionKey": key, "activityIdIn": activity}
    ).json()
    return found[0]["id"]


def test_a_task_and_its_links_have_the_same_fields_on_both(camunda7_engine, real, demo):
    real_id = camunda7_engine.seeded.one("review", key="loan").id
    [real_task] = real.get("/task", params={"processInstanceId": real_id}).json()
    [demo_task] = demo.get("/task", params={"processInstanceId": _waiting_in(demo, "review")}).json()
    assert set(demo_task) == set(real_task) - {k for k in LEFT_OUT_WHEN_UNSET if real_task[k] is None}
    assert (demo_task["name"], demo_task["taskDefinitionKey"]) == (
        real_task["name"],
        real_task["taskDefinitionKey"],
    )
    real_links = real.get(f"/task/{real_task['id']}/identity-links").json()
    demo_links = demo.get(f"/task/{demo_task['id']}/identity-links").json()
    assert all(set(link) == {"userId", "groupId", "type"} for link in real_links + demo_links)


def test_the_same_model_has_the_same_job_definitions_on_both(camunda7_engine, real, demo):
    def described(http, definition_id):
        found = http.get("/job-definition", params={"processDefinitionId": definition_id}).json()
        return sorted((d["activityId"], d["jobType"], d["jobConfiguration"]) for d in found), found

    real_id = camunda7_engine.seeded.definitions["loan:1"]
    [demo_loan] = demo.get("/process-definition", params={"key": "loan", "maxResults": 1}).json()
    real_described, real_found = described(real, real_id)
    demo_described, demo_found = described(demo, demo_loan["id"])
    assert demo_described == real_described
    assert set(demo_found[0]) == set(real_found[0])


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/task/unknown", None),
        ("POST", "/task/unknown/assignee", {"userId": "anna"}),
        ("POST", "/task/unknown/identity-links", {"groupId": "g", "type": "candidate"}),
        ("GET", "/external-task/unknown", None),
        ("PUT", "/external-task/unknown/retries", {"retries": 1}),
        ("POST", "/external-task/unknown/unlock", None),
        ("PUT", "/job/unknown/duedate", {"duedate": "2030-01-01T00:00:00.000+0000"}),
        ("GET", "/job-definition/unknown", None),
        ("PUT", "/job-definition/unknown/jobPriority", {"priority": 1}),
    ],
)
def test_the_same_refusal_for_what_does_not_exist(real, demo, method, path, body):
    answers = [http.request(method, path, json=body) for http in (real, demo)]
    assert answers[1].status_code == answers[0].status_code, [a.text for a in answers]
    assert answers[1].json()["type"] == answers[0].json()["type"], [a.text for a in answers]


def test_recalculating_a_job_that_is_no_timer_is_refused_alike(camunda7_engine, real, demo):
    real_instance = camunda7_engine.seeded.one("charge_declined", key="order").id
    [real_job] = real.get("/job", params={"processInstanceId": real_instance}).json()
    [demo_incident] = demo.get("/incident", params={"activityId": "charge", "maxResults": 1}).json()
    answers = [
        real.post(f"/job/{real_job['id']}/duedate/recalculate"),
        demo.post(f"/job/{demo_incident['configuration']}/duedate/recalculate"),
    ]
    assert answers[1].status_code == answers[0].status_code, [a.text for a in answers]
