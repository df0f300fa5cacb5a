"""Process instance modification with the engine's semantics; every exchange is checked against the spec."""

import pytest

from engines.errors import EngineServerError, InvalidRequest, NotFound
from engines.queries import Instruction, Modification, ProcessInstanceQuery, StartVariable, VariableFilter
from engines.variables import TypedValue, VariableType
from tests.demo_engine.conftest import eventually


def waiting_in(engine, activity: str, *, key: str | None = None, skip: int = 0):
    query = ProcessInstanceQuery(activity_ids=(activity,), process_definition_key=key, suspended=None)
    return engine.list_instances(query, offset=skip, limit=1)[0]


def untouched(engine, activity: str, counts: dict[str, int]):
    """An instance waiting in activity and nowhere else than counts says: no other test moved it."""
    for instance in engine.list_instances(ProcessInstanceQuery(activity_ids=(activity,)), limit=50):
        if engine.activity_instance_tree(instance.id).counts_by_activity() == counts:
            return instance
    raise AssertionError(f"no untouched instance waiting in {activity}")


def modify(engine, instance_id: str, *instructions: Instruction, annotation: str = "repair"):
    engine.modify_instance(instance_id, Modification(instructions=instructions, annotation=annotation))
    return engine.activity_instance_tree(instance_id)


def test_cancelling_a_failing_activity_and_starting_before_the_previous_one(writable):
    [incident] = writable.list_incidents(activity_id="charge", limit=1)
    tree = writable.activity_instance_tree(incident.process_instance_id)
    [charge] = tree.transitions

    tree = modify(
        writable,
        tree.id,
        Instruction("cancel", transition_instance_id=charge.id),
        Instruction("startBeforeActivity", activity_id="check_stock"),
    )

    assert tree.counts_by_activity() == {"pack": 1, "check_stock": 1}
    assert writable.count_incidents(process_instance_id=tree.id) == 0
    assert writable.list_jobs(process_instance_id=tree.id) == []
    cancelled = [a for a in writable.historic_activity_instances(tree.id) if a.activity_id == "charge"]
    assert cancelled and cancelled[-1].canceled and cancelled[-1].end_time
    # One entry per property, as the engine writes them, all of one operation.
    entries = writable.user_operations(process_instance_id=tree.id)
    assert {(e.operation_type, e.annotation, e.user_id, e.operation_id) for e in entries} == {
        ("ModifyProcessInstance", "repair", "demo", entries[0].operation_id)
    }
    assert {e.property for e in entries} == {"nrOfInstances", "async"}


def test_starting_inside_a_subprocess_instantiates_the_missing_scope(writable):
    instance = waiting_in(writable, "check_stock", key="order")
    tree = modify(writable, instance.id, Instruction("startBeforeActivity", activity_id="ship"))
    [shipping] = [c for c in tree.children if c.activity_id == "shipping"]
    assert [c.activity_id for c in shipping.children] == ["ship"]
    # A second start finds the single scope and joins it.
    tree = modify(writable, instance.id, Instruction("startBeforeActivity", activity_id="await_delivery"))
    [shipping] = [c for c in tree.children if c.activity_id == "shipping"]
    assert sorted(c.activity_id for c in shipping.children) == ["await_delivery", "ship"]


def test_with_two_scopes_the_ancestor_must_be_named(writable):
    instance = waiting_in(writable, "check_stock", key="order", skip=1)
    tree = modify(writable, instance.id, Instruction("startBeforeActivity", activity_id="shipping"))
    tree = modify(writable, instance.id, Instruction("startBeforeActivity", activity_id="shipping"))
    scopes = [c for c in tree.children if c.activity_id == "shipping"]
    assert len(scopes) == 2

    with pytest.raises(InvalidRequest, match="Ancestor activity instance id must be set"):
        modify(writable, instance.id, Instruction("startBeforeActivity", activity_id="ship"))
    tree = modify(
        writable,
        instance.id,
        Instruction("startBeforeActivity", activity_id="ship", ancestor_activity_instance_id=scopes[1].id),
    )
    second = next(c for c in tree.children if c.id == scopes[1].id)
    assert [c.activity_id for c in second.children] == ["ship", "ship"]


def test_start_after_needs_a_single_outgoing_flow(writable, exchanges):
    instance = waiting_in(writable, "review", key="loan")
    with pytest.raises(EngineServerError, match="Activity 'decide' has more than one outgoing sequence flow"):
        modify(writable, instance.id, Instruction("startAfterActivity", activity_id="decide"))
    exchanges.clear()  # the spec does not list this 500 for the operation
    tree = modify(
        writable,
        instance.id,
        Instruction("cancel", activity_id="review"),
        Instruction("startAfterActivity", activity_id="review"),
    )
    # After review comes the gateway, then the multi-instance signature step.
    [body] = tree.children
    assert body.activity_id == "sign#multiInstanceBody"
    assert [c.activity_id for c in body.children] == ["sign", "sign", "sign"]
    tree = modify(writable, instance.id, Instruction("startBeforeActivity", activity_id="sign"))
    assert tree.counts_by_activity() == {"sign#multiInstanceBody": 1, "sign": 4}


