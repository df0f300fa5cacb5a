"""The demo engine answers the activity history's endpoints as real Camunda 7.24 does: per-activity
statistics from the history (which counts come, which activities are left out, in what order) and
historic activity instances filtered and sorted by time."""

import httpx
import pytest

from tests.demo_engine.conftest import start_server, stop_server


@pytest.fixture(scope="module")
def demo():
    server = start_server(120, seed=3)
    with httpx.Client(base_url=server.url, auth=("demo", "demo-pw")) as http:
        yield http
    stop_server(server)


@pytest.fixture
def real(camunda7_engine):
    with camunda7_engine.http() as http:
        yield http


def _order_id(http) -> str:
    [order] = http.get(
        "/process-definition", params={"key": "order", "latestVersion": "true", "withoutTenantId": "true"}
    ).json()
    return order["id"]


def _statistics(http, **params):
    answer = http.get(f"/history/process-definition/{_order_id(http)}/statistics", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _count(http, **params) -> int:
    params = {"processDefinitionId": _order_id(http), **params}
    return http.get("/history/activity-instance/count", params=params).json()["count"]


@pytest.mark.parametrize("engine_name", ["real", "demo"])
def test_the_statistics_rows_have_the_same_fields_order_and_counts(engine_name, request):
    http = request.getfixturevalue(engine_name)
    rows = _statistics(http, finished="true", canceled="true")
    assert rows
    assert set(rows[0]) == {
        "id", "instances", "canceled", "finished", "completeScope",
        "openIncidents", "resolvedIncidents", "deletedIncidents",
    }  # fmt: skip
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    for row in rows:
        assert row["finished"] == _count(http, activityId=row["id"], finished="true")
        assert row["instances"] == _count(http, activityId=row["id"], unfinished="true")
        assert row["canceled"] == _count(http, activityId=row["id"], canceled="true")
        assert row["completeScope"] == 0


@pytest.mark.parametrize("engine_name", ["real", "demo"])
def test_without_finished_only_activities_with_running_instances_are_listed(engine_name, request):
    http = request.getfixturevalue(engine_name)
    rows = _statistics(http)
    assert rows and all(r["instances"] > 0 and r["finished"] == 0 and r["canceled"] == 0 for r in rows)
    everything = _statistics(http, finished="true")
    assert {r["id"] for r in rows} == {r["id"] for r in everything if r["instances"]}


@pytest.mark.parametrize("engine_name", ["real", "demo"])
def test_a_window_after_every_start_leaves_no_row(engine_name, request):
    http = request.getfixturevalue(engine_name)
    assert _statistics(http, finished="true", startedAfter="2099-01-01T00:00:00.000+0000") == []


@pytest.mark.parametrize("engine_name", ["real", "demo"])
def test_finished_activity_instances_sort_by_end_time_and_filter_by_it(engine_name, request):
    http = request.getfixturevalue(engine_name)
    params = {"processDefinitionId": _order_id(http), "finished": "true", "sortBy": "endTime"}
    newest = http.get("/history/activity-instance", params={**params, "sortOrder": "desc"}).json()
    assert newest
    ends = [a["endTime"] for a in newest]
    assert ends == sorted(ends, reverse=True)
    after = {"finishedAfter": newest[0]["endTime"]}
    assert _count(http, finished="true", **after) >= 1
    assert _count(http, finished="true", finishedAfter="2099-01-01T00:00:00.000+0000") == 0


@pytest.mark.parametrize("engine_name", ["real", "demo"])
def test_running_activity_instances_are_filtered_by_when_they_started(engine_name, request):
    http = request.getfixturevalue(engine_name)
    params = {"processDefinitionId": _order_id(http), "unfinished": "true", "sortBy": "startTime"}
    oldest = http.get("/history/activity-instance", params={**params, "sortOrder": "asc"}).json()
    assert oldest and all(a["endTime"] is None for a in oldest)
    starts = [a["startTime"] for a in oldest]
    assert starts == sorted(starts)
    running = _count(http, unfinished="true")
    assert _count(http, unfinished="true", startedBefore="2099-01-01T00:00:00.000+0000") == running
    # startedBefore includes the moment itself
    first = oldest[0]
    assert (
        _count(http, unfinished="true", activityId=first["activityId"], startedBefore=first["startTime"]) >= 1
    )


@pytest.mark.parametrize("engine_name", ["real", "demo"])
def test_failed_jobs_with_retries_left_are_asked_for_alike(engine_name, request):
    http = request.getfixturevalue(engine_name)
    retrying = http.get("/job/count", params={"withException": "true", "withRetriesLeft": "true"})
    failed = http.get("/job/count", params={"withException": "true", "noRetriesLeft": "true"})
    with_exception = http.get("/job/count", params={"withException": "true"})
    assert retrying.status_code == failed.status_code == 200, retrying.text
    assert retrying.json()["count"] + failed.json()["count"] == with_exception.json()["count"]


@pytest.mark.django_db
def test_the_heatmap_and_the_stuck_instances_read_a_real_engines_history(
    on_camunda7, viewer_client, camunda7_client
):
    import re
    from html import unescape

    from engines.queries import ProcessInstanceQuery

    order = camunda7_client.get_latest_definition("order")
    statistics = {row.id: row for row in camunda7_client.historic_activity_statistics(order.id)}
    heatmap = viewer_client.get(f"/e/demo/processes/{order.id}/heatmap/", {"window": "all"})
    assert heatmap.status_code == 200
    body = heatmap.content.decode()
    assert "banner-error" not in body
    assert statistics
    for activity_id, row in statistics.items():
        if f'data-activity="{activity_id}"' in body:
            cells = re.search(rf'<tr data-activity="{activity_id}">(.*?)</tr>', body, re.S).group(1)
            assert f"<td>{row.finished:,}</td>" in cells
    stuck = viewer_client.get("/e/demo/trouble/stuck/", {"factor": "1", "floor": "0"})
    assert stuck.status_code == 200 and "banner-error" not in stuck.content.decode()
    rows = re.findall(
        r'<tr data-activity="([^"]+)" data-definition="([^"]+)">.*?<a href="([^"]+)">([\d,]+) stuck</a>',
        stuck.content.decode(),
        re.S,
    )
    # Seeded minutes ago, the waiting instances are past what their activities took (milliseconds)
    assert rows
    for activity, definition_id, href, count in rows[:3]:
        waiting = camunda7_client.count_instances(
            ProcessInstanceQuery(process_definition_id=definition_id, activity_ids=(activity,))
        )
        assert 0 < int(count.replace(",", "")) <= waiting
        counted = viewer_client.get(unescape(href).replace("/instances/?", "/instances/count/?"))
        assert f"{int(count.replace(',', '')):,} matching" in counted.content.decode()
