"""Batches progress in the background and end in history; history keeps finished instances, the path
taken, variables and the operation log. Every exchange is checked against the spec."""

import httpx
import pytest

from engines.errors import NotFound
from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery
from engines.variables import TypedValue, VariableType
from tests.demo_engine.conftest import eventually


def ids_waiting_in(engine, activity: str, count: int) -> list[str]:
    query = ProcessInstanceQuery(activity_ids=(activity,), active=True)
    return [i.id for i in engine.list_instances(query, limit=count)]


def finished(engine, batch_id: str):
    return engine.get_historic_batch(batch_id).end_time


def test_a_suspension_batch_progresses_and_ends_in_history(writable):
    ids = ids_waiting_in(writable, "check_stock", 20)
    batch = writable.set_instances_suspended_async(ids, suspended=True)
    assert (batch.type, batch.total_jobs, batch.create_user_id) == (
        "instance-update-suspension-state",
        20,
        "demo",
    )
    eventually(lambda: finished(writable, batch.id))
    assert writable.batch_statistics(batch_id=batch.id) == []
    with pytest.raises(NotFound):
        writable.get_batch(batch.id)
    assert all(writable.get_instance(i).suspended for i in ids)
    [entry, *_] = writable.user_operations(batch_id=batch.id)
    assert entry.operation_type == "Suspend" and entry.user_id == "demo"


def test_statistics_count_what_is_done_while_a_batch_runs(writable):
    ids = ids_waiting_in(writable, "pack", 30)
    batch = writable.set_variables_async(ids, variables={"checked": TypedValue(VariableType.BOOLEAN, True)})
    seen = []

    def progress():
        statistics = writable.batch_statistics(batch_id=batch.id)
        if statistics:
            seen.append(statistics[0])
            assert statistics[0].remaining_jobs + statistics[0].completed_jobs == 30
        return not statistics

    eventually(progress)
    assert seen and seen[0].remaining_jobs > 0
    assert all(writable.get_variable(i, "checked").value is True for i in ids)


def test_an_item_that_fails_stays_as_a_failed_job_until_the_batch_is_deleted(writable, writable_engine):
    ids = ids_waiting_in(writable, "ship", 3)
    writable.delete_instance(ids[1])
    batch = writable.delete_instances_async(ids, reason="Duplicate order")

    def stuck_on_one():
        [statistics] = writable.batch_statistics(batch_id=batch.id)
        return statistics.completed_jobs == 2 and statistics

    statistics = eventually(stuck_on_one)
    assert (statistics.failed_jobs, statistics.remaining_jobs) == (1, 1)
    assert writable.get_historic_instance(ids[0]).delete_reason == "Duplicate order"
    jobs = httpx.get(
        f"{writable_engine.url}/job",
        params={"jobDefinitionId": statistics.batch_job_definition_id},
        auth=("demo", "demo-pw"),
    ).json()
    [job] = jobs
    assert ids[1] in job["exceptionMessage"] and job["retries"] == 0
    # Retrying runs it again; the instance is still gone, so it fails again.
    writable.set_job_retries(job["id"], 1)
    eventually(lambda: writable.batch_statistics(batch_id=batch.id)[0].failed_jobs == 1)
    writable.delete_batch(batch.id)
    assert writable.batch_statistics(batch_id=batch.id) == []
    assert finished(writable, batch.id)


def test_a_suspended_batch_waits_and_a_deleted_one_ends(writable):
    ids = ids_waiting_in(writable, "review", 5)
    batch = writable.set_instances_suspended_async(ids, suspended=True)
    writable.set_batch_suspended(batch.id, suspended=True)
    assert writable.get_batch(batch.id).suspended
    writable.delete_batch(batch.id, cascade=True)
    with pytest.raises(NotFound):
        writable.get_historic_batch(batch.id)


def test_job_retries_for_the_jobs_of_instances(writable):
    failed = writable.list_incidents(activity_id="charge", incident_message_like="%timed out%", limit=2)
    ids = [i.process_instance_id for i in failed]
    batch = writable.set_job_retries_async(ids, retries=2)
    eventually(lambda: finished(writable, batch.id))
    for instance_id in ids:
        assert writable.count_incidents(process_instance_id=instance_id) == 0


def test_history_has_finished_instances_and_the_path_they_took(writable):
    completed = writable.list_historic_instances(HistoricProcessInstanceQuery(completed=True), limit=5)
    assert completed and all(h.end_time and h.state == "COMPLETED" for h in completed)
    path = writable.historic_activity_instances(completed[0].id)
    assert path[0].activity_id == "start" and path[-1].activity_type == "endEvent"
    assert all(a.end_time for a in path)
    assert writable.count_historic_instances(HistoricProcessInstanceQuery(finished=True)) > 0
    assert {v.name for v in writable.historic_variables(completed[0].id)} >= {"amount", "customer", "dueDate"}


def test_history_of_a_running_instance_ends_where_it_waits(writable):
    [instance] = writable.list_instances(ProcessInstanceQuery(activity_ids=("cooling_off",)), limit=1)
    path = writable.historic_activity_instances(instance.id)
    assert [a.activity_id for a in path if a.end_time is None] == ["cooling_off"]
    assert [a.activity_id for a in path][:3] == ["start", "credit_check", "review"]
    historic = writable.get_historic_instance(instance.id)
    assert historic.state in ("ACTIVE", "SUSPENDED") and historic.process_definition_key == "loan"
    unfinished = writable.historic_activity_instances(instance.id, finished=False)
    assert [a.activity_id for a in unfinished] == ["cooling_off"]


def test_historic_queries_filter_like_the_runtime_ones(writable):
    root = HistoricProcessInstanceQuery(process_definition_key="loan", root_process_instances=True)
    assert writable.count_historic_instances(root) > writable.count_historic_instances(
        HistoricProcessInstanceQuery(
            process_definition_key="loan", unfinished=True, root_process_instances=True
        )
    )
    [started] = writable.list_historic_instances(HistoricProcessInstanceQuery(), limit=1)
    after = HistoricProcessInstanceQuery(started_after=started.start_time)
    assert 0 < writable.count_historic_instances(after) <= writable.count_historic_instances()
    rich = HistoricProcessInstanceQuery(variables=())
    assert writable.count_historic_instances(rich) == writable.count_historic_instances()
