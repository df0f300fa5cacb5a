"""Where the trouble is going to be: failed jobs still retrying, instances stuck in an activity, and
their counts on the dashboard. Read-only, for every role; bad thresholds are refused next to their field."""

import re
from html import unescape

import pytest

from engines import EngineConfig
from engines.queries import ProcessInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 150


def test_without_a_retrying_job_the_view_says_so(on_demo, engine, viewer_client):
    # First in the module: the seeded jobs either run or are out of retries
    assert engine.count_jobs(with_exception=True, no_retries_left=False) == 0
    body = viewer_client.get("/e/demo/trouble/jobs-retrying/").content.decode()
    assert "No failed job is waiting to be tried again." in body


@pytest.fixture
def retrying_job(engine):
    """A failed job given retries while its instance is suspended: it waits to be tried again (the
    same one for every test of the module that asks)."""
    found = engine.list_jobs(with_exception=True, no_retries_left=False, limit=1)
    if found:
        return found[0]
    job = next(
        j for j in engine.list_jobs(no_retries_left=True, limit=50) if j.failed_activity_id == "charge"
    )
    engine.set_instance_suspended(job.process_instance_id, suspended=True)
    engine.set_job_retries(job.id, 2)
    return engine.get_job(job.id)


def test_jobs_retrying_lists_each_failed_job_with_retries_left_its_activity_and_instance(
    on_demo, engine, viewer_client, retrying_job
):
    body = viewer_client.get("/e/demo/trouble/jobs-retrying/").content.decode()
    assert engine.count_jobs(with_exception=True, no_retries_left=False) == 1
    [rows] = re.findall(r"<tbody>(.*?)</tbody>", body, re.S)
    assert rows.count("<tr") == 1
    cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", rows, re.S)]
    assert cells[0] == retrying_job.process_definition_key
    assert cells[1] == "Charge card"
    assert cells[2] == retrying_job.exception_message
    assert cells[3] == "2"
    instance = retrying_job.process_instance_id
    assert f'href="/e/demo/instances/{instance}/"' in rows
    assert f'href="/e/demo/instances/{instance}/jobs/"' in rows


def _stuck_rows(body):
    return re.findall(
        r'<tr data-activity="([^"]+)" data-definition="([^"]+)">.*?<a href="([^"]+)">([\d,]+) stuck</a>',
        body,
        re.S,
    )


def test_each_stuck_activity_links_to_the_list_of_exactly_its_stuck_instances(on_demo, engine, viewer_client):
    body = viewer_client.get("/e/demo/trouble/stuck/", {"factor": "2", "floor": "10"}).content.decode()
    rows = _stuck_rows(body)
    assert rows, body
    activity, definition_id, href, count = rows[0]
    waiting = engine.count_instances(
        ProcessInstanceQuery(process_definition_id=definition_id, activity_ids=(activity,))
    )
    # The seeded instances have waited for weeks: every one of them is stuck
    assert int(count.replace(",", "")) == waiting > 0
    listed = viewer_client.get(unescape(href)).content.decode()
    # An ordinary filter of the list's own form: its chips and its fields say it
    assert re.search(rf'<option value="{activity}"[^>]*selected', listed)
    assert '<li class="chip">Waiting in: ' in listed
    assert re.search(r'name="waiting_since_before" value="\d{4}-\d\d-\d\dT\d\d:\d\d', listed)
    counted = viewer_client.get(unescape(href).replace("/instances/?", "/instances/count/?")).content.decode()
    assert f"{waiting:,} matching" in counted


