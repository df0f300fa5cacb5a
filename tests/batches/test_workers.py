"""Against a real Redis and real worker processes: chunked work done exactly once, even across a
worker that is killed mid-run, and engine batches followed to their end."""

import time

import httpx
import pytest

from batches import operations
from batches.models import Operation
from cockpit.engines import client as engine_client
from engines.queries import ProcessInstanceQuery
from engines.variables import TypedValue, VariableType

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
INSTANCES = 5000


def wait_for(condition, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, "the workers did not get there"
        time.sleep(0.2)
    return result


def operation_log_count(demo, **filters) -> int:
    response = httpx.get(f"{demo.url}/history/user-operation/count", params=filters, auth=("demo", "demo-pw"))
    return response.json()["count"]


def set_on_every_order(user, value: str) -> Operation:
    query = ProcessInstanceQuery(process_definition_key="order", root_process_instances=True)
    parameters = {
        "query": query.to_dict(),
        "name": "stamp",
        "value": TypedValue(VariableType.STRING, value).to_dict(),
    }
    return operations.start(user=user, engine="demo", kind="set_variable_each", parameters=parameters)


def test_a_chunked_operation_over_thousands_of_instances_does_each_exactly_once(workers, make_user, on_demo):
    workers.start("one")
    workers.start("two")
    before = operation_log_count(on_demo, operationType="SetVariable")
    operation = set_on_every_order(make_user("Support"), "first")
    operation = wait_for(lambda: (op := Operation.objects.get(pk=operation.pk)).finished and op)
    assert operation.status == "completed" and operation.total > 2000
    assert operation.done == operation.total and operation.failed == 0
    assert set(operation.items.values_list("state", "attempts")) == {("done", 1)}
    assert operation_log_count(on_demo, operationType="SetVariable") - before == operation.total


def variable_changes(demo) -> int:
    return sum(operation_log_count(demo, operationType=t) for t in ("SetVariable", "ModifyVariable"))


def test_killing_the_worker_mid_run_loses_and_repeats_nothing(workers, make_user, on_demo):
    doomed = workers.start("doomed")

    def changes():
        return variable_changes(on_demo)

    before = changes()
    operation = set_on_every_order(make_user("Support"), "second")
    wait_for(lambda: Operation.objects.get(pk=operation.pk).done >= 400)
    workers.kill(doomed)
    stopped_at = Operation.objects.get(pk=operation.pk).done
    assert stopped_at < Operation.objects.get(pk=operation.pk).total

    workers.start("rescuer")
    operation = wait_for(lambda: (op := Operation.objects.get(pk=operation.pk)).finished and op)
    assert operation.status == "completed" and operation.done == operation.total
    # Every instance changed once on the engine: nothing lost, nothing done twice.
    assert changes() - before == operation.total
    engine = engine_client("demo")
    assert {engine.get_variable(item.target, "stamp").value for item in operation.items.all()[:50]} == {
        "second"
    }


def test_an_engine_batch_is_followed_until_it_ends(workers, make_user, on_demo):
    workers.start("follower")
    query = ProcessInstanceQuery(process_definition_key="loan", tenant_ids=("acme",), active=True)
    operation = operations.start(
        user=make_user("Operator"), engine="demo", kind="suspend", parameters={"query": query.to_dict()}
    )
    operation = wait_for(lambda: (op := Operation.objects.get(pk=operation.pk)).finished and op)
    batch = engine_client("demo").get_historic_batch(operation.engine_batch_id)
    assert (operation.status, operation.total, operation.done, operation.failed) == (
        "completed",
        batch.total_jobs,
        batch.total_jobs,
        0,
    )
    assert operation.total > 1000 and batch.end_time
    assert engine_client("demo").count_instances(query) == 0


def lease_holder(operation: Operation, names) -> str | None:
    """The worker (by the name it was started with) that works on the operation right now."""
    name = operation.lease_owner.split("@")[0]
    return name if name in names else None


def test_the_living_worker_takes_over_when_the_one_holding_the_lease_is_killed(workers, make_user, on_demo):
    workers.start("one")
    workers.start("two")
    workers.wait_until_ready()
    before = variable_changes(on_demo)
    operation = set_on_every_order(make_user("Support"), "third")
    names = workers.by_name
    holder = wait_for(
        lambda: (op := Operation.objects.get(pk=operation.pk)).done >= 300 and lease_holder(op, names)
    )
    workers.kill(workers.by_name[holder])
    killed_at = time.monotonic()
    stopped_at = Operation.objects.get(pk=operation.pk).done
    # Nobody starts a worker: the one left alive has to notice by itself.
    wait_for(lambda: Operation.objects.get(pk=operation.pk).done > stopped_at + 20, timeout=90)
    resumed = time.monotonic() - killed_at
    operation = wait_for(lambda: (op := Operation.objects.get(pk=operation.pk)).finished and op, timeout=90)
    print(f"resumed {resumed:.1f} s after the kill (at {stopped_at} of {operation.total}), finished after")
    print(f"{time.monotonic() - killed_at:.1f} s")
    assert operation.status == "completed" and operation.done == operation.total > stopped_at
    assert variable_changes(on_demo) - before == operation.total, "an instance changed twice or not at all"
    [survivor] = [p for name, p in workers.by_name.items() if name != holder]
    assert survivor.poll() is None


def test_workers_survive_a_redis_restart_and_every_operation_finishes(
    own_redis, workers_of_own_redis, make_user, client_as, on_demo
):
    workers = workers_of_own_redis
    workers.start("one")
    workers.start("two")
    workers.wait_until_ready()
    before = variable_changes(on_demo)
    running = set_on_every_order(make_user("Support"), "fourth")
    wait_for(lambda: Operation.objects.get(pk=running.pk).done >= 300)
    own_redis.kill()
    # Started while the broker is down: accepted, and its page says why it waits.
    operator = client_as("Operator")
    engine = engine_client("demo")
    # Orders: the loans of the module's other tests are suspended already.
    query = ProcessInstanceQuery(process_definition_key="order", active=True)
    ids = [i.id for i in engine.list_instances(query, limit=30)]
    assert len(ids) == 30
    response = operator.post(
        "/e/demo/instances/bulk/", {"action": "suspend", "scope": "selected", "ids": ids, "confirm": "1"}
    )
    assert response.status_code == 302
    page = operator.get(response["Location"]).content.decode()
    assert "The task queue could not be reached" in page and "queued" in page
    suspend = Operation.objects.get(kind="suspend")
    time.sleep(5)  # an outage of a few seconds, while the workers try to reconnect
    assert all(p.poll() is None for p in workers.processes), "a worker ended when the broker went away"
    own_redis.start()
    back_at, stalled_at = time.monotonic(), Operation.objects.get(pk=running.pk).done
    wait_for(lambda: Operation.objects.get(pk=running.pk).done > stalled_at, timeout=120)
    print(f"work went on {time.monotonic() - back_at:.1f} s after Redis was back")
    both = Operation.objects.filter(pk__in=[running.pk, suspend.pk])
    finished = wait_for(lambda: all(op.finished for op in both.all()), timeout=120)
    assert finished and all(p.poll() is None for p in workers.processes)
    running, suspend = Operation.objects.get(pk=running.pk), Operation.objects.get(pk=suspend.pk)
    assert running.status == "completed" and running.done == running.total
    assert variable_changes(on_demo) - before == running.total, "an instance changed twice or not at all"
    assert (suspend.status, suspend.done, suspend.waiting) == ("completed", len(ids), "")
    suspended = engine.list_instances(ProcessInstanceQuery(process_instance_ids=tuple(ids)), limit=50)
    assert len(suspended) == len(ids) and all(i.suspended for i in suspended)
