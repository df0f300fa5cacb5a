"""The Batches page, an operation's page, the engine batch actions and the header's indicator."""

import time

import pytest

from audit.models import AuditEntry
from batches.models import Operation, OperationItem
from cockpit.engines import client as engine_client
from engines.queries import ProcessInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 150


def operation(user, **fields) -> Operation:
    values = {
        "engine": "demo",
        "kind": "retry_incidents",
        "mode": "chunked",
        "username": user.username,
        "user": user,
    }
    return Operation.objects.create(**(values | fields))


def running_engine_batch() -> str:
    engine = engine_client("demo")
    batch = engine.set_instances_suspended_async(query=ProcessInstanceQuery(), suspended=False)
    engine.set_batch_suspended(batch.id, suspended=True)  # it stays until the test is done with it
    return batch.id


def test_it_shows_operations_started_here_and_the_engines_batches(client_as, make_user, on_demo):
    viewer = client_as("Viewer")
    started = operation(make_user("Operator", "olga"), status="running", total=40, done=10, failed=2)
    batch_id = running_engine_batch()
    page = viewer.get("/e/demo/batches/").content.decode()
    assert "Retry failed jobs, instance by instance" in page and "olga" in page
    assert f'href="/e/demo/batches/operations/{started.pk}/"' in page
    assert batch_id in page and "10 done" in page
    assert "Suspend</button>" not in page  # a viewer gets no buttons (and the views refuse anyway)