def test_start_transition_follows_the_chosen_flow(writable):
    instance = waiting_in(writable, "review", key="loan", skip=1)
    tree = modify(
        writable,
        instance.id,
        Instruction("startTransition", transition_id="flow_decide_reject"),
        Instruction("cancel", activity_id="review"),
    )
    assert tree.counts_by_activity() == {"reject": 1}


def test_invalid_instructions_change_nothing_and_say_why(writable):
    instance = waiting_in(writable, "check_stock", key="order", skip=2)
    before = writable.activity_instance_tree(instance.id)
    [token] = before.children
    with pytest.raises(InvalidRequest, match="Activity 'nope' does not exist"):
        modify(
            writable,
            instance.id,
            Instruction("cancel", activity_instance_id=token.id),
            Instruction("startBeforeActivity", activity_id="nope"),
        )
    with pytest.raises(InvalidRequest, match="Activity instance 'gone' does not exist"):
        modify(writable, instance.id, Instruction("cancel", activity_instance_id="gone"))
    with pytest.raises(InvalidRequest, match="Sequence flow 'nowhere' does not exist"):
        modify(writable, instance.id, Instruction("startTransition", transition_id="nowhere"))
    assert writable.activity_instance_tree(instance.id) == before


def test_cancelling_every_token_ends_the_instance(writable):
    instance = untouched(writable, "ship", {"shipping": 1, "ship": 1})
    [scope] = [
        c for c in writable.activity_instance_tree(instance.id).children if c.activity_id == "shipping"
    ]
    [ship] = scope.children
    writable.modify_instance(
        instance.id, Modification(instructions=(Instruction("cancel", activity_instance_id=ship.id),))
    )
    # The emptied subprocess went with its last child, and then the instance.
    with pytest.raises(NotFound):
        writable.get_instance(instance.id)
    historic = writable.get_historic_instance(instance.id)
    assert historic.state == "EXTERNALLY_TERMINATED" and historic.end_time


def test_variables_of_an_instruction_can_be_local_to_what_it_starts(writable):
    instance = waiting_in(writable, "check_stock", key="order", skip=3)
    tree = modify(
        writable,
        instance.id,
        Instruction(
            "startBeforeActivity",
            activity_id="pack",
            variables={
                "packer": StartVariable(TypedValue(VariableType.STRING, "Grace"), local=True),
                "urgent": StartVariable(TypedValue(VariableType.BOOLEAN, True)),
            },
        ),
    )
    [pack] = [c for c in tree.children if c.activity_id == "pack"]
    by_name = {v.name: v for v in writable.variable_instances(instance.id)}
    assert by_name["packer"].activity_instance_id == pack.id and by_name["packer"].is_local
    assert not by_name["urgent"].is_local and by_name["urgent"].value.value is True
    assert "packer" not in writable.instance_variables(instance.id)
    # Instance queries match global variables only, as the engine's do.
    local = ProcessInstanceQuery(variables=(VariableFilter("packer", "eq", "Grace"),))
    assert writable.count_instances(local) == 0
    urgent = ProcessInstanceQuery(variables=(VariableFilter("urgent", "eq", True),))
    assert [i.id for i in writable.list_instances(urgent)] == [instance.id]


def test_cancelling_a_call_activity_ends_the_called_instance(writable):
    instance = waiting_in(writable, "credit_check", key="loan")
    [called] = writable.list_instances(ProcessInstanceQuery(super_process_instance=instance.id))
    tree = modify(
        writable,
        instance.id,
        Instruction("cancel", activity_id="credit_check"),
        Instruction("startBeforeActivity", activity_id="review"),
    )
    assert tree.counts_by_activity() == {"review": 1}
    assert writable.get_historic_instance(called.id).state == "EXTERNALLY_TERMINATED"


def test_many_instances_move_with_one_plan_as_a_batch(writable):
    definition = writable.get_latest_definition("loan")
    query = ProcessInstanceQuery(process_definition_id=definition.id, activity_ids=("reject",))
    ids = [i.id for i in writable.list_instances(query, limit=4)]
    assert len(ids) >= 2
    plan = Modification(
        instructions=(
            Instruction("startBeforeActivity", activity_id="review"),
            Instruction("cancel", activity_id="reject", cancel_current_active_activity_instances=True),
        ),
        annotation="back to review",
    )
    batch = writable.execute_modification_async(definition.id, plan, ids=ids)
    assert batch.type == "instance-modification" and batch.total_jobs == len(ids)
    eventually(lambda: not writable.batch_statistics(batch_id=batch.id))
    for instance_id in ids:
        assert writable.activity_instance_tree(instance_id).counts_by_activity() == {"review": 1}
    assert writable.get_historic_batch(batch.id).end_time


def test_one_instance_modified_asynchronously(writable):
    instance = waiting_in(writable, "review", key="loan", skip=2)
    batch = writable.modify_instance_async(
        instance.id,
        Modification(
            instructions=(Instruction("startBeforeActivity", activity_id="reject"),), annotation="x"
        ),
    )
    eventually(lambda: writable.get_historic_batch(batch.id).end_time)
    assert writable.activity_instance_tree(instance.id).counts_by_activity() == {"review": 1, "reject": 1}
