"""One item of a list the dashboard cannot read costs its row, shown as unreadable with its raw id: the
rest of the list is there, and nothing links to or offers an action on what could not be read."""

import pytest

from tests.engines.cases import DEFINITION, INCIDENT, INSTANCE
from tests.instances.fake_engine import fake_engine

pytestmark = pytest.mark.django_db


def test_an_instance_with_a_null_id_costs_its_row_not_the_list(client_as):
    with fake_engine({("POST", "/process-instance"): [INSTANCE, {**INSTANCE, "id": None}]}):
        response = client_as("Operator").get("/e/demo/instances/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="/e/demo/instances/pi-1/"' in body and 'value="pi-1"' in body
    assert "Could not be read (id <bdi>null</bdi>)" in body
    assert 'value="null"' not in body and "/instances/null/" not in body


def test_an_incident_with_an_id_that_cannot_be_a_segment_costs_its_row(client_as):
    with fake_engine({("GET", "/incident"): [INCIDENT, {**INCIDENT, "id": "a/b"}]}):
        response = client_as("Operator").get("/e/demo/incidents/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="inc-1"' in body and "Could not be read (id <bdi>a%2Fb</bdi>)" in body


def test_a_definition_with_a_null_version_and_one_with_a_null_id(client_as):
    answers = [
        DEFINITION,
        {**DEFINITION, "id": None, "key": "broken"},
        {**DEFINITION, "id": "v", "version": None},
    ]
    overrides = {
        ("GET", "/process-definition"): answers,
        ("GET", "/process-definition/count"): {"count": 3},
        ("GET", "/process-definition/statistics"): [],
    }
    with fake_engine(overrides):
        response = client_as("Viewer").get("/e/demo/processes/")
    assert response.status_code == 200
    assert (
        "Could not be read" in response.content.decode() and "Order to delivery" in response.content.decode()
    )