def test_the_live_part_polls_while_something_runs_and_stops_after(client_as, make_user, on_demo):
    viewer = client_as("Viewer")
    op = operation(make_user("Operator", "owner"), status="running")
    response = viewer.get("/e/demo/batches/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'hx-trigger="every 2s"' in response.content.decode()
    assert "<h1>" not in response.content.decode()
    Operation.objects.filter(pk=op.pk).update(status="completed")
    for batch in engine_client("demo").batch_statistics():
        engine_client("demo").delete_batch(batch.id)
    response = viewer.get(f"/e/demo/batches/operations/{op.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 286 and "every 2s" not in response.content.decode()


def test_an_operations_page_lists_failed_items_with_their_errors_escaped(client_as, make_user, on_demo):
    op = operation(
        make_user("Operator", "owner"), status="completed", total=2, done=1, failed=1, error="<b>bold</b>"
    )
    OperationItem.objects.create(operation=op, seq=0, target="pi-1", state="done", result="ok", attempts=1)
    OperationItem.objects.create(
        operation=op, seq=1, target="pi-2", state="failed", result="<script>x</script>"
    )
    page = client_as("Viewer").get(f"/e/demo/batches/operations/{op.pk}/").content.decode()
    assert "pi-2" in page and "&lt;script&gt;x&lt;/script&gt;" in page and "&lt;b&gt;bold" in page
    assert '<a href="/e/demo/instances/pi-2/"><bdi>pi-2</bdi></a>' in page  # a failed item leads to it
    assert "<script>x" not in page and "Retry the 1 failed" not in page
    page = client_as("Operator").get(f"/e/demo/batches/operations/{op.pk}/").content.decode()
    assert "Retry the 1 failed" in page


def test_retrying_failed_items_needs_the_kinds_permission(client_as, make_user, on_demo):
    op = operation(make_user("Operator", "owner"), status="completed", total=1, failed=1)
    OperationItem.objects.create(operation=op, seq=0, target="pi-1", state="failed", result="boom")
    url = f"/e/demo/batches/operations/{op.pk}/retry-failed/"
    assert client_as("Support").post(url).status_code == 403
    response = client_as("Operator").post(url, follow=True)
    assert "1 failed item(s) will run again." in response.content.decode()
    assert op.items.get().state == "pending" and Operation.objects.get(pk=op.pk).status == "running"
    assert AuditEntry.objects.filter(action="operation.retry_failed", target_id=str(op.pk)).exists()


def test_operators_suspend_and_delete_engine_batches_and_others_may_not(client_as, on_demo):
    batch_id = running_engine_batch()
    assert (
        client_as("Support")
        .post(f"/e/demo/batches/{batch_id}/suspended/", {"suspended": "false"})
        .status_code
        == 403
    )
    operator = client_as("Operator")
    assert operator.get(f"/e/demo/batches/{batch_id}/delete/").status_code == 405
    operator.post(f"/e/demo/batches/{batch_id}/suspended/", {"suspended": "false"})
    assert engine_client("demo").get_batch(batch_id).suspended is False
    operator.post(f"/e/demo/batches/{batch_id}/delete/", {"cascade": "false"})
    assert engine_client("demo").batch_statistics(batch_id=batch_id) == []
    actions = set(AuditEntry.objects.filter(target_id=batch_id).values_list("action", "outcome"))
    assert actions == {("batch.activate", "succeeded"), ("batch.delete", "succeeded")}


def test_the_indicator_shows_running_work_and_tells_once_what_finished(client_as, make_user, on_demo):
    user = make_user("Operator", "oscar")
    client = client_as(None)
    client.force_login(user)
    running = operation(user, status="running", total=10, done=5)
    done = operation(user, kind="suspend", mode="engine_batch", status="completed", total=3, done=3)
    assert 'id="my-operations"' in client.get("/e/demo/batches/").content.decode()
    first = client.get("/operations/mine/").content.decode()
    assert "Suspend instances" in first and "completed: 3 done" in first and "(50 %)" in first
    assert "completed: 3 done" not in client.get("/operations/mine/").content.decode()
    Operation.objects.filter(pk=running.pk).update(status="completed", notified=True)
    assert client.get("/operations/mine/").status_code == 286
    assert done.pk


def test_an_engine_batch_operation_shows_the_engines_failed_jobs(client_as, make_user, on_demo):
    engine = engine_client("demo")
    [gone, kept] = [
        i.id for i in engine.list_instances(ProcessInstanceQuery(process_definition_key="order"), limit=2)
    ]
    engine.delete_instance(gone)
    batch = engine.delete_instances_async([gone, kept], reason="cleanup")
    op = operation(
        make_user("Operator", "owner"),
        kind="delete",
        mode="engine_batch",
        status="running",
        total=2,
        failed=1,
        engine_batch_id=batch.id,
        parameters={"ids": [gone, kept]},
    )
    deadline = time.monotonic() + 15
    while not engine.list_jobs(batch_id=batch.id, no_retries_left=True):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    page = client_as("Viewer").get(f"/e/demo/batches/operations/{op.pk}/").content.decode()
    assert f"Process instance with id {gone} does not exist" in page


def test_an_operations_page_says_which_filter_it_acts_on(client_as, make_user, on_demo):
    owner = make_user("Operator", "owner")
    query = ProcessInstanceQuery(process_definition_key="order", with_incident=True, business_key_like="A%")
    on_instances = operation(
        owner, kind="suspend", mode="engine_batch", parameters={"query": query.to_dict()}
    )
    on_incidents = operation(
        owner,
        kind="incident_annotate",
        parameters={
            "incident_filter": {"incident_type": "failedJob", "activity_id": "charge"},
            "annotated": False,
        },
    )
    viewer = client_as("Viewer")
    page = viewer.get(f"/e/demo/batches/operations/{on_instances.pk}/").content.decode()
    assert (
        "the instances matching: Process Order to delivery, with incidents, business key like &#x27;A%&#x27;"
        in page
    )
    page = viewer.get(f"/e/demo/batches/operations/{on_incidents.pk}/").content.decode()
    assert (
        "the incidents matching: Type &#x27;failedJob&#x27;, at activity &#x27;charge&#x27;, not annotated"
        in page
    )


def test_an_operations_progress_agrees_with_its_engine_batchs_row(client_as, make_user, on_demo):
    engine = engine_client("demo")
    query = ProcessInstanceQuery(process_definition_key="order")
    batch = engine.set_instances_suspended_async(query=query, suspended=False)
    deadline = time.monotonic() + 15
    while not engine.batch_statistics(batch_id=batch.id)[0].completed_jobs:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    engine.set_batch_suspended(batch.id, suspended=True)  # held part-way
    percent = engine.batch_statistics(batch_id=batch.id)[0].percent
    assert 0 < percent < 100
    # The worker last looked before the engine got going.
    op = operation(
        make_user("Operator", "owner"), kind="activate", mode="engine_batch", status="running",
        total=batch.total_jobs, done=0, engine_batch_id=batch.id,
    )  # fmt: skip
    page = client_as("Viewer").get("/e/demo/batches/").content.decode()
    started_here = page.split("<h2>Running on the engine</h2>")[0]
    assert f'aria-label="{percent} % done"' in started_here, "the two rows of one batch disagree"
    assert f"{percent} %" in page.split("<h2>Running on the engine</h2>")[1]
    assert op.pk


def test_a_set_variables_operation_says_what_it_sets_and_on_which_instances(client_as, on_demo):
    engine = engine_client("demo")
    ids = [i.id for i in engine.list_instances(ProcessInstanceQuery(), limit=2)]
    data = {"action": "set_variables", "scope": "selected", "ids": ids, "filter": "", "confirm": "yes",
            "variable_name": "priority", "variable_type": "Integer", "variable_value": "7"}  # fmt: skip
    support = client_as("Support")
    assert support.post("/e/demo/instances/bulk/", data).status_code == 302
    op = Operation.objects.get(kind="set_variables")
    page = support.get(f"/e/demo/batches/operations/{op.pk}/").content.decode()
    assert "<dt>Sets</dt><dd><code><bdi>priority</bdi></code> = <bdi>7 (Integer)</bdi></dd>" in page
    for instance_id in ids:
        assert f'<a href="/e/demo/instances/{instance_id}/"><bdi>{instance_id}</bdi></a>' in page
