"""How often and how long activities ran, from the history, and the failed jobs still retrying: the
exact requests, checked against the engine's OpenAPI spec."""

from datetime import UTC, datetime

import pytest

from engines.queries import HistoricActivityInstanceQuery
from tests.contract import check_request, check_response, unknown_request_fields
from tests.engines.cases import Case
from tests.engines.test_camunda7_operations import _answer, _run

SINCE = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ACTIVITY = {
    "id": "ai-1",
    "activityId": "ship",
    "activityType": "userTask",
    "processDefinitionId": "order:2:x",
    "processInstanceId": "pi-1",
    "startTime": "2026-11-22T09:00:00.000+0000",
    "endTime": "2026-11-22T09:04:12.000+0000",
    "durationInMillis": 252_000,
}
JOB = {
    "id": "job-1",
    "processInstanceId": "pi-1",
    "processDefinitionKey": "order",
    "retries": 2,
    "exceptionMessage": "Payment service down",
    "failedActivityId": "charge",
}

CASES = [
    Case(
        "activity statistics from the history within a window",
        lambda c: c.historic_activity_statistics("order:2:x", started_after=SINCE),
        "GET",
        "/history/process-definition/order:2:x/statistics",
        params={"finished": "true", "canceled": "true", "startedAfter": "2026-11-22T09:00:00.000+0000"},
        answer=[{"id": "ship", "instances": 3, "finished": 40, "canceled": 2, "completeScope": 0}],
        check=lambda rows: (
            (rows[0].id, rows[0].instances, rows[0].finished, rows[0].canceled) == ("ship", 3, 40, 2)
        ),
    ),
    Case(
        "the newest finished activity instances of a definition",
        lambda c: c.find_historic_activity_instances(
            HistoricActivityInstanceQuery("order:2:x", finished=True, finished_after=SINCE), limit=1000
        ),
        "GET",
        "/history/activity-instance",
        params={
            "processDefinitionId": "order:2:x",
            "finished": "true",
            "finishedAfter": "2026-11-22T09:00:00.000+0000",
            "sortBy": "endTime",
            "sortOrder": "desc",
            "firstResult": "0",
            "maxResults": "1000",
        },
        answer=[ACTIVITY],
        check=lambda rows: rows[0].duration_in_millis == 252_000,
    ),
    Case(
        "activity instances running in one activity since before a moment",
        lambda c: c.count_historic_activity_instances(
            HistoricActivityInstanceQuery(
                "order:2:x", finished=False, activity_id="ship", started_before=SINCE
            )
        ),
        "GET",
        "/history/activity-instance/count",
        params={
            "processDefinitionId": "order:2:x",
            "activityId": "ship",
            "unfinished": "true",
            "startedBefore": "2026-11-22T09:00:00.000+0000",
        },
        answer={"count": 7},
        check=lambda count: count == 7,
    ),
    Case(
        "failed jobs that still have retries left",
        lambda c: c.list_jobs(with_exception=True, no_retries_left=False, limit=20),
        "GET",
        "/job",
        params={"withException": "true", "withRetriesLeft": "true", "firstResult": "0", "maxResults": "20"},
        answer=[JOB],
        check=lambda jobs: (jobs[0].retries, jobs[0].exception_message) == (2, "Payment service down"),
    ),
    Case(
        "counting failed jobs that still have retries left",
        lambda c: c.count_jobs(with_exception=True, no_retries_left=False),
        "GET",
        "/job/count",
        params={"withException": "true", "withRetriesLeft": "true"},
        answer={"count": 4},
        check=lambda count: count == 4,
    ),
]
IDS = [case.name for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_call_sends_the_exact_request_and_reads_the_answer(case, engine, http):
    request, result = _run(case, engine, http)
    assert request.method == case.method
    assert request.url.raw_path.decode().split("?")[0] == f"/engine-rest{case.path}"
    assert dict(request.url.params) == case.params
    assert not request.content
    assert case.check(result) is not False


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_request_and_the_answer_keep_the_engines_contract(case, engine, http):
    request, _ = _run(case, engine, http)
    check_request(request)
    assert unknown_request_fields(request) == []
    check_response(request, _answer(case))


def test_the_engines_capabilities_offer_the_activity_history(engine):
    assert engine.capabilities.activity_history