def test_a_floor_longer_than_any_wait_finds_none_stuck(on_demo, viewer_client):
    body = viewer_client.get("/e/demo/trouble/stuck/", {"factor": "1", "floor": "525600"}).content.decode()
    assert "No instance waits longer than its activity usually takes." in body
    assert "0 stuck waits" in body


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"factor": "-2"}, "factor", "The factor is 1 or more"),
        ({"factor": "lots"}, "factor", "The factor is a number"),
        ({"floor": "-5"}, "floor", "The floor is 0 minutes or more."),
    ],
)
def test_a_bad_threshold_is_refused_next_to_its_field_and_nothing_is_looked_for(
    on_demo, viewer_client, params, field, words
):
    body = viewer_client.get("/e/demo/trouble/stuck/", params).content.decode()
    error = re.search(rf'<span id="{field}-error" class="field-error" role="alert">(.*?)</span>', body)
    assert error and words in unescape(error.group(1))
    assert "stuck-activities" not in body and "stuck-count" not in body


def test_the_dashboard_counts_both_and_links_to_the_views(on_demo, engine, viewer_client, retrying_job):
    dashboard = viewer_client.get("/e/demo/").content.decode()
    assert "/e/demo/trouble/tiles/jobs-retrying/" in dashboard and "/e/demo/trouble/tiles/stuck/" in dashboard
    jobs = viewer_client.get("/e/demo/trouble/tiles/jobs-retrying/").content.decode()
    assert re.search(r'<a href="/e/demo/trouble/jobs-retrying/">1</a>', jobs)
    stuck = viewer_client.get("/e/demo/trouble/tiles/stuck/").content.decode()
    page = viewer_client.get("/e/demo/trouble/stuck/").content.decode()
    total = re.search(r'<span id="stuck-count">([\d,]+) stuck wait', page).group(1)
    assert re.search(rf'<a href="/e/demo/trouble/stuck/">{total}</a>', stuck)


@pytest.mark.parametrize("url", ["/e/demo/trouble/jobs-retrying/", "/e/demo/trouble/stuck/"])
def test_an_engine_that_does_not_answer_gives_a_banner_not_a_500(client_as, url):
    # The tests' own engine (engine.test) is no server
    response = client_as("Viewer").get(url)
    assert response.status_code != 500
    assert "banner-error" in response.content.decode()


def test_an_engine_without_the_activity_history_says_why_there_is_no_stuck_view(settings, viewer_client):
    settings.ENGINES = {
        "demo": EngineConfig(name="demo", kind="flowable", base_url="http://engine.invalid/flowable-rest")
    }
    body = viewer_client.get("/e/demo/trouble/stuck/").content.decode()
    assert "stuck instances cannot be found here" in body and "stuck-form" not in body
    tile = viewer_client.get("/e/demo/trouble/tiles/stuck/").content.decode()
    assert "does not say how long activities usually take" in tile


@pytest.mark.parametrize("url", ["/e/demo/trouble/jobs-retrying/", "/e/demo/trouble/stuck/?factor=-1"])
def test_signing_in_is_required(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_takes_in_it_since_before_only_with_an_activity(on_demo, viewer_client):
    body = viewer_client.get(
        "/e/demo/instances/", {"waiting_since_before": "2026-11-20T10:00"}
    ).content.decode()
    assert "Name the activity too (Waiting in activity)." in body


@pytest.mark.parametrize("url", ["/e/demo/trouble/jobs-retrying/", "/e/demo/trouble/stuck/"])
def test_every_role_may_look_and_no_control_acts_from_here(on_demo, client_as, role, url):
    body = client_as(role).get(url)
    assert body.status_code == 200
    assert 'method="post"' not in body.content.decode().split('class="logout-form"')[1]


def test_a_bulk_action_on_stuck_instances_says_since_when_in_words(settings):
    from cockpit.filter_words import instance_filter_words

    query = ProcessInstanceQuery(process_instance_ids=("pi-1", "pi-2"), activity_ids=("ship",))
    words = instance_filter_words(
        query, started={"after": None, "before": None, "waiting_before": "2026-11-20T10:00:00+00:00"}
    )
    assert words.startswith("Waiting in 'ship' since before 2026-11-20")
    assert "pi-1" not in words
