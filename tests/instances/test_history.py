"""The instance list's history mode against the demo engine: finished instances, restart, history deletion
and the history-based operations."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.display import details, said
from audit.models import AuditEntry
from batches import operations
from batches.models import Operation
from cockpit.engines import client as engine_client
from cockpit.templatetags.cockpit import duration
from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 1000
CANCELLED_ORDERS = {"definition_key": "order", "version": "2", "state": "externally_terminated"}


def order_v2(engine):
    return next(d for d in engine.list_definitions(key="order") if d.version == 2)


def cancelled(engine, limit=100):
    query = HistoricProcessInstanceQuery(
        process_definition_id=order_v2(engine).id, finished=True, externally_terminated=True
    )
    return engine.list_historic_instances(query, limit=limit)


@pytest.fixture(autouse=True)
def enough_cancelled(on_demo):
    """Cancelled instances of Order to delivery version 2 to restart: the seed ends only a few that way."""
    engine = engine_client("demo")
    missing = 8 - len(cancelled(engine))
    if missing > 0:
        running = ProcessInstanceQuery(process_definition_id=order_v2(engine).id, root_process_instances=True)
        for instance in engine.list_instances(running, limit=missing):
            engine.delete_instance(instance.id)


def page_ids(body: str) -> list[str]:
    """The instances the table shows, by their links."""
    return [
        part.split("/")[0]
        for part in body.split('<a href="/e/demo/instances/')[1:]
        if '/" hx-boost' in part[:80]
    ]


def test_the_finished_mode_lists_ended_instances_newest_first_with_state_end_and_duration(
    viewer_client, on_demo
):
    engine = engine_client("demo")
    body = viewer_client.get("/e/demo/instances/finished/").content.decode()
    newest = engine.list_historic_instances(HistoricProcessInstanceQuery(finished=True), limit=1000)
    newest.sort(key=lambda h: h.end_time, reverse=True)
    first = newest[0]
    assert '<strong aria-current="page">Finished</strong>' in body
    assert body.index(first.id) < body.index(newest[10].id)
    assert f'href="/e/demo/instances/{first.id}/"' in body  # its page, read-only as for any ended instance
    row = body[body.index(first.id) : body.index(newest[1].id)]
    assert ("completed" if first.state == "COMPLETED" else "cancelled") in row
    assert timezone.localtime(first.end_time).strftime("%Y-%m-%d %H:%M") in row
    assert str(duration(first.duration_in_millis)) in row
    assert not any(i.id in body for i in engine.list_instances(ProcessInstanceQuery(), limit=50))


def test_the_running_list_switches_to_finished_by_its_link(viewer_client, on_demo):
    body = viewer_client.get("/e/demo/instances/").content.decode()
    assert '<a href="/e/demo/instances/finished/">Finished</a>' in body


def test_the_cancelled_filter_and_an_end_window_ask_historys_query(viewer_client, on_demo):
    engine = engine_client("demo")
    rows = cancelled(engine)
    after = min(h.end_time for h in rows)
    params = {**CANCELLED_ORDERS, "ended_after": timezone.localtime(after).strftime("%Y-%m-%dT%H:%M")}
    body = viewer_client.get("/e/demo/instances/finished/", params).content.decode()
    assert set(page_ids(body)) == {h.id for h in rows if h.end_time >= after.replace(second=0)}
    chips = re.findall(r'<li class="chip">([^<]*) <a', body)
    assert chips[:3] == [
        "Process: Order to delivery",
        "Version: version 2",
        "State: Cancelled (externally terminated)",
    ]
    assert chips[3].startswith("Ended after: ")
    count = viewer_client.get("/e/demo/instances/finished/count/", params).content.decode()
    assert f"{len(page_ids(body))} matching" in count


def test_an_end_window_the_wrong_way_round_is_refused_by_its_field(viewer_client, on_demo):
    body = viewer_client.get(
        "/e/demo/instances/finished/", {"ended_after": "2026-11-02T00:00", "ended_before": "2026-11-01T00:00"}
    ).content.decode()
    assert '<small class="field-error" role="alert">This is before &#x27;Ended after&#x27;.</small>' in body
    assert 'id="count"' not in body


def test_a_viewer_gets_no_actions_and_is_refused_if_it_posts_one(viewer_client, on_demo):
    body = viewer_client.get("/e/demo/instances/finished/").content.decode()
    assert "bulk-form" not in body and 'name="ids"' not in body
    response = viewer_client.post(
        "/e/demo/instances/finished/act/",
        {"action": "delete_history", "scope": "all", "filter": "", "confirm": "yes"},
    )
    assert response.status_code == 403 and not Operation.objects.exists()


def test_restart_previews_how_many_and_which_before_anything_changes(operator_client, on_demo):
    engine = engine_client("demo")
    rows = cancelled(engine)
    filter_string = "definition_key=order&version=2&state=externally_terminated"
    running = engine.count_instances()
    response = operator_client.post(
        "/e/demo/instances/finished/act/", {"action": "restart", "scope": "all", "filter": filter_string}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>Restart finished instances: {len(rows)} instances</h1>" in body
    assert (
        "Acts on the instances matching: <strong>Process Order to delivery version 2, cancelled "
        "(externally terminated)</strong>" in body
    )
    assert all(h.id in body for h in rows[:10])
    assert '<option value="before:check_stock">Before Check stock</option>' in body
    # No start is chosen for the operator (the first in the list could be a failing task).
    assert '<option value="" selected>— choose where they start —</option>' in body
    # The preview names the state as the list does.
    preview = body.split('<table class="preview">')[1].split("</table>")[0]
    assert "<td>cancelled</td>" in preview and "externally_terminated" not in preview
    assert engine.count_instances() == running


def test_restarting_selected_instances_starts_them_again_before_the_activity(operator_client, on_demo):
    engine = engine_client("demo")
    chosen = [h.id for h in cancelled(engine)[:3]]
    definition = order_v2(engine)
    waiting = ProcessInstanceQuery(process_definition_id=definition.id, activity_ids=("check_stock",))
    before = {i.id for i in engine.list_instances(waiting, limit=1000)}
    response = operator_client.post(
        "/e/demo/instances/finished/act/",
        {
            "action": "restart",
            "scope": "selected",
            "ids": chosen,
            "filter": "",
            "start": "before:check_stock",
            "variables": "last",
            "confirm": "yes",
        },
    )
    assert response.status_code == 302
    new = [i for i in engine.list_instances(waiting, limit=1000) if i.id not in before]
    keys = {
        h.business_key
        for h in engine.list_historic_instances(
            HistoricProcessInstanceQuery(process_instance_ids=tuple(chosen))
        )
    }
    assert len(new) == 3 and {i.business_key for i in new} == keys
    # The result says which instances were restarted, by the business keys they kept.
    page = operator_client.get(response["Location"]).content.decode()
    message = re.search(
        r"Restarted 3 instances as new instances of Order to delivery v2, with the business keys ([^.<]*)\.",
        page,
    )
    assert message and set(message.group(1).split(", ")) == keys
    entry = AuditEntry.objects.get(action="instances.restart")
    assert entry.parameters["ids"] == chosen and entry.parameters["restart"]["instructions"] == [
        {"type": "start_before_activity", "activity_id": "check_stock"}
    ]
    # The team lead reads which instances, of which version, restarted where and how, in words.
    assert said(entry).target == "Order to delivery v2"
    lines = dict(details(entry))
    assert lines["targets"] == "3 selected instance(s)"
    assert lines["start"] == "before Check stock, with their last variables and business keys"


def test_restart_without_business_key_leaves_it_out(operator_client, on_demo):
    engine = engine_client("demo")
    [chosen] = [h for h in cancelled(engine)[3:4]]
    definition = order_v2(engine)
    waiting = ProcessInstanceQuery(process_definition_id=definition.id, activity_ids=("check_stock",))
    before = {i.id for i in engine.list_instances(waiting, limit=1000)}
    operator_client.post(
        "/e/demo/instances/finished/act/",
        {
            "action": "restart",
            "scope": "selected",
            "ids": [chosen.id],
            "filter": "",
            "start": "before:check_stock",
            "variables": "initial",
            "without_business_key": "on",
            "confirm": "yes",
        },
    )
    [new] = [i for i in engine.list_instances(waiting, limit=1000) if i.id not in before]
    assert new.business_key is None


def test_a_restart_across_definitions_says_so_next_to_the_field_and_changes_nothing(operator_client, on_demo):
    engine = engine_client("demo")
    loans = engine.list_historic_instances(
        HistoricProcessInstanceQuery(process_definition_key="loan", finished=True)
    )
    mixed = [cancelled(engine)[0].id, loans[0].id]
    running = engine.count_instances()
    response = operator_client.post(
        "/e/demo/instances/finished/act/",
        {
            "action": "restart",
            "scope": "selected",
            "ids": mixed,
            "filter": "",
            "start": "before:check_stock",
            "confirm": "yes",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "These instances belong to 2 process definitions; restart needs one" in body
    assert engine.count_instances() == running and not AuditEntry.objects.filter(action="instances.restart")


def test_a_restart_the_engine_refuses_shows_its_message_and_starts_nothing(operator_client, on_demo):
    engine = engine_client("demo")
    # In "running or finished", a running instance can be selected too: the engine refuses to restart it.
    [still_running] = engine.list_instances(
        ProcessInstanceQuery(process_definition_id=order_v2(engine).id), limit=1
    )
    chosen = [cancelled(engine)[4].id, still_running.id]
    running = engine.count_instances()
    response = operator_client.post(
        "/e/demo/instances/finished/act/",
        {
            "action": "restart",
            "scope": "selected",
            "ids": chosen,
            "filter": "state=any",
            "start": "before:check_stock",
            "confirm": "yes",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        '<p class="banner banner-error" role="alert">The engine refused: ' in body
        and still_running.id in body
    )
    assert engine.count_instances() == running
    assert AuditEntry.objects.get(action="instances.restart").outcome == "failed"


def test_many_restarts_go_to_an_engine_batch_with_domain_values(
    make_user, on_demo, operator_client, settings
):
    engine = engine_client("demo")
    query = HistoricProcessInstanceQuery(process_definition_id=order_v2(engine).id, finished=True)
    count = engine.count_historic_instances(query)
    assert count > 50
    filter_string = "definition_key=order&version=2"
    response = operator_client.post(
        "/e/demo/instances/finished/act/",
        {
            "action": "restart",
            "scope": "all",
            "filter": filter_string,
            "start": "before:check_stock",
            "variables": "last",
            "confirm": "yes",
        },
    )
    operation = Operation.objects.get()
    assert response["Location"] == f"/e/demo/batches/operations/{operation.pk}/"
    assert operation.parameters["history_query"] == query.to_dict()
    assert operation.parameters["restart"]["instructions"] == [
        {"type": "start_before_activity", "activity_id": "check_stock"}
    ]
    # The audit log spells the filter without asking the engine for names (as for running instances).
    assert (
        f"the instances in history matching: Process '{order_v2(engine).id}', finished"
        in (AuditEntry.objects.get(action="operation.restart").parameters["targets"])
    )
    operations.hand_over(operation)
    operation = Operation.objects.get(pk=operation.pk)
    batch = engine.get_historic_batch(operation.engine_batch_id)
    assert batch.type == "instance-restart" and operation.total == count
    followed = operator_client.get(response["Location"]).content.decode()
    assert "Restart finished instances" in followed and "Order to delivery version 2, finished" in followed


def test_more_than_a_few_are_not_restarted_where_the_engine_has_no_batch_for_it(
    operator_client, on_demo, monkeypatch
):
    from dataclasses import replace

    from engines.base import BulkWork
    from engines.camunda7 import client as camunda7

    without = replace(
        camunda7.CAPABILITIES,
        engine_batches=camunda7.CAPABILITIES.engine_batches - {BulkWork.RESTART_INSTANCES},
    )
    monkeypatch.setattr(camunda7, "CAPABILITIES", without)
    response = operator_client.post(
        "/e/demo/instances/finished/act/",
        {
            "action": "restart",
            "scope": "all",
            "filter": "definition_key=order&version=2",
            "start": "before:check_stock",
            "confirm": "yes",
        },
    )
    assert response.status_code == 400
    assert "This engine restarts at most 50 instances at once and has no batch for more" in (
        response.content.decode()
    )
    assert not Operation.objects.exists()


@pytest.mark.parametrize("role", ["Viewer", "Support", "Operator", "Admin"])
def test_only_operators_see_and_may_use_the_finished_instances_actions(client_as, role, on_demo):
    user = client_as(role)
    body = user.get("/e/demo/instances/finished/").content.decode()
    allowed = role in ("Operator", "Admin")
    assert ('id="bulk-form"' in body) == allowed and ('value="restart"' in body) == allowed
    for action in ("restart", "delete_history", "delete_historic", "job_retries_historic"):
        response = user.post(
            "/e/demo/instances/finished/act/",
            {"action": action, "scope": "all", "filter": "definition_key=order&version=2&state=completed"},
        )
        assert response.status_code == (200 if allowed else 403), (action, response.status_code)


def test_deleting_history_removes_the_finished_instances_for_good(operator_client, on_demo):
    engine = engine_client("demo")
    query = HistoricProcessInstanceQuery(process_definition_key="loan", finished=True, completed=True)
    count = engine.count_historic_instances(query)
    filter_string = "definition_key=loan&state=completed"
    first = operator_client.post(
        "/e/demo/instances/finished/act/",
        {"action": "delete_history", "scope": "all", "filter": filter_string},
    ).content.decode()
    assert f"Delete the history of finished instances: {count} instances" in first
    assert "Acts on the instances matching: <strong>Process Loan application, completed</strong>" in first
    operator_client.post(
        "/e/demo/instances/finished/act/",
        {"action": "delete_history", "scope": "all", "filter": filter_string, "confirm": "yes"},
    )
    operation = Operation.objects.get()
    operations.hand_over(operation)
    deadline = timezone.now() + timedelta(seconds=30)
    while operations.follow(Operation.objects.get(pk=operation.pk)):
        assert timezone.now() < deadline, "the engine batch did not end"
    assert engine.count_historic_instances(query) == 0


def test_the_history_based_job_retries_and_delete_reach_the_running_instances(operator_client, on_demo):
    engine = engine_client("demo")
    query = HistoricProcessInstanceQuery(process_definition_key="loan", unfinished=True, with_incidents=True)
    assert engine.count_historic_instances(query)
    operator_client.post(
        "/e/demo/instances/finished/act/",
        {
            "action": "job_retries_historic",
            "scope": "all",
            "filter": "definition_key=loan&state=unfinished",
            "retries": "2",
            "confirm": "yes",
        },
    )
    retries = Operation.objects.get()
    assert retries.parameters["history_query"] == {"process_definition_key": "loan", "unfinished": True}
    operations.hand_over(retries)
    assert engine.get_historic_batch(Operation.objects.get(pk=retries.pk).engine_batch_id).type == (
        "set-job-retries"
    )
    [running] = [
        i for i in engine.list_instances(ProcessInstanceQuery(process_definition_key="order"), limit=1)
    ]
    operator_client.post(
        "/e/demo/instances/finished/act/",
        {
            "action": "delete_historic",
            "scope": "all",
            "filter": f"business_key={running.business_key}&state=unfinished",
            "confirm": "yes",
        },
    )
    delete = Operation.objects.exclude(pk=retries.pk).get()
    assert delete.parameters["history_query"] == {
        "process_instance_business_key": running.business_key,
        "unfinished": True,
    }
    operations.hand_over(delete)
    deadline = timezone.now() + timedelta(seconds=30)
    while operations.follow(Operation.objects.get(pk=delete.pk)):
        assert timezone.now() < deadline, "the engine batch did not end"
    assert engine.get_historic_instance(running.id).state == "EXTERNALLY_TERMINATED"


def test_restarting_nothing_selected_is_refused_by_the_field_before_the_engine_is_asked(
    operator_client, on_demo
):
    for action in ("restart", "delete_history"):
        nothing = operator_client.post(
            "/e/demo/instances/finished/act/", {"action": action, "scope": "selected", "filter": ""}
        )
        assert nothing.status_code == 400
        message = "Select instances in the list, or act on everything matching."
        assert f'<p class="field-error" role="alert">{message}</p>' in nothing.content.decode()
