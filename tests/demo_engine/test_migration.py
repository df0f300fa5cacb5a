"""Migration between definition versions as Camunda does it; every exchange is checked against the spec."""

import pytest

from engines.errors import EngineServerError, InvalidRequest
from engines.migration import MigrationInstruction
from engines.queries import ProcessInstanceQuery
from engines.variables import TypedValue, VariableType
from tests.demo_engine.conftest import eventually


@pytest.fixture
def versions(writable):
    found = {d.version: d.id for d in writable.list_definitions(key="order")}
    return found[1], found[2]


def _waiting(engine, definition_id, activity, limit=50):
    query = ProcessInstanceQuery(process_definition_id=definition_id, activity_ids=(activity,))
    return engine.list_instances(query, limit=limit)


def test_the_generated_plan_maps_each_activity_onto_the_one_of_the_same_id_scope_by_scope(writable, versions):
    plan = writable.generate_migration_plan(*versions, update_event_triggers=True)

    assert (plan.source_definition_id, plan.target_definition_id) == versions
    mapped = [(i.source, i.target, i.update_event_trigger) for i in plan.instructions]
    assert mapped == [
        ("check_stock", "check_stock", False),
        ("split", "split", False),
        ("pack", "pack", False),
        ("charge", "charge", False),
        ("join", "join", False),
        ("shipping", "shipping", False),
        ("ship", "ship", False),
        ("await_delivery", "await_delivery", True),
    ]
    assert writable.validate_migration_plan(plan).valid


def test_mapping_a_user_task_onto_a_service_task_is_refused_next_to_that_instruction(writable, versions):
    plan = writable.generate_migration_plan(*versions)
    wrong = MigrationInstruction(("check_stock",), ("charge",))
    plan = plan.with_instruction(wrong)

    report = writable.validate_migration_plan(plan)

    assert not report.valid
    [failure] = report.failures_of(wrong)
    assert failure == (
        "Activities have incompatible types (UserTaskActivityBehavior is not compatible with "
        "ClassDelegateActivityBehavior)"
    )
    assert report.failures_of(plan.instructions[0]) == ()  # split -> split is fine


def test_a_variable_whose_value_does_not_fit_its_type_is_refused_outright(writable, versions):
    plan = writable.generate_migration_plan(*versions)
    with pytest.raises(InvalidRequest, match="Cannot convert value 'many'"):
        writable.validate_migration_plan(
            plan.with_variables({"bad": TypedValue(VariableType.INTEGER, "many")})
        )


def test_an_instance_of_another_definition_is_refused(writable, versions):
    [instance] = _waiting(writable, versions[1], "check_stock", limit=1)
    with pytest.raises(EngineServerError, match="does not match the source process definition"):
        writable.migrate_instances(writable.generate_migration_plan(*versions), [instance.id])


def test_an_invalid_plan_executes_nothing(writable, versions):
    [instance] = _waiting(writable, versions[0], "check_stock", limit=1)
    plan = writable.generate_migration_plan(*versions).with_instruction(
        MigrationInstruction(("check_stock",), ("charge",))
    )

    with pytest.raises(InvalidRequest, match="is not valid"):
        writable.migrate_instances(plan, [instance.id])

    assert writable.get_instance(instance.id).definition_id == versions[0]


def test_an_instance_standing_in_an_unmapped_activity_is_refused_and_no_instance_moves(writable, versions):
    [first] = _waiting(writable, versions[0], "check_stock", limit=1)
    [other] = _waiting(writable, versions[0], "ship", limit=1)
    plan = writable.generate_migration_plan(*versions).without_instruction("ship")

    with pytest.raises(InvalidRequest, match="no migration instruction"):
        writable.migrate_instances(plan, [first.id, other.id])

    assert writable.get_instance(first.id).definition_id == versions[0]
    assert writable.get_instance(other.id).definition_id == versions[0]


def test_migrating_what_a_query_matches_moves_the_tokens_and_sets_the_variables(writable, versions):
    waiting = _waiting(writable, versions[0], "check_stock")
    assert waiting
    plan = (
        writable.generate_migration_plan(*versions)
        .with_instruction(MigrationInstruction(("check_stock",), ("pack",)))
        .with_variables({"migrated": TypedValue(VariableType.BOOLEAN, True)})
    )
    query = ProcessInstanceQuery(process_definition_id=versions[0], activity_ids=("check_stock",))

    writable.migrate_instances(plan, query=query)

    for instance in waiting:
        assert writable.get_instance(instance.id).definition_id == versions[1]
        tree = writable.activity_instance_tree(instance.id)
        assert tree.counts_by_activity() == {"pack": 1}
        assert tree.process_definition_id == versions[1]
        assert writable.get_variable(instance.id, "migrated").value is True
        assert writable.get_historic_instance(instance.id).process_definition_version == 2
    assert any(e.operation_type == "Migrate" for e in writable.user_operations(limit=20))


def test_migrating_as_an_engine_batch_moves_every_instance_named(writable, versions):
    instances = _waiting(writable, versions[0], "await_delivery", limit=3)
    assert instances
    plan = writable.generate_migration_plan(*versions, update_event_triggers=True)

    batch = writable.migrate_instances_async(plan, [i.id for i in instances])

    assert batch.type == "instance-migration" and batch.total_jobs == len(instances)
    eventually(lambda: all(writable.get_instance(i.id).definition_id == versions[1] for i in instances))
    for instance in instances:
        [job] = writable.list_jobs(process_instance_id=instance.id)
        assert job.process_definition_id == versions[1]
