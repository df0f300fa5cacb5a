"""The modification wizard against the demo engine (and, for the exact request, a mocked one)."""

import html
import json
import re

import httpx
import pytest
import respx

from audit.models import AuditEntry
from batches import operations
from batches.models import Operation
from demo_engine.models import ORDER
from engines.queries import ProcessInstanceQuery
from tests.conftest import OTHER_ENGINE_URL
from tests.contract import check_request, unknown_request_fields
from tests.demo_engine.conftest import eventually

pytestmark = pytest.mark.django_db
INSTANCES = 300


class Wizard:
    """Drives the wizard as htmx does: every button posts the whole form, the plan travels along."""

    def __init__(self, client, url):
        self.client, self.url, self.plan, self.extra = client, url, "", {}
        self.page = client.get(url).content.decode()

    def post(self, step, **fields):
        response = self.client.post(
            self.url, {"plan": self.plan, "step": step, **self.extra, **fields}, HTTP_HX_REQUEST="true"
        )
        self.page = response.content.decode()
        found = re.search(r'name="plan" value="([^"]*)"', self.page)
        if found:
            self.plan = html.unescape(found.group(1))
        return response

    def add(self, **fields):
        return self.post("add", **{f"add-{name}": value for name, value in fields.items()})


def failing_charge(engine, taken, message="%timed out%"):
    for incident in engine.list_incidents(activity_id="charge", incident_message_like=message, limit=200):
        if incident.process_instance_id not in taken:
            taken.add(incident.process_instance_id)
            tree = engine.activity_instance_tree(incident.process_instance_id)
            [waiting] = [t for node in tree.walk() for t in node.transitions]
            return incident.process_instance_id, waiting.id
    raise AssertionError("no failing charge left")


def test_an_operator_cancels_a_failed_token_and_starts_before_an_earlier_activity(
    on_demo, engine, taken, client_as
):
    instance_id, waiting = failing_charge(engine, taken)
    wizard = Wizard(client_as("Operator"), f"/e/demo/instances/{instance_id}/modify/")
    assert "Charge card, waiting" in wizard.page  # the tree's instances are choices
    wizard.add(kind="cancel", cancel_target=f"t:{waiting}")
    wizard.add(kind="startBeforeActivity", activity_id="check_stock")
    assert "1. " not in wizard.page and "Start before Check stock" in wizard.page
    wizard.post("preview")
    assert re.search(r"<h3>Cancelled</h3>\s*<ul><li>Charge card", wizard.page)
    assert (
        'data-diagram="{&quot;cancel&quot;: [&quot;charge&quot;], '
        '&quot;start&quot;: [&quot;check_stock&quot;]}"' in wizard.page
    )
    response = wizard.post("submit", annotation="payment provider was down")
    assert response["HX-Redirect"] == f"/e/demo/instances/{instance_id}/"
    assert engine.activity_instance_tree(instance_id).counts_by_activity() == {"pack": 1, "check_stock": 1}
    entry = AuditEntry.objects.get(action="instance.modify")
    assert entry.target_id == instance_id and entry.outcome == "succeeded"
    assert entry.parameters["modification"]["instructions"] == [
        {"type": "cancel", "transition_instance_id": waiting},
        {"type": "start_before_activity", "activity_id": "check_stock"},
    ]
    assert entry.parameters["modification"]["annotation"] == "payment provider was down"
    [operation] = engine.user_operations(process_instance_id=instance_id, limit=1)
    assert (
        operation.operation_type == "ModifyProcessInstance"
        and operation.annotation == "payment provider was down"
    )


def test_instructions_are_reordered_and_removed_before_submitting(on_demo, engine, taken, client_as):
    instance_id, waiting = failing_charge(engine, taken)
    wizard = Wizard(client_as("Operator"), f"/e/demo/instances/{instance_id}/modify/")
    wizard.add(kind="startBeforeActivity", activity_id="check_stock")
    wizard.add(kind="cancel", activity_id="pack")
    wizard.add(kind="cancel", cancel_target=f"t:{waiting}")
    wizard.post("up-2")
    wizard.post("remove-0")
    assert [step["type"] for step in json.loads(wizard.plan)] == ["cancel", "cancel"]
    assert [step["transition_instance_id"] for step in json.loads(wizard.plan)] == [waiting, ""]


def test_a_step_without_its_target_is_explained_next_to_the_field(on_demo, engine, taken, client_as):
    instance_id, _ = failing_charge(engine, taken)
    wizard = Wizard(client_as("Operator"), f"/e/demo/instances/{instance_id}/modify/")
    wizard.add(kind="startBeforeActivity", activity_id="")
    assert "Choose the activity (here or on the diagram)." in wizard.page and wizard.plan == "[]"
    wizard.add(kind="startTransition")
    assert "Choose the sequence flow." in wizard.page
    wizard.add(
        kind="startBeforeActivity",
        activity_id="ship",
        var_name_0="retries",
        var_type_0="Integer",
        var_value_0="lots",
    )
    assert "Integer must be a whole number" in html.unescape(wizard.page) and wizard.plan == "[]"


