"""The dashboard's pages on real Camunda 7.24 (on_camunda7): what they show is the engine's."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_instance_page_shows_the_incident_the_delegate_raised(on_camunda7, operator_client):
    declined = on_camunda7.seeded.one("charge_declined")
    page = operator_client.get(f"/e/demo/instances/{declined.id}/")
    assert page.status_code == 200 and declined.business_key in page.content.decode()
    incidents = operator_client.get(f"/e/demo/instances/{declined.id}/incidents/")
    assert incidents.status_code == 200
    assert "Card declined: insufficient funds" in incidents.content.decode()


def test_the_instance_list_counts_the_engines_instances(on_camunda7, operator_client, camunda7_client):
    page = operator_client.get("/e/demo/instances/count/")
    assert page.status_code == 200
    assert f"{camunda7_client.count_instances():,}" in page.content.decode()
