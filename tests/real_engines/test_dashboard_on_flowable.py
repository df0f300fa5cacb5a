"""The dashboard's pages on a real Flowable 7.2 (on_flowable): what they show is the engine's, and
what Flowable lacks is said in place."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_instance_list_shows_flowables_instances_and_their_count(
    on_flowable, operator_client, flowable_client
):
    waiting = on_flowable.seeded.one("pack", key="order")
    page = operator_client.get("/e/flowable/instances/", {"business_key": waiting.business_key})
    assert page.status_code == 200
    body = page.content.decode()
    assert waiting.id in body and waiting.business_key in body
    count = operator_client.get("/e/flowable/instances/count/")
    assert count.status_code == 200
    assert f"{flowable_client.count_instances():,}" in count.content.decode()


def test_an_instance_page_shows_its_executions_variables_and_failure(on_flowable, operator_client):
    declined = on_flowable.seeded.one("charge_declined")
    page = operator_client.get(f"/e/flowable/instances/{declined.id}/")
    assert page.status_code == 200 and declined.business_key in page.content.decode()
    for tab in ("tree", "variables", "incidents", "jobs", "history"):
        answer = operator_client.get(f"/e/flowable/instances/{declined.id}/{tab}/")
        assert answer.status_code in (200, 404), (tab, answer.status_code)
        if tab == "variables":
            assert "customer" in answer.content.decode()
        if tab == "incidents":
            assert "Card declined: insufficient funds" in answer.content.decode()


def test_the_history_tab_shows_the_path_and_says_flowable_keeps_no_user_operation_log(
    on_flowable, operator_client
):
    completed = on_flowable.seeded.one("completed", key="order")
    body = operator_client.get(f"/e/flowable/instances/{completed.id}/history/").content.decode()
    assert "could not be loaded" not in body
    assert "check_stock" in body and "ship" in body
    assert "Flowable 7.2 keeps no log of user operations" in body


def test_the_incidents_tab_offers_no_annotation_flowable_cannot_keep(on_flowable, operator_client):
    declined = on_flowable.seeded.one("charge_declined")
    body = operator_client.get(f"/e/flowable/instances/{declined.id}/incidents/").content.decode()
    assert "Card declined: insufficient funds" in body
    assert 'name="annotation"' not in body


def test_the_variable_form_offers_only_the_types_flowable_stores(
    on_flowable, operator_client, flowable_client
):
    instance = on_flowable.seeded.of_shape("ship", key="order")[-1]
    [customer] = flowable_client.variable_instances(instance.id, name="customer")
    form = operator_client.get(
        f"/e/flowable/instances/{instance.id}/variables/{customer.id}/edit/"
    ).content.decode()
    offered = set(re.findall(r'<option value="(\w+)"', form))
    assert offered == {
        "String",
        "Integer",
        "Long",
        "Short",
        "Double",
        "Boolean",
        "Date",
        "Json",
        "Bytes",
        "Null",
    }
    added = operator_client.get(f"/e/flowable/instances/{instance.id}/variables/add/").content.decode()
    assert 'value="Xml"' not in added and 'value="Object"' not in added and 'value="File"' not in added


def test_the_dashboard_counts_flowables_instances_and_failures_with_queries(
    on_flowable, operator_client, flowable_client
):
    failing = {i.process_instance_id for i in flowable_client.list_incidents(limit=1000)}
    running = operator_client.get("/e/flowable/tiles/instances/").content.decode()
    assert f"{flowable_client.count_instances():,}" in running
    assert f"{len(failing)} with incidents" in running
    incidents = operator_client.get("/e/flowable/tiles/incidents/").content.decode()
    assert "could not" not in incidents.lower() and "failedJob" in incidents
    assert f"{flowable_client.count_incidents():,}" in incidents


def test_the_processes_and_a_definition_page_show_counts_from_queries(
    on_flowable, operator_client, flowable_client
):
    from engines.queries import ProcessInstanceQuery

    processes = operator_client.get("/e/flowable/processes/")
    assert processes.status_code == 200 and "Order to delivery" in processes.content.decode()
    latest = flowable_client.get_latest_definition("order")
    page = operator_client.get(f"/e/flowable/processes/{latest.id}/")
    assert page.status_code == 200
    waiting = flowable_client.count_instances(
        ProcessInstanceQuery(process_definition_id=latest.id, activity_ids=("pack",))
    )
    badges = operator_client.get(f"/e/flowable/processes/{latest.id}/activities.json").json()
    assert badges["active"]["pack"] >= waiting > 0  # a join's waiting executions stand there too
    failed = flowable_client.count_incidents(process_definition_id=latest.id)
    assert badges["incidents"]["charge"] == failed > 0
