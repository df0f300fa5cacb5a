"""Deployments on the demo engine, through the dashboard's client: every exchange checked against the spec."""

import pytest

from engines.errors import EngineServerError, NotFound
from engines.queries import DeploymentSort, ProcessInstanceQuery, Sort, containing


def deployment_of(engine, key: str, tenant: str | None = None):
    definition = engine.get_latest_definition(key, tenant_id=tenant)
    return engine.get_deployment(definition.deployment_id), definition


def test_deployments_come_newest_first_and_narrow_to_a_name(writable):
    newest_first = writable.list_deployments(sort=Sort(DeploymentSort.TIME, "desc"))
    times = [d.deployment_time for d in newest_first]
    assert len(newest_first) == 5 and times == sorted(times, reverse=True)
    assert {d.source for d in newest_first} == {"cockpit-demo"}
    assert [d.name for d in writable.list_deployments(name_like=containing("demo-3"))] == ["demo-3"]
    assert writable.count_deployments(name_like=containing("demo-")) == 5
    assert [d.tenant_id for d in writable.list_deployments(name_like=containing("demo-4"))] == ["acme"]


def test_a_deployment_holds_its_bpmn_and_deployed_its_definition(writable):
    deployment, definition = deployment_of(writable, "order")
    [resource] = writable.deployment_resources(deployment.id)
    assert resource.name == "order.bpmn" and resource.is_bpmn
    content = writable.deployment_resource_data(deployment.id, resource.id)
    assert content.data.decode() == writable.definition_xml(definition.id)
    assert [d.id for d in writable.deployment_definitions(deployment.id)] == [definition.id]


def test_a_resource_of_another_deployment_is_refused_as_camunda_does(writable):
    order, _ = deployment_of(writable, "order")
    loan, _ = deployment_of(writable, "loan")
    [resource] = writable.deployment_resources(order.id)
    # Camunda 7.24 answers 500 here, not 404 (checked against it in the real-engine suite).
    with pytest.raises(EngineServerError, match="no resource found with id"):
        writable.deployment_resource_data(loan.id, resource.id)


def test_deleting_a_deployment_with_running_instances_is_refused_without_cascade(writable):
    deployment, definition = deployment_of(writable, "loan")
    running = writable.count_instances(ProcessInstanceQuery(process_definition_id=definition.id))
    assert running
    with pytest.raises(EngineServerError, match=f"because there are {running} dependent process instances"):
        writable.delete_deployment(deployment.id)
    assert writable.get_deployment(deployment.id).id == deployment.id
    assert writable.count_instances(ProcessInstanceQuery(process_definition_id=definition.id)) == running


def test_deleting_with_cascade_removes_the_definitions_and_their_instances(writable):
    deployment, definition = deployment_of(writable, "loan")
    writable.delete_deployment(deployment.id, cascade=True, skip_custom_listeners=True, skip_io_mappings=True)
    with pytest.raises(NotFound):
        writable.get_deployment(deployment.id)
    with pytest.raises(NotFound):
        writable.get_definition(definition.id)
    assert writable.count_instances(ProcessInstanceQuery(process_definition_id=definition.id)) == 0
