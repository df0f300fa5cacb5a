"""Migration on real Camunda 7.24, and the demo engine checked against it (the real one is right)."""

import pytest

from engines import EngineConfig, build_client
from engines.errors import InvalidRequest
from engines.migration import MigrationInstruction
from engines.queries import ProcessInstanceQuery
from tests.demo_engine.conftest import eventually, start_server, stop_server


@pytest.fixture(scope="module")
def demo():
    server = start_server(60, seed=3)
    config = EngineConfig(name="demo", base_url=server.url, username="demo", password="demo-pw")
    client = build_client(config)
    yield client
    client.close()
    stop_server(server)


def _versions(client):
    found = {d.version: d.id for d in client.list_definitions(key="order", tenant_ids=())}
    return found[1], found[2]


def _shape(plan):
    return [(i.source_activity_ids, i.target_activity_ids, i.update_event_trigger) for i in plan.instructions]


@pytest.mark.parametrize("update_event_triggers", [False, True])
def test_the_demo_engine_generates_the_plan_camunda_generates(camunda7_client, demo, update_event_triggers):
    real = camunda7_client.generate_migration_plan(
        *_versions(camunda7_client), update_event_triggers=update_event_triggers
    )
    ours = demo.generate_migration_plan(*_versions(demo), update_event_triggers=update_event_triggers)
    # The engine's order follows no rule a user could see: the same instructions, in any order.
    assert sorted(_shape(ours)) == sorted(_shape(real))


def test_the_demo_engine_refuses_the_mappings_camunda_refuses(camunda7_client, demo):
    wrong = [
        MigrationInstruction(("check_stock",), ("charge",)),  # a user task onto a service task
        MigrationInstruction(("ship",), ("pack",)),  # out of its subprocess
        MigrationInstruction(("pack",), ("nowhere",)),
        MigrationInstruction(("charge",), ("charge",), update_event_trigger=True),
        MigrationInstruction(("start",), ("start",)),  # refused by neither
    ]

    def reports(client):
        plan = client.generate_migration_plan(*_versions(client))
        for instruction in wrong:
            plan = plan.with_instruction(instruction)
        report = client.validate_migration_plan(plan)
        return {i.source: report.failures_of(i) for i in wrong}

    real, ours = reports(camunda7_client), reports(demo)
    assert ours == real


def test_migrating_an_instance_from_version_1_to_2_moves_it_on_both_engines(
    camunda7_client, demo, camunda7_engine
):
    real_v1, real_v2 = _versions(camunda7_client)
    seeded = [
        i for i in camunda7_engine.seeded.of_shape("check_stock", key="order") if i.definition_id == real_v1
    ]
    instance_id = seeded[-1].id

    for client, (v1, v2), ids in (
        (camunda7_client, (real_v1, real_v2), [instance_id]),
        (demo, _versions(demo), None),
    ):
        if ids is None:
            ids = [i.id for i in client.list_instances(limit=200) if i.definition_id == v1][:1]
            ids = [
                i.id
                for i in client.list_instances(limit=200)
                if i.definition_id == v1
                and client.activity_instance_tree(i.id).counts_by_activity() == {"check_stock": 1}
            ][:1]
        plan = client.generate_migration_plan(v1, v2).with_instruction(
            MigrationInstruction(("check_stock",), ("pack",))
        )
        client.migrate_instances(plan, ids)
        assert client.get_instance(ids[0]).definition_id == v2
        assert client.activity_instance_tree(ids[0]).counts_by_activity() == {"pack": 1}


def test_an_instance_in_an_unmapped_activity_is_refused_on_both_engines(
    camunda7_client, demo, camunda7_engine
):
    messages = []
    for client in (camunda7_client, demo):
        v1, v2 = _versions(client)
        # Asked of the engine, not picked from the first page: other tests add instances of their own.
        waiting = ProcessInstanceQuery(process_definition_id=v1, activity_ids=("check_stock",))
        ids = [i.id for i in client.list_instances(waiting, limit=1)]
        plan = client.generate_migration_plan(v1, v2).without_instruction("check_stock")
        with pytest.raises(InvalidRequest) as refused:
            client.migrate_instances(plan, ids)
        messages.append(refused.value.message if hasattr(refused.value, "message") else str(refused.value))
        assert client.get_instance(ids[0]).definition_id == v1
    assert all(m.startswith("ENGINE-23004 Cannot migrate process instance") for m in messages), messages
    assert all("There is no migration instruction for this instance's activity" in m for m in messages)


def test_a_migration_batch_has_the_type_camunda_gives_it(camunda7_client, demo):
    types = []
    for client in (camunda7_client, demo):
        v1, v2 = _versions(client)
        waiting = ProcessInstanceQuery(process_definition_id=v1, activity_ids=("check_stock",))
        ids = [
            i.id
            for i in client.list_instances(waiting, limit=50)
            if client.activity_instance_tree(i.id).counts_by_activity() == {"check_stock": 1}
        ][:1]
        batch = client.migrate_instances_async(client.generate_migration_plan(v1, v2), ids)
        types.append(batch.type)
        eventually(
            lambda client=client, ids=ids, v2=v2: client.get_instance(ids[0]).definition_id == v2, timeout=60
        )
    assert types == ["instance-migration", "instance-migration"]


def test_both_engines_refuse_a_variable_that_does_not_fit_and_an_instance_of_another_version(
    camunda7_client, demo
):
    from engines.errors import EngineServerError
    from engines.variables import TypedValue, VariableType

    for client in (camunda7_client, demo):
        v1, v2 = _versions(client)
        plan = client.generate_migration_plan(v1, v2)
        with pytest.raises(InvalidRequest, match="Cannot convert value 'many'"):
            client.validate_migration_plan(
                plan.with_variables({"n": TypedValue(VariableType.INTEGER, "many")})
            )
        [other] = [i.id for i in client.list_instances(limit=200) if i.definition_id == v2][:1]
        with pytest.raises(
            EngineServerError, match=r"ENGINE-23002 .* does not match the source process definition"
        ):
            client.migrate_instances(plan, [other])
