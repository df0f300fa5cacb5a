"""Each part of the instance page fails on its own, with its own message; the rest stays usable."""

import httpx
import pytest

from tests.instances.fake_engine import fake_engine

pytestmark = pytest.mark.django_db

# The header names the instance's process, linked to that process's page, with its key.
HEADER = (
    '<a href="/e/demo/processes/order:1:abc/"><bdi>Order to delivery</bdi></a>'
    " · key <code><bdi>order</bdi></code>"
)
FAILING = httpx.Response(500, json={"type": "ProcessEngineException", "message": "Injected failure"})


def page(client, tab=""):
    response = client.get("/e/demo/instances/pi-1/" + (f"{tab}/" if tab else ""))
    assert response.status_code == 200, response.content.decode()[:3000]
    return response.content.decode()


def test_with_every_answer_the_page_shows_every_part(client_as):
    with fake_engine():
        body = page(client_as("Viewer"))
    assert HEADER in body
    assert 'data-activity-id="ship"' in body
    assert "amount" in body and "could not be loaded" not in body


def test_a_failing_tree_costs_the_tree_alone(client_as):
    with fake_engine({("GET", "/process-instance/pi-1/activity-instances"): FAILING}):
        body = page(client_as("Operator"))
    assert "The activity instances could not be loaded" in body and "Injected failure" in body
    assert "The instance has ended" not in body  # a failure is not an ended instance
    assert HEADER in body  # the header
    assert 'data-name="amount"' in body  # the variables tab
    assert "Suspend</button>" in body  # the actions


def test_a_failing_header_costs_the_header_alone(client_as):
    with fake_engine({("GET", "/process-instance/pi-1"): FAILING}):
        body = page(client_as("Operator"))
    assert "The instance's state could not be loaded" in body and "Injected failure" in body
    assert 'id="instance-state">unknown</span>' in body
    assert 'data-activity-id="ship"' in body and 'data-name="amount"' in body


def test_a_failing_incident_count_is_said_beside_the_state(client_as):
    with fake_engine({("GET", "/incident/count"): FAILING}):
        body = page(client_as("Viewer"))
    assert "incidents not counted: Injected failure" in body
    assert 'id="instance-state">active</span>' in body


def test_a_failing_definition_leaves_its_id_and_the_rest(client_as):
    with fake_engine({("GET", "/process-definition/order:1:abc"): FAILING}):
        body = page(client_as("Viewer"))
    assert "order:1:abc" in body and "the definition could not be read: Injected failure" in body
    assert 'data-activity-id="ship"' in body


@pytest.mark.parametrize(
    "tab,call,label",
    [
        ("variables", ("GET", "/variable-instance"), "Variables"),
        ("incidents", ("GET", "/incident"), "Incidents"),
        ("called", ("POST", "/history/process-instance"), "Called instances"),
        ("jobs", ("GET", "/job"), "Jobs"),
        ("history", ("GET", "/history/user-operation"), "History"),
    ],
)
def test_a_failing_tab_costs_its_panel_alone(client_as, tab, call, label):
    with fake_engine({call: FAILING}):
        body = page(client_as("Viewer"), tab)
    assert f"{label} could not be loaded" in body and "Injected failure" in body
    assert HEADER in body
    assert 'data-activity-id="ship"' in body


def test_the_tree_redrawn_alone_shows_its_failure(client_as):
    with fake_engine({("GET", "/process-instance/pi-1/activity-instances"): FAILING}):
        response = client_as("Viewer").get("/e/demo/instances/pi-1/tree/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "The activity instances could not be loaded" in response.content.decode()


def test_with_one_engine_call_in_three_failing_no_page_load_fails_whole(settings, client_as):
    from cockpit.engines import client as engine_client
    from demo_engine.server import Faults
    from engines.config import EngineConfig
    from engines.queries import ProcessInstanceQuery
    from tests.demo_engine.conftest import start_server, stop_server

    server = start_server(60, seed=21)
    try:
        settings.ENGINES = {
            "demo": EngineConfig(name="demo", base_url=server.url, username="demo", password="demo-pw")
        }
        ids = [i.id for i in engine_client("demo").list_instances(ProcessInstanceQuery(), limit=36)]
        server.faults = Faults(fail_rate=1 / 3)
        client = client_as("Operator")
        loads = [client.get(f"/e/demo/instances/{ids[n % len(ids)]}/") for n in range(36)]
        # (Before each part failed on its own, 31 of these 36 loads were an error page.)
        assert [load.status_code for load in loads] == [200] * 36
        failed_parts = [load for load in loads if "could not be" in load.content.decode()]
        assert failed_parts and all("Injected failure" in load.content.decode() for load in failed_parts)
    finally:
        stop_server(server)
