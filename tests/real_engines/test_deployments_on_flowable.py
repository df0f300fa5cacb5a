"""Deployments through the Flowable adapter against a real Flowable 7.2: listed, read and deleted."""

from __future__ import annotations

import pytest

from engines.errors import EngineError, NotFound, Unsupported
from engines.queries import DeploymentSort, ProcessInstanceQuery, Sort, containing

# A process of this module's own, so that the shared engine's seeded deployments stay as seeded.
CHECK_BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="http://cockpit.test/deployments">
  <process id="deployment_check" name="Deployment check" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <userTask id="wait" name="Wait"/>
    <sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>
"""


@pytest.fixture(scope="module")
def own_deployment(flowable_engine):
    with flowable_engine.http() as http:
        # POST /repository/deployments, then POST /runtime/process-instances
        answer = http.post(
            "/repository/deployments",
            data={"deploymentName": "deployment-check"},
            files={"file": ("checks/deployment_check.bpmn20.xml", CHECK_BPMN)},
        )
        assert answer.status_code == 201, answer.text
        deployment_id = answer.json()["id"]
        started = http.post("/runtime/process-instances", json={"processDefinitionKey": "deployment_check"})
        assert started.status_code == 201, started.text
        yield deployment_id
        http.delete(f"/repository/deployments/{deployment_id}", params={"cascade": "true"})


def test_deployments_are_listed_newest_first_filtered_and_counted(flowable_client, flowable_engine):
    newest_first = flowable_client.list_deployments(sort=Sort(DeploymentSort.TIME, "desc"), limit=100)
    times = [d.deployment_time for d in newest_first]
    assert times == sorted(times, reverse=True) and len(times) >= 5
    # Flowable names a deployment by its file when the upload names none (as the seeding's do).
    name = newest_first[-1].name
    named = flowable_client.list_deployments(name_like=containing(name[1:-1]), limit=100)
    assert name in [d.name for d in named] and all(name[1:-1] in d.name for d in named)
    assert flowable_client.count_deployments(name_like=containing(name[1:-1])) == len(named)


def test_a_deployment_holds_its_bpmn_and_deployed_its_definition(flowable_client, flowable_engine):
    definition = flowable_client.get_latest_definition("order")
    deployment = flowable_client.get_deployment(definition.deployment_id)
    # Flowable adds the diagram it drew as an image: listed by name beside the BPMN.
    [resource] = [r for r in flowable_client.deployment_resources(deployment.id) if r.is_bpmn]
    assert resource.name == "order.bpmn20.xml"
    content = flowable_client.deployment_resource_data(deployment.id, resource.id)
    assert content.data.decode() == flowable_client.definition_xml(definition.id)
    assert [d.id for d in flowable_client.deployment_definitions(deployment.id)] == [definition.id]


def test_a_file_in_a_folder_is_listed_by_its_path_and_its_content_refused_naming_why(
    flowable_client, own_deployment, flowable_engine
):
    [resource] = flowable_client.deployment_resources(own_deployment)
    assert resource.name == "checks/deployment_check.bpmn20.xml"
    with pytest.raises(Unsupported, match="file in a folder"):
        flowable_client.deployment_resource_data(own_deployment, resource.id)
    # Why: the server refuses the encoded slash Flowable's reference asks for.
    with flowable_engine.http() as http:
        answer = http.get(
            f"/repository/deployments/{own_deployment}/resourcedata/checks%2Fdeployment_check.bpmn20.xml"
        )
    assert answer.status_code == 400


def test_deleting_is_refused_while_instances_run_unless_cascade(flowable_client, own_deployment):
    [definition] = flowable_client.deployment_definitions(own_deployment)
    assert flowable_client.count_instances(ProcessInstanceQuery(process_definition_id=definition.id)) == 1
    with pytest.raises(EngineError):
        flowable_client.delete_deployment(own_deployment)
    assert flowable_client.get_deployment(own_deployment).id == own_deployment
    flowable_client.delete_deployment(own_deployment, cascade=True)
    with pytest.raises(NotFound):
        flowable_client.get_deployment(own_deployment)
