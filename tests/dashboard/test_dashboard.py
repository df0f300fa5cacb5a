"""The dashboard: the engine's numbers, each in its own fragment, cached, never asked twice at once."""

import re
import threading
import time

import httpx
import pytest
import respx

from dashboard import tiles
from engines.queries import ProcessInstanceQuery
from tests.conftest import ENGINE_URL

pytestmark = pytest.mark.django_db
INSTANCES = 200


def number(body: str) -> int:
    return int(re.search(r'<p class="number"><a [^>]*>([\d,]+)</a>', body).group(1).replace(",", ""))


def test_the_shell_renders_without_asking_the_engine(viewer_client):
    with respx.mock(assert_all_mocked=True):  # any engine call would fail the test
        body = viewer_client.get("/e/demo/").content.decode()
    for name in ("instances", "incidents", "definitions", "batches"):
        assert f'hx-get="/e/demo/tiles/{name}/"' in body


def test_numbers_already_counted_come_with_the_page_and_only_the_others_in_fragments(
    on_demo, engine, viewer_client
):
    viewer_client.get("/e/demo/tiles/instances/")  # counted: in the shared cache now

    with respx.mock(assert_all_mocked=True):  # drawing what is cached asks the engine nothing
        body = viewer_client.get("/e/demo/").content.decode()

    assert number(body) == engine.count_instances()
    assert 'hx-get="/e/demo/tiles/instances/"' not in body
    for name in ("incidents", "definitions", "batches"):
        assert f'hx-get="/e/demo/tiles/{name}/"' in body


def test_a_number_that_failed_a_moment_ago_is_not_drawn_with_the_page(viewer_client):
    with respx.mock(assert_all_mocked=True) as engine:
        engine.post(f"{ENGINE_URL}/process-instance/count").respond(500, json={"message": "Count failed"})
        viewer_client.get("/e/demo/tiles/instances/")
        body = viewer_client.get("/e/demo/").content.decode()

    assert 'hx-get="/e/demo/tiles/instances/"' in body and "Count failed" not in body


def test_the_numbers_are_the_engines(on_demo, engine, viewer_client):
    instances = viewer_client.get("/e/demo/tiles/instances/").content.decode()
    assert number(instances) == engine.count_instances()
    assert f"{engine.count_instances(ProcessInstanceQuery(with_incident=True))} with incidents" in instances
    incidents = viewer_client.get("/e/demo/tiles/incidents/").content.decode()
    assert number(incidents) == engine.count_incidents()
    by_process = dict(
        re.findall(r'\?process=([\w-]+)&amp;group=on">[^<]+</a> <strong>(\d+)</strong>', incidents)
    )
    for key, count in by_process.items():
        assert int(count) == engine.count_incidents(process_definition_keys=[key])
    definitions = viewer_client.get("/e/demo/tiles/definitions/").content.decode()
    assert number(definitions) == engine.count_definitions(latest_version=True)
    batches = viewer_client.get("/e/demo/tiles/batches/").content.decode()
    assert number(batches) == engine.count_batches()


def test_each_number_links_to_the_list_it_summarizes(on_demo, viewer_client):
    incidents = viewer_client.get("/e/demo/tiles/incidents/").content.decode()
    assert 'href="/e/demo/incidents/?incident_type=failedJob&amp;group=on"' in incidents
    assert 'href="/e/demo/incidents/?process=order&amp;group=on"' in incidents
    instances = viewer_client.get("/e/demo/tiles/instances/").content.decode()
    assert 'href="/e/demo/instances/?with_incident=on"' in instances


def test_a_slow_number_says_it_is_still_counting_and_asks_the_engine_once(settings, viewer_client):
    settings.COCKPIT_DASHBOARD_WAIT_SECONDS = 0.2
    release = threading.Event()
    calls = []

    def slow_count(request):
        calls.append(request)
        release.wait(5)
        return respx.MockResponse(json={"count": 7})

    with respx.mock(base_url=ENGINE_URL, assert_all_called=False) as mock:
        mock.get("/batch/count").mock(side_effect=slow_count)
        first = viewer_client.get("/e/demo/tiles/batches/").content.decode()
        second = viewer_client.get("/e/demo/tiles/batches/").content.decode()
        assert "still counting" in first and "still counting" in second
        assert 'hx-trigger="load delay:3s"' in first  # the tile asks again by itself
        release.set()
        deadline = time.monotonic() + 5
        while "still counting" in (body := viewer_client.get("/e/demo/tiles/batches/").content.decode()):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert number(body) == 7
        assert len(calls) == 1  # one query, however often the tile asked


