"""Variables that cannot harm the page or the wrong instance: a variable is reached only under its own
instance, odd or deep values are shown raw within bounds, deep or misplaced input is refused by the field,
and an engine refusal is said by the button that was pressed."""

import html

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from engines.errors import NotFound
from engines.variables import MAX_NESTING, TypedValue, VariableType
from tests.instances.fake_engine import PROCESS_VARIABLE, fake_engine

pytestmark = pytest.mark.django_db
INSTANCES = 60


def process_variable(engine, instance_id, name):
    [found] = [v for v in engine.variable_instances(instance_id, name=name) if not v.is_local]
    return found


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_xml(levels: int) -> str:
    return "<a>" * levels + "</a>" * levels


# --- a variable belongs to the instance in the URL -------------------------------------------------------


def test_a_variable_of_another_instance_is_not_found_under_this_one(on_demo, engine, fresh, client_as):
    mine, other = fresh(process_definition_key="order"), fresh(process_definition_key="order")
    theirs = process_variable(engine, other.id, "customer")
    invoice = process_variable(engine, other.id, "invoice")  # a File: its content is a URL of its own
    client = client_as("Operator")
    base = f"/e/demo/instances/{mine.id}/variables"
    answers = [
        client.get(f"{base}/{theirs.id}/"),
        client.get(f"{base}/{theirs.id}/edit/"),
        client.post(f"{base}/{theirs.id}/edit/", {"type": "String", "value": "hijacked", "fingerprint": "x"}),
        client.get(f"{base}/{theirs.id}/delete/"),
        client.post(f"{base}/{theirs.id}/delete/", {"fingerprint": "x"}),
        client.get(f"{base}/{theirs.id}/download/"),
        client.get(f"{base}/{invoice.id}/download/"),
    ]
    assert [answer.status_code for answer in answers] == [404] * len(answers)
    assert all(b"Invoice" not in answer.content for answer in answers)
    assert engine.get_variable(other.id, "customer") == theirs.value
    assert not AuditEntry.objects.exists()