def test_submitting_needs_an_annotation_and_confirmed_warnings(on_demo, engine, taken, client_as):
    instance_id, _ = failing_charge(engine, taken)
    wizard = Wizard(client_as("Operator"), f"/e/demo/instances/{instance_id}/modify/")
    wizard.add(kind="cancel", activity_id="pack")
    wizard.add(kind="cancel", activity_id="charge")
    wizard.post("preview")
    assert "the process instance will end" in wizard.page
    response = wizard.post("submit")
    assert response.status_code == 422
    assert "Say why" in wizard.page and "Read the warnings of the preview and confirm them." in wizard.page
    engine.get_instance(instance_id)  # untouched
    assert wizard.post("submit", annotation="customer withdrew", acknowledge="on").status_code == 200
    with pytest.raises(Exception, match="does not exist"):
        engine.get_instance(instance_id)


def test_an_engine_refusal_is_shown_in_the_wizard_with_the_plan_kept(on_demo, engine, taken, client_as):
    instance_id, _ = failing_charge(engine, taken)
    wizard = Wizard(client_as("Operator"), f"/e/demo/instances/{instance_id}/modify/")
    wizard.add(kind="startAfterActivity", activity_id="split")
    wizard.post("preview")
    wizard.post("submit", annotation="try", acknowledge="on")
    assert "The engine refused the modification." in wizard.page
    assert "has more than one outgoing sequence flow" in wizard.page
    assert "Start after split" in wizard.page and json.loads(wizard.plan)[0]["activity_id"] == "split"
    assert engine.activity_instance_tree(instance_id).counts_by_activity() == {"pack": 1, "charge": 1}
    assert AuditEntry.objects.get(action="instance.modify").outcome == "failed"


def test_one_instance_modified_in_the_background_as_a_batch(on_demo, engine, taken, client_as):
    instance_id, waiting = failing_charge(engine, taken)
    wizard = Wizard(client_as("Operator"), f"/e/demo/instances/{instance_id}/modify/")
    wizard.add(kind="cancel", cancel_target=f"t:{waiting}")
    wizard.add(kind="startBeforeActivity", activity_id="charge")
    wizard.post("preview")
    response = wizard.post("submit", annotation="again", run_async="on")
    operation = Operation.objects.get(kind="modify")
    assert response["HX-Redirect"] == f"/e/demo/batches/operations/{operation.pk}/"
    assert operation.parameters["instance_id"] == instance_id
    operations.hand_over(operation)  # what the worker does: POST /process-instance/{id}/modification-async
    assert operation.engine_batch_id
    eventually(
        lambda: (
            engine.activity_instance_tree(instance_id).counts_by_activity() == {"pack": 1, "charge": 1}
            and not engine.list_incidents(process_instance_id=instance_id)
        )
    )


def test_many_instances_of_one_version_get_the_same_plan_from_the_list(on_demo, engine, client_as):
    [definition] = [d for d in engine.list_definitions(key="order", limit=10) if d.version == 2]
    waiting = engine.list_instances(
        ProcessInstanceQuery(process_definition_id=definition.id, activity_ids=("check_stock",)), limit=3
    )
    client = client_as("Operator")
    ids = [i.id for i in waiting]
    response = client.post(
        "/e/demo/instances/bulk/", {"action": "modify", "scope": "selected", "ids": ids, "filter": ""}
    )
    assert response.status_code == 302 and response["Location"].startswith("/e/demo/instances/modify/?")
    wizard = Wizard(client, response["Location"])
    wizard.extra = {"ids": ids}
    assert "Modify 3 process instances" in wizard.page
    assert "Which of its instances" not in wizard.page  # one instance's things are not offered
    wizard.add(kind="cancel", activity_id="check_stock")
    wizard.add(kind="startBeforeActivity", activity_id="split")
    wizard.post("preview")
    assert "Replayed on 3 of the instances: 0 would end, 0 would be refused." in wizard.page
    response = wizard.post("submit", annotation="stock confirmed by phone")
    operation = Operation.objects.get(kind="modify")
    assert operation.parameters["ids"] == ids and operation.parameters["definition_id"] == definition.id
    operations.hand_over(operation)  # POST /modification/executeAsync
    eventually(
        lambda: all("check_stock" not in engine.activity_instance_tree(i).counts_by_activity() for i in ids)
    )


def test_a_many_instance_preview_says_where_it_cannot_follow_the_tokens(on_demo, engine, client_as):
    [definition] = [d for d in engine.list_definitions(key="loan", limit=10) if not d.tenant_id]
    waiting = engine.list_instances(
        ProcessInstanceQuery(process_definition_id=definition.id, activity_ids=("review",)), limit=2
    )
    ids = [i.id for i in waiting]
    client = client_as("Operator")
    response = client.post(
        "/e/demo/instances/bulk/", {"action": "modify", "scope": "selected", "ids": ids, "filter": ""}
    )
    wizard = Wizard(client, response["Location"])
    wizard.extra = {"ids": ids}
    wizard.add(kind="cancel", activity_id="review")
    wizard.add(kind="startAfterActivity", activity_id="review")  # on to the Approved? gateway
    wizard.post("preview")
    assert (
        "For 2 of the 2 instances looked at, the preview cannot follow the tokens to where they stop"
        in wizard.page
    )


