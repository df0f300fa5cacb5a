"""The dashboard's pictures: per process now, and over a window of time, with the same numbers as
the engine's, beside each picture as a list or table; an engine that fails costs the picture only."""

import html
import json
import re
from datetime import timedelta

import httpx
import pytest
import respx
from django.test import Client
from django.utils import timezone

from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery
from tests.conftest import ENGINE_URL

pytestmark = pytest.mark.django_db
INSTANCES = 120


def legend(body: str) -> dict[str, int]:
    """The list beside a doughnut: each slice's link and its number."""
    return {
        href.replace("&amp;", "&"): int(count.replace(",", ""))
        for href, count in re.findall(r'<li><span class="swatch[^>]*></span><a href="([^"]+)">.*?</a> '
                                      r'<strong class="slice-count">([\d,]+)</strong>', body)
    }  # fmt: skip


def chart_data(body: str, name: str) -> dict:
    found = re.search(rf'<canvas id="chart-{name}-canvas" data-chart="([^"]*)"', body).group(1)
    return json.loads(html.unescape(found))


def test_the_shell_asks_for_each_picture_with_the_window_of_its_url(viewer_client):
    with respx.mock(assert_all_mocked=True):
        body = viewer_client.get("/e/demo/?window=30d").content.decode()
    assert 'hx-get="/e/demo/charts/running/?window=30d"' in body
    assert 'hx-get="/e/demo/charts/over-time/?window=30d"' in body
    assert re.search(r'<script nonce="[^"]+" src="/static/vendor/chart.js/chart.umd.min.js"', body)


def test_running_instances_per_process_are_the_engines_and_link_to_the_filtered_list(
    on_demo, engine, viewer_client
):
    body = viewer_client.get("/e/demo/charts/running/").content.decode()
    slices = legend(body)
    assert slices, body
    for href, count in slices.items():
        key = re.fullmatch(r"/e/demo/instances/\?definition_key=([\w-]+)", href).group(1)
        assert count == engine.count_instances(ProcessInstanceQuery(process_definition_key=key))
    assert sum(slices.values()) == engine.count_instances()
    assert [s["count"] for s in chart_data(body, "running")["slices"]] == list(slices.values())


def test_incidents_per_process_agree_with_the_incidents_tile_and_link_to_the_incident_list(
    on_demo, engine, viewer_client
):
    body = viewer_client.get("/e/demo/charts/incidents/").content.decode()
    slices = legend(body)
    assert slices
    for href, count in slices.items():
        key = re.fullmatch(r"/e/demo/incidents/\?process=([\w-]+)&group=on", href).group(1)
        assert count == engine.count_incidents(process_definition_keys=[key])
    assert sum(slices.values()) == engine.count_incidents()


@pytest.mark.parametrize(("window", "bars"), [("24h", 24), ("7d", 7), ("30d", 30)])
def test_the_window_chosen_sets_the_bars_and_their_numbers_are_the_engines(
    on_demo, engine, viewer_client, window, bars
):
    body = viewer_client.get(f"/e/demo/charts/over-time/?window={window}").content.decode()
    data = chart_data(body, "over-time")
    assert len(data["labels"]) == bars
    assert [s["label"] for s in data["series"]] == ["Started", "Ended", "Incidents"]
    span = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}[window]
    end = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    started = engine.count_historic_instances(
        HistoricProcessInstanceQuery(started_after=end - span, started_before=end - timedelta(milliseconds=1))
    )
    assert sum(data["series"][0]["counts"]) == started
    total = re.search(r'<td class="total-started">([\d,]+)</td>', body).group(1)
    assert int(total.replace(",", "")) == started
    assert f"over the last {'24 h' if window == '24h' else window[:-1] + ' days'}" in body


