"""Job due dates set and recalculated, a timer run now; job definitions per definition, suspended with
their jobs, their priority overridden and cleared; checked against the spec."""

from datetime import UTC, datetime

import pytest

from engines.errors import EngineError
from engines.queries import ProcessInstanceQuery


def timer_of(engine, activity: str = "cooling_off"):
    [instance] = engine.list_instances(
        ProcessInstanceQuery(activity_ids=(activity,), suspended=False), limit=1
    )
    [job] = engine.list_jobs(process_instance_id=instance.id)
    return instance, job


def test_a_timers_due_date_is_set_and_recalculated_from_its_creation(writable):
    _, job = timer_of(writable)
    writable.set_job_due_date(job.id, datetime(2030, 1, 2, 3, 4, tzinfo=UTC))
    assert writable.get_job(job.id).due_date == datetime(2030, 1, 2, 3, 4, tzinfo=UTC)

    writable.recalculate_job_due_date(job.id, from_creation=True)
    recalculated = writable.get_job(job.id)
    assert (recalculated.due_date - recalculated.create_time).days == 1


def test_recalculating_a_job_that_is_no_timer_is_refused_with_the_engines_message(writable):
    [incident] = writable.list_incidents(activity_id="charge", limit=1)
    with pytest.raises(EngineError, match="Only timer jobs can be recalculated"):
        writable.recalculate_job_due_date(incident.job_id)


def test_running_a_timer_now_moves_the_instance_on(writable):
    instance, job = timer_of(writable)
    writable.execute_job(job.id)
    tree = writable.activity_instance_tree(instance.id)
    assert "cooling_off" not in {node.activity_id for node in tree.walk()}


def test_a_definition_has_a_job_definition_per_async_task_and_timer(engine):
    [loan] = engine.list_definitions(key="loan", limit=1)
    found = engine.list_job_definitions(process_definition_id=loan.id)
    assert [(d.activity_id, d.job_type) for d in found] == [
        ("cooling_off", "timer-intermediate-transition"),
        ("pay_out", "async-continuation"),
    ]
    assert not any(d.suspended for d in found) and engine.get_job_definition(found[0].id) == found[0]


def test_suspending_a_job_definition_with_its_jobs_suspends_them_and_activating_frees_them(writable):
    _, job = timer_of(writable)
    writable.set_job_definition_suspended(job.job_definition_id, suspended=True, include_jobs=True)
    assert writable.get_job_definition(job.job_definition_id).suspended
    assert writable.get_job(job.id).suspended
    writable.set_job_definition_suspended(job.job_definition_id, suspended=False)
    assert not writable.get_job_definition(job.job_definition_id).suspended
    assert writable.get_job(job.id).suspended  # without include_jobs its jobs stay as they are


def test_a_job_priority_is_overridden_and_cleared(writable):
    _, job = timer_of(writable)
    writable.set_job_definition_priority(job.job_definition_id, 10)
    assert writable.get_job_definition(job.job_definition_id).overriding_job_priority == 10
    writable.set_job_definition_priority(job.job_definition_id, None)
    assert writable.get_job_definition(job.job_definition_id).overriding_job_priority is None


def test_running_a_failing_job_now_fails_with_its_exception_and_the_failure_stays_recorded(writable):
    [incident] = writable.list_incidents(activity_id="charge", incident_message_like="%declined%", limit=1)
    with pytest.raises(EngineError, match="Card declined"):
        writable.execute_job(incident.job_id)
    job = writable.get_job(incident.job_id)
    assert job.retries == 0 and "Card declined" in (job.exception_message or "")
