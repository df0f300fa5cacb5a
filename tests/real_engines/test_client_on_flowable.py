"""The Flowable adapter against a real Flowable 7.2, on its seeded data."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from engines.errors import InvalidRequest, NotFound
from engines.queries import (
    HistoricProcessInstanceQuery,
    InstanceSort,
    ProcessInstanceQuery,
    Sort,
    VariableFilter,
    containing,
)
from engines.variables import TypedValue, VariableType


def _wait_until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_instances_are_counted_filtered_sorted_and_paged_by_the_engine(flowable_client, flowable_engine):
    seeded = flowable_engine.seeded
    orders = ProcessInstanceQuery(
        process_definition_key="order", sorting=(Sort(InstanceSort.BUSINESS_KEY, "desc"),)
    )
    count = flowable_client.count_instances(orders)
    first = flowable_client.list_instances(orders, limit=5)
    second = flowable_client.list_instances(orders, offset=5, limit=5)
    assert first.total == count and count > 10
    keys = [i.business_key for i in first + second]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == 10
    assert {i.definition_id.split(":")[0] for i in first + second} == {"order"}

    signing = seeded.one("sign")
    [found] = flowable_client.list_instances(
        ProcessInstanceQuery(business_key=signing.business_key, process_definition_key="loan")
    )
    assert found.id == signing.id and found.tenant_id == signing.tenant_id
    like = flowable_client.count_instances(ProcessInstanceQuery(business_key_like=containing("LOAN-")))
    assert like == flowable_client.count_instances(
        ProcessInstanceQuery(process_definition_key_in=("loan", "credit-check"))
    )

    suspended = flowable_client.list_instances(ProcessInstanceQuery(suspended=True), limit=100)
    assert {i.id for i in suspended} >= {i.id for i in seeded.instances if i.suspended}
    assert all(i.suspended for i in suspended)
    acme = flowable_client.list_instances(ProcessInstanceQuery(tenant_ids=("acme",)), limit=100)
    assert acme and {i.tenant_id for i in acme} == {"acme"}


def test_variable_filters_use_flowables_operators(flowable_client):
    everyone = flowable_client.list_instances(limit=200)
    amounts = {
        i.id: v.value
        for i in everyone
        if (v := flowable_client.instance_variables(i.id).get("amount")) is not None
    }
    assert amounts
    threshold = sorted(amounts.values())[len(amounts) // 2]
    above = flowable_client.list_instances(
        ProcessInstanceQuery(variables=(VariableFilter("amount", "gt", threshold),)), limit=200
    )
    assert {i.id for i in above} == {i for i, amount in amounts.items() if amount > threshold}
    one = next(iter(amounts))
    customer = flowable_client.get_variable(one, "customer").value
    shouted = ProcessInstanceQuery(
        variables=(VariableFilter("customer", "eq", customer.upper()),), variable_values_ignore_case=True
    )
    assert one in {i.id for i in flowable_client.list_instances(shouted, limit=200)}
    exact = ProcessInstanceQuery(variables=(VariableFilter("customer", "eq", customer.upper()),))
    assert flowable_client.count_instances(exact) == 0


def test_an_instance_shows_its_executions_as_its_tree(flowable_client, flowable_engine):
    waiting = flowable_engine.seeded.one("pack", key="order")
    tree = flowable_client.activity_instance_tree(waiting.id)
    assert tree.id == waiting.id and tree.activity_id == waiting.definition_id
    assert "pack" in tree.counts_by_activity()
    assert all(child.parent_activity_instance_id == tree.id for child in tree.children)


def test_variables_of_every_type_are_set_read_and_deleted(flowable_client, flowable_engine):
    instance = flowable_engine.seeded.of_shape("check_stock", key="order")[-1]
    values = {
        "vString": TypedValue(VariableType.STRING, "Grüße <b>"),
        "vInteger": TypedValue(VariableType.INTEGER, 2**31 - 1),
        "vShort": TypedValue(VariableType.SHORT, -7),
        "vLong": TypedValue(VariableType.LONG, 2**53 + 1),
        "vDouble": TypedValue(VariableType.DOUBLE, 0.25),
        "vBoolean": TypedValue(VariableType.BOOLEAN, True),
        "vDate": TypedValue(VariableType.DATE, datetime(2026, 11, 8, 9, 30, tzinfo=UTC)),
        "vJson": TypedValue(VariableType.JSON, '{"items": [1, 2], "ok": true}'),
        "vNull": TypedValue(VariableType.NULL, None),
    }
    for name, value in values.items():
        flowable_client.set_variable(instance.id, name, value)
    read = flowable_client.instance_variables(instance.id)
    assert {name: (read[name].type, read[name].value) for name in values} == {
        name: (value.type, value.value) for name, value in values.items()
    }
    flowable_client.set_variable_data(
        instance.id, "vBinary", b"\x00\xffscan", filename="scan.bin", value_type=VariableType.BYTES
    )
    assert flowable_client.get_variable(instance.id, "vBinary").type == VariableType.BYTES
    assert flowable_client.get_variable_data(instance.id, "vBinary").data == b"\x00\xffscan"

    flowable_client.delete_variable(instance.id, "vString")
    with pytest.raises(NotFound):
        flowable_client.get_variable(instance.id, "vString")
    with pytest.raises(NotFound, match="noSuchVariable"):
        flowable_client.delete_variable(instance.id, "noSuchVariable")
    with pytest.raises(InvalidRequest, match="Converter can only convert integers"):
        flowable_client.set_variable(
            instance.id, "vInteger", TypedValue(VariableType.INTEGER, "not a number")
        )


def test_an_executions_local_variable_lives_in_its_own_scope(flowable_client, flowable_engine):
    instance = flowable_engine.seeded.of_shape("pack", key="order")[-1]
    [execution] = [
        c for c in flowable_client.activity_instance_tree(instance.id).children if c.activity_id == "pack"
    ]
    flowable_client.set_variable(
        instance.id, "note", TypedValue(VariableType.STRING, "local"), execution_id=execution.id
    )
    flowable_client.set_variable(instance.id, "note", TypedValue(VariableType.STRING, "global"))
    notes = flowable_client.variable_instances(instance.id, name="note")
    assert [(v.value.value, v.is_local, v.execution_id) for v in notes] == [
        ("global", False, instance.id),
        ("local", True, execution.id),
    ]
    again = flowable_client.get_variable_instance(notes[1].id)
    assert (again.value.value, again.process_instance_id) == ("local", instance.id)
    flowable_client.delete_variable(instance.id, "note", execution_id=execution.id)
    assert [v.value.value for v in flowable_client.variable_instances(instance.id, name="note")] == ["global"]


def test_an_instance_is_suspended_activated_and_deleted_with_its_reason(flowable_client, flowable_engine):
    instance = flowable_engine.seeded.of_shape("check_stock", key="order")[-2]
    flowable_client.set_instance_suspended(instance.id, suspended=True)
    assert flowable_client.get_instance(instance.id).suspended is True
    flowable_client.set_instance_suspended(instance.id, suspended=False)
    assert flowable_client.get_instance(instance.id).suspended is False
    flowable_client.delete_instance(instance.id, reason="Duplicate order")
    with pytest.raises(NotFound, match=instance.id):
        flowable_client.get_instance(instance.id)
    ended = flowable_client.get_historic_instance(instance.id)
    assert (ended.delete_reason, ended.state) == ("Duplicate order", "EXTERNALLY_TERMINATED")


def test_a_failed_job_is_a_dead_letter_job_and_a_retry_moves_it_back(flowable_client, flowable_engine):
    declined = flowable_engine.seeded.one("charge_declined")
    [failure] = flowable_client.list_incidents(process_instance_id=declined.id)
    assert (failure.incident_type, failure.activity_id) == ("failedJob", "charge")
    assert failure.incident_message == "Card declined: insufficient funds"
    assert "Card declined: insufficient funds" in flowable_client.job_stacktrace(failure.job_id)
    assert flowable_client.count_jobs(process_instance_id=declined.id, no_retries_left=True) == 1

    timed_out = flowable_engine.seeded.of_shape("charge_timed_out")[0]
    [dead] = flowable_client.list_jobs(process_instance_id=timed_out.id, no_retries_left=True)
    flowable_client.set_job_retries(dead.id, 1)
    assert _wait_until(
        lambda: "pack" in flowable_client.activity_instance_tree(timed_out.id).counts_by_activity()
    )
    assert flowable_client.count_incidents(process_instance_id=timed_out.id) == 0


def test_history_keeps_the_path_and_the_variables(flowable_client, flowable_engine):
    completed = flowable_engine.seeded.one("completed", key="order")
    path = flowable_client.historic_activity_instances(completed.id, limit=100)
    # Oldest first (a start event and the task after it may share their millisecond).
    assert [a.start_time for a in path] == sorted(a.start_time for a in path)
    assert {"start", "check_stock", "ship"} <= {a.activity_id for a in path}
    assert all(a.end_time for a in path)
    variables = {v.name: v.value for v in flowable_client.historic_variables(completed.id)}
    assert variables["amount"].type == VariableType.INTEGER
    finished = flowable_client.list_historic_instances(
        HistoricProcessInstanceQuery(process_definition_key="order", finished=True), limit=100
    )
    assert completed.id in {i.id for i in finished} and all(i.end_time for i in finished)
    assert (
        flowable_client.count_historic_instances(
            HistoricProcessInstanceQuery(process_definition_key="order", finished=True)
        )
        == finished.total
    )


def test_definitions_and_their_bpmn(flowable_client, flowable_engine):
    latest = flowable_client.get_latest_definition("order")
    assert (latest.key, latest.version) == ("order", 2)
    assert latest.id == flowable_engine.seeded.definitions["order:2"]
    xml = flowable_client.definition_xml(latest.id)
    assert xml.lstrip().startswith("<?xml") and "pack" in xml
    assert flowable_client.count_definitions(key="loan") == 2


def test_change_state_cancels_an_activity_and_starts_another(flowable_client, flowable_engine):
    from engines.queries import Instruction, InstructionKind, Modification

    instance = flowable_engine.seeded.of_shape("check_stock", key="order")[0]
    assert "check_stock" in flowable_client.activity_instance_tree(instance.id).counts_by_activity()
    flowable_client.modify_instance(
        instance.id,
        Modification(
            instructions=(
                Instruction(InstructionKind.CANCEL, activity_id="check_stock"),
                Instruction(InstructionKind.START_BEFORE_ACTIVITY, activity_id="ship"),
            )
        ),
    )
    where = flowable_client.activity_instance_tree(instance.id).counts_by_activity()
    assert "check_stock" not in where and "ship" in where


def test_an_instance_migrates_to_the_other_version_by_flowables_migration_document(flowable_client):
    versions = sorted(flowable_client.list_definitions(key="order", limit=10), key=lambda d: d.version)
    first, last = versions[0], versions[-1]
    assert first.version < last.version
    plan = flowable_client.generate_migration_plan(first.id, last.id)
    assert "check_stock" in {i.source for i in plan.instructions}
    [instance] = flowable_client.list_instances(
        ProcessInstanceQuery(process_definition_id=first.id, suspended=False), limit=1
    )
    flowable_client.migrate_instances(plan, ids=[instance.id])
    assert flowable_client.get_instance(instance.id).definition_id == last.id
    # And back, so the other tests find the seeded data as it was.
    back = flowable_client.generate_migration_plan(last.id, first.id)
    flowable_client.migrate_instances(back, ids=[instance.id])
    assert flowable_client.get_instance(instance.id).definition_id == first.id


def test_a_user_task_is_given_to_someone_taken_back_and_offered_to_a_group(flowable_client, flowable_engine):
    waiting = flowable_engine.seeded.one("pack")
    [task] = flowable_client.list_user_tasks(waiting.id)
    assert task.activity_id == "pack" and task.process_instance_id == waiting.id
    before = task.assignee
    flowable_client.set_task_assignee(task.id, "mary")
    assert flowable_client.get_user_task(task.id).assignee == "mary"
    flowable_client.set_task_assignee(task.id, None)
    assert flowable_client.get_user_task(task.id).assignee is None
    flowable_client.add_candidate_group(task.id, "night-shift")
    assert "night-shift" in flowable_client.get_user_task(task.id).candidate_groups
    flowable_client.remove_candidate_group(task.id, "night-shift")
    flowable_client.set_task_assignee(task.id, before)
    assert flowable_client.get_user_task(task.id).candidate_groups == task.candidate_groups
