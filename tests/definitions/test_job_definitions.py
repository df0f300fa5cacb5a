"""The definition page's job definitions: activity, type and state of each; an Operator suspends and
activates them (with their jobs when asked), overrides or clears the job priority, and retries the failed
jobs; each audited; other roles see no control and are refused."""

import pytest

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db
INSTANCES = 200
PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "job-definitions"}


def loan(engine):
    return engine.list_definitions(key="loan", limit=1)[0]


def section(client, definition_id: str) -> str:
    return client.get(f"/e/demo/processes/{definition_id}/job-definitions/", **PANEL).content.decode()


def test_each_job_definition_shows_its_activity_type_state_and_failed_jobs(on_demo, engine, client_as):
    definition = loan(engine)
    client = client_as("Viewer")
    html = section(client, definition.id)
    assert "<bdi>Cooling-off period over</bdi>" in html and "<bdi>Pay out</bdi>" in html
    assert "<code><bdi>timer-intermediate-transition</bdi></code>" in html
    failed = engine.count_jobs(
        job_definition_id=f"async-continuation:{definition.id}:pay_out", no_retries_left=True
    )
    assert failed > 0 and f'<td class="failed-jobs">{failed}</td>' in html
    assert "Suspend" not in html and "Set priority" not in html and "Retry" not in html
    page = client.get(f"/e/demo/processes/{definition.id}/").content.decode()
    assert "<h2>Job definitions</h2>" in page


@pytest.mark.parametrize("role", ["Viewer", "Support"])
def test_roles_below_operator_are_refused_and_nothing_changes(on_demo, engine, client_as, role):
    definition = loan(engine)
    timer = f"timer:{definition.id}:cooling_off"
    client = client_as(role)
    base = f"/e/demo/processes/{definition.id}/job-definitions/{timer}"
    assert client.post(f"{base}/suspended/", {"suspended": "true"}).status_code == 403
    assert client.post(f"{base}/priority/", {"priority": "5"}).status_code == 403
    assert client.post(f"{base}/retry/").status_code == 403
    job_definition = engine.get_job_definition(timer)
    assert not job_definition.suspended and job_definition.overriding_job_priority is None
    assert not AuditEntry.objects.exists()


def test_an_operator_suspends_with_its_jobs_and_activates_again_audited(on_demo, engine, client_as):
    definition = engine.list_definitions(key="order", limit=1)[0]
    timer = f"timer:{definition.id}:await_delivery"
    client = client_as("Operator")
    base = f"/e/demo/processes/{definition.id}/job-definitions/{timer}"

    html = client.post(
        f"{base}/suspended/", {"suspended": "true", "include_jobs": "on"}, **PANEL
    ).content.decode()
    assert "is suspended now with its jobs." in html
    assert engine.get_job_definition(timer).suspended
    jobs = engine.list_jobs(job_definition_id=timer)
    assert jobs and all(job.suspended for job in jobs)
    entry = AuditEntry.objects.get(action="job_definition.suspend")
    assert (entry.old_value, entry.new_value, entry.parameters["include_jobs"]) == (
        "active",
        "suspended",
        True,
    )

    client.post(f"{base}/suspended/", {"suspended": "false", "include_jobs": "on"}, **PANEL)
    assert not engine.get_job_definition(timer).suspended
    assert not any(
        job.suspended for job in engine.list_jobs(job_definition_id=timer) if job.id in {j.id for j in jobs}
    )


