"""Against a real Redis and real worker processes: chunked work done exactly once, even across a
worker that is killed mid-run, and engine batches followed to their end."""

import time

import httpx
import pytest

from batches import operations
from batches.models import Operation
from cockpit.engines import client as engine_client
from engines.queries import ProcessInstanceQuery
from engines.variables import TypedValue, VariableType, encode

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
        "value": encode(TypedValue(VariableType.STRING, value)),
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


def test_killing_the_worker_mid_run_loses_and_repeats_nothing(workers, make_user, on_demo):
    doomed = workers.start("doomed")

    def changes():
        return sum(operation_log_count(on_demo, operationType=t) for t in ("SetVariable", "ModifyVariable"))

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
