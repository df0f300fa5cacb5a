"""User tasks: there while a token waits in a user task, with candidates, assignable; as the spec says."""

import pytest

from engines.errors import EngineError, NotFound
from engines.queries import Instruction, Modification, ProcessInstanceQuery


def waiting_at(engine, activity: str, key: str = "loan"):
    query = ProcessInstanceQuery(process_definition_key=key, activity_ids=(activity,))
    return engine.list_instances(query, limit=1)[0]


def test_an_instance_waiting_in_a_user_task_has_its_task_with_candidates(engine):
    instance = waiting_at(engine, "review")

    [task] = engine.list_user_tasks(instance.id)

    assert (task.name, task.activity_id, task.process_instance_id) == (
        "Review application",
        "review",
        instance.id,
    )
    assert task.created and task.due and task.due > task.created
    assert task.candidate_groups == ("credit-officers",) and task.candidate_users == ("peter",)
    assert engine.get_user_task(task.id) == task


def test_each_signature_of_a_multi_instance_task_is_a_task_of_its_own(engine):
    instance = waiting_at(engine, "sign")
    tasks = engine.list_user_tasks(instance.id)
    assert [t.activity_id for t in tasks] == ["sign"] * 3 and len({t.id for t in tasks}) == 3


def test_an_instance_in_a_service_task_has_no_user_task(engine):
    assert engine.list_user_tasks(waiting_at(engine, "pay_out").id) == []


def test_setting_and_clearing_the_assignee_and_candidate_groups_changes_the_task(writable):
    instance = waiting_at(writable, "review")
    [task] = writable.list_user_tasks(instance.id)

    writable.set_task_assignee(task.id, "anna")
    writable.add_candidate_group(task.id, "managers")
    writable.remove_candidate_group(task.id, "credit-officers")
    changed = writable.get_user_task(task.id)
    assert changed.assignee == "anna"
    assert changed.candidate_groups == ("managers",) and changed.candidate_users == ("peter",)

    writable.set_task_assignee(task.id, None)
    assert writable.get_user_task(task.id).assignee is None
    operations = [op.operation_type for op in writable.user_operations(process_instance_id=instance.id)]
    assert {"Assign", "AddGroupLink", "DeleteGroupLink"} <= set(operations)


def test_a_task_goes_when_its_token_is_moved_on_and_comes_with_a_new_one(writable):
    instance = waiting_at(writable, "review")
    [task] = writable.list_user_tasks(instance.id)
    tree = writable.activity_instance_tree(instance.id)
    [review] = [node for node in tree.walk() if node.activity_id == "review"]
    writable.modify_instance(
        instance.id,
        Modification(
            instructions=(
                Instruction("cancel", activity_instance_id=review.id),
                Instruction("startBeforeActivity", activity_id="reject"),
            )
        ),
    )

    [new] = writable.list_user_tasks(instance.id)
    assert new.activity_id == "reject" and new.id != task.id
    with pytest.raises(NotFound):
        writable.get_user_task(task.id)


def test_assigning_a_task_that_is_gone_is_refused_with_the_engines_message(writable):
    with pytest.raises(EngineError, match="Cannot find task with id gone"):
        writable.set_task_assignee("gone", "anna")