def test_a_local_variable_is_found_under_its_own_instance(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order", activity_ids=("check_stock",))
    [task] = engine.activity_instance_tree(instance.id).children
    engine.set_variable(
        instance.id, "checked_by", TypedValue(VariableType.STRING, "ann"), execution_id=task.execution_ids[0]
    )
    [local] = engine.variable_instances(instance.id, name="checked_by")
    response = client_as("Viewer").get(f"/e/demo/instances/{instance.id}/variables/{local.id}/")
    assert response.status_code == 200 and local.name in response.content.decode()


# --- deep values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Viewer", "Support", "Operator"])
def test_a_value_nested_3000_deep_is_shown_raw_and_can_be_deleted(on_demo, engine, fresh, client_as, role):
    instance = fresh(process_definition_key="order")
    engine.set_variable(instance.id, "deepXml", TypedValue(VariableType.XML, deep_xml(3000)))
    engine.set_variable(instance.id, "deepJson", TypedValue(VariableType.JSON, deep_json(500)))
    client = client_as(role)
    page = client.get(f"/e/demo/instances/{instance.id}/variables/")
    assert page.status_code == 200
    assert html.escape("<a><a><a>") in page.content.decode()  # raw: not pretty-printed
    if role != "Viewer":
        found = process_variable(engine, instance.id, "deepXml")
        confirm = client.get(f"/e/demo/instances/{instance.id}/variables/{found.id}/delete/")
        assert (
            confirm.status_code == 200
            and "Delete <code><bdi>deepXml</bdi></code>?" in confirm.content.decode()
        )
        edit = client.get(f"/e/demo/instances/{instance.id}/variables/{found.id}/edit/")
        assert edit.status_code == 200


@pytest.mark.parametrize(
    "kind,value,message",
    [
        ("Json", deep_json(1000), "Json nested 1000 levels deep is refused"),
        ("Xml", deep_xml(3000), "Xml nested 3000 levels deep is refused"),
    ],
)
def test_input_nested_too_deep_is_refused_by_the_field_and_nothing_is_sent(
    on_demo, engine, fresh, client_as, kind, value, message
):
    instance = fresh(process_definition_key="order")
    client = client_as("Support")
    added = client.post(
        f"/e/demo/instances/{instance.id}/variables/add/", {"name": "deep", "type": kind, "value": value}
    )
    assert added.status_code == 422 and message in added.content.decode()
    assert f"at most {MAX_NESTING} levels" in added.content.decode()
    with pytest.raises(NotFound):
        engine.get_variable(instance.id, "deep")
    found = process_variable(engine, instance.id, "customer")
    form = client.get(f"/e/demo/instances/{instance.id}/variables/{found.id}/edit/").content.decode()
    fingerprint = html.unescape(form.split('name="fingerprint" value="')[1].split('"')[0])
    edited = client.post(
        f"/e/demo/instances/{instance.id}/variables/{found.id}/edit/",
        {"type": kind, "value": value, "fingerprint": fingerprint, "loaded": found.value.value},
    )
    assert edited.status_code == 422 and message in edited.content.decode()
    assert engine.get_variable(instance.id, "customer") == found.value
    assert not AuditEntry.objects.exists()


def test_bulk_set_variable_with_json_nested_too_deep_is_refused_by_the_field(on_demo, engine, client_as):
    response = client_as("Operator").post(
        "/e/demo/instances/bulk/",
        {"action": "set_variables", "scope": "all", "filter": "", "variable_name": "deep",
         "variable_type": "Json", "variable_value": deep_json(1000), "step": "options"},
    )  # fmt: skip
    assert (
        response.status_code == 400 and "Json nested 1000 levels deep is refused" in response.content.decode()
    )


def test_a_string_added_with_a_file_attached_is_refused_by_the_file_field(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = client_as("Support").post(
        f"/e/demo/instances/{instance.id}/variables/add/",
        {"name": "notes", "type": "String", "value": "typed", "file": upload},
    )
    assert response.status_code == 422
    assert "A String value is typed, not uploaded" in html.unescape(response.content.decode())
    with pytest.raises(NotFound):
        engine.get_variable(instance.id, "notes")


def test_a_right_to_left_override_in_a_value_is_isolated_and_shown(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    engine.set_variable(instance.id, "attachment", TypedValue(VariableType.STRING, "\u202eP9gnp.exe"))
    page = client_as("Viewer").get(f"/e/demo/instances/{instance.id}/variables/").content.decode()
    assert '<bdi><span class="bidi-control"' in page and "[U+202E]</span>P9gnp.exe</bdi>" in page


# --- odd answers and refusals (a fake engine) -----------------------------------------------


def test_json_nested_3000_deep_set_elsewhere_is_shown_raw(client_as):
    deep = {**PROCESS_VARIABLE, "id": "v-8", "name": "deepJson", "type": "Json", "value": deep_json(3000)}
    with fake_engine({("GET", "/variable-instance"): [deep], ("GET", "/variable-instance/v-8"): deep}):
        client = client_as("Support")
        page = client.get("/e/demo/instances/pi-1/variables/")
        confirm = client.get("/e/demo/instances/pi-1/variables/v-8/delete/")
    assert page.status_code == 200 and "[[[[[[" in page.content.decode()
    assert (
        confirm.status_code == 200 and "Delete <code><bdi>deepJson</bdi></code>?" in confirm.content.decode()
    )


CUSTOM = {**PROCESS_VARIABLE, "id": "v-9", "name": "order", "type": "spin://Order", "value": {"id": 7}}


def test_a_variable_of_a_type_the_codec_does_not_know_is_shown_raw_and_read_only(client_as):
    overrides = {("GET", "/variable-instance"): [CUSTOM], ("GET", "/variable-instance/v-9"): CUSTOM}
    with fake_engine(overrides):
        client = client_as("Support")
        page = client.get("/e/demo/instances/pi-1/variables/")
        refused = client.get("/e/demo/instances/pi-1/variables/v-9/edit/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<bdi>spin://Order</bdi>" in body and html.escape('{"id": 7}', quote=True) in body
    assert "read-only" in body and "Edit order" not in body
    assert refused.status_code == 409 and "not edited here" in refused.content.decode()


@pytest.mark.parametrize(
    "dto",
    [
        {"type": "Double", "value": "not a number"},
        {"type": "Date", "value": 1764000000000},
        {"type": "Date", "value": "tomorrow"},
    ],
)
def test_a_value_that_is_not_of_its_type_is_shown_raw(client_as, dto):
    odd = {**PROCESS_VARIABLE, **dto}
    with fake_engine({("GET", "/variable-instance"): [odd]}):
        page = client_as("Support").get("/e/demo/instances/pi-1/variables/")
    assert page.status_code == 200 and str(dto["value"]) in page.content.decode()
    assert "read-only" in page.content.decode()


def test_an_added_variable_the_engine_does_not_list_yet_is_shown_as_written(client_as):
    overrides = {
        ("GET", "/variable-instance"): [],
        ("PUT", "/process-instance/pi-1/variables/approval"): httpx.Response(204),
    }
    with fake_engine(overrides):
        response = client_as("Support").post(
            "/e/demo/instances/pi-1/variables/add/", {"name": "approval", "type": "String", "value": "yes"}
        )
    body = response.content.decode()
    assert response.status_code == 200, body
    assert "<bdi>yes</bdi>" in body and "The engine does not list it yet" in body
    assert AuditEntry.objects.get(action="variable.create").outcome == "succeeded"


def test_a_save_the_engine_refuses_is_said_by_the_save_button_with_the_input_kept(client_as):
    refusal = httpx.Response(
        500, json={"type": "ProcessEngineException", "message": "Cannot set variable now"}
    )
    overrides = {
        ("GET", "/variable-instance/v-0"): PROCESS_VARIABLE,
        ("PUT", "/process-instance/pi-1/variables/amount"): refusal,
    }
    with fake_engine(overrides):
        client = client_as("Support")
        form = client.get("/e/demo/instances/pi-1/variables/v-0/edit/").content.decode()
        fingerprint = html.unescape(form.split('name="fingerprint" value="')[1].split('"')[0])
        response = client.post(
            "/e/demo/instances/pi-1/variables/v-0/edit/",
            {"type": "Integer", "value": "43", "fingerprint": fingerprint, "loaded": "42"},
        )
    body = response.content.decode()
    assert response.status_code == 422 and "HX-Retarget" not in response
    assert body.index("Not saved") < body.index('type="submit"') and "Cannot set variable now" in body
    assert 'value="43"' in body
    assert AuditEntry.objects.get(action="variable.update").outcome == "failed"
