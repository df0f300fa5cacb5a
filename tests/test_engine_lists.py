"""The list pages: the engine sorts and pages, the page asks for one row more than it shows."""

import json
import re

import pytest
import respx

from tests.conftest import ENGINE_URL
from tests.engines.cases import BATCH, DEFINITION, INCIDENT, INSTANCE
from tests.instances.fake_engine import HISTORIC

pytestmark = pytest.mark.django_db


def instances(count):
    return [{**INSTANCE, "id": f"pi-{n}", "businessKey": f"order-{n}"} for n in range(count)]


def running(count):
    """The same running instances as history has them: the list, newest first, is read from there."""
    return [{**HISTORIC, "id": f"pi-{n}", "businessKey": f"order-{n}"} for n in range(count)]


@pytest.fixture
def engine():
    with respx.mock(base_url=ENGINE_URL, assert_all_called=False) as mock:
        # The process list's counts (over all versions) come from the definition statistics.
        mock.get("/process-definition/statistics").respond(json=[])
        yield mock


def test_the_instance_list_asks_for_one_row_more_than_it_shows(viewer_client, engine):
    route = engine.post("/history/process-instance").respond(json=running(21))
    response = viewer_client.get("/e/demo/instances/", {"limit": 20})
    assert json.loads(route.calls[0].request.content)["unfinished"] is True
    assert route.calls[0].request.url.params["maxResults"] == "21"
    assert route.calls[0].request.url.params["firstResult"] == "0"
    body = response.content.decode()
    assert "order-19" in body and "order-20" not in body
    assert 'rel="next"' in body and 'rel="prev"' not in body
    assert "Rows 1–20" in body


def test_the_last_page_has_no_next_link(viewer_client, engine):
    engine.post("/history/process-instance").respond(json=running(5))
    body = viewer_client.get("/e/demo/instances/", {"limit": 20, "offset": 40}).content.decode()
    assert 'rel="next"' not in body and 'rel="prev"' in body
    assert "Rows 41–45" in body


def test_sorting_a_column_is_the_engines_sort(viewer_client, engine):
    route = engine.post("/process-instance").respond(json=instances(3))
    viewer_client.get("/e/demo/instances/", {"sort": "-business_key"})
    assert json.loads(route.calls[0].request.content)["sorting"] == [
        {"sortBy": "businessKey", "sortOrder": "desc"}
    ]


def test_a_sort_the_engine_does_not_have_is_ignored(viewer_client, engine):
    route = engine.post("/process-instance").respond(json=instances(3))
    viewer_client.get("/e/demo/instances/", {"sort": "state"})
    assert "sorting" not in json.loads(route.calls[0].request.content)


def test_rows_keep_the_engines_order(viewer_client, engine):
    rows = [{**INSTANCE, "id": i, "businessKey": i} for i in ("c-row", "a-row", "b-row")]
    engine.post("/process-instance").respond(json=rows)
    body = viewer_client.get("/e/demo/instances/", {"sort": "business_key"}).content.decode()
    assert list(dict.fromkeys(re.findall(r"\b[abc]-row\b", body))) == ["c-row", "a-row", "b-row"]


def test_with_htmx_only_the_results_are_sent(viewer_client, engine):
    engine.post("/history/process-instance").respond(json=running(2))
    body = viewer_client.get("/e/demo/instances/", headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<section id="results"') and "<html" not in body


def test_an_empty_list_says_so(viewer_client, engine):
    engine.post("/history/process-instance").respond(json=[])
    assert "No running process instances." in viewer_client.get("/e/demo/instances/").content.decode()


def test_markup_from_the_engine_is_shown_as_text(viewer_client, engine):
    engine.post("/history/process-instance").respond(
        json=[{**HISTORIC, "businessKey": "<script>alert(1)</script>"}]
    )
    body = viewer_client.get("/e/demo/instances/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize(
    ("path", "method", "engine_path", "rows", "expected"),
    [
        ("/e/demo/processes/", "GET", "/process-definition", [DEFINITION], "Order to delivery"),
        ("/e/demo/incidents/", "GET", "/incident", [INCIDENT], "Payment provider timed out"),
        (
            "/e/demo/batches/",
            "GET",
            "/batch/statistics",
            [{**BATCH, "remainingJobs": 4, "completedJobs": 6, "failedJobs": 0}],
            "60 %",
        ),
    ],
)
def test_the_other_lists_show_engine_rows(viewer_client, engine, path, method, engine_path, rows, expected):
    route = engine.route(method=method, path=engine_path).respond(json=rows)
    engine.get("/incident/count").respond(json={"count": len(rows)})  # the incident list says how many
    assert expected in viewer_client.get(path).content.decode()
    assert route.calls.last.request.url.params["maxResults"] == "51"


def test_processes_show_the_latest_versions_sorted_by_key(viewer_client, engine):
    route = engine.get("/process-definition").respond(json=[DEFINITION])
    viewer_client.get("/e/demo/processes/")
    params = route.calls.last.request.url.params
    assert (params["latestVersion"], params["sortBy"], params["sortOrder"]) == ("true", "key", "asc")


def test_incidents_show_the_newest_first(viewer_client, engine):
    route = engine.get("/incident").respond(json=[INCIDENT])
    engine.get("/incident/count").respond(json={"count": 1})
    viewer_client.get("/e/demo/incidents/")
    params = route.calls.last.request.url.params
    assert (params["sortBy"], params["sortOrder"]) == ("incidentTimestamp", "desc")


def test_switching_engine_on_a_list_keeps_the_list(viewer_client, engine):
    engine.post("/history/process-instance").respond(json=[])
    body = viewer_client.get("/e/demo/instances/").content.decode()
    assert re.search(r'<a href="/e/staging/instances/"\s+data-engine="staging"', body)


def test_an_incident_count_the_engine_fails_on_costs_the_count_not_the_list(viewer_client, engine):
    engine.get("/incident").respond(json=[INCIDENT])
    engine.get("/incident/count").respond(
        500, json={"type": "ProcessEngineException", "message": "count broke"}
    )
    response = viewer_client.get("/e/demo/incidents/")
    body = response.content.decode()
    assert response.status_code == 200 and "Payment provider timed out" in body
    assert "Not counted: count broke" in body
