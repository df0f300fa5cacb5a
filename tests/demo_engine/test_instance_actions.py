"""Actions on one instance: delete, suspend, variables, incidents, job retries; checked against the spec."""

from datetime import UTC, datetime

import pytest

from engines.errors import EngineServerError, InvalidRequest, NotFound
from engines.queries import Instruction, Modification, ProcessInstanceQuery
from engines.variables import TypedValue, VariableType


def first(engine, **filters):
    return engine.list_instances(ProcessInstanceQuery(**filters), limit=1)[0]


def failed_job(engine, activity: str, message_like: str):
    [incident] = engine.list_incidents(activity_id=activity, incident_message_like=message_like, limit=1)
    return engine.get_job(incident.job_id), incident


def test_deleting_an_instance_moves_it_to_history_with_its_variables(writable):
    instance = first(writable, process_definition_key="order", activity_ids=("pack",))
    writable.delete_instance(instance.id)
    with pytest.raises(NotFound):
        writable.get_instance(instance.id)
    assert writable.get_historic_instance(instance.id).state == "EXTERNALLY_TERMINATED"
    assert {v.name for v in writable.historic_variables(instance.id)} >= {"amount", "customer"}
    assert writable.list_jobs(process_instance_id=instance.id) == []
    with pytest.raises(NotFound):
        writable.delete_instance(instance.id)
    writable.delete_instance(instance.id, fail_if_not_exists=False)


def test_deleting_a_caller_deletes_what_it_called_unless_told_to_skip(writable):
    callers = writable.list_instances(ProcessInstanceQuery(activity_ids=("credit_check",)), limit=2)
    called = [writable.list_instances(ProcessInstanceQuery(super_process_instance=c.id))[0] for c in callers]
    writable.delete_instance(callers[0].id)
    assert writable.get_historic_instance(called[0].id).end_time
    writable.delete_instance(callers[1].id, skip_subprocesses=True)
    assert writable.get_instance(called[1].id).id == called[1].id


def test_suspending_and_activating_an_instance_and_its_jobs(writable):
    job, incident = failed_job(writable, "charge", "%")
    instance_id = incident.process_instance_id
    writable.set_instance_suspended(instance_id, suspended=True)
    assert writable.get_instance(instance_id).suspended
    assert writable.get_job(job.id).suspended
    assert writable.get_historic_instance(instance_id).state == "SUSPENDED"
    assert instance_id in {
        i.id for i in writable.list_instances(ProcessInstanceQuery(suspended=True), limit=1000)
    }
    writable.set_instance_suspended(instance_id, suspended=False)
    assert not writable.get_instance(instance_id).suspended
    assert [e.operation_type for e in writable.user_operations(process_instance_id=instance_id)][:2] == [
        "Activate",
        "Suspend",
    ]


def test_suspending_a_definition_with_its_instances(writable):
    definition = writable.get_latest_definition("loan", tenant_id="acme")
    writable.set_definition_suspended(definition.id, suspended=True, include_instances=True)
    assert writable.get_definition(definition.id).suspended
    running = ProcessInstanceQuery(process_definition_id=definition.id, active=True)
    assert writable.count_instances(running) == 0
    writable.set_definition_suspended(definition.id, suspended=False, include_instances=True)
    assert writable.count_instances(running) == writable.count_instances(
        ProcessInstanceQuery(process_definition_id=definition.id)
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("note", TypedValue(VariableType.STRING, "Call back <b>tomorrow</b>")),
        ("count", TypedValue(VariableType.INTEGER, -(2**31))),
        ("small", TypedValue(VariableType.SHORT, 32767)),
        ("big", TypedValue(VariableType.LONG, 2**62)),
        ("ratio", TypedValue(VariableType.DOUBLE, 0.125)),
        ("flag", TypedValue(VariableType.BOOLEAN, False)),
        ("when", TypedValue(VariableType.DATE, datetime(2026, 12, 24, 18, 30, tzinfo=UTC))),
        ("doc", TypedValue(VariableType.JSON, '{"items": [1, 2]}')),
        ("markup", TypedValue(VariableType.XML, "<a><b/></a>")),
        (
            "record",
            TypedValue(
                VariableType.OBJECT,
                '{"name": "Ada"}',
                {"objectTypeName": "com.example.Customer", "serializationDataFormat": "application/json"},
            ),
        ),
        ("blob", TypedValue(VariableType.BYTES, b"\x00\x01\xff")),
        ("nothing", TypedValue(VariableType.NULL, None)),
    ],
)
def test_every_variable_type_is_kept_as_it_was_set(writable, name, value):
    instance = first(writable, process_definition_key="order", activity_ids=("check_stock",))
    writable.set_variable(instance.id, name, value)
    assert writable.get_variable(instance.id, name) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (TypedValue(VariableType.INTEGER, 2**31), "out of range for Integer"),
        (TypedValue(VariableType.SHORT, 40000), "out of range for Short"),
        (TypedValue(VariableType.JSON, "{not json"), "Unable to parse the Json value"),
        (TypedValue(VariableType.XML, "<a>"), "Unable to parse the Xml value"),
        (TypedValue(VariableType.OBJECT, "{}"), "objectTypeName"),
        (TypedValue(VariableType.BOOLEAN, "yes"), "java.lang.Boolean"),
    ],
)
def test_a_bad_variable_value_is_refused_with_the_reason_and_changes_nothing(writable, value, message):
    instance = first(writable, process_definition_key="order", activity_ids=("check_stock",))
    before = writable.instance_variables(instance.id)
    with pytest.raises(InvalidRequest, match=message):
        writable.set_variable(instance.id, "bad", value)
    assert writable.instance_variables(instance.id) == before


