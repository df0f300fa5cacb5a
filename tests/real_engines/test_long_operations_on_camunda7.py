"""Long operations on a few hundred instances of real Camunda 7.24, with real Redis and Celery workers:
engine batches (delete, suspend, set variables, job retries, modification) run by the engine's job
executor and followed to their end by the dashboard's operations, and the instance-by-instance path
with a worker killed midway. Each test has instances of its own, found by their business keys."""

import itertools
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from batches import operations
from batches.models import Operation
from engines.camunda7.variables import encode
from engines.queries import (
    HistoricProcessInstanceQuery,
    Instruction,
    InstructionKind,
    Modification,
    ProcessInstanceQuery,
    VariableFilter,
)
from engines.variables import TypedValue, VariableType
from realengines.seed import variables_of

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
EACH = 300  # the instance-by-instance operation's instances
BATCHED = 80  # each engine batch's instances
_numbers = itertools.count(50_000)


def wait_for(condition, timeout: float = 240):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"not reached in {timeout:.0f} s: {condition}"
        time.sleep(0.5)
    return result


def start_orders(engine, prefix: str, count: int, **extra) -> list[str]:
    """count order instances waiting at check_stock, business keys prefix-1..., extra String variables."""

    def start(http, seq):
        variables = {name: encode(value) for name, value in variables_of(seq, "order").items()}
        variables |= {name: {"value": value, "type": "String"} for name, value in extra.items()}
        # POST /process-definition/key/{key}/start
        answer = http.post(
            "/process-definition/key/order/start",
            json={"businessKey": f"{prefix}{seq}", "variables": variables},
        )
        answer.raise_for_status()
        return answer.json()["id"]

    with engine.http() as http, ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda seq: start(http, seq), [next(_numbers) for _ in range(count)]))


def complete_tasks(engine, prefix: str, activity: str) -> None:
    with engine.http() as http, ThreadPoolExecutor(4) as pool:
        # GET /task, POST /task/{id}/complete
        tasks = http.get(
            "/task",
            params={"processInstanceBusinessKeyLike": f"{prefix}%", "taskDefinitionKey": activity,
                    "maxResults": 1000},
        ).json()  # fmt: skip
        list(
            pool.map(
                lambda task: http.post(f"/task/{task['id']}/complete", json={}).raise_for_status(), tasks
            )
        )


def of(prefix: str, **filters) -> ProcessInstanceQuery:
    return ProcessInstanceQuery(process_definition_key="order", business_key_like=f"{prefix}%", **filters)


def run(user, kind: str, **parameters) -> Operation:
    operation = operations.start(user=user, engine="demo", kind=kind, parameters=parameters)
    return wait_for(lambda: (op := Operation.objects.get(pk=operation.pk)).finished and op)


def assert_completed_as_the_engine_batch(operation: Operation, client, count: int) -> None:
    assert operation.mode == Operation.Mode.ENGINE_BATCH and operation.engine_batch_id
    batch = client.get_historic_batch(operation.engine_batch_id)
    assert batch.end_time, "the engine's batch has not ended"
    assert (operation.status, operation.failed) == ("completed", 0), operation.error
    assert operation.total == operation.done == batch.total_jobs
    assert batch.total_jobs >= 1 and count >= 1


