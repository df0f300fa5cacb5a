"""Processes: the list with counts over all versions, and one definition with its diagram's statistics."""

import re

import pytest

from audit.models import AuditEntry
from engines.queries import ProcessInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 200


def row_of(body: str, title: str) -> list[str]:
    row = re.search(rf"<tr[^>]*><td><a [^>]*>{title}</a>.*?</tr>", body, re.S).group(0)
    return [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


def test_each_process_shows_its_latest_version_and_counts_over_all_versions(on_demo, engine, viewer_client):
    body = viewer_client.get("/e/demo/processes/").content.decode()
    cells = row_of(body, "Order to delivery")
    assert cells[1:3] == ["order", "2 (of 2)"]
    instances = engine.count_instances(ProcessInstanceQuery(process_definition_key="order"))
    incidents = engine.count_incidents(process_definition_keys=["order"])
    assert cells[3:5] == [str(instances), str(incidents)]


def test_processes_are_filtered_by_name_key_and_tenant(on_demo, viewer_client):
    by_name = viewer_client.get("/e/demo/processes/", {"name": "Loan"}).content.decode()
    assert "Loan application" in by_name and "Order to delivery" not in by_name
    by_tenant = viewer_client.get("/e/demo/processes/", {"tenant": "acme"}).content.decode()
    assert by_tenant.count("Loan application</a>") == 1 and "Credit check" not in by_tenant


def test_the_diagrams_numbers_are_the_activity_statistics(on_demo, engine, viewer_client):
    [definition] = engine.list_definitions(key="order", latest_version=True)
    state = viewer_client.get(f"/e/demo/processes/{definition.id}/activities.json").json()
    statistics = engine.activity_statistics(definition.id)
    assert state["active"] == {s.id: s.instances for s in statistics if s.instances}
    assert state["incidents"] == {
        s.id: sum(i.incident_count for i in s.incidents) for s in statistics if s.incidents
    }
    waiting = engine.count_instances(
        ProcessInstanceQuery(process_definition_id=definition.id, activity_ids=("charge",))
    )
    assert state["active"]["charge"] == waiting


def test_the_page_switches_versions_and_lists_instances_waiting_in_an_activity(
    on_demo, engine, viewer_client
):
    versions = engine.list_definitions(key="order")
    [latest] = [v for v in versions if v.version == 2]
    [older] = [v for v in versions if v.version == 1]
    page = viewer_client.get(f"/e/demo/processes/{latest.id}/").content.decode()
    assert f'href="/e/demo/processes/{older.id}/"' in page and 'aria-current="page">v2</a>' in page
    fragment = viewer_client.get(
        f"/e/demo/processes/{latest.id}/instances/", {"activity": "ship"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    shown = set(re.findall(r"<code>([0-9a-f-]{36})</code>", fragment))
    expected = {
        i.id
        for i in engine.list_instances(
            ProcessInstanceQuery(process_definition_id=latest.id, activity_ids=("ship",)), limit=50
        )
    }
    assert shown == expected and shown
    assert f"?definition_id={latest.id.replace(':', '%3A')}&amp;activity_id=ship" in fragment


def test_an_operator_suspends_and_activates_a_definition(on_demo, engine, client_as):
    [definition] = engine.list_definitions(key="credit-check", latest_version=True)
    client = client_as("Operator")
    client.post(f"/e/demo/processes/{definition.id}/suspended/", {"suspended": "true"})
    assert engine.get_definition(definition.id).suspended
    client.post(f"/e/demo/processes/{definition.id}/suspended/", {"suspended": "false"})
    assert not engine.get_definition(definition.id).suspended
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        "definition.suspend",
        "definition.activate",
    ]


def test_support_may_not_suspend_a_definition(on_demo, engine, client_as):
    [definition] = engine.list_definitions(key="credit-check", latest_version=True)
    client = client_as("Support")
    assert (
        client.post(f"/e/demo/processes/{definition.id}/suspended/", {"suspended": "true"}).status_code == 403
    )
    assert "the definition</button>" not in client.get(f"/e/demo/processes/{definition.id}/").content.decode()
    assert not engine.get_definition(definition.id).suspended


def test_open_in_the_instance_list_shows_that_versions_instances_even_beside_a_tenants_copy(
    on_demo, engine, viewer_client
):
    copies = [d for d in engine.list_definitions(key="loan") if d.version == 1]
    assert len(copies) == 2  # one without a tenant, one for acme: same key, same version
    for definition in copies:
        fragment = viewer_client.get(
            f"/e/demo/processes/{definition.id}/instances/", HTTP_HX_REQUEST="true"
        ).content.decode()
        link = re.search(r'href="(/e/demo/instances/\?[^"]+)">Open in the instance list', fragment).group(1)
        listed = viewer_client.get(link.replace("&amp;", "&") + "&limit=200").content.decode()
        shown = set(re.findall(r"<code>([0-9a-f-]{36})</code>", listed))
        expected = engine.list_instances(ProcessInstanceQuery(process_definition_id=definition.id), limit=200)
        assert shown == {i.id for i in expected} and shown
