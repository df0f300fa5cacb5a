"""Long operations worked through by the service functions the tasks call, against the demo engine."""

import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEntry
from batches import operations
from batches.models import Operation, OperationItem
from cockpit.engines import client as engine_client
from engines.queries import ProcessInstanceQuery
from engines.variables import TypedValue, VariableType

pytestmark = pytest.mark.django_db
INSTANCES = 120


def orders() -> dict:
    return {
        "query": ProcessInstanceQuery(process_definition_key="order", root_process_instances=True).to_dict()
    }


def note(text: str) -> dict:
    return {"name": "note", "value": TypedValue(VariableType.STRING, text).to_dict()}


def work_to_the_end(operation: Operation, owner: str = "test") -> Operation:
    while operations.work_chunk(operation.pk, owner) == operations.MORE:
        pass
    return Operation.objects.get(pk=operation.pk)


def test_starting_needs_the_kinds_permission_and_is_audited(make_user, on_demo):
    with pytest.raises(PermissionDenied):
        operations.start(user=make_user("Viewer"), engine="demo", kind="suspend", parameters=orders())
    support = make_user("Support")
    with pytest.raises(PermissionDenied):
        operations.start(user=support, engine="demo", kind="delete", parameters=orders())
    operation = operations.start(
        user=support, engine="demo", kind="set_variable_each", parameters={**orders(), **note("x")}
    )
    assert (operation.status, operation.mode, operation.username) == ("queued", "chunked", "support")
    entry = AuditEntry.objects.get(action="operation.set_variable_each")
    assert (
        entry.target_id == str(operation.pk)
        and entry.parameters["targets"] == "the instances matching: Process 'order', root instances only"
    )


def test_item_by_item_work_records_each_items_result(make_user, on_demo, settings):
    settings.COCKPIT_CHUNK_SIZE = 7
    user = make_user("Support")
    operation = operations.start(
        user=user, engine="demo", kind="set_variable_each", parameters={**orders(), **note("checked")}
    )
    operation = work_to_the_end(operation)
    engine = engine_client("demo")
    total = engine.count_instances(
        ProcessInstanceQuery(process_definition_key="order", root_process_instances=True)
    )
    assert (operation.status, operation.total, operation.done, operation.failed) == (
        "completed",
        total,
        total,
        0,
    )
    assert set(operation.items.values_list("state", "result", "attempts")) == {("done", "note set", 1)}
    for item in operation.items.all()[:5]:
        assert engine.get_variable(item.target, "note").value == "checked"


def test_items_a_dead_worker_started_are_checked_not_repeated(make_user, on_demo, settings):
    settings.COCKPIT_CHUNK_SIZE = 5
    operation = operations.start(
        user=make_user("Support"),
        engine="demo",
        kind="set_variable_each",
        parameters={**orders(), **note("once")},
    )
    assert operations.work_chunk(operation.pk, "first") == operations.MORE
    engine = engine_client("demo")
    # A worker claimed the next five, applied two of them, and died before recording anything.
    claimed = list(operation.items.filter(state="pending")[:5])
    for item in claimed[:2]:
        engine.set_variable(item.target, "note", TypedValue(VariableType.STRING, "once"))
    # It died a while ago: longer than the engine's read timeout, so its requests have all landed.
    died = timezone.now() - timedelta(minutes=5)
    OperationItem.objects.filter(pk__in=[i.pk for i in claimed]).update(state="started", updated_at=died)
    Operation.objects.filter(pk=operation.pk).update(lease_owner="dead", lease_until=None)

    operation = work_to_the_end(operation, owner="second")
    results = dict(operation.items.filter(pk__in=[i.pk for i in claimed]).values_list("target", "result"))
    assert [results[i.target] for i in claimed[:2]] == ["applied before its worker stopped"] * 2
    assert [results[i.target] for i in claimed[2:]] == ["note set"] * 3
    assert operation.status == "completed" and operation.done == operation.total