def test_an_operator_overrides_the_priority_and_clears_it_audited(on_demo, engine, client_as):
    definition = loan(engine)
    timer = f"timer:{definition.id}:cooling_off"
    client = client_as("Operator")
    url = f"/e/demo/processes/{definition.id}/job-definitions/{timer}/priority/"

    assert "gives its jobs priority 7 now." in client.post(url, {"priority": "7"}, **PANEL).content.decode()
    assert engine.get_job_definition(timer).overriding_job_priority == 7
    client.post(url, {"priority": ""}, **PANEL)
    assert engine.get_job_definition(timer).overriding_job_priority is None
    changes = AuditEntry.objects.filter(action="job_definition.priority").order_by("at")
    assert [(e.old_value, e.new_value) for e in changes] == [(None, 7), (7, None)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"priority": "high"}, "A priority is a whole number."),
        ({"priority": "", "include_jobs": "on"}, "untick “its jobs too”"),
    ],
)
def test_a_bad_priority_is_refused_next_to_the_field_and_changes_nothing(
    on_demo, engine, client_as, data, message
):
    definition = loan(engine)
    timer = f"timer:{definition.id}:cooling_off"
    answer = client_as("Operator").post(
        f"/e/demo/processes/{definition.id}/job-definitions/{timer}/priority/", data, **PANEL
    )
    assert answer.status_code == 422 and message in answer.content.decode()
    assert (
        engine.get_job_definition(timer).overriding_job_priority is None and not AuditEntry.objects.exists()
    )


def test_retrying_the_failed_jobs_says_what_became_of_them_and_leaves_none_failed_that_recovered(
    on_demo, engine, client_as
):
    definition = engine.list_definitions(key="credit-check", limit=1)[0]
    score = f"async-continuation:{definition.id}:score"
    failed = engine.list_jobs(job_definition_id=score, no_retries_left=True, limit=500)
    assert failed
    html = (
        client_as("Operator")
        .post(f"/e/demo/processes/{definition.id}/job-definitions/{score}/retry/", **PANEL)
        .content.decode()
    )
    assert f"{len(failed)} failed job{'s' if len(failed) != 1 else ''} retried: " in html
    still = {job.id for job in engine.list_jobs(job_definition_id=score, no_retries_left=True, limit=500)}
    entry = AuditEntry.objects.get(action="job_definition.retry_failed_jobs")
    assert set(entry.parameters["jobs"]) == {job.id for job in failed}
    assert set(entry.engine_response["failed_again"]) == still  # the others ran through


def test_a_job_definition_of_another_definition_is_not_found_under_this_one(on_demo, engine, client_as):
    order = engine.list_definitions(key="order", limit=1)[0]
    other = f"timer:{loan(engine).id}:cooling_off"
    answer = client_as("Operator").post(
        f"/e/demo/processes/{order.id}/job-definitions/{other}/suspended/", {"suspended": "true"}
    )
    assert answer.status_code == 404 and not engine.get_job_definition(other).suspended


def test_a_job_definition_change_is_audited_with_its_activitys_name(on_demo, engine, client_as):
    definition = loan(engine)
    timer = f"timer:{definition.id}:cooling_off"
    client_as("Operator").post(
        f"/e/demo/processes/{definition.id}/job-definitions/{timer}/priority/", {"priority": "7"}
    )
    entry = AuditEntry.objects.get(action="job_definition.priority")
    assert entry.parameters["activity"] == "Cooling-off period over"


def test_retrying_jobs_that_fail_again_for_one_reason_names_it_once_with_the_count(
    on_demo, engine, client_as
):
    definition = loan(engine)
    pay_out = f"async-continuation:{definition.id}:pay_out"
    failed = engine.list_jobs(job_definition_id=pay_out, no_retries_left=True, limit=500)
    assert len(failed) > 1
    html = (
        client_as("Operator")
        .post(f"/e/demo/processes/{definition.id}/job-definitions/{pay_out}/retry/", **PANEL)
        .content.decode()
    )
    again = {
        job.exception_message
        for job in engine.list_jobs(job_definition_id=pay_out, no_retries_left=True, limit=500)
    }
    [reason] = again
    count = engine.count_jobs(job_definition_id=pay_out, no_retries_left=True)
    assert f"{count} failed again: {count} × {reason}" in html
    assert html.count(reason) == 1
    # The audit entry says what happened, not only that it failed.
    entry = AuditEntry.objects.get(action="job_definition.retry_failed_jobs")
    assert entry.engine_response["summary"] == (
        f"{len(failed)} failed jobs retried: {len(failed) - count} recovered, "
        f"{count} failed again: {count} × {reason}"
    )
