"""External tasks: listed with topic, worker and lock; retries set (0 raises an incident) and unlocked."""

import pytest

from demo_engine.api.external_tasks import add_external_task
from engines.errors import NotFound
from engines.queries import ProcessInstanceQuery


def arranged(server, engine, **task):
    [instance] = engine.list_instances(ProcessInstanceQuery(activity_ids=("pay_out",)), limit=1)
    defaults = {
        "topic": "payout",
        "worker": "payer-1",
        "lock_expiration": "2026-11-22T10:05:00.000+0000",
        "retries": 1,
        "error_message": "Bank offline",
        "error_details": "java.io.IOException: offline",
    }
    task_id = add_external_task(server.store, instance.id, "pay_out", **{**defaults, **task})
    return instance, task_id


def test_an_instances_external_task_is_listed_with_its_topic_worker_lock_and_error(writable_engine, writable):
    instance, task_id = arranged(writable_engine, writable)

    [task] = writable.list_external_tasks(instance.id)

    assert (task.id, task.topic_name, task.worker_id, task.retries) == (task_id, "payout", "payer-1", 1)
    assert (
        task.lock_expiration_time and task.error_message == "Bank offline" and task.activity_id == "pay_out"
    )
    assert writable.external_task_error_details(task_id) == "java.io.IOException: offline"


def test_retries_to_zero_raise_an_incident_and_retries_again_resolve_it(writable_engine, writable):
    instance, task_id = arranged(writable_engine, writable)
    before = writable.count_incidents(process_instance_id=instance.id)

    writable.set_external_task_retries(task_id, 0)
    assert writable.count_incidents(process_instance_id=instance.id) == before + 1
    writable.set_external_task_retries(task_id, 3)

    assert writable.get_external_task(task_id).retries == 3
    assert writable.count_incidents(process_instance_id=instance.id) == before


def test_unlocking_frees_the_task_for_any_worker(writable_engine, writable):
    _, task_id = arranged(writable_engine, writable)
    writable.unlock_external_task(task_id)
    task = writable.get_external_task(task_id)
    assert task.worker_id is None and task.lock_expiration_time is None


def test_the_task_ends_with_its_instance(writable_engine, writable):
    instance, task_id = arranged(writable_engine, writable)
    writable.delete_instance(instance.id)
    with pytest.raises(NotFound):
        writable.get_external_task(task_id)
