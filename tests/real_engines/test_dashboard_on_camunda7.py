"""The dashboard's pages on real Camunda 7.24 (on_camunda7): what they show is the engine's."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_an_instance_page_shows_the_incident_the_delegate_raised(on_camunda7, operator_client):
    declined = on_camunda7.seeded.one("charge_declined")
    page = operator_client.get(f"/e/demo/instances/{declined.id}/")
    assert page.status_code == 200 and declined.business_key in page.content.decode()
    incidents = operator_client.get(f"/e/demo/instances/{declined.id}/incidents/")
    assert incidents.status_code == 200
    assert "Card declined: insufficient funds" in incidents.content.decode()


def test_the_instance_list_counts_the_engines_instances(on_camunda7, operator_client, camunda7_client):
    page = operator_client.get("/e/demo/instances/count/")
    assert page.status_code == 200
    assert f"{camunda7_client.count_instances():,}" in page.content.decode()


def test_the_instance_lists_rows_get_their_process_incidents_and_start_from_the_engine(
    on_camunda7, viewer_client, camunda7_client
):
    from engines.queries import ProcessInstanceQuery
    from tests.instances.test_list_rounds import details_form, grouped

    declined = on_camunda7.seeded.one("charge_declined")
    body = viewer_client.get("/e/demo/instances/", {"business_key": declined.business_key}).content.decode()
    action, fields = details_form(body)
    assert [v for n, v in fields if n == "id"] == [declined.id]
    details = viewer_client.post(action, dict(grouped(fields))).content.decode()
    definition = camunda7_client.deployed_definition(
        camunda7_client.list_instances(ProcessInstanceQuery(process_instance_ids=(declined.id,)))[
            0
        ].definition_id
    )
    assert f"{definition.title} <small>v{definition.version}</small>" in details
    state = re.search(r'<span id="row-0-state"[^>]*>(.*?)</span>\n', details, re.S).group(1)
    assert "with incidents" in state
    started = r'<span id="row-0-started" hx-swap-oob="true"><time [^>]+>[-\d: ]{16}</time></span>'
    assert re.search(started, details)
    assert "could not be read" not in details


def test_the_pictures_over_time_count_what_camundas_history_holds(
    on_camunda7, viewer_client, camunda7_client
):
    """Incidents by when they were raised, and instances started, as Camunda's history counts them:
    the seeded ones all fall in the last day, and the picture's bars add up to the engine's counts."""
    import html
    import json
    from datetime import timedelta

    from django.utils import timezone

    from engines.queries import HistoricProcessInstanceQuery

    everything = camunda7_client.count_historic_incidents()
    assert everything >= camunda7_client.count_incidents() > 0
    future = timezone.now() + timedelta(days=1)
    assert camunda7_client.count_historic_incidents(created_after=future) == 0
    assert camunda7_client.count_historic_incidents(created_before=future) == everything

    body = viewer_client.get("/e/demo/charts/over-time/?window=24h").content.decode()
    data = json.loads(html.unescape(re.search(r'data-chart="([^"]*)"', body).group(1)))
    started, _, incidents = (sum(series["counts"]) for series in data["series"])
    day_ago = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=23)
    assert started == camunda7_client.count_historic_instances(
        HistoricProcessInstanceQuery(started_after=day_ago)
    )
    assert incidents == camunda7_client.count_historic_incidents(created_after=day_ago)


def test_every_page_shows_camundas_dates_in_the_one_format(
    on_camunda7, client_as, camunda7_client, monkeypatch
):
    """What real Camunda sends (dates the demo engine leaves out) is shown the one way too."""
    from tests.test_one_value_format import pages_with_dates, stray_dates, watch_raw_dates

    printed_raw = watch_raw_dates(monkeypatch)
    client = client_as("Admin")
    assert stray_dates(client, pages_with_dates(camunda7_client)) == []
    assert sorted({template for template, _ in printed_raw}) == []
