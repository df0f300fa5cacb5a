"""Engine text is shown escaped, an unreadable deployment costs its row, and an unknown one is a 404."""

import httpx
import pytest

from tests.engines.cases import DEFINITION, DEPLOYMENT
from tests.instances.fake_engine import fake_engine

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script>'


def test_a_deployment_that_cannot_be_read_costs_its_row_and_names_are_escaped(client_as):
    answers = [{**DEPLOYMENT, "name": HOSTILE}, {**DEPLOYMENT, "id": None, "name": "broken"}]
    with fake_engine({("GET", "/deployment"): answers}):
        body = client_as("Viewer").get("/e/demo/deployments/").content.decode()
    assert HOSTILE not in body and "&lt;script&gt;" in body
    assert "Could not be read (id <bdi>null</bdi>)" in body and "/deployments/null/" not in body


def test_a_deployments_page_escapes_its_files_and_definitions(client_as):
    overrides = {
        ("GET", "/deployment/dep-1"): {**DEPLOYMENT, "source": HOSTILE},
        ("GET", "/deployment/dep-1/resources"): [{"id": "r-1", "name": HOSTILE, "deploymentId": "dep-1"}],
        ("GET", "/process-definition"): [{**DEFINITION, "name": HOSTILE}],
    }
    with fake_engine(overrides):
        response = client_as("Viewer").get("/e/demo/deployments/dep-1/")
    body = response.content.decode()
    assert response.status_code == 200
    assert HOSTILE not in body and body.count("&lt;script&gt;") == 3
    # Not a BPMN file: listed by name, no preview.
    assert 'id="diagram"' not in body


def test_an_unknown_deployment_is_the_engines_not_found_not_a_500(client_as):
    missing = httpx.Response(
        404, json={"type": "InvalidRequestException", "message": "Deployment with id 'nope' does not exist"}
    )
    with fake_engine({("GET", "/deployment/nope"): missing}):
        response = client_as("Viewer").get("/e/demo/deployments/nope/")
    assert response.status_code == 404
    assert "Deployment with id &#x27;nope&#x27; does not exist" in response.content.decode()
