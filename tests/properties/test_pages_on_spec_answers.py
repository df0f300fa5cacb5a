"""No page answers 500, whatever the engine answers within its spec (generated from its schemas)."""

import sys
import traceback

import httpx
import pytest
import respx
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cockpit import engines as configured_engines
from tests.conftest import ENGINE_URL
from tests.properties.spec_answers import SPEC, answer_schema, strategy, template_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SPEC.exists(), reason="the engine's OpenAPI spec is not here"),
]

# What the pages below ask the engine, by the spec's path templates.
ASKED = [
    ("POST", "/process-instance"),
    ("GET", "/process-instance"),
    ("POST", "/process-instance/count"),
    ("GET", "/process-instance/{id}"),
    ("GET", "/process-instance/{id}/activity-instances"),
    ("POST", "/history/process-instance"),
    ("GET", "/history/process-instance/{id}"),
    ("GET", "/history/activity-instance"),
    ("GET", "/history/user-operation"),
    ("GET", "/history/variable-instance"),
    ("GET", "/variable-instance"),
    ("GET", "/incident"),
    ("GET", "/incident/count"),
    ("GET", "/job"),
    ("GET", "/process-definition"),
    ("GET", "/process-definition/count"),
    ("GET", "/process-definition/{id}"),
    ("GET", "/process-definition/statistics"),
    ("GET", "/process-definition/{id}/statistics"),
    ("GET", "/batch/statistics"),
    ("GET", "/batch/count"),
    ("GET", "/version"),
]
PAGES = [
    "/e/demo/",
    "/e/demo/tiles/instances/",
    "/e/demo/tiles/incidents/",
    "/e/demo/tiles/definitions/",
    "/e/demo/tiles/batches/",
    "/e/demo/instances/",
    "/e/demo/instances/count/",
    "/e/demo/instances/pi-1/",
    "/e/demo/instances/pi-1/incidents/",
    "/e/demo/instances/pi-1/called/",
    "/e/demo/instances/pi-1/jobs/",
    "/e/demo/instances/pi-1/history/",
    "/e/demo/instances/pi-1/tree/",
    "/e/demo/instances/pi-1/diagram.json",
    "/e/demo/incidents/",
    "/e/demo/incidents/?group=on",
    "/e/demo/processes/",
    "/e/demo/processes/order:1:abc/",
]


def answers() -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {(method, template): strategy(answer_schema(method, template)) for method, template in ASKED}
    )


@pytest.fixture
def viewer(make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("Operator"))
    return client


# No shrinking: each example loads every page, and the failure message already names each page with
# the exception behind it (shrinking one took over five minutes).
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(drawn=answers())
def test_no_page_answers_500_on_answers_the_spec_allows(viewer, drawn):
    cache.clear()
    configured_engines._clients.clear()  # no definition or diagram kept from the last example

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/engine-rest")
        template = template_of(request.method, path)
        if (request.method, template) in drawn:
            return httpx.Response(200, json=drawn[(request.method, template)])
        return httpx.Response(404, json={"type": "InvalidRequestException", "message": f"not faked: {path}"})

    failures, raised = [], []

    def keep(sender, request, **kwargs):
        error = sys.exc_info()[1]
        where = traceback.extract_tb(error.__traceback__)[-1]
        raised.append(f"{type(error).__name__}: {error} at {where.filename}:{where.lineno}")

    got_request_exception.connect(keep)
    try:
        with respx.mock(base_url=ENGINE_URL, assert_all_called=False) as engine:
            engine.route().mock(side_effect=answer)
            for page in PAGES:
                raised.clear()
                response = viewer.get(page)
                if response.status_code == 500:
                    failures.append(f"{page}: {'; '.join(raised)}")
    finally:
        got_request_exception.disconnect(keep)
    assert not failures, "\n".join(failures)
