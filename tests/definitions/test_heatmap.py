"""A definition's heatmap: per activity how often it ran and how long it took, from the history, for
the time window chosen; bad choices are refused next to their field; engine errors stay in the section."""

import html
import json
import re

import pytest

from definitions.activity_history import durations_of, finished_sample, percentile
from engines import EngineConfig
from engines.queries import HistoricActivityInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 200


def _heatmap(client, definition_id, **params):
    response = client.get(f"/e/demo/processes/{definition_id}/heatmap/", params)
    assert response.status_code == 200
    return response.content.decode()


def _row(body, activity_id):
    row = re.search(rf'<tr data-activity="{re.escape(activity_id)}">(.*?)</tr>', body, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    ]


def _drawn(body):
    held = re.search(r'<div id="heatmap-data" hidden data-drawn="(.*?)">', body).group(1)
    return json.loads(html.unescape(held))


def test_each_activity_shows_its_counts_and_percentiles_from_the_history(on_demo, engine, viewer_client):
    order = engine.get_latest_definition("order")
    body = _heatmap(viewer_client, order.id, window="all")
    statistics = {row.id: row for row in engine.historic_activity_statistics(order.id)}
    sample, total = finished_sample(engine, order.id, since=None)
    ship = [a.duration_in_millis for a in sample if a.activity_id == "ship"]
    expected = durations_of(ship)
    cells = _row(body, "ship")
    assert cells[0] == "Ship goods"
    assert cells[1:4] == [f"{statistics['ship'].finished:,}", f"{statistics['ship'].canceled:,}",
                          f"{statistics['ship'].instances:,}"]  # fmt: skip
    assert expected and f'title="{expected.p90:,} ms"' in body
    assert f"the {total:,} activity instances that ended in it" in body
    drawn = _drawn(body)["activities"]
    assert drawn["ship"]["label"] == f"{statistics['ship'].finished + statistics['ship'].instances:,}"
    assert max(a["heat"] for a in drawn.values()) == 1


def test_coloured_by_duration_the_diagram_carries_each_activitys_median(on_demo, engine, viewer_client):
    order = engine.get_latest_definition("order")
    body = _heatmap(viewer_client, order.id, window="all", measure="duration")
    assert "Coloured by how long each activity took (median)" in body
    drawn = _drawn(body)
    assert drawn["measure"] == "duration"
    assert drawn["activities"]["ship"]["label"].endswith(" s")


def test_a_window_in_which_nothing_ran_says_so_and_draws_nothing(on_demo, engine, viewer_client):
    order = engine.get_latest_definition("order")
    # The seeded history is older than a day
    body = _heatmap(viewer_client, order.id, window="24h")
    assert "No activity ran in the last 24 hours." in body
    assert _drawn(body)["activities"] == {}
    assert 'value="24h" selected' in body


def test_the_default_is_the_last_7_days_by_how_often(on_demo, engine, viewer_client):
    order = engine.get_latest_definition("order")
    body = _heatmap(viewer_client, order.id)
    assert "in the last 7 days" in body and 'value="7d" selected' in body
    assert 'value="count" checked' in body


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"window": "2y"}, "window", "Choose one of the windows offered: the last 24 hours, the last 7 days"),
        ({"measure": "-1"}, "measure", "Colour by how often it ran or by how long it took."),
    ],
)
def test_an_unknown_choice_is_refused_next_to_its_field_and_nothing_is_drawn(
    on_demo, engine, viewer_client, params, field, words
):
    order = engine.get_latest_definition("order")
    body = _heatmap(viewer_client, order.id, **params)
    error = re.search(
        rf'<span id="heatmap-{field}-error" class="field-error" role="alert">(.*?)</span>', body
    )
    assert error and words in error.group(1)
    assert "heatmap-data" not in body and "<table" not in body


def test_the_definition_page_loads_the_heatmap_for_the_window_in_its_url(on_demo, engine, viewer_client):
    order = engine.get_latest_definition("order")
    body = viewer_client.get(f"/e/demo/processes/{order.id}/", {"window": "30d", "measure": "duration"})
    assert f"/e/demo/processes/{order.id}/heatmap/?window=30d&amp;measure=duration" in body.content.decode()


def test_an_engine_error_is_shown_in_the_section_not_as_a_500(on_demo, viewer_client):
    body = _heatmap(viewer_client, "no-such-definition:1:x", window="all")
    assert "The activity history could not be loaded" in body
    assert "banner-error" in body


def test_an_engine_without_the_activity_history_says_so_and_asks_nothing(settings, viewer_client):
    settings.ENGINES = {
        "demo": EngineConfig(name="demo", kind="flowable", base_url="http://engine.invalid/flowable-rest")
    }
    body = _heatmap(viewer_client, "order:1:x", window="all")
    assert "does not say per activity how often or how long it ran" in body
    assert "<form" not in body


def test_percentiles_are_nearest_rank():
    assert percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.5) == 50
    assert percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9) == 90
    assert percentile([7], 0.9) == 7
    assert durations_of([3, 1, 2]).max == 3 and durations_of([]) is None


def test_the_sample_is_the_newest_finished_and_capped(on_demo, engine):
    order = engine.get_latest_definition("order")
    sample, total = finished_sample(engine, order.id, since=None, cap=150)
    assert len(sample) == 150 < total
    assert total == engine.count_historic_activity_instances(
        HistoricActivityInstanceQuery(order.id, finished=True)
    )
    ends = [a.end_time for a in sample]
    assert ends == sorted(ends, reverse=True)
