"""Flowable 7.2 under the fixture, for the Flowable adapter to come: its REST API, models and failures."""

import time

import httpx


def test_the_process_api_answers_the_engine_user_and_refuses_others(flowable_engine):
    with flowable_engine.http() as http:
        assert http.get("/management/engine").json()["version"] == "7.2.0"
    assert httpx.get(flowable_engine.rest_url + "/management/engine").status_code == 401
    refused = httpx.get(flowable_engine.rest_url + "/management/engine", auth=("intruder", "guess"))
    assert refused.status_code == 401


def test_the_demo_models_run_on_flowable_with_the_delegates_failures(flowable_engine):
    seeded = flowable_engine.seeded
    assert {"order:1", "order:2", "loan:1", "loan:1:acme", "credit-check:1"} <= set(seeded.definitions)
    declined = seeded.one("charge_declined")
    with flowable_engine.http() as http:
        jobs = http.get("/management/deadletter-jobs", params={"processInstanceId": declined.id}).json()[
            "data"
        ]
        assert [job["exceptionMessage"] for job in jobs] == ["Card declined: insufficient funds"]
        signing = seeded.one("sign")
        tasks = http.get("/runtime/tasks", params={"processInstanceId": signing.id}).json()["data"]
        assert [task["taskDefinitionKey"] for task in tasks] == ["sign"] * 3


def test_a_moved_dead_letter_job_that_timed_out_recovers(flowable_engine):
    timed_out = flowable_engine.seeded.of_shape("charge_timed_out")[-1]
    with flowable_engine.http() as http:
        [job] = http.get("/management/deadletter-jobs", params={"processInstanceId": timed_out.id}).json()[
            "data"
        ]
        # POST /management/deadletter-jobs/{id} (action move: back to the executable jobs)
        assert (
            http.post(f"/management/deadletter-jobs/{job['id']}", json={"action": "move"}).status_code == 204
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if not http.get("/management/jobs", params={"processInstanceId": timed_out.id}).json()["data"]:
                break
            time.sleep(0.3)
        dead = http.get("/management/deadletter-jobs", params={"processInstanceId": timed_out.id}).json()
        assert dead["total"] == 0
        executions = http.get("/runtime/executions", params={"processInstanceId": timed_out.id}).json()[
            "data"
        ]
        assert "pack" in {e.get("activityId") for e in executions}