def test_a_deleted_variable_is_gone_and_left_out_of_history(writable):
    instance = first(writable, process_definition_key="loan", activity_ids=("review",))
    writable.set_variable(instance.id, "amount", TypedValue(VariableType.INTEGER, 1234))
    writable.delete_variable(instance.id, "label")
    assert "label" not in writable.instance_variables(instance.id)
    with pytest.raises(NotFound, match="label"):
        writable.get_variable(instance.id, "label")
    live = {v.name for v in writable.historic_variables(instance.id)}
    assert "amount" in live and "label" not in live  # deleted ones are left out unless asked for


def test_a_file_is_uploaded_and_downloaded_with_its_name_and_type(writable):
    instance = first(writable, process_definition_key="order", activity_ids=("check_stock",))
    writable.set_variable_data(
        instance.id, "contract", b"%PDF-1.7 demo", filename="contract 7.pdf", mimetype="application/pdf"
    )
    stored = writable.get_variable(instance.id, "contract")
    assert stored.type == VariableType.FILE and stored.value_info["filename"] == "contract 7.pdf"
    download = writable.get_variable_data(instance.id, "contract")
    assert (download.data, download.filename, download.mimetype) == (
        b"%PDF-1.7 demo",
        "contract 7.pdf",
        "application/pdf",
    )


def test_an_incident_annotation_is_set_and_cleared(writable):
    [incident] = writable.list_incidents(limit=1)
    writable.set_incident_annotation(incident.id, "Waiting for the payment provider")
    assert writable.get_incident(incident.id).annotation == "Waiting for the payment provider"
    writable.clear_incident_annotation(incident.id)
    assert writable.get_incident(incident.id).annotation is None


def test_a_retried_job_that_recovers_moves_the_token_on(writable):
    job, incident = failed_job(writable, "charge", "%timed out%")
    writable.set_job_retries(job.id, 3)
    with pytest.raises(NotFound):
        writable.get_incident(incident.id)
    with pytest.raises(NotFound):
        writable.get_job(job.id)
    # Charging is done; packing still waits, and the joining gateway waits for it.
    tree = writable.activity_instance_tree(incident.process_instance_id)
    assert tree.counts_by_activity() == {"pack": 1, "join": 1}
    path = [a.activity_id for a in writable.historic_activity_instances(incident.process_instance_id)]
    assert path.count("charge") >= 1


def test_a_retried_job_that_fails_again_raises_a_new_incident(writable):
    job, incident = failed_job(writable, "charge", "Card declined%")
    writable.set_job_retries(job.id, 2)
    again = writable.get_job(job.id)
    assert again.retries == 0 and again.exception_message == incident.incident_message
    [new] = writable.list_incidents(process_instance_id=incident.process_instance_id)
    assert new.id != incident.id and new.job_id == job.id