def test_a_failing_number_fails_in_its_own_tile(viewer_client):
    with respx.mock(base_url=ENGINE_URL, assert_all_called=False) as mock:
        mock.get("/batch/count").respond(
            500, json={"type": "ProcessEngineException", "message": "no batches today"}
        )
        response = viewer_client.get("/e/demo/tiles/batches/")
    assert response.status_code == 200 and "no batches today" in response.content.decode()


def test_numbers_are_cached_briefly(on_demo, engine, viewer_client):
    first = number(viewer_client.get("/e/demo/tiles/definitions/").content.decode())
    with respx.mock(assert_all_mocked=True):  # from the cache: no engine call
        assert number(viewer_client.get("/e/demo/tiles/definitions/").content.decode()) == first


def test_an_unknown_tile_is_not_found(viewer_client):
    assert viewer_client.get("/e/demo/tiles/weather/").status_code == 404
    assert "weather" not in tiles.TILES


def test_an_unreachable_engine_is_said_once_in_words_and_each_tile_degrades(viewer_client):
    refused = "[Errno 111] Connection refused"
    with respx.mock(base_url=ENGINE_URL, assert_all_called=False) as mock:
        mock.route().mock(side_effect=httpx.ConnectError(refused))
        version = viewer_client.get("/e/demo/tiles/version/", headers={"HX-Request": "true"}).content.decode()
        shown = [
            viewer_client.get(f"/e/demo/tiles/{name}/", headers={"HX-Request": "true"}).content.decode()
            for name in tiles.TILES
        ]
    assert "The engine is unreachable" in version  # the banner, once, with the engine's own words
    for tile in shown:
        assert refused not in tile and "unreachable" not in tile
        assert "Not available." in tile and "Try again" in tile
    assert sum(body.count(refused) for body in [version, *shown]) == 1


def test_a_number_the_engine_timed_out_on_says_so_instead_of_still_counting(settings, viewer_client):
    settings.COCKPIT_DASHBOARD_WAIT_SECONDS = 0.2

    def stalled(request):  # every time: a stalled engine, as far as the read timeout goes
        time.sleep(0.5)
        raise httpx.ReadTimeout("timed out")

    with respx.mock(base_url=ENGINE_URL, assert_all_called=False) as mock:
        route = mock.get("/batch/count").mock(side_effect=stalled)
        assert "still counting" in viewer_client.get("/e/demo/tiles/batches/").content.decode()
        deadline = time.monotonic() + 5
        while tiles._running:  # the query in the background has given up
            assert time.monotonic() < deadline
            time.sleep(0.05)
        body = viewer_client.get("/e/demo/tiles/batches/").content.decode()
    assert "still counting" not in body
    assert "The engine did not answer in time for this number" in body
    assert 'hx-trigger="load delay:3s"' not in body and route.call_count == 1


def test_processes_deployed_says_how_many_keys_and_tenants_its_definitions_are(viewer_client):
    """Five definitions, the newest of each key in each tenant, are three processes in two tenants."""
    latest = [
        {"id": f"{key}:1:{tenant}", "key": key, "name": key.title(), "version": 1, "tenantId": tenant}
        for key, tenant in [("order", "acme"), ("order", "globex"), ("loan", "acme"), ("loan", "globex"),
                            ("claim", "acme")]
    ]  # fmt: skip
    with respx.mock(base_url=ENGINE_URL) as engine:
        engine.get("/process-definition/count", params={"latestVersion": "true"}).respond(json={"count": 5})
        engine.get("/process-definition/count").respond(json={"count": 9})
        engine.get("/process-definition").respond(json=latest)
        body = viewer_client.get("/e/demo/tiles/definitions/").content.decode()
    assert number(body) == 5
    assert "process definitions (3 keys, 2 tenants)" in body
    assert "9 versions in all" in body


def test_processes_deployed_without_tenants_says_no_more_than_the_number(viewer_client):
    latest = [{"id": f"{key}:2:x", "key": key, "name": key, "version": 2} for key in ("order", "loan")]
    with respx.mock(base_url=ENGINE_URL) as engine:
        engine.get("/process-definition/count", params={"latestVersion": "true"}).respond(json={"count": 2})
        engine.get("/process-definition/count").respond(json={"count": 4})
        engine.get("/process-definition").respond(json=latest)
        body = viewer_client.get("/e/demo/tiles/definitions/").content.decode()
    assert number(body) == 2
    assert "keys" not in body and "tenants" not in body
