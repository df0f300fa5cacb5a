"""A failed export never looks like a finished one: a failure before the first row is the engine's error
page, and a failure midway ends the file with a line saying so and breaks the download off."""

import json

import httpx
import pytest

from engines.errors import EngineError
from instances import views
from tests.engines.cases import INSTANCE
from tests.instances.fake_engine import fake_engine

pytestmark = pytest.mark.django_db

FAILING = httpx.Response(500, json={"type": "ProcessEngineException", "message": "Injected failure"})


def page_of(size: int) -> list[dict]:
    return [{**INSTANCE, "id": f"pi-{n}"} for n in range(size)]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_failing_at_its_first_page_is_the_engines_error_not_a_file(client_as, fmt):
    with fake_engine({("POST", "/process-instance"): FAILING}):
        response = client_as("Viewer").get(f"/e/demo/instances/export.{fmt}")
    assert response.status_code == 502 and not response.streaming
    assert "Content-Disposition" not in response and "Injected failure" in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_failing_midway_ends_with_a_failure_line_and_breaks_off(client_as, monkeypatch, fmt):
    monkeypatch.setattr(views, "EXPORT_PAGE", 2)
    with fake_engine() as engine:
        engine.route(method="POST", path="/process-instance").mock(
            side_effect=[httpx.Response(200, json=page_of(2)), httpx.Response(200, json=page_of(2)), FAILING]
        )
        response = client_as("Viewer").get(f"/e/demo/instances/export.{fmt}")
        assert response.status_code == 200
        received = []
        with pytest.raises(EngineError):  # the server breaks the transfer off: the browser says failed
            for chunk in response.streaming_content:
                received.append(chunk.decode())
    text = "".join(received)
    assert text.rstrip().endswith(
        "EXPORT FAILED after 2 instances, this file is incomplete: Injected failure"
    )
    if fmt == "json":
        with pytest.raises(ValueError):
            json.loads(text)  # never readable as a complete export


def test_a_finished_json_export_is_valid_json_even_when_empty(client_as):
    with fake_engine({("POST", "/process-instance"): []}):
        response = client_as("Viewer").get("/e/demo/instances/export.json")
        assert json.loads(b"".join(response.streaming_content)) == []
