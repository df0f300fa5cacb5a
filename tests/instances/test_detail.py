"""The instance page against the demo engine: header, tree, tabs, diagram data, actions and incidents."""

import re

import pytest

from audit.models import AuditEntry
from engines.errors import NotFound
from engines.queries import HistoricProcessInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 400


def page_of(client, instance_id, tab="", **params):
    path = f"/e/demo/instances/{instance_id}/" + (f"{tab}/" if tab else "")
    response = client.get(path, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def incident_at(engine, activity, message_like, taken):
    """An untouched incident at the activity whose message is like message_like; a call activity's
    copy has no message of its own (as on Camunda), so its root cause's message is the one matched."""
    pattern = re.compile(".*".join(re.escape(part) for part in message_like.split("%")), re.S)
    for incident in engine.list_incidents(activity_id=activity, limit=200):
        message = incident.incident_message
        if message is None and incident.root_cause_incident_id not in (None, incident.id):
            message = engine.get_incident(incident.root_cause_incident_id).incident_message
        if incident.process_instance_id not in taken and pattern.fullmatch(message or ""):
            taken.add(incident.process_instance_id)
            return incident
    raise AssertionError(f"no untouched incident at {activity} like {message_like}")


# --- reading -------------------------------------------------------------------------------------


def test_the_header_names_the_definition_business_key_state_and_incidents(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "charge", "%", taken)
    instance = engine.get_instance(incident.process_instance_id)
    page = page_of(client_as("Viewer"), instance.id)
    definition_link = f'<a href="/e/demo/processes/{instance.definition_id}/">'
    definition_link += "<bdi>Order to delivery</bdi></a>"  # the way to the definition's page
    assert f"{definition_link} · key <code><bdi>order</bdi></code> · version" in page
    assert f"<dt>Business key</dt><dd><bdi>{instance.business_key}</bdi></dd>" in page
    assert 'id="instance-state">active</span>' in page and "1 incident</span>" in page
    assert f'href="/e/demo/instances/?definition_id={instance.definition_id.replace(":", "%3A")}"' in page


def test_actions_are_offered_by_role(on_demo, fresh, client_as):
    instance = fresh(process_definition_key="order")
    assert "Suspend</button>" not in page_of(client_as("Support"), instance.id)
    operator = page_of(client_as("Operator"), instance.id)
    assert "Suspend</button>" in operator and "Delete…</a>" in operator


def test_the_activity_tree_shows_scopes_transitions_and_multi_instance_bodies(on_demo, fresh, client_as):
    client = client_as("Viewer")
    signing = fresh(process_definition_key="loan", activity_ids=("sign",))
    page = page_of(client, signing.id)
    assert "multi-instance body" in page
    assert len(re.findall(r'data-activity-id="sign"', page)) == 3  # three signatures, one body
    charging = fresh(process_definition_key="order", activity_ids=("charge",), with_incident=True)
    page = page_of(client, charging.id)
    assert "waiting to continue" in page  # the failed asynchronous continuation is a transition instance
    assert '<span class="incident-flag"' in page


def test_the_url_names_the_tab_and_an_htmx_request_gets_the_panel_alone(on_demo, fresh, client_as):
    instance = fresh(process_definition_key="order")
    client = client_as("Viewer")
    page = page_of(client, instance.id, "history")
    assert re.search(r'href="[^"]*/history/"[^>]*aria-current="page"', page, re.S)
    panel = client.get(
        f"/e/demo/instances/{instance.id}/history/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab-panel"
    )
    body = panel.content.decode()
    assert body.lstrip().startswith('<section id="tab-panel"') and "<html" not in body
    assert "The engine's user operation log" in body


def test_after_a_change_the_header_is_drawn_again_alone(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "charge", "%", taken)
    response = client_as("Viewer").get(
        f"/e/demo/instances/{incident.process_instance_id}/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="instance-facts",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="instance-facts"') and "1 incident</span>" in body
    assert "Activity instances" not in body


def test_an_unknown_tab_or_instance_is_not_found_with_the_engines_message(on_demo, fresh, client_as):
    client = client_as("Viewer")
    instance = fresh(process_definition_key="order")
    assert client.get(f"/e/demo/instances/{instance.id}/nonsense/").status_code == 404
    response = client.get("/e/demo/instances/no-such-instance/")
    assert response.status_code == 404
    assert "does not exist" in response.content.decode()


def test_an_ended_instance_is_read_from_history(on_demo, engine, client_as):
    [ended] = engine.list_historic_instances(
        HistoricProcessInstanceQuery(finished=True, process_definition_key="order"), limit=1
    )
    client = client_as("Operator")
    page = page_of(client, ended.id)
    assert f'id="instance-state">{ended.state.lower()}</span>' in page
    assert "The instance has ended" in page and "Suspend</button>" not in page
    assert "?ended=1" in page  # the diagram shows only the path taken
    # Its variables as history kept them, to read only.
    assert '<code class="variable-name"><bdi>customer</bdi></code>' in page and "Edit customer" not in page
    assert re.search(r"invoice-\d+\.txt</bdi> <small>\(the content is not kept in history\)", page)
    history = page_of(client, ended.id, "history")
    assert "endEvent" in history or "noneEndEvent" in history or ended.state != "COMPLETED"


def test_choosing_an_activity_narrows_the_tabs_to_it(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "charge", "%", taken)
    client = client_as("Viewer")
    narrowed = page_of(client, incident.process_instance_id, "incidents", activity="pack")
    assert "No open incidents at this activity." in narrowed
    assert "Only what belongs to activity <code>pack</code>" in narrowed
    assert incident.id in page_of(client, incident.process_instance_id, "incidents", activity="charge")
    history = page_of(client, incident.process_instance_id, "history", activity="check_stock")
    assert "<code>check_stock</code>" in history and "<code>split</code>" not in history


def test_the_called_instances_tab_lists_what_call_activities_started(on_demo, engine, fresh, client_as):
    loan = fresh(process_definition_key="loan", activity_ids=("credit_check",))
    [called] = engine.list_historic_instances(HistoricProcessInstanceQuery(super_process_instance_id=loan.id))
    client = client_as("Viewer")
    page = page_of(client, loan.id, "called")
    assert f'href="/e/demo/instances/{called.id}/"' in page and "Credit check" in page
    sub = page_of(client, called.id)
    assert f'<dt>Called by</dt><dd><a href="/e/demo/instances/{loan.id}/">' in sub


def test_the_jobs_tab_lists_the_instances_jobs(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "charge", "%", taken)
    page = page_of(client_as("Viewer"), incident.process_instance_id, "jobs")
    assert incident.job_id in page and incident.incident_message in page


def test_the_diagram_data_marks_tokens_incidents_and_the_path_taken(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "charge", "%", taken)
    client = client_as("Viewer")
    state = client.get(f"/e/demo/instances/{incident.process_instance_id}/diagram.json").json()
    tree = engine.activity_instance_tree(incident.process_instance_id)
    assert state["active"] == tree.counts_by_activity() == {"pack": 1, "charge": 1}
    assert state["incidents"] == {"charge": 1}
    assert {"start", "check_stock", "split"} <= set(state["taken"])
    xml = client.get(f"/e/demo/processes/{incident.process_definition_id}/diagram.bpmn")
    assert xml["Content-Type"].startswith("application/xml") and b"bpmndi:BPMNShape" in xml.content
    assert xml["Cache-Control"] == "private, max-age=3600"


# --- actions on the instance -----------------------------------------------------------------------------


def test_an_operator_suspends_and_activates_the_instance_audited(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order", suspended=False)
    client = client_as("Operator")
    response = client.post(f"/e/demo/instances/{instance.id}/suspend/", {"suspended": "true"})
    assert response.status_code == 302 and engine.get_instance(instance.id).suspended
    client.post(f"/e/demo/instances/{instance.id}/suspend/", {"suspended": "false"})
    assert not engine.get_instance(instance.id).suspended
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "instance.activate",
        "instance.suspend",
    ]


def test_support_may_not_suspend_or_delete(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order", suspended=False)
    client = client_as("Support")
    assert client.post(f"/e/demo/instances/{instance.id}/suspend/", {"suspended": "true"}).status_code == 403
    assert client.post(f"/e/demo/instances/{instance.id}/delete/", {"reason": "x"}).status_code == 403
    assert not engine.get_instance(instance.id).suspended


def test_deleting_asks_for_a_reason_and_keeps_it_in_the_audit_log(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    client = client_as("Operator")
    form = client.get(f"/e/demo/instances/{instance.id}/delete/").content.decode()
    assert "Skip custom listeners" in form and "Reason" in form
    refused = client.post(f"/e/demo/instances/{instance.id}/delete/", {"reason": ""})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    engine.get_instance(instance.id)  # still there
    done = client.post(
        f"/e/demo/instances/{instance.id}/delete/", {"reason": "duplicate order", "skip_io_mappings": "on"}
    )
    assert done.status_code == 302
    with pytest.raises(NotFound):
        engine.get_instance(instance.id)
    entry = AuditEntry.objects.get(action="instance.delete")
    assert entry.parameters == {
        "reason": "duplicate order",
        "skip_custom_listeners": False,
        "skip_io_mappings": True,
        "skip_subprocesses": False,
    }


# --- incidents ----------------------------------------------------------------------------------------


def test_the_incidents_tab_shows_type_message_activity_and_cause(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "credit_check", "%", taken)  # raised in the called credit check
    page = page_of(client_as("Viewer"), incident.process_instance_id, "incidents")
    assert "failedJob" in page and incident.incident_message is None  # the copy has none of its own
    assert f"caused by <code>{incident.cause_incident_id}</code>" in page
    assert "Retry</button>" not in page  # a viewer may not


def test_the_stack_trace_is_loaded_on_demand_from_the_failed_job(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "charge", "Card declined%", taken)
    client = client_as("Viewer")
    page = page_of(client, incident.process_instance_id, "incidents")
    assert "CardDeclinedException" not in page
    trace = client.get(f"/e/demo/incidents/{incident.id}/stacktrace/").content.decode()
    assert "com.example.payment.CardDeclinedException: insufficient funds" in trace


def test_the_stack_trace_of_a_propagated_incident_is_its_root_causes(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "credit_check", "%", taken)
    trace = client_as("Viewer").get(f"/e/demo/incidents/{incident.id}/stacktrace/").content.decode()
    assert "com.example.credit" in trace or "HttpServerErrorException" in trace


def test_an_annotation_is_set_and_cleared_inline_and_audited(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "charge", "%", taken)
    client = client_as("Operator")
    response = client.post(
        f"/e/demo/incidents/{incident.id}/annotation/", {"annotation": "provider <b>down</b>"}
    )
    assert response.status_code == 200 and "Saved." in response.content.decode()
    assert "provider &lt;b&gt;down&lt;/b&gt;" in response.content.decode()
    assert engine.get_incident(incident.id).annotation == "provider <b>down</b>"
    client.post(f"/e/demo/incidents/{incident.id}/annotation/", {"annotation": ""})
    assert engine.get_incident(incident.id).annotation is None
    entries = AuditEntry.objects.filter(action="incident.annotate").order_by("id")
    assert [(e.old_value, e.new_value) for e in entries] == [
        (None, "provider <b>down</b>"),
        ("provider <b>down</b>", None),
    ]


def test_retrying_a_job_that_recovers_resolves_the_incident_and_moves_the_token(
    on_demo, engine, taken, client_as
):
    incident = incident_at(engine, "charge", "%timed out%", taken)
    response = client_as("Operator").post(f"/e/demo/incidents/{incident.id}/retry/")
    assert response.status_code == 200 and response["HX-Trigger"] == "instance-changed"
    assert "the incident is resolved" in response.content.decode()
    with pytest.raises(NotFound):
        engine.get_incident(incident.id)
    assert engine.activity_instance_tree(incident.process_instance_id).counts_by_activity() == {
        "pack": 1,
        "join": 1,
    }
    entry = AuditEntry.objects.get(action="incident.retry")
    assert entry.parameters["jobs"] == [incident.job_id] and entry.outcome == "succeeded"


def test_retrying_a_job_that_fails_again_says_so(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "charge", "Card declined%", taken)
    response = client_as("Operator").post(f"/e/demo/incidents/{incident.id}/retry/")
    assert "Retried, but the job failed again." in response.content.decode()
    assert engine.list_incidents(process_instance_id=incident.process_instance_id)


def test_retrying_a_propagated_incident_retries_the_called_instances_job(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "credit_check", "%answered 503%", taken)
    root = engine.get_incident(incident.root_cause_incident_id)
    client_as("Operator").post(f"/e/demo/incidents/{incident.id}/retry/")
    assert AuditEntry.objects.get(action="incident.retry").parameters["jobs"] == [root.job_id]
    assert engine.list_incidents(process_instance_id=incident.process_instance_id) == []


def test_retry_all_retries_every_incident_of_the_instance(on_demo, engine, taken, client_as):
    incident = incident_at(engine, "charge", "%timed out%", taken)
    response = client_as("Operator").post(
        f"/e/demo/instances/{incident.process_instance_id}/retry-incidents/", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "1 job retried: 1 recovered." in body
    assert "No incident is open now." in body
    assert engine.list_incidents(process_instance_id=incident.process_instance_id) == []


@pytest.mark.parametrize("role", ["Viewer", "Support"])
def test_only_operators_retry_and_annotate(on_demo, engine, taken, client_as, role):
    incident = incident_at(engine, "charge", "%timed out%", taken)
    client = client_as(role)
    assert client.post(f"/e/demo/incidents/{incident.id}/retry/").status_code == 403
    assert client.post(f"/e/demo/incidents/{incident.id}/annotation/", {"annotation": "x"}).status_code == 403
    assert (
        client.post(f"/e/demo/instances/{incident.process_instance_id}/retry-incidents/").status_code == 403
    )
    assert engine.get_incident(incident.id).annotation is None


def test_an_engine_error_on_an_action_is_a_banner_not_a_500(on_demo, client_as):
    response = client_as("Operator").post("/e/demo/incidents/no-such-incident/retry/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Retarget"] == "#engine-banner"
    assert "No matching incident with id no-such-incident" in response.content.decode()


def test_the_diagram_of_an_instance_that_ended_meanwhile_is_its_history_not_an_error(
    on_demo, engine, taken, operator_client
):
    # A retry that lets the instance finish: the page still asks for a running instance's markers.
    incident = incident_at(engine, "score", "%answered 503%", taken)
    engine.delete_instance(incident.process_instance_id)
    response = operator_client.get(f"/e/demo/instances/{incident.process_instance_id}/diagram.json")
    assert response.status_code == 200
    state = response.json()
    assert state["ended"] is True
    assert (state["active"], state["incidents"]) == ({}, {})
    assert "start" in state["taken"]


def test_the_history_tab_shows_what_this_dashboard_did_to_the_instance_beside_the_engines_log(
    on_demo, fresh, client_as
):
    from batches.models import Operation

    instance = fresh(process_definition_key="order", suspended=False)
    operator = client_as("Operator")
    operator.post(f"/e/demo/instances/{instance.id}/suspend/", {"suspended": "true"})
    bulk = {"action": "activate", "scope": "selected", "ids": [instance.id], "confirm": "yes"}
    operator.post("/e/demo/instances/bulk/", bulk)
    operation = Operation.objects.get(kind="activate")
    page = page_of(operator, instance.id, "history")
    recorded = page[page.index("Done through this dashboard") : page.index("The engine's user operation log")]
    assert "instance.suspend" in recorded and "Activate instances" in recorded
    assert f"/batches/operations/{operation.pk}/" in recorded
    assert recorded.count("<td>operator</td>") == 2
    assert "logs the work of its batches" in page
    assert "Nobody has operated on this instance" not in page
