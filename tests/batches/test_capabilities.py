"""Bulk work follows what the engine can do: its own batch where it has one, item by item where not,
and nothing offered that it cannot do at all."""

import re
from dataclasses import replace

import pytest

from batches import operations
from batches.models import Operation
from engines.base import BulkWork
from engines.camunda7.client import CAPABILITIES, Camunda7Client
from engines.queries import InstructionKind
from engines.variables import TypedValue, VariableType

pytestmark = pytest.mark.django_db
INSTANCES = 60


@pytest.fixture
def engine_without(monkeypatch):
    """The demo engine, declared to lack some of what Camunda can do."""

    def lacking(**changes):
        capabilities = replace(CAPABILITIES, **changes)
        monkeypatch.setattr(Camunda7Client, "capabilities", property(lambda self: capabilities))

    return lacking


def work_to_the_end(operation: Operation) -> Operation:
    while operations.work_chunk(operation.pk, "test") == operations.MORE:
        pass
    return Operation.objects.get(pk=operation.pk)


def test_suspending_on_an_engine_without_that_batch_goes_instance_by_instance(
    engine_without, make_user, engine, fresh
):
    engine_without(engine_batches=CAPABILITIES.engine_batches - {BulkWork.SUSPEND_INSTANCES})
    ids = [fresh(process_definition_key="order", suspended=False).id for _ in range(3)]
    operation = operations.start(
        user=make_user("Operator"), engine="demo", kind="suspend", parameters={"ids": ids}
    )
    assert operation.mode == "chunked"
    operation = work_to_the_end(operation)
    assert (operation.status, operation.done, operation.failed) == ("completed", 3, 0)
    assert [engine.get_instance(i).suspended for i in ids] == [True, True, True]


def test_an_item_by_item_operations_page_shows_what_became_of_each_item(
    engine_without, make_user, client_as, fresh
):
    engine_without(engine_batches=CAPABILITIES.engine_batches - {BulkWork.SUSPEND_INSTANCES})
    ids = [fresh(process_definition_key="order", suspended=False).id for _ in range(2)]
    operation = operations.start(
        user=make_user("Operator"), engine="demo", kind="suspend", parameters={"ids": ids}
    )
    work_to_the_end(operation)
    page = client_as("Viewer").get(f"/e/demo/batches/operations/{operation.pk}/").content.decode()
    results = page[page.index("<h2>Results</h2>") :]
    for instance_id in ids:
        assert re.search(
            rf'<a href="/e/demo/instances/{instance_id}/">.*?</a></td><td>suspended</td>', results
        )


def test_deleting_on_an_engine_with_that_batch_hands_it_over(engine_without, make_user, fresh):
    engine_without()
    operation = operations.start(
        user=make_user("Operator"),
        engine="demo",
        kind="delete",
        parameters={"ids": [fresh(process_definition_key="order").id]},
    )
    assert operation.mode == "engine_batch"


def test_the_instance_list_offers_no_modification_where_the_engine_has_none_and_says_why(
    engine_without, client_as, on_demo
):
    engine_without(instructions=frozenset())
    page = client_as("Operator").get("/e/demo/instances/").content.decode()
    assert 'value="suspend"' in page and 'value="modify"' not in page
    assert "This engine cannot modify process instances (move their tokens)." in page


def test_the_modification_wizard_offers_only_the_instruction_kinds_the_engine_has(
    engine_without, client_as, fresh
):
    engine_without(instructions=frozenset({InstructionKind.CANCEL, InstructionKind.START_BEFORE_ACTIVITY}))
    instance = fresh(process_definition_key="order")
    page = client_as("Operator").get(f"/e/demo/instances/{instance.id}/modify/").content.decode()
    assert 'value="startBeforeActivity"' in page and 'value="cancel"' in page
    assert 'value="startAfterActivity"' not in page and 'value="startTransition"' not in page
    assert "This engine cannot start after an activity or start on a sequence flow." in page
    assert "(for a start on a sequence flow)" not in page, (
        "no sequence flow to pick where none can be started on"
    )


def test_the_incident_list_offers_no_annotation_where_the_engine_keeps_none_and_says_why(
    engine_without, client_as, on_demo
):
    operator = client_as("Operator")
    assert 'value="annotate"' in operator.get("/e/demo/incidents/").content.decode()
    engine_without(incident_annotation=False)
    page = operator.get("/e/demo/incidents/").content.decode()
    assert 'value="retry"' in page and 'value="annotate"' not in page
    assert "This engine keeps no notes on incidents." in page
    grouped = operator.get("/e/demo/incidents/?group=on").content.decode()
    assert "Retry all…" in grouped and "Annotate all…" not in grouped
    assert "This engine keeps no notes on incidents." in grouped


def test_an_instances_incidents_tab_offers_no_note_where_the_engine_keeps_none_and_says_why(
    engine_without, client_as, engine
):
    [incident] = engine.list_incidents(activity_id="charge", limit=1)
    operator = client_as("Operator")
    url = f"/e/demo/instances/{incident.process_instance_id}/incidents/"
    assert f'aria-label="Annotation of incident {incident.id}"' in operator.get(url).content.decode()
    engine_without(incident_annotation=False)
    page = operator.get(url).content.decode()
    assert "This engine keeps no notes on incidents." in page
    assert "Annotation of incident" not in page and f"Retry incident {incident.id}" in page


def test_the_batches_page_says_where_the_engine_runs_no_batches_of_its_own(
    engine_without, client_as, on_demo
):
    viewer = client_as("Viewer")
    assert "runs no batches of its own" not in viewer.get("/e/demo/batches/").content.decode()
    engine_without(engine_batches=frozenset(), batch_management=False)
    page = viewer.get("/e/demo/batches/").content.decode()
    assert "runs no batches of its own: bulk work started here is done by the dashboard" in page


def test_setting_variables_on_an_engine_without_that_batch_sets_them_instance_by_instance(
    engine_without, make_user, engine, fresh
):
    engine_without(engine_batches=frozenset())
    ids = [fresh(process_definition_key="order").id for _ in range(2)]
    stamp = TypedValue(VariableType.STRING, "checked one by one")
    operation = operations.start(
        user=make_user("Operator"),
        engine="demo",
        kind="set_variables",
        parameters={"ids": ids, "variables": {"stamp": stamp.to_dict()}},
    )
    assert operation.mode == "chunked"
    operation = work_to_the_end(operation)
    assert (operation.status, operation.done) == ("completed", 2)
    assert [engine.get_variable(i, "stamp") for i in ids] == [stamp, stamp]


def test_deleting_on_an_engine_that_cannot_skip_listeners_offers_no_such_option_and_keeps_the_reason(
    engine_without, client_as, fresh
):
    engine_without(skip_options=False)
    instance = fresh(process_definition_key="order")
    operator = client_as("Operator")
    page = operator.get(f"/e/demo/instances/{instance.id}/delete/").content.decode()
    assert "Skip custom listeners" not in page and "always runs the listeners and mappings" in page
    assert "Reason (kept in the audit log and by the engine)" in page
    wizard = operator.get(f"/e/demo/instances/{instance.id}/modify/").content.decode()
    assert "Skip custom listeners" not in wizard