def test_many_instances_must_share_one_definition_version(on_demo, engine, client_as):
    versions = {}
    for instance in engine.list_instances(ProcessInstanceQuery(process_definition_key="order"), limit=100):
        versions.setdefault(instance.definition_id, instance.id)
    client = client_as("Operator")
    query = "&".join(f"ids={i}" for i in list(versions.values())[:2])
    response = client.get(f"/e/demo/instances/modify/?{query}")
    assert response.status_code == 400 and "one definition version at a time" in response.content.decode()
    unfiltered = client.get("/e/demo/instances/modify/?filter=definition_key%3Dorder")
    assert unfiltered.status_code == 400


@pytest.mark.parametrize("role", ["Viewer", "Support"])
def test_only_operators_modify(on_demo, engine, taken, client_as, role):
    instance_id, waiting = failing_charge(engine, taken)
    client = client_as(role)
    assert client.get(f"/e/demo/instances/{instance_id}/modify/").status_code == 403
    plan = json.dumps([{"type": "cancel", "transition_instance_id": waiting}])
    response = client.post(
        f"/e/demo/instances/{instance_id}/modify/", {"plan": plan, "step": "submit", "annotation": "x"}
    )
    assert response.status_code == 403
    assert engine.activity_instance_tree(instance_id).counts_by_activity() == {"pack": 1, "charge": 1}


def test_the_request_sent_is_exactly_the_plan_and_keeps_the_spec(client_as):
    instance = {
        "id": "pi-1",
        "definitionId": "order:1:x",
        "businessKey": None,
        "caseInstanceId": None,
        "suspended": False,
        "ended": False,
        "tenantId": None,
    }
    tree = {
        "id": "pi-1",
        "activityId": "order:1:x",
        "childActivityInstances": [],
        "childTransitionInstances": [
            {"id": "charge:2", "activityId": "charge", "parentActivityInstanceId": "pi-1"}
        ],
    }
    with respx.mock(base_url=OTHER_ENGINE_URL, assert_all_mocked=True) as mock:
        mock.get("/process-instance/pi-1").respond(json=instance)
        mock.get("/process-instance/pi-1/activity-instances").respond(json=tree)
        mock.get("/process-definition/order:1:x/xml").respond(
            json={"id": "order:1:x", "bpmn20Xml": ORDER.to_xml()}
        )
        sent = mock.post("/process-instance/pi-1/modification").respond(204)
        wizard = Wizard(
            client_as("Operator"), "/e/staging/instances/pi-1/modify/"
        )  # an engine with Basic auth
        wizard.add(kind="cancel", cancel_target="t:charge:2")
        wizard.add(
            kind="startBeforeActivity",
            activity_id="ship",
            var_name_0="note",
            var_type_0="String",
            var_value_0="resent",
            var_local_0="on",
        )
        wizard.post("preview")
        wizard.post("submit", annotation="resend", skip_io_mappings="on")
        request: httpx.Request = sent.calls.last.request
    assert json.loads(request.content) == {
        "skipCustomListeners": False,
        "skipIoMappings": True,
        "instructions": [
            {"type": "cancel", "transitionInstanceId": "charge:2"},
            {
                "type": "startBeforeActivity",
                "activityId": "ship",
                "variables": {"note": {"type": "String", "value": "resent", "local": True}},
            },
        ],
        "annotation": "resend",
    }
    check_request(request)
    assert unknown_request_fields(request) == []


def test_everything_matching_a_filter_by_version_gets_the_plan_as_a_query(on_demo, engine, client_as):
    client = client_as("Operator")
    filter_string = "definition_key=order&version=1&activity_id=await_delivery"
    response = client.post(
        "/e/demo/instances/bulk/", {"action": "modify", "scope": "all", "filter": filter_string}
    )
    wizard = Wizard(client, response["Location"])
    wizard.extra = {"filter": filter_string}
    expected = engine.count_instances(
        ProcessInstanceQuery(
            process_definition_id=next(d.id for d in engine.list_definitions(key="order") if d.version == 1),
            activity_ids=("await_delivery",),
        )
    )
    assert f"Modify {expected} process instance" in wizard.page
    wizard.add(kind="cancel", activity_id="await_delivery")
    wizard.add(kind="startBeforeActivity", activity_id="ship_end")
    wizard.post("preview")
    # Ending the shipping scope at its end event completes these instances: the preview says so.
    assert "would be left without a token" in wizard.page
    wizard.post("submit", annotation="deliveries confirmed by the carrier", acknowledge="on")
    operation = Operation.objects.get(kind="modify")
    assert "ids" not in operation.parameters
    assert operation.parameters["query"]["activity_ids"] == ["await_delivery"]


def test_preview_without_instructions_says_to_add_one_first(on_demo, engine, taken, client_as):
    instance_id, _ = failing_charge(engine, taken)
    wizard = Wizard(client_as("Operator"), f"/e/demo/instances/{instance_id}/modify/")
    wizard.post("preview")
    assert "Add an instruction first." in wizard.page
    assert "Submit the modification" not in wizard.page
