"""The jobs tab names each job's type; an Operator runs a job now, sets a timer's due date or works it out
again, each audited with the due date before and after; other roles see no control and are refused."""

import html
from datetime import UTC, datetime

import pytest

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
INSTANCES = 400
PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "tab-panel"}


@pytest.fixture
def timer(engine, fresh):
    instance = fresh(process_definition_key="loan", activity_ids=("cooling_off",), suspended=False)
    [job] = engine.list_jobs(process_instance_id=instance.id)
    return instance.id, job


def test_the_tab_names_the_timers_type(timer, client_as):
    instance_id, _ = timer
    page = client_as("Viewer").get(f"/e/demo/instances/{instance_id}/jobs/").content.decode()
    assert '<td class="job-type"><bdi>timer-intermediate-transition</bdi></td>' in page


@pytest.mark.parametrize("role", ["Viewer", "Support"])
def test_roles_below_operator_see_no_control_and_are_refused(timer, engine, client_as, role):
    instance_id, job = timer
    client = client_as(role)
    page = client.get(f"/e/demo/instances/{instance_id}/jobs/").content.decode()
    assert "Run now" not in page and "Set due date" not in page and "Recalculate" not in page
    base = f"/e/demo/instances/{instance_id}/jobs/{job.id}"
    assert client.post(f"{base}/run/").status_code == 403
    assert client.post(f"{base}/due-date/", {"due": "2030-01-02T03:04"}).status_code == 403
    assert client.post(f"{base}/recalculate/").status_code == 403
    assert engine.get_job(job.id).due_date == job.due_date and not AuditEntry.objects.exists()


def test_an_operator_sets_a_due_date_and_recalculates_it_audited(timer, engine, client_as, settings):
    settings.TIME_ZONE = "UTC"
    instance_id, job = timer
    client = client_as("Operator")
    base = f"/e/demo/instances/{instance_id}/jobs/{job.id}"

    answer = client.post(f"{base}/due-date/", {"due": "2030-01-02T03:04"}, **PANEL).content.decode()
    assert f"Job {job.id} is due 2030-01-02 03:04 now." in answer
    assert engine.get_job(job.id).due_date == datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    moved = AuditEntry.objects.get(action="job.due_date", target_id=job.id)
    assert moved.old_value == job.due_date.isoformat() and moved.new_value.startswith("2030-01-02T03:04")

    client.post(f"{base}/recalculate/", **PANEL)
    recalculated = engine.get_job(job.id).due_date
    assert recalculated.year < 2030
    entry = AuditEntry.objects.get(action="job.recalculate_due_date", target_id=job.id)
    assert entry.old_value.startswith("2030-01-02T03:04") and entry.new_value == recalculated.isoformat()


def test_a_due_date_that_is_no_date_is_refused_next_to_the_field(timer, engine, client_as):
    instance_id, job = timer
    answer = client_as("Operator").post(
        f"/e/demo/instances/{instance_id}/jobs/{job.id}/due-date/", {"due": "tomorrow"}, **PANEL
    )
    assert answer.status_code == 422 and "Give a date and a time." in answer.content.decode()
    assert engine.get_job(job.id).due_date == job.due_date and not AuditEntry.objects.exists()


def test_running_a_timer_now_moves_the_instance_on_audited(timer, engine, client_as):
    instance_id, job = timer
    answer = client_as("Operator").post(f"/e/demo/instances/{instance_id}/jobs/{job.id}/run/", **PANEL)
    assert f"Job {job.id} ran." in answer.content.decode()
    assert engine.list_jobs(process_instance_id=instance_id) == [] or all(
        j.id != job.id for j in engine.list_jobs(process_instance_id=instance_id)
    )
    assert AuditEntry.objects.get(action="job.execute", target_id=job.id).outcome == "succeeded"


def test_running_a_failing_job_shows_the_engines_message_and_is_audited_as_failed(engine, fresh, client_as):
    [incident] = engine.list_incidents(activity_id="charge", incident_message_like="%declined%", limit=1)
    answer = client_as("Operator").post(
        f"/e/demo/instances/{incident.process_instance_id}/jobs/{incident.job_id}/run/", **PANEL
    )
    assert "Card declined" in answer.content.decode()
    assert AuditEntry.objects.get(action="job.execute").outcome == "failed"


def test_a_job_of_another_instance_is_not_found_under_this_one(timer, fresh, engine, client_as):
    _, job = timer
    other = fresh(process_definition_key="loan", activity_ids=("cooling_off",))
    answer = client_as("Operator").post(f"/e/demo/instances/{other.id}/jobs/{job.id}/run/")
    assert answer.status_code == 404 and engine.get_job(job.id).id == job.id


def test_when_the_job_definitions_cannot_be_read_the_jobs_are_listed_with_their_type_unnamed(client_as):
    import httpx

    from tests.instances.fake_engine import fake_engine

    failing = httpx.Response(500, json={"type": "ProcessEngineException", "message": "database gone"})
    with fake_engine({("GET", "/job-definition"): failing}):
        page = client_as("Viewer").get("/e/demo/instances/pi-1/jobs/").content.decode()
    assert "<code><bdi>job-1</bdi></code>" in page and '<td class="job-type">—</td>' in page


def test_a_job_change_is_audited_with_its_instances_business_key_and_process(timer, engine, client_as):
    instance_id, job = timer
    client_as("Operator").post(
        f"/e/demo/instances/{instance_id}/jobs/{job.id}/due-date/", {"due": "2030-01-02T03:04"}
    )
    entry = AuditEntry.objects.get(action="job.due_date")
    assert entry.parameters["business_key"] == engine.get_instance(instance_id).business_key
    assert entry.parameters["process_name"] == "Loan application"


def test_a_job_that_has_already_run_is_said_so_in_plain_words(timer, engine, client_as):
    instance_id, _job = timer
    # As for a job the engine ran (or removed) after the tab was drawn: it no longer knows the id.
    gone = "00000000-0000-4000-8000-00000000dead"
    answer = client_as("Operator").post(f"/e/demo/instances/{instance_id}/jobs/{gone}/run/", **PANEL)
    body = html.unescape(answer.content.decode())
    assert answer.status_code == 200
    assert "This job has already run, or was removed: the jobs below are the engine's now." in body
    assert "does not exist" not in body and not AuditEntry.objects.exists()


def test_a_due_date_in_the_past_warns_that_the_engine_runs_the_job_at_once(
    timer, engine, client_as, settings
):
    settings.TIME_ZONE = "UTC"
    instance_id, job = timer
    answer = client_as("Operator").post(
        f"/e/demo/instances/{instance_id}/jobs/{job.id}/due-date/", {"due": "2020-01-02T03:04"}, **PANEL
    )
    assert (
        f"Job {job.id} is due 2020-01-02 03:04 now: that has passed, so the engine runs it at once "
        "(the list may not show it yet)." in answer.content.decode()
    )
