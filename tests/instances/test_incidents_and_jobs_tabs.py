"""The incidents tab says where a propagated incident comes from, with a link there; the jobs tab names
each job's activity and flags a timer whose due date passed without it running."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from engines.camunda7.dates import format_engine_date
from tests.engines.cases import JOB
from tests.instances.fake_engine import fake_engine

pytestmark = pytest.mark.django_db
INSTANCES = 200


def test_a_root_incident_says_nothing_about_its_cause(on_demo, engine, client_as):
    [incident] = engine.list_incidents(activity_id="charge", limit=1)
    page = (
        client_as("Viewer")
        .get(f"/e/demo/instances/{incident.process_instance_id}/incidents/")
        .content.decode()
    )
    # The incident's own row (the page around it has other words, e.g. the live switch's "Refresh by itself").
    row = re.search(rf'<tr id="incident-{re.escape(incident.id)}".*?</tr>', page, re.S)
    assert row, "the incident has no row"
    assert incident.incident_message in row.group(0)
    assert not re.search(r"itself|caused by|root cause", row.group(0), re.I)


def test_the_root_cause_of_a_propagated_incident_is_a_link_to_its_instance(on_demo, engine, client_as):
    [incident] = engine.list_incidents(activity_id="credit_check", limit=1)
    root = engine.get_incident(incident.root_cause_incident_id)
    client = client_as("Viewer")
    page = client.get(f"/e/demo/instances/{incident.process_instance_id}/incidents/").content.decode()
    link = re.search(r'root cause <a href="([^"]+)"[^>]*><code>' + re.escape(root.id), page) or re.search(
        r'\(<a href="([^"]+)">in a called instance</a>\)', page
    )
    assert link, "the root cause is not a link"
    followed = client.get(link.group(1), follow=True)
    assert followed.redirect_chain[-1][0] == f"/e/demo/instances/{root.process_instance_id}/incidents/"
    assert root.incident_message in followed.content.decode()


def test_the_jobs_tab_names_each_jobs_activity(on_demo, engine, client_as):
    [incident] = engine.list_incidents(activity_id="charge", limit=1)
    page = client_as("Viewer").get(f"/e/demo/instances/{incident.process_instance_id}/jobs/").content.decode()
    assert '<th scope="col">Activity</th>' in page
    assert re.search(r"<td><bdi>(Charge card|charge)</bdi></td>", page)


def test_a_timer_past_its_due_date_is_flagged_overdue(client_as):
    past = format_engine_date(timezone.now() - timedelta(hours=2))
    future = format_engine_date(timezone.now() + timedelta(hours=2))
    jobs = [
        {**JOB, "id": "late", "dueDate": past, "retries": 3, "exceptionMessage": None, "executionId": "ex-2"},
        {**JOB, "id": "later", "dueDate": future, "retries": 3, "exceptionMessage": None},
        {**JOB, "id": "failed", "dueDate": past, "retries": 0},  # an incident, not a late timer
    ]
    with fake_engine({("GET", "/job"): jobs}):
        page = client_as("Viewer").get("/e/demo/instances/pi-1/jobs/").content.decode()
    rows = {
        m.group(2): m.group(0)
        for m in re.finditer(r'<tr( class="overdue")?>\s*<td><code><bdi>([^<]+)</bdi>.*?</tr>', page, re.S)
    }
    assert "overdue</strong>" in rows["late"] and "<bdi>Ship goods</bdi>" in rows["late"]
    assert "overdue</strong>" not in rows["later"] and "overdue</strong>" not in rows["failed"]


def test_a_viewer_gets_no_actions_column_and_an_operator_a_retry_that_shows_it_is_busy(
    on_demo, engine, client_as
):
    [incident] = engine.list_incidents(activity_id="charge", limit=1)
    url = f"/e/demo/instances/{incident.process_instance_id}/incidents/"
    viewed = client_as("Viewer").get(url).content.decode()
    assert ">Actions</th>" not in viewed and 'class="row-actions"' not in viewed
    operated = client_as("Operator").get(url).content.decode()
    assert ">Actions</th>" in operated
    assert 'hx-disabled-elt="find button"' in operated and "Retrying…" in operated
    assert "Retry all 1 incident" not in operated
