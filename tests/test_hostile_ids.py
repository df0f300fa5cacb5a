"""An id in a dashboard URL that decodes to a dot segment answers a clear 400 or 404 and changes nothing.

'/e/demo/instances/%2E/suspend/' arrives in the view as the id '.', which the engine's own URL would
collapse into another endpoint (PUT /process-instance/suspended, the bulk one).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.queries import ProcessInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 40


def _routes(patterns=None, prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def _with(route: str, hostile: str) -> str:
    path = route.replace("<str:engine>", "demo").replace("<int:pk>", "1").replace("<str:fmt>", "csv")
    return "/" + re.sub(r"<(str|id):[a-z_]+>", hostile, path)


ID_ROUTES = [
    route
    for route in _routes()
    if re.search(r"<(str|id):(?!engine|fmt)[a-z_]+>", route) and not route.startswith("admin")
]


def test_every_route_with_an_id_is_probed():
    assert len(ID_ROUTES) >= 20
    assert "e/<str:engine>/instances/<id:instance_id>/suspend/" in ID_ROUTES


@pytest.mark.parametrize("hostile", ["%2E", "%2E%2E", ".."])
def test_a_dot_segment_id_answers_a_clear_refusal_and_changes_nothing(client_as, engine, hostile):
    client = client_as("Admin")
    before = _state(engine)
    for route in ID_ROUTES:
        url = _with(route, hostile)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"suspended": "true", "reason": "x", "retries": "1"})
            assert response.status_code in (400, 404, 405, 409, 422), (method, url, response.status_code)
            if response.status_code == 400:
                assert "cannot be addressed" in response.content.decode(), (method, url)
    assert _state(engine) == before


def _state(engine) -> tuple[int, int]:
    return (
        engine.count_instances(ProcessInstanceQuery()),
        engine.count_instances(ProcessInstanceQuery(suspended=True)),
    )


def test_support_deleting_a_variable_named_dot_dot_is_refused_and_the_instance_stays(client_as, engine):
    """The engine can hold a variable named '..'; deleting it once sent DELETE /process-instance/{id}."""
    from audit.models import AuditEntry
    from tests.instances.test_variables import hidden

    [instance] = engine.list_instances(ProcessInstanceQuery(), limit=1)
    # No call of the client can name '..' in a path; the variables' POST carries it in the body.
    engine.transport.request(
        "POST",
        f"/process-instance/{instance.id}/variables",
        json={"modifications": {"..": {"type": "String", "value": "x"}}},
    )
    [found] = [v for v in engine.variable_instances(instance.id) if v.name == ".."]
    client = client_as("Support")
    url = f"/e/demo/instances/{instance.id}/variables/{found.id}/delete/"
    confirm = client.get(url).content.decode()
    response = client.post(url, {"fingerprint": hidden(confirm, "fingerprint")})
    assert response.status_code in (400, 422)  # refused in place, by the button
    assert "&#x27;..&#x27; cannot be addressed on the engine" in response.content.decode()
    assert engine.get_instance(instance.id).id == instance.id
    assert AuditEntry.objects.get(action="variable.delete").outcome == AuditEntry.Outcome.FAILED


@pytest.mark.parametrize("segment", ["..", ".", "%2E%2E", "%2e"])
def test_the_demo_engine_reads_a_dot_segment_literally_and_never_as_another_endpoint(
    engine, on_demo, segment
):
    """Sent as raw bytes (no client in between to collapse it): the demo engine must not do it either."""
    import base64
    import http.client
    from urllib.parse import urlsplit

    [instance] = engine.list_instances(ProcessInstanceQuery(), limit=1)
    url = urlsplit(on_demo.url)
    connection = http.client.HTTPConnection(url.hostname, url.port)
    token = base64.b64encode(b"demo:demo-pw").decode()
    connection.request(
        "DELETE", f"{url.path}/process-instance/{instance.id}/variables/{segment}",
        headers={"Authorization": f"Basic {token}"},
    )  # fmt: skip
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status in (204, 400, 404)  # a variable of that name deleted, or none
    assert engine.get_instance(instance.id).id == instance.id


ID_TEXT = st.sampled_from(
    [".", "..", "%2E", "%2F", "/", "\\", "..%2F", "\x00", "\u202e", "a" * 3000]
) | st.text(min_size=1, max_size=16)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)
@given(route=st.sampled_from(ID_ROUTES), hostile=ID_TEXT, method=st.sampled_from(["get", "post"]))
def test_no_id_in_a_url_answers_a_server_error_or_changes_anything(admin_in, engine, route, hostile, method):
    before = _state(engine)
    url = _with(route, quote(hostile, safe=""))
    response = getattr(admin_in, method)(url, {"suspended": "true", "reason": "x", "retries": "1"})
    assert response.status_code < 500, (method, url)
    if response.status_code < 400 and method == "post":
        assert _state(engine) == before, (method, url)


@pytest.fixture
def admin_in(client_as):
    return client_as("Admin")