def test_a_recovered_credit_check_waits_for_assessment_and_its_end_moves_the_caller_on(writable):
    job, incident = failed_job(writable, "score", "%503%")
    called = writable.get_instance(incident.process_instance_id)
    [caller] = writable.list_instances(ProcessInstanceQuery(sub_process_instance=called.id))
    assert writable.count_incidents(process_instance_id=caller.id) == 1
    writable.set_job_retries(job.id, 1)
    assert writable.activity_instance_tree(called.id).counts_by_activity() == {"assess": 1}
    assert writable.count_incidents(process_instance_id=caller.id) == 0
    # Finishing the called instance completes the call activity: the application goes to review.
    writable.modify_instance(
        called.id,
        Modification(
            instructions=(
                Instruction("cancel", activity_id="assess"),
                Instruction("startBeforeActivity", activity_id="end"),
            )
        ),
    )
    assert writable.get_historic_instance(called.id).state == "COMPLETED"
    assert writable.activity_instance_tree(caller.id).counts_by_activity() == {"review": 1}


def test_a_variable_local_to_an_activity_lives_in_its_scope_and_is_changed_and_deleted_there(writable):
    instance = first(writable, process_definition_key="order", activity_ids=("check_stock",))
    [task] = writable.activity_instance_tree(instance.id).children
    execution = task.execution_ids[0]
    writable.set_variable(instance.id, "packing_note", TypedValue(VariableType.STRING, "for the whole order"))
    writable.set_variable(
        instance.id,
        "packing_note",
        TypedValue(VariableType.STRING, "ask the warehouse"),
        execution_id=execution,
    )
    writable.set_variable(
        instance.id,
        "packing_note",
        TypedValue(VariableType.STRING, "warehouse answered"),
        execution_id=execution,
    )
    [local] = [v for v in writable.variable_instances(instance.id, name="packing_note") if v.is_local]
    assert (local.activity_instance_id, local.execution_id) == (task.id, execution)
    assert local.value.value == "warehouse answered"
    assert writable.get_variable_instance(local.id) == local
    writable.delete_variable(instance.id, "packing_note", execution_id=execution)
    with pytest.raises(NotFound):
        writable.get_variable_instance(local.id)
    # The process instance's variable of the same name is another variable, untouched.
    assert writable.get_variable(instance.id, "packing_note").value == "for the whole order"


def test_a_local_file_is_uploaded_and_read_back_by_the_variable_instance_id(writable):
    instance = first(writable, process_definition_key="order", activity_ids=("check_stock",))
    [task] = writable.activity_instance_tree(instance.id).children
    writable.set_variable_data(
        instance.id,
        "scan",
        b"scanned page",
        filename="scan 1.txt",
        mimetype="text/plain",
        execution_id=task.execution_ids[0],
    )
    [scan] = writable.variable_instances(instance.id, name="scan")
    content = writable.variable_instance_data(scan.id)
    assert (content.data, content.filename, content.mimetype) == (b"scanned page", "scan 1.txt", "text/plain")


def test_a_variable_of_an_unknown_execution_is_refused(writable):
    with pytest.raises(EngineServerError, match="execution nowhere doesn't exist"):
        writable.set_variable("pi", "note", TypedValue(VariableType.STRING, "x"), execution_id="nowhere")


def test_reading_a_variable_instance_that_is_not_there_is_not_found(writable):
    with pytest.raises(NotFound, match="does not exist"):
        writable.get_variable_instance("00000000-0000-4000-8000-ffffffffffff")
    with pytest.raises(NotFound):
        writable.variable_instance_data("no-such-variable")


def test_a_job_retried_while_its_instance_was_suspended_runs_when_the_instance_is_activated(writable):
    incident = next(
        i
        for i in writable.list_incidents(incident_message_like="%answered 503%", limit=100)
        if not writable.get_job(i.job_id).suspended
    )
    writable.set_instance_suspended(incident.process_instance_id, suspended=True)
    writable.set_job_retries(incident.job_id, 1)
    assert writable.get_job(incident.job_id).retries == 1  # waits with its instance
    writable.set_instance_suspended(incident.process_instance_id, suspended=False)
    with pytest.raises(NotFound):  # ran and recovered
        writable.get_job(incident.job_id)
