"""Deployments: the list, one deployment with its resources and definitions, and deleting one (Admin only)."""

import re

import pytest

from audit.models import AuditEntry
from engines.errors import NotFound
from engines.queries import DeploymentSort, ProcessInstanceQuery, Sort

pytestmark = pytest.mark.django_db
INSTANCES = 200


def deployment_of(engine, key: str, tenant: str | None = None):
    definition = engine.get_latest_definition(key, tenant_id=tenant)
    return engine.get_deployment(definition.deployment_id), definition


def running_in(engine, deployment_id: str) -> int:
    return sum(
        engine.count_instances(ProcessInstanceQuery(process_definition_id=d.id))
        for d in engine.deployment_definitions(deployment_id)
    )


def test_the_header_links_to_deployments_for_everyone_who_may_view(on_demo, viewer_client):
    page = viewer_client.get("/e/demo/").content.decode()
    assert re.search(r'<a href="/e/demo/deployments/"[^>]*>Deployments</a>', page)


def test_deployments_are_listed_newest_first_with_source_time_and_tenant(on_demo, engine, viewer_client):
    body = viewer_client.get("/e/demo/deployments/").content.decode()
    newest_first = engine.list_deployments(sort=Sort(DeploymentSort.TIME, "desc"))
    names = re.findall(r'<a href="/e/demo/deployments/[^/"]+/"[^>]*>(demo-\d)</a>', body)
    assert names == [d.name for d in newest_first] and len(names) == 5
    assert "cockpit-demo" in body and "acme" in body
    assert "2026-11-01 07:04" in body  # the newest one's time, as the engine gave it (UTC)


def test_the_name_filter_narrows_the_list_and_the_pager_keeps_it(on_demo, viewer_client):
    body = viewer_client.get("/e/demo/deployments/", {"name": "demo", "limit": 2}).content.decode()
    assert len(re.findall(r">demo-\d</a>", body)) == 2
    [next_link] = re.findall(r'href="([^"]*offset=2[^"]*)"', body)
    assert "name=demo" in next_link
    only = viewer_client.get("/e/demo/deployments/", {"name": "demo-2"}).content.decode()
    assert re.findall(r">(demo-\d)</a>", only) == ["demo-2"]


def test_a_deployment_shows_its_resources_diagram_and_definitions(on_demo, engine, viewer_client):
    deployment, definition = deployment_of(engine, "order")
    [resource] = engine.deployment_resources(deployment.id)
    page = viewer_client.get(f"/e/demo/deployments/{deployment.id}/").content.decode()
    assert "order.bpmn" in page
    assert f'data-xml-url="/e/demo/deployments/{deployment.id}/resources/{resource.id}/diagram.bpmn"' in page
    assert "vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in page
    assert f'href="/e/demo/processes/{definition.id}/"' in page
    # A viewer is offered no deletion.
    assert "/delete/" not in page


def test_the_diagram_preview_is_the_resources_bpmn(on_demo, engine, viewer_client):
    deployment, definition = deployment_of(engine, "order")
    [resource] = engine.deployment_resources(deployment.id)
    answer = viewer_client.get(f"/e/demo/deployments/{deployment.id}/resources/{resource.id}/diagram.bpmn")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/xml")
    assert answer.content.decode() == engine.definition_xml(definition.id)


def test_a_resource_of_another_deployment_is_not_found(on_demo, engine, viewer_client):
    order, _ = deployment_of(engine, "order")
    loan, _ = deployment_of(engine, "loan")
    [resource] = engine.deployment_resources(order.id)
    answer = viewer_client.get(f"/e/demo/deployments/{loan.id}/resources/{resource.id}/diagram.bpmn")
    assert answer.status_code == 404


@pytest.mark.parametrize("role", ["Viewer", "Support", "Operator"])
def test_only_an_admin_may_delete_a_deployment(on_demo, engine, client_as, role):
    deployment, _ = deployment_of(engine, "credit-check")
    client = client_as(role)
    assert "/delete/" not in client.get(f"/e/demo/deployments/{deployment.id}/").content.decode()
    assert client.get(f"/e/demo/deployments/{deployment.id}/delete/").status_code == 403
    answer = client.post(f"/e/demo/deployments/{deployment.id}/delete/", {"cascade": "on"})
    assert answer.status_code == 403
    assert engine.get_deployment(deployment.id).id == deployment.id
    assert not AuditEntry.objects.exists()


def test_the_confirmation_names_the_running_instances_it_would_remove(on_demo, engine, client_as):
    deployment, _ = deployment_of(engine, "order")
    running = running_in(engine, deployment.id)
    admin = client_as("Admin")
    page = admin.get(f"/e/demo/deployments/{deployment.id}/").content.decode()
    assert f'href="/e/demo/deployments/{deployment.id}/delete/"' in page
    confirm = admin.get(f"/e/demo/deployments/{deployment.id}/delete/").content.decode()
    assert running > 1 and f"{running} running instances" in confirm
    assert "Skip custom listeners" in confirm and "Skip input/output mappings" in confirm


def test_without_cascade_the_engines_refusal_is_shown_and_nothing_changes(on_demo, engine, client_as):
    deployment, _ = deployment_of(engine, "order")
    running = running_in(engine, deployment.id)
    answer = client_as("Admin").post(f"/e/demo/deployments/{deployment.id}/delete/", {})
    assert answer.status_code == 409
    assert "dependent process instances" in answer.content.decode()
    assert engine.get_deployment(deployment.id).id == deployment.id
    assert running_in(engine, deployment.id) == running
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.outcome) == ("deployment.delete", AuditEntry.Outcome.FAILED)


def test_an_admin_deletes_a_deployment_with_its_instances_and_it_is_audited(on_demo, engine, client_as):
    deployment, definition = deployment_of(engine, "loan", "acme")
    running = running_in(engine, deployment.id)
    answer = client_as("Admin").post(
        f"/e/demo/deployments/{deployment.id}/delete/",
        {"cascade": "on", "skip_io_mappings": "on"},
        follow=True,
    )
    assert f"Deployment demo-4 deleted, with its {running} running instances." in answer.content.decode()
    with pytest.raises(NotFound):
        engine.get_deployment(deployment.id)
    assert engine.count_instances(ProcessInstanceQuery(process_definition_id=definition.id)) == 0
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.target_type, entry.target_id) == (
        "deployment.delete",
        "deployment",
        deployment.id,
    )
    assert entry.parameters == {
        "cascade": True,
        "skip_custom_listeners": False,
        "skip_io_mappings": True,
        "running_instances": running,
    }


def test_where_the_engine_cannot_skip_listeners_the_options_are_not_offered_nor_sent(
    on_demo, engine, client_as, monkeypatch
):
    from dataclasses import replace

    from engines.camunda7.client import CAPABILITIES, Camunda7Client

    monkeypatch.setattr(
        Camunda7Client, "capabilities", property(lambda _: replace(CAPABILITIES, skip_options=False))
    )
    deployment, _ = deployment_of(engine, "credit-check")
    admin = client_as("Admin")
    confirm = admin.get(f"/e/demo/deployments/{deployment.id}/delete/").content.decode()
    assert "Skip custom listeners" not in confirm and "always runs the listeners" in confirm
    sent = []
    monkeypatch.setattr(Camunda7Client, "delete_deployment", lambda self, i, **options: sent.append(options))
    admin.post(f"/e/demo/deployments/{deployment.id}/delete/", {"skip_custom_listeners": "on"})
    assert sent == [{"cascade": False, "skip_custom_listeners": False, "skip_io_mappings": False}]
