"""A retry says what the engine did with the job when it ran it again: recovered, or failed again."""

import time

import pytest

from audit.models import AuditEntry
from batches import operations
from batches.models import Operation

pytestmark = pytest.mark.django_db
INSTANCES = 300


def follow_to_the_end(operation: Operation) -> Operation:
    operations.hand_over(operation)  # what the worker does: the retries go to an engine batch
    deadline = time.monotonic() + 30
    while operations.follow(Operation.objects.get(pk=operation.pk)):
        assert time.monotonic() < deadline, "the retry was followed for ever"
        time.sleep(0.2)
    return Operation.objects.get(pk=operation.pk)


def test_a_single_retry_whose_job_fails_again_says_so_and_is_audited_as_failed(
    on_demo, engine, operator_client
):
    [incident] = engine.list_incidents(incident_message_like="%declined%", activity_id="charge", limit=1)
    row = operator_client.post(f"/e/demo/incidents/{incident.id}/retry/").content.decode()
    assert "failed again" in row and "Card declined" in row
    entry = AuditEntry.objects.get(action="incident.retry", target_id=incident.id)
    assert entry.outcome == "failed"
    assert list(entry.engine_response["failed_again"]) == [incident.job_id]
    assert "Card declined" in entry.engine_response["failed_again"][incident.job_id]


def test_a_single_retry_whose_job_recovers_is_audited_as_recovered(on_demo, engine, operator_client):
    incident = next(
        i
        for i in engine.list_incidents(incident_message_like="%answered 503%", activity_id="score", limit=20)
        if not engine.get_job(i.job_id).suspended
    )
    row = operator_client.post(f"/e/demo/incidents/{incident.id}/retry/").content.decode()
    assert "the incident is resolved" in row
    entry = AuditEntry.objects.get(action="incident.retry", target_id=incident.id)
    assert (entry.outcome, entry.engine_response["recovered"]) == ("succeeded", [incident.job_id])


def test_retrying_an_instances_incidents_says_which_failed_again(on_demo, engine, operator_client):
    [incident] = engine.list_incidents(incident_message_like="%declined%", activity_id="charge", limit=1)
    url = f"/e/demo/instances/{incident.process_instance_id}/retry-incidents/"
    tab = operator_client.post(url).content.decode()
    assert "1 job retried" in tab and "1 failed again: Card declined" in tab
    assert AuditEntry.objects.get(action="incident.retry").outcome == "failed"


def test_a_bulk_retry_says_how_many_recovered_and_how_many_failed_again(on_demo, engine, operator_client):
    declined = engine.list_incidents(incident_message_like="%declined%", activity_id="charge", limit=3)
    recovering = [  # a suspended job would not run again at all
        i
        for i in engine.list_incidents(incident_message_like="%answered 503%", activity_id="score", limit=20)
        if not engine.get_job(i.job_id).suspended
    ][:2]
    chosen = [i.id for i in declined + recovering]
    operator_client.post(
        "/e/demo/incidents/bulk/",
        {"action": "retry", "scope": "selected", "incident_ids": chosen, "confirm": "yes"},
    )
    operation = follow_to_the_end(Operation.objects.get(kind="incident_retry"))
    assert operation.status == "completed"
    assert sorted(operation.result["recovered"]) == sorted(i.job_id for i in recovering)
    assert sorted(operation.result["failed_again"]) == sorted(i.job_id for i in declined)
    page = operator_client.get(f"/e/demo/batches/operations/{operation.pk}/").content.decode()
    assert "5 job(s) sent to run again, 2 recovered, 3 failed again" in page and "Card declined" in page
    for incident in declined:  # each job that failed again leads to its instance
        instance_id = incident.process_instance_id
        assert f'<a href="/e/demo/instances/{instance_id}/"><bdi>{instance_id}</bdi></a>' in page
    ended = AuditEntry.objects.get(action="operation.incident_retry.ended", target_id=str(operation.pk))
    assert ended.outcome == "failed" and len(ended.engine_response["failed_again"]) == 3


def a_suspended_instances_incident(engine, taken):
    """A failed job's incident on an instance suspended for the test (the engine suspends the job with it)."""
    incident = next(
        i
        for i in engine.list_incidents(incident_type="failedJob", limit=200)
        if i.job_id and i.process_instance_id not in taken and not engine.get_job(i.job_id).suspended
    )
    taken.add(incident.process_instance_id)
    engine.set_instance_suspended(incident.process_instance_id, suspended=True)
    return incident


def test_the_incidents_tab_of_a_suspended_instance_says_the_job_runs_only_once_it_is_activated(
    on_demo, engine, operator_client, taken
):
    incident = a_suspended_instances_incident(engine, taken)
    tab = operator_client.get(f"/e/demo/instances/{incident.process_instance_id}/incidents/").content.decode()
    assert "The instance is suspended: a retry resolves the incident, but the job runs only once" in tab


