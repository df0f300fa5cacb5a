"""The modification wizard on answers the engine's spec allows but the wizard did not expect:
no BPMN XML, XML that does not parse, an instance without its definition id. The page says
what is missing and why, and still does what it can without the diagram; never a 500."""

import json

import pytest
import respx

from tests.conftest import OTHER_ENGINE_URL
from tests.instances.test_modify import Wizard

pytestmark = pytest.mark.django_db

INSTANCE = {
    "id": "pi-1",
    "definitionId": "order:1:x",
    "businessKey": None,
    "caseInstanceId": None,
    "suspended": False,
    "ended": False,
    "tenantId": None,
}
TREE = {
    "id": "pi-1",
    "activityId": "order:1:x",
    "childActivityInstances": [
        {
            "id": "pack:1",
            "activityId": "pack",
            "activityName": "Pack goods",
            "parentActivityInstanceId": "pi-1",
            "childActivityInstances": [],
            "childTransitionInstances": [],
        }
    ],
    "childTransitionInstances": [
        {
            "id": "charge:2",
            "activityId": "charge",
            "activityName": "Charge card",
            "parentActivityInstanceId": "pi-1",
        }
    ],
}


def engine_answering(mock, *, xml, definition_id="order:1:x"):
    mock.get("/process-instance/pi-1").respond(json={**INSTANCE, "definitionId": definition_id})
    mock.get("/process-instance/pi-1/activity-instances").respond(json=TREE)
    mock.get("/process-definition/order:1:x/xml").respond(json={"id": "order:1:x", "bpmn20Xml": xml})
    return mock.post("/process-instance/pi-1/modification").respond(204)


@pytest.mark.parametrize(
    ("xml", "definition_id", "reason"),
    [
        (None, "order:1:x", "the engine sent no BPMN XML for the definition"),
        ("<definitions><process", "order:1:x", "the definition&#x27;s XML does not parse"),
        ("<notBpmn/>", "order:1:x", "the definition has no BPMN process"),
        (None, None, "the engine did not say which process definition the instance belongs to"),
    ],
    ids=["no xml", "unparsable xml", "no process in the xml", "no definition id"],
)
def test_without_a_readable_definition_the_wizard_says_why_and_still_cancels(
    client_as, xml, definition_id, reason
):
    with respx.mock(base_url=OTHER_ENGINE_URL, assert_all_called=False) as mock:
        sent = engine_answering(mock, xml=xml, definition_id=definition_id)
        wizard = Wizard(client_as("Operator"), "/e/staging/instances/pi-1/modify/")
        assert "The diagram is unavailable" in wizard.page and reason in wizard.page
        assert 'id="diagram"' not in wizard.page
        assert "Charge card, waiting (charge:2)" in wizard.page  # the tree still gives the choices
        wizard.add(kind="cancel", cancel_target="t:charge:2")
        wizard.post("preview")
        assert "<h3>Cancelled</h3>" in wizard.page and "Charge card" in wizard.page
        response = wizard.post("submit", annotation="card provider down")
    assert response.status_code == 200 and response["HX-Redirect"] == "/e/staging/instances/pi-1/"
    assert json.loads(sent.calls.last.request.content)["instructions"] == [
        {"type": "cancel", "transitionInstanceId": "charge:2"}
    ]


def test_a_start_without_the_diagram_is_offered_from_the_tree_and_flagged_in_the_preview(client_as):
    with respx.mock(base_url=OTHER_ENGINE_URL, assert_all_called=False) as mock:
        sent = engine_answering(mock, xml=None)
        wizard = Wizard(client_as("Operator"), "/e/staging/instances/pi-1/modify/")
        wizard.add(kind="startBeforeActivity", activity_id="pack")
        wizard.post("preview")
        assert "the preview cannot follow a start" in wizard.page
        refused = wizard.post("submit", annotation="again")
        assert refused.status_code == 422 and not sent.called  # the warning must be confirmed first
        wizard.post("submit", annotation="again", acknowledge="on")
    assert json.loads(sent.calls.last.request.content)["instructions"] == [
        {"type": "startBeforeActivity", "activityId": "pack"}
    ]


def test_many_instances_without_the_diagram_are_refused_plainly(client_as):
    with respx.mock(base_url=OTHER_ENGINE_URL, assert_all_called=False) as mock:
        mock.post("/process-instance").respond(json=[INSTANCE])
        mock.get("/process-definition/order:1:x/xml").respond(json={"id": "order:1:x", "bpmn20Xml": "<x"})
        response = client_as("Operator").get("/e/staging/instances/modify/", {"ids": ["pi-1"]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "The diagram is unavailable" in page and "does not parse" in page
