"""What Flowable's REST API offers of the activity history and of the failed jobs still retrying."""

import pytest

from engines.errors import Unsupported
from engines.queries import HistoricActivityInstanceQuery

QUERY = HistoricActivityInstanceQuery("order:1:d-1", finished=True)


def page(*items, total=None):
    return {"data": list(items), "total": len(items) if total is None else total, "start": 0, "size": 50}


@pytest.mark.parametrize(
    "call",
    [
        lambda e: e.historic_activity_statistics("order:1:d-1"),
        lambda e: e.find_historic_activity_instances(QUERY),
        lambda e: e.count_historic_activity_instances(QUERY),
    ],
)
def test_the_activity_history_is_refused_and_the_capability_is_off(engine, call):
    assert not engine.capabilities.activity_history
    # No respx router here: anything sent would fail to connect rather than pass.
    with pytest.raises(Unsupported, match="Flowable has no"):
        call(engine)


def test_failed_jobs_still_retrying_are_asked_of_the_executable_and_timer_jobs_only(engine, http):
    job = {"id": "job-1", "processInstanceId": "pi-1", "retries": 2, "exceptionMessage": "down"}
    jobs = http.get("/management/jobs").respond(json=page(job))
    timers = http.get("/management/timer-jobs").respond(json=page())
    found = engine.list_jobs(with_exception=True, no_retries_left=False)
    assert [j.id for j in found] == ["job-1"]
    for route in (jobs, timers):
        assert route.calls.last.request.url.params["withException"] == "true"
    # The dead-letter jobs (out of retries) are not asked: respx refuses any request not mocked.
    assert found.total == 1