def test_a_retry_on_a_suspended_instance_says_the_job_waits_and_is_audited_so(
    on_demo, engine, operator_client, taken
):
    incident = a_suspended_instances_incident(engine, taken)
    row = operator_client.post(f"/e/demo/incidents/{incident.id}/retry/").content.decode()
    assert "the job ran again" not in row
    said = "incident resolved; the job waits, suspended with its instance, and runs when the instance is "
    assert said + "activated" in row
    job = engine.get_job(incident.job_id)  # it did not run: still there, suspended, with its retry
    assert (job.suspended, job.retries) == (True, 1)
    entry = AuditEntry.objects.get(action="incident.retry", target_id=incident.id)
    assert entry.engine_response["waiting_suspended"] == [incident.job_id]
    assert "waits, suspended with its instance" in entry.engine_response["outcome"]
    assert entry.engine_response["recovered"] == []


def test_retrying_a_suspended_instances_incidents_counts_them_as_waiting(
    on_demo, engine, operator_client, taken
):
    incident = a_suspended_instances_incident(engine, taken)
    url = f"/e/demo/instances/{incident.process_instance_id}/retry-incidents/"
    tab = operator_client.post(url).content.decode()
    assert "1 job retried: 0 recovered, 1 waiting on a suspended instance" in tab
    assert "not run by the engine yet" not in tab


def test_a_bulk_retry_says_before_and_after_which_incidents_are_on_suspended_instances(
    on_demo, engine, operator_client, taken
):
    waiting = a_suspended_instances_incident(engine, taken)
    declined = [
        i
        for i in engine.list_incidents(incident_message_like="%declined%", activity_id="charge", limit=20)
        if i.process_instance_id not in taken and not engine.get_job(i.job_id).suspended
    ][:2]
    chosen = {"action": "retry", "scope": "selected", "incident_ids": [waiting.id, *(i.id for i in declined)]}
    confirmation = operator_client.post("/e/demo/incidents/bulk/", chosen).content.decode()
    assert "Retry incidents: 3 incidents" in confirmation
    assert "1 of them is on a suspended instance" in confirmation
    operator_client.post("/e/demo/incidents/bulk/", {**chosen, "confirm": "yes"})
    operation = follow_to_the_end(Operation.objects.get(kind="incident_retry"))
    assert operation.result["waiting_suspended"] == [waiting.job_id]
    assert engine.get_job(waiting.job_id).retries == 1  # it did not run
    page = operator_client.get(f"/e/demo/batches/operations/{operation.pk}/").content.decode()
    assert (
        "3 job(s) sent to run again, 0 recovered, 2 failed again, 1 waiting on a suspended instance" in page
    )
    assert "not run by the engine yet" not in page


# --- every way in goes through the one retry: the same outcome, the same root cause ---------------------


def a_fresh_incident(engine, taken, message_like: str, activity_id: str):
    incident = next(
        i
        for i in engine.list_incidents(incident_message_like=message_like, activity_id=activity_id, limit=50)
        if i.process_instance_id not in taken and i.job_id and not engine.get_job(i.job_id).suspended
    )
    taken.add(incident.process_instance_id)
    return incident


def test_retrying_instances_failed_jobs_one_by_one_fails_the_instance_whose_job_failed_again(
    on_demo, engine, make_user, client_as, taken
):
    declined = a_fresh_incident(engine, taken, "%declined%", "charge")
    recovering = a_fresh_incident(engine, taken, "%answered 503%", "score")
    ids = [declined.process_instance_id, recovering.process_instance_id]
    operation = operations.start(
        user=make_user("Operator", "olga"), engine="demo", kind="retry_incidents", parameters={"ids": ids}
    )
    while operations.work_chunk(operation.pk, "test") == operations.MORE:
        pass
    operation = Operation.objects.get(pk=operation.pk)
    items = {item.target: item for item in operation.items.all()}
    failed, done = items[declined.process_instance_id], items[recovering.process_instance_id]
    assert failed.state == "failed" and "1 failed again: Card declined" in failed.result
    assert done.state == "done" and "recovered" in done.result and "failed again" not in done.result
    assert (operation.status, operation.done, operation.failed) == ("completed", 1, 1)
    assert engine.get_job(declined.job_id).retries == 0  # it ran again, and failed again
    assert engine.count_jobs(process_instance_id=recovering.process_instance_id, no_retries_left=True) == 0
    page = client_as("Viewer").get(f"/e/demo/batches/operations/{operation.pk}/").content.decode()
    assert "1 failed again: Card declined" in page


def test_a_propagated_incident_is_retried_at_its_root_cause_alone_or_in_bulk(
    on_demo, engine, operator_client, taken
):
    alone, in_bulk = [
        i
        for i in engine.list_incidents(activity_id="credit_check", limit=100)
        if i.process_instance_id not in taken and i.root_cause_incident_id not in (None, i.id)
    ][:2]
    taken.update({alone.process_instance_id, in_bulk.process_instance_id})
    root, bulk_root = (engine.get_incident(i.root_cause_incident_id).job_id for i in (alone, in_bulk))
    operator_client.post(f"/e/demo/incidents/{alone.id}/retry/")
    assert AuditEntry.objects.get(action="incident.retry").parameters["jobs"] == [root]
    operator_client.post(
        "/e/demo/incidents/bulk/",
        {"action": "retry", "scope": "selected", "incident_ids": [in_bulk.id], "confirm": "yes"},
    )
    operation = follow_to_the_end(Operation.objects.get(kind="incident_retry"))
    assert operation.parameters["job_ids"] == [bulk_root]
    assert operation.result["sent"] == 1 and bulk_root in operation.result["recovered"] + list(
        operation.result["failed_again"]
    )