def test_the_over_time_picture_counts_what_the_history_holds(on_demo, engine, viewer_client, monkeypatch):
    """The demo's history starts on 2026-11-01: looked at from a day in it, the bars are not empty."""
    seeded = engine.list_historic_instances(HistoricProcessInstanceQuery(), limit=1)[0].start_time
    monkeypatch.setattr("dashboard.charts.timezone.now", lambda: seeded + timedelta(days=3))
    body = viewer_client.get("/e/demo/charts/over-time/?window=7d").content.decode()
    data = chart_data(body, "over-time")
    started, _ended, incidents = (sum(s["counts"]) for s in data["series"])
    assert started > 0 and incidents > 0
    assert started == engine.count_historic_instances(
        HistoricProcessInstanceQuery(
            started_after=data_start(seeded + timedelta(days=3), days=7),
            started_before=data_start(seeded + timedelta(days=3), days=0) - timedelta(milliseconds=1),
        )
    )


def data_start(now, *, days: int):
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1) - timedelta(days=days)


def test_an_unknown_window_falls_back_to_a_week(on_demo, viewer_client):
    body = viewer_client.get("/e/demo/charts/over-time/?window=1y").content.decode()
    assert len(chart_data(body, "over-time")["labels"]) == 7


def test_a_failing_engine_puts_its_message_in_place_of_the_picture(viewer_client):
    with respx.mock(base_url=ENGINE_URL, assert_all_called=False) as engine:
        engine.get("/process-definition/statistics").respond(
            500, json={"type": "ProcessEngineException", "message": "statistics are broken today"}
        )
        engine.post("/history/process-instance/count").respond(
            500, json={"type": "ProcessEngineException", "message": "history is broken today"}
        )
        running = viewer_client.get("/e/demo/charts/running/")
        over = viewer_client.get("/e/demo/charts/over-time/")
    assert running.status_code == 200 and over.status_code == 200
    assert "statistics are broken today" in running.content.decode()
    assert 'class="banner banner-error" role="alert"' in running.content.decode()
    assert "history is broken today" in over.content.decode()
    assert "<canvas" not in running.content.decode() + over.content.decode()


def test_an_engine_without_incident_history_says_so_and_draws_the_rest(on_demo, viewer_client, monkeypatch):
    from dataclasses import replace

    from engines.camunda7 import client as camunda

    monkeypatch.setattr(camunda, "CAPABILITIES", replace(camunda.CAPABILITIES, incident_history=False))
    body = viewer_client.get("/e/demo/charts/over-time/").content.decode()
    assert "keeps no history of incidents" in body
    assert [s["label"] for s in chart_data(body, "over-time")["series"]] == ["Started", "Ended"]


def test_a_chart_needs_a_login_and_a_known_name(viewer_client):
    assert Client().get("/e/demo/charts/running/").status_code in (302, 403)
    assert viewer_client.get("/e/demo/charts/nothing/").status_code == 404


def test_process_names_in_a_picture_are_escaped(viewer_client):
    hostile = "<img src=x onerror=alert(1)>"
    stats = [{"id": "p:1:x", "instances": 3, "failedJobs": 0, "incidents": [],
              "definition": {"id": "p:1:x", "key": "p", "name": hostile, "version": 1}}]  # fmt: skip
    with respx.mock(base_url=ENGINE_URL, assert_all_called=False) as engine:
        engine.get("/process-definition/statistics").mock(return_value=httpx.Response(200, json=stats))
        body = viewer_client.get("/e/demo/charts/running/").content.decode()
    assert hostile not in body
    assert "&lt;img" in body


def test_an_engine_without_statistics_per_process_says_so_instead_of_a_picture(viewer_client, monkeypatch):
    from dataclasses import replace

    from engines.camunda7 import client as camunda

    monkeypatch.setattr(camunda, "CAPABILITIES", replace(camunda.CAPABILITIES, process_statistics=False))
    with respx.mock(assert_all_mocked=True):  # nothing is asked of the engine
        running = viewer_client.get("/e/demo/charts/running/").content.decode()
        incidents = viewer_client.get("/e/demo/charts/incidents/").content.decode()
    assert "This engine does not count running instances per process." in running
    assert "This engine does not count incidents per process." in incidents
    assert "<canvas" not in running + incidents