def test_items_of_a_worker_that_died_just_now_wait_until_its_requests_could_have_landed(make_user, on_demo):
    operation = operations.start(
        user=make_user("Support"),
        engine="demo",
        kind="set_variable_each",
        parameters={**orders(), **note("x")},
    )
    assert operations.work_chunk(operation.pk, "first") == operations.MORE
    claimed = [item.pk for item in operation.items.filter(state="pending")[:3]]
    OperationItem.objects.filter(pk__in=claimed).update(state="started", updated_at=timezone.now())
    assert operations.work_chunk(operation.pk, "second") == operations.BUSY  # first's lease still runs
    Operation.objects.filter(pk=operation.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    later = operations.advance(operation.pk, owner="second")
    operation.refresh_from_db()
    assert later and later > 0, "the rescuer looks again once the dead worker's requests have landed"
    assert operation.lease_owner == "second" and operation.items.filter(state="started").count() == 3


def test_a_live_lease_keeps_a_second_worker_out(make_user, on_demo):
    operation = operations.start(
        user=make_user("Operator"), engine="demo", kind="retry_incidents", parameters=orders()
    )
    Operation.objects.filter(pk=operation.pk).update(lease_owner="other")
    assert operations._lease(operation.pk, "other")
    assert operations.work_chunk(operation.pk, "me") == operations.BUSY


def test_failed_items_keep_their_error_and_run_again_when_retried(make_user, on_demo):
    user = make_user("Operator")
    engine = engine_client("demo")
    [gone, *rest] = [
        i.id for i in engine.list_instances(ProcessInstanceQuery(process_definition_key="loan"), limit=3)
    ]
    engine.delete_instance(gone)
    operation = operations.start(
        user=user, engine="demo", kind="set_variable_each", parameters={"ids": [gone, *rest], **note("n")}
    )
    operation = work_to_the_end(operation)
    assert (operation.done, operation.failed) == (2, 1)
    failed = operation.items.get(state="failed")
    assert failed.target == gone and "does not exist" in failed.result
    assert operations.retry_failed(operation, user=user) == 1
    operation = work_to_the_end(Operation.objects.get(pk=operation.pk))
    assert (operation.done, operation.failed, operation.items.get(target=gone).attempts) == (2, 1, 2)


def test_an_engine_batch_is_handed_over_once_and_followed_to_its_end(make_user, on_demo):
    engine = engine_client("demo")
    query = ProcessInstanceQuery(process_definition_key="loan", root_process_instances=True, active=True)
    expected = engine.count_instances(query)
    operation = operations.start(
        user=make_user("Operator"), engine="demo", kind="suspend", parameters={"query": query.to_dict()}
    )
    operations.hand_over(operation)
    batch_id = operation.engine_batch_id
    operations.hand_over(Operation.objects.get(pk=operation.pk))  # again: nothing new is created
    assert Operation.objects.get(pk=operation.pk).engine_batch_id == batch_id
    assert engine.count_batches() >= 1
    deadline = time.monotonic() + 20
    while operations.follow(Operation.objects.get(pk=operation.pk)):
        assert time.monotonic() < deadline, "the engine batch did not end"
        time.sleep(0.2)
    operation = Operation.objects.get(pk=operation.pk)
    assert (operation.status, operation.total, operation.done) == ("completed", expected, expected)
    assert engine.count_instances(query) == 0


def test_an_engine_refusal_ends_the_operation_with_the_engines_message(make_user, on_demo):
    operation = operations.start(
        user=make_user("Operator"),
        engine="demo",
        kind="suspend",
        parameters={"query": ProcessInstanceQuery(business_key="NO-SUCH-KEY").to_dict()},
    )
    operations.hand_over(operation)
    operation = Operation.objects.get(pk=operation.pk)
    assert operation.status == "failed" and "processInstanceIds is empty" in operation.error


@pytest.mark.django_db(transaction=True)
def test_with_the_task_queue_unreachable_an_operation_is_kept_queued_for_the_next_worker(make_user, on_demo):
    from cockpit.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url, app._pool, app.amqp._producer_pool = "redis://127.0.0.1:9/0", None, None
    try:
        operation = operations.start(
            user=make_user("Operator"), engine="demo", kind="suspend", parameters=orders()
        )
    finally:
        app.conf.broker_url, app._pool, app.amqp._producer_pool = previous, None, None
    assert Operation.objects.get(pk=operation.pk).status == "queued"
    assert [op.pk for op in operations.unfinished()] == [operation.pk]


def suspend_some(user) -> Operation:
    query = ProcessInstanceQuery(process_definition_key="loan", root_process_instances=True)
    return operations.start(user=user, engine="demo", kind="suspend", parameters={"query": query.to_dict()})


def test_a_negative_job_count_in_the_engines_answer_still_starts_the_operation(
    make_user, on_demo, monkeypatch
):
    from engines.camunda7.client import Camunda7Client
    from engines.models import Batch

    # The spec allows any integer for totalJobs; the engine answered -1.
    odd = Batch(id="batch-odd", total_jobs=-1, batch_job_definition_id="jobdef-odd")
    monkeypatch.setattr(Camunda7Client, "set_instances_suspended_async", lambda *a, **k: odd)
    operation = suspend_some(make_user("Operator"))
    operations.hand_over(operation)
    operation = Operation.objects.get(pk=operation.pk)
    assert (operation.status, operation.engine_batch_id, operation.total) == ("running", "batch-odd", 0)


def test_any_error_while_handing_over_ends_the_operation_with_the_error_shown(
    make_user, on_demo, monkeypatch
):
    from engines.camunda7.client import Camunda7Client

    def broken(*args, **kwargs):
        raise ValueError("the answer made no sense")

    monkeypatch.setattr(Camunda7Client, "set_instances_suspended_async", broken)
    operation = suspend_some(make_user("Operator"))
    operations.hand_over(operation)
    operation = Operation.objects.get(pk=operation.pk)
    assert operation.status == "failed" and operation.finished_at is not None
    assert "the answer made no sense" in operation.error


def test_an_engine_batch_with_failed_jobs_ends_with_its_failures_and_can_be_retried(
    make_user, on_demo, client_as
):
    engine = engine_client("demo")
    [gone, kept] = [
        i.id for i in engine.list_instances(ProcessInstanceQuery(process_definition_key="order"), limit=2)
    ]
    engine.delete_instance(gone)
    user = make_user("Operator", "owner")
    operation = operations.start(user=user, engine="demo", kind="delete", parameters={"ids": [gone, kept]})
    operations.hand_over(operation)
    deadline = time.monotonic() + 20
    while operations.follow(Operation.objects.get(pk=operation.pk)):
        assert time.monotonic() < deadline, "an engine batch with a failed job was followed for ever"
        time.sleep(0.2)
    operation = Operation.objects.get(pk=operation.pk)
    assert (operation.status, operation.total, operation.done, operation.failed) == ("completed", 2, 1, 1)
    viewer = client_as("Operator")
    response = viewer.get(f"/e/demo/batches/operations/{operation.pk}/", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 286, "the page keeps polling an operation that has ended"
    assert f"Process instance with id {gone} does not exist" in page and "Retry the 1 failed" in page
    assert operations.retry_failed(operation, user=user) == 1
    assert Operation.objects.get(pk=operation.pk).status == "running"


def test_while_a_retry_is_checked_the_row_banner_and_page_say_the_same(
    make_user, on_demo, monkeypatch, client
):
    from dataclasses import replace

    from batches.kinds import KINDS

    # The engine batch has ended; the jobs have not all run yet: the dashboard waits to tell.
    checked = {"sent": 15, "recovered": [], "failed_again": {f"j{n}": "Card declined" for n in range(14)},
               "not_run": ["j14"], "waiting_suspended": []}  # fmt: skip
    monkeypatch.setitem(
        KINDS, "incident_retry", replace(KINDS["incident_retry"], outcome=lambda c, p: checked)
    )
    user = make_user("Operator")
    operation = Operation.objects.create(
        user=user, username=user.username, engine="demo", kind="incident_retry",
        mode=Operation.Mode.ENGINE_BATCH, status=Operation.Status.RUNNING, total=15,
        parameters={"job_ids": []},
    )  # fmt: skip
    operation.done = 15  # what follow() takes from the ended engine batch
    assert operations._settle(operation, engine_client("demo"))
    operation = Operation.objects.get(pk=operation.pk)
    assert (operation.done, operation.total, operation.percent) == (15, 15, 100)
    client.force_login(user)
    row = client.get("/e/demo/batches/").content.decode()
    assert "engine batch done, checking what the jobs did" in row and "15 done of 15" in row
    assert "0 done of" not in row
    banner = client.get("/operations/mine/").content.decode()
    assert "checking what the jobs did" in banner and "(0 %)" not in banner