def test_engine_batches_delete_suspend_set_variables_and_modify_a_few_hundred_instances(
    camunda_workers, make_user, on_camunda7, camunda7_client
):
    camunda_workers.start("follower")
    operator = make_user("Operator")
    groups = {name: f"BULK-{name.upper()}-" for name in ("delete", "suspend", "variables", "modify")}
    for prefix in groups.values():
        start_orders(on_camunda7, prefix, BATCHED)
    [definition_id] = {
        i.definition_id for i in camunda7_client.list_instances(of(groups["modify"]), limit=500)
    }

    deleted = run(
        operator, "delete", query=of(groups["delete"]).to_dict(), reason="cleaning up the test orders"
    )
    assert_completed_as_the_engine_batch(deleted, camunda7_client, BATCHED)
    assert camunda7_client.count_instances(of(groups["delete"])) == 0
    history = HistoricProcessInstanceQuery(process_instance_business_key_like=f"{groups['delete']}%")
    assert {i.state for i in camunda7_client.list_historic_instances(history, limit=500)} == {
        "EXTERNALLY_TERMINATED"
    }

    suspended = run(operator, "suspend", query=of(groups["suspend"]).to_dict())
    assert_completed_as_the_engine_batch(suspended, camunda7_client, BATCHED)
    assert camunda7_client.count_instances(of(groups["suspend"], suspended=True)) == BATCHED

    stamp = TypedValue(VariableType.STRING, "checked in bulk").to_dict()
    stamped = run(
        operator, "set_variables", query=of(groups["variables"]).to_dict(), variables={"stamp": stamp}
    )
    assert_completed_as_the_engine_batch(stamped, camunda7_client, BATCHED)
    with_stamp = of(groups["variables"], variables=(VariableFilter("stamp", "eq", "checked in bulk"),))
    assert camunda7_client.count_instances(with_stamp) == BATCHED

    plan = Modification((
        Instruction(InstructionKind.START_BEFORE_ACTIVITY, activity_id="pack"),
        Instruction(InstructionKind.CANCEL, activity_id="check_stock"),
    ))  # fmt: skip
    modified = run(operator, "modify", query=of(groups["modify"]).to_dict(), definition_id=definition_id,
                   modification=plan.to_dict())  # fmt: skip
    assert_completed_as_the_engine_batch(modified, camunda7_client, BATCHED)
    assert camunda7_client.count_instances(of(groups["modify"], activity_ids=("pack",))) == BATCHED
    assert camunda7_client.count_instances(of(groups["modify"], activity_ids=("check_stock",))) == 0


def test_an_engine_batch_of_job_retries_lets_failed_charges_recover(
    camunda_workers, make_user, on_camunda7, camunda7_client
):
    camunda_workers.start("follower")
    prefix = "BULK-RETRY-"
    start_orders(on_camunda7, prefix, BATCHED, failAt="charge", failure="recovers")
    complete_tasks(on_camunda7, prefix, "check_stock")
    # The job executor runs each charge once: it times out, and each instance has its incident.
    wait_for(lambda: camunda7_client.count_instances(of(prefix, with_incident=True)) == BATCHED)

    retried = run(make_user("Operator"), "job_retries", query=of(prefix).to_dict(), retries=1)
    assert_completed_as_the_engine_batch(retried, camunda7_client, BATCHED)
    # The engine's job executor charges each card again, and this time the provider answers.
    wait_for(lambda: camunda7_client.count_instances(of(prefix, activity_ids=("join",))) == BATCHED)
    assert camunda7_client.count_instances(of(prefix, with_incident=True)) == 0


def test_killing_a_worker_midway_through_an_instance_by_instance_operation_loses_and_repeats_nothing(
    camunda_workers, make_user, on_camunda7, camunda7_client
):
    prefix = "BULK-EACH-"
    ids = set(start_orders(on_camunda7, prefix, EACH))

    def changes() -> int:
        with on_camunda7.http() as http:
            # GET /history/user-operation/count: one entry per variable the engine set
            return sum(
                http.get(
                    "/history/user-operation/count", params={"operationType": kind, "entityType": "Variable"}
                ).json()["count"]
                for kind in ("SetVariable", "ModifyVariable")
            )

    before = changes()
    doomed = camunda_workers.start("doomed")
    value = TypedValue(VariableType.STRING, "stamped one by one").to_dict()
    operation = operations.start(
        user=make_user("Support"), engine="demo", kind="set_variable_each",
        parameters={"query": of(prefix).to_dict(), "name": "stamp", "value": value},
    )  # fmt: skip
    wait_for(lambda: Operation.objects.get(pk=operation.pk).done >= 40)
    camunda_workers.kill(doomed)
    stopped_at = Operation.objects.get(pk=operation.pk).done
    assert stopped_at < EACH, "the operation ended before the worker was killed"

    camunda_workers.start("rescuer")
    operation = wait_for(lambda: (op := Operation.objects.get(pk=operation.pk)).finished and op)
    assert (operation.status, operation.total, operation.done, operation.failed) == (
        "completed",
        EACH,
        EACH,
        0,
    )
    assert set(operation.items.values_list("target", flat=True)) == ids
    # Every instance changed once on the engine: nothing lost, nothing done twice.
    assert changes() - before == EACH
    stamped = of(prefix, variables=(VariableFilter("stamp", "eq", "stamped one by one"),))
    assert camunda7_client.count_instances(stamped) == EACH
