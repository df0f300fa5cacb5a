"""The external tasks tab: topic, worker, lock and retries, the error's details on demand; an Operator
sets retries and unlocks, audited; other roles see no control and are refused."""

import pytest

from audit.models import AuditEntry
from demo_engine.api.external_tasks import add_external_task

pytestmark = pytest.mark.django_db
INSTANCES = 120
PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "tab-panel"}


@pytest.fixture
def stuck(on_demo, fresh):
    """An instance at its payout with an external task a worker holds, out of retries."""
    instance = fresh(process_definition_key="loan", activity_ids=("pay_out",))
    task_id = add_external_task(
        on_demo.store, instance.id, "pay_out", topic="payout", worker="payer-1",
        lock_expiration="2026-11-22T10:05:00.000+0000", retries=0, error_message="Bank offline",
        error_details="java.io.IOException: bank offline\n\tat Payer.pay(Payer.java:7)",
    )  # fmt: skip
    return instance.id, task_id


def test_the_tab_shows_topic_worker_lock_retries_and_the_error(stuck, client_as):
    instance_id, task_id = stuck
    client = client_as("Viewer")
    page = client.get(f"/e/demo/instances/{instance_id}/external/").content.decode()
    assert "<code><bdi>payout</bdi></code>" in page and '<td class="worker"><bdi>payer-1</bdi></td>' in page
    assert "expired</strong>" in page and "out of retries</strong>" in page and "<bdi>Pay out</bdi>" in page
    assert "java.io.IOException" not in page  # the details come only when asked for
    details = client.get(f"/e/demo/instances/{instance_id}/external-tasks/{task_id}/error-details/")
    assert "java.io.IOException: bank offline" in details.content.decode()


@pytest.mark.parametrize("role", ["Viewer", "Support"])
def test_roles_below_operator_see_no_control_and_are_refused(stuck, engine, client_as, role):
    instance_id, task_id = stuck
    client = client_as(role)
    page = client.get(f"/e/demo/instances/{instance_id}/external/").content.decode()
    assert "Set retries" not in page and "Unlock" not in page
    base = f"/e/demo/instances/{instance_id}/external-tasks/{task_id}"
    assert client.post(f"{base}/retries/", {"retries": 3}).status_code == 403
    assert client.post(f"{base}/unlock/").status_code == 403
    task = engine.get_external_task(task_id)
    assert (task.retries, task.worker_id) == (0, "payer-1") and not AuditEntry.objects.exists()


def test_an_operator_sets_retries_and_unlocks_audited_with_old_and_new(stuck, engine, client_as):
    instance_id, task_id = stuck
    client = client_as("Operator")
    base = f"/e/demo/instances/{instance_id}/external-tasks/{task_id}"

    answer = client.post(f"{base}/retries/", {"retries": 2}, **PANEL).content.decode()
    assert "The payout task has 2 retries now." in answer
    answer = client.post(f"{base}/unlock/", **PANEL).content.decode()
    assert "unlocked: any worker may fetch it now" in answer

    task = engine.get_external_task(task_id)
    assert (task.retries, task.worker_id, task.lock_expiration_time) == (2, None, None)
    retries = AuditEntry.objects.get(action="external_task.retries", target_id=task_id)
    assert (retries.old_value, retries.new_value) == (0, 2)
    unlocked = AuditEntry.objects.get(action="external_task.unlock", target_id=task_id)
    assert unlocked.old_value["worker"] == "payer-1" and unlocked.new_value["worker"] is None


def test_negative_retries_are_refused_next_to_the_field_and_change_nothing(stuck, engine, client_as):
    instance_id, task_id = stuck
    answer = client_as("Operator").post(
        f"/e/demo/instances/{instance_id}/external-tasks/{task_id}/retries/", {"retries": -1}, **PANEL
    )
    assert answer.status_code == 422
    assert "Ensure this value is greater than or equal to 0." in answer.content.decode()
    assert engine.get_external_task(task_id).retries == 0 and not AuditEntry.objects.exists()


def test_an_external_task_of_another_instance_is_not_found_under_this_one(stuck, fresh, engine, client_as):
    _, task_id = stuck
    other = fresh(process_definition_key="loan", activity_ids=("pay_out",))
    answer = client_as("Operator").post(f"/e/demo/instances/{other.id}/external-tasks/{task_id}/unlock/")
    assert answer.status_code == 404 and engine.get_external_task(task_id).worker_id == "payer-1"
