"""One item of a list the dashboard cannot read costs its row, shown as unreadable with its raw id: the
rest of the list is there, and nothing links to or offers an action on what could not be read."""

import pytest

from tests.engines.cases import DEFINITION, INCIDENT, INSTANCE
from tests.instances.fake_engine import fake_engine

pytestmark = pytest.mark.django_db


# The running instances as history has them: newest first, the list's own order.
RUNNING_IN_HISTORY = {
    "id": "pi-1",
    "businessKey": "order-42",
    "processDefinitionId": "order:1:abc",
    "processDefinitionKey": "order",
    "processDefinitionVersion": 1,
    "startTime": "2026-11-01T09:04:00.000+0000",
    "state": "ACTIVE",
}


@pytest.mark.parametrize(
    ("sort", "answered"),
    [
        ("", ("POST", "/history/process-instance", RUNNING_IN_HISTORY)),
        ("?sort=id", ("POST", "/process-instance", INSTANCE)),
    ],
    ids=["newest first", "by id"],
)
def test_an_instance_with_a_null_id_costs_its_row_not_the_list(client_as, sort, answered):
    method, path, item = answered
    with fake_engine({(method, path): [item, {**item, "id": None}]}):
        response = client_as("Operator").get(f"/e/demo/instances/{sort}")
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
