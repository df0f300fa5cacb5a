"""The variables tab against the demo engine: every type shown, every edit path checked before it is sent,
no silent overwrite of someone else's change, and every change in the audit log with old and new value."""

import html
import re
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from engines.errors import NotFound
from engines.variables import TypedValue, VariableType

pytestmark = pytest.mark.django_db
INSTANCES = 120


def tab(client, instance_id, **params):
    response = client.get(f"/e/demo/instances/{instance_id}/variables/", params)
    assert response.status_code == 200
    return response.content.decode()


def variable(engine, instance_id, name):
    [found] = [v for v in engine.variable_instances(instance_id, name=name) if not v.is_local]
    return found


def hidden(page: str, name: str) -> str:
    field = re.search(rf'<input type="hidden" name="{name}"[^>]*>', page)
    assert field, f"no hidden {name} in the form"
    value = re.search(r'value="([^"]*)"', field.group(0))  # Django leaves out an empty value
    return html.unescape(value.group(1)) if value else ""


def edit_url(instance_id, found):
    return f"/e/demo/instances/{instance_id}/variables/{found.id}/edit/"


def open_form(client, instance_id, found) -> dict:
    """What the edit form carries besides the input: the fingerprint and the value as loaded."""
    page = client.get(edit_url(instance_id, found)).content.decode()
    return {"fingerprint": hidden(page, "fingerprint"), "loaded": hidden(page, "loaded")}


def save(client, instance_id, found, **data):
    return client.post(edit_url(instance_id, found), {**open_form(client, instance_id, found), **data})


# --- reading --------------------------------------------------------------------------------------


def test_every_type_of_an_order_is_shown_as_a_person_reads_it(on_demo, fresh, client_as):
    instance = fresh(process_definition_key="order")
    page = tab(client_as("Viewer"), instance.id)
    assert "{\n  &quot;street&quot;: &quot;" in page  # Json pretty-printed, escaped once
    assert ",\n  &quot;city&quot;: &quot;Springfield&quot;\n}" in page
    assert "&lt;label&gt;\n  &lt;to&gt;" in page  # Xml pretty-printed
    assert re.search(r"Download <bdi>invoice-\d+\.txt</bdi></a>\s*<small><bdi>text/plain", page)
    assert '<em class="null-value">null</em>' in page  # comment is Null
    assert re.search(
        r"<td><bdi>Long</bdi></td>\s*<td class=\"variable-value\">\s*<span class=\"value\"><bdi>9000000\d+",
        page,
    )
    assert "var_name=amount&amp;var_op=eq&amp;var_type=number&amp;var_value=" in page
    assert "var_name=address" not in page  # Json is not something the list can filter on


def test_every_type_of_a_loan_is_shown_including_objects_and_bytes(on_demo, fresh, client_as):
    instance = fresh(process_definition_key="loan")
    page = tab(client_as("Viewer"), instance.id)
    assert "<bdi>com.example.Customer</bdi><br><bdi>application/json</bdi>" in page
    assert "&quot;vip&quot;: " in page
    assert re.search(
        r"<td><bdi>Short</bdi></td>\s*<td class=\"variable-value\">\s*<span class=\"value\"><bdi>[1-4]<", page
    )
    assert re.search(
        r"Download <bdi>signature</bdi></a>\s*<small><bdi>application/octet-stream</bdi> · 16", page
    )


def test_the_page_showing_values_is_kept_out_of_the_browsers_history_cache(on_demo, fresh, client_as):
    instance = fresh(process_definition_key="order")
    page = client_as("Viewer").get(f"/e/demo/instances/{instance.id}/").content.decode()
    assert 'hx-history="false"' in page


def test_a_huge_value_is_folded_shown_in_part_and_downloadable_whole(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    huge = "x" * 250_000 + "END"
    engine.set_variable(instance.id, "transcript", TypedValue(VariableType.STRING, huge))
    client = client_as("Viewer")
    page = tab(client, instance.id)
    assert "The first 100000 of 250003 characters." in page
    assert "END" not in page
    transcript = variable(engine, instance.id, "transcript")
    download = client.get(f"/e/demo/instances/{instance.id}/variables/{transcript.id}/download/")
    assert download.content.decode() == huge
    assert download["Content-Disposition"] == 'attachment; filename="transcript.txt"'


def test_files_download_with_their_name_and_type(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    invoice = variable(engine, instance.id, "invoice")
    response = client_as("Viewer").get(f"/e/demo/instances/{instance.id}/variables/{invoice.id}/download/")
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.value.filename}"'
    assert response.content.startswith(b"Invoice ")


def test_markup_in_names_and_values_is_shown_as_text(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    engine.set_variable(
        instance.id,
        "<script>alert(1)</script>",
        TypedValue(VariableType.STRING, "<img src=x onerror=alert(2)>"),
    )
    page = tab(client_as("Viewer"), instance.id)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page


def test_a_viewer_sees_no_edit_controls(on_demo, fresh, client_as):
    instance = fresh(process_definition_key="order")
    page = tab(client_as("Viewer"), instance.id)
    assert "Edit amount" not in page and "Add a variable" not in page
    assert "Edit amount" in tab(client_as("Support"), instance.id)


# --- editing, type by type ------------------------------------------------------------------------

VALID = [
    (VariableType.STRING, "hello", "Grüße\nzweite Zeile", "Grüße\nzweite Zeile"),
    (VariableType.INTEGER, 1, "-2147483648", -2147483648),
    (VariableType.LONG, 1, "9223372036854775807", 9223372036854775807),
    (VariableType.SHORT, 1, "32767", 32767),
    (VariableType.DOUBLE, 1.5, "-0.25e3", -250.0),
    (VariableType.BOOLEAN, True, "false", False),
    (
        VariableType.DATE,
        datetime(2026, 1, 1, tzinfo=UTC),
        "2026-11-22T09:30:15.250",
        datetime(2026, 11, 22, 9, 30, 15, 250000, tzinfo=UTC),
    ),
    (VariableType.JSON, '{"a": 1}', '{"items": [1, 2], "ok": true}', '{"items": [1, 2], "ok": true}'),
    (VariableType.XML, "<a/>", "<order><id>7</id></order>", "<order><id>7</id></order>"),
]
INVALID = [
    (VariableType.INTEGER, 1, "2147483648", "Integer must be between -2147483648 and 2147483647"),
    (VariableType.INTEGER, 1, "12.5", "Integer must be a whole number"),
    (VariableType.LONG, 1, "9223372036854775808", "Long must be between"),
    (VariableType.SHORT, 1, "-32769", "Short must be between -32768 and 32767"),
    (VariableType.DOUBLE, 1.5, "NaN", "Double must be a finite number"),
    (VariableType.DOUBLE, 1.5, "one and a half", "Double must be a number"),
    (VariableType.BOOLEAN, True, "yes", "Boolean must be true or false"),
    (VariableType.DATE, datetime(2026, 1, 1, tzinfo=UTC), "22.11.2026", "pick a day and time in the picker"),
    (
        VariableType.DATE,
        datetime(2026, 1, 1, tzinfo=UTC),
        "202609-12-24T03:00",
        "year must be from 1 to 9999",
    ),
    (VariableType.INTEGER, 1, "12abc", "Integer must be a whole number, not '12abc'"),
    (VariableType.SHORT, 1, "abc", "Short must be a whole number, not 'abc'"),
    (VariableType.JSON, '{"a": 1}', '{"a": ', "Json does not parse"),
    (VariableType.XML, "<a/>", "<order><id>7</order>", "Xml is not well-formed"),
    (
        VariableType.XML,
        "<a/>",
        '<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>',
        "DOCTYPE or entity declarations is refused",
    ),
]


@pytest.mark.parametrize(("kind", "before", "typed", "stored"), VALID, ids=[case[0].value for case in VALID])
def test_a_valid_edit_reaches_the_engine_and_the_audit_log(
    on_demo, engine, fresh, client_as, kind, before, typed, stored
):
    instance = fresh(process_definition_key="order")
    engine.set_variable(instance.id, "subject", TypedValue(kind, before))
    found = variable(engine, instance.id, "subject")
    response = save(client_as("Support"), instance.id, found, type=kind.value, value=typed)
    assert response.status_code == 200, response.content.decode()
    assert response["HX-Trigger"] == "instance-changed"
    assert "Saved." in response.content.decode()
    assert engine.get_variable(instance.id, "subject").value == stored
    entry = AuditEntry.objects.get(action="variable.update", target_id=instance.id)
    assert entry.username == "support" and entry.outcome == "succeeded"
    assert entry.parameters["name"] == "subject"
    assert entry.old_value["type"] == kind.value and entry.new_value["type"] == kind.value
    assert entry.old_value["value"] != entry.new_value["value"]


@pytest.mark.parametrize(("kind", "before", "typed", "message"), INVALID, ids=[c[2] for c in INVALID])
def test_an_invalid_edit_is_explained_next_to_the_field_and_nothing_is_sent(
    on_demo, engine, fresh, client_as, kind, before, typed, message
):
    instance = fresh(process_definition_key="order")
    engine.set_variable(instance.id, "subject", TypedValue(kind, before))
    found = variable(engine, instance.id, "subject")
    response = save(client_as("Support"), instance.id, found, type=kind.value, value=typed)
    page = response.content.decode()
    assert response.status_code == 422
    assert message in html.unescape(page)
    assert html.escape(typed) in page  # what was typed is still there to fix
    assert variable(engine, instance.id, "subject").value == found.value
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("kind", [VariableType.INTEGER, VariableType.SHORT, VariableType.LONG])
def test_a_whole_number_is_typed_as_text_so_letters_reach_the_server(on_demo, engine, fresh, client_as, kind):
    # A number input drops "abc" and sends "12" for "12abc": the server cannot refuse what it never sees.
    instance = fresh(process_definition_key="order")
    engine.set_variable(instance.id, "subject", TypedValue(kind, 1))
    page = (
        client_as("Support")
        .get(edit_url(instance.id, variable(engine, instance.id, "subject")))
        .content.decode()
    )
    [field] = re.findall(r'<input[^>]*name="value"[^>]*>', page)
    assert 'type="text"' in field and 'inputmode="numeric"' in field


def test_the_date_hint_says_what_the_picker_takes_like_the_error_does(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    engine.set_variable(
        instance.id, "subject", TypedValue(VariableType.DATE, datetime(2026, 1, 1, tzinfo=UTC))
    )
    found = variable(engine, instance.id, "subject")
    page = html.unescape(
        save(client_as("Support"), instance.id, found, type="Date", value="soon").content.decode()
    )
    assert "Pick the day and time in UTC (year 1 to 9999); the picker fills in e.g. 2026-11-22T09:30." in page
    assert "pick a day and time in the picker (in UTC), e.g. 2026-11-22T09:30; 'soon' is not a date" in page
    assert "+0100" not in page and "engine's format" not in page


def test_the_file_hint_says_the_upload_brings_its_own_name_and_type(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    page = (
        client_as("Support")
        .get(edit_url(instance.id, variable(engine, instance.id, "invoice")))
        .content.decode()
    )
    assert "The upload replaces the file: its content, name and type are the upload's." in page
    assert "name and type are kept" not in page


def test_an_object_edit_needs_its_type_name_and_format_and_keeps_them(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="loan")
    found = variable(engine, instance.id, "customerRecord")
    client = client_as("Support")
    refused = save(
        client,
        instance.id,
        found,
        type="Object",
        value='{"name": "Ada"}',
        object_type_name="",
        serialization_format="application/json",
    )
    assert refused.status_code == 422 and "needs its object type name" in refused.content.decode()
    saved = save(
        client, instance.id, found, type="Object", value='{"name": "Ada", "vip": true}',
        object_type_name="com.example.Customer", serialization_format="application/json",
    )  # fmt: skip
    assert saved.status_code == 200
    stored = engine.get_variable(instance.id, "customerRecord")
    assert stored.value == '{"name": "Ada", "vip": true}'
    assert (
        stored.object_type_name == "com.example.Customer"
        and stored.serialization_format == "application/json"
    )


def test_a_null_variable_gets_a_value_by_changing_its_type(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "comment")
    client = client_as("Support")
    redraw = client.post(
        edit_url(instance.id, found),
        {**open_form(client, instance.id, found), "type": "String", "value": "", "redraw": "1"},
    )
    assert redraw.status_code == 200 and '<textarea name="value"' in redraw.content.decode()
    assert "field-error" not in redraw.content.decode()  # switching type is not a failed save
    assert save(client, instance.id, found, type="String", value="call back at 3").status_code == 200
    assert engine.get_variable(instance.id, "comment") == TypedValue(
        VariableType.STRING, "call back at 3", {}
    )


def test_setting_a_variable_to_null(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "customer")
    assert save(client_as("Support"), instance.id, found, type="Null", value="").status_code == 200
    assert engine.get_variable(instance.id, "customer").type == VariableType.NULL


def test_a_new_file_is_uploaded_over_a_file_variable(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "invoice")
    client = client_as("Support")
    upload = SimpleUploadedFile("invoice-fixed.csv", b"amount;1200\n", content_type="text/csv")
    response = save(client, instance.id, found, type="File", file=upload)
    assert response.status_code == 200, response.content.decode()
    content = engine.get_variable_data(instance.id, "invoice")
    assert (content.data, content.filename, content.mimetype) == (
        b"amount;1200\n",
        "invoice-fixed.csv",
        "text/csv",
    )
    entry = AuditEntry.objects.get(action="variable.update")
    assert (
        entry.old_value["filename"] == found.value.filename
        and entry.new_value["filename"] == "invoice-fixed.csv"
    )
    assert entry.new_value["size"] == 12 and len(entry.new_value["sha256"]) == 64


def test_bytes_are_replaced_by_upload_and_keep_no_file_name(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="loan")
    found = variable(engine, instance.id, "signature")
    upload = SimpleUploadedFile("sig.bin", b"\x00\x01signed", content_type="application/octet-stream")
    response = save(client_as("Support"), instance.id, found, type="Bytes", file=upload)
    assert response.status_code == 200, response.content.decode()
    stored = engine.get_variable(instance.id, "signature")
    assert (stored.type, stored.value) == (VariableType.BYTES, b"\x00\x01signed")


def test_a_file_edit_without_a_file_is_refused(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "invoice")
    response = save(client_as("Support"), instance.id, found, type="File")
    assert response.status_code == 422 and "Choose the file to upload" in response.content.decode()


def test_a_variable_local_to_an_activity_is_edited_in_its_own_scope(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order", activity_ids=("check_stock",))
    [task] = engine.activity_instance_tree(instance.id).children
    engine.set_variable(
        instance.id, "checked_by", TypedValue(VariableType.STRING, "ann"), execution_id=task.execution_ids[0]
    )
    [local] = engine.variable_instances(instance.id, name="checked_by")
    client = client_as("Support")
    page = tab(client, instance.id, activity="check_stock")
    assert "checked_by" in page and "amount" not in page  # the activity filter shows its local variables
    assert save(client, instance.id, local, type="String", value="bob").status_code == 200
    [after] = engine.variable_instances(instance.id, name="checked_by")
    assert after.is_local and after.value.value == "bob"


# --- nobody silently overwrites someone else's change ---------------------------------------------


def test_an_edit_of_a_value_that_changed_meanwhile_is_refused_with_the_current_value_and_a_diff(
    on_demo, engine, fresh, client_as
):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "customer")
    client = client_as("Support")
    loaded = open_form(client, instance.id, found)
    engine.set_variable(instance.id, "customer", TypedValue(VariableType.STRING, "Changed By Someone Else"))
    response = client.post(edit_url(instance.id, found), {**loaded, "type": "String", "value": "My Edit"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 409
    assert "changed in the engine since you opened the form" in page
    assert "Changed By Someone Else" in page  # the value now
    assert f"-{found.value.value}\n+Changed By Someone Else" in page  # what changed meanwhile
    assert ">My Edit</textarea>" in page  # the person's input is kept
    assert engine.get_variable(instance.id, "customer").value == "Changed By Someone Else"
    assert not AuditEntry.objects.exists()
    # Saving again from the refusal knowingly replaces the value it showed.
    again = client.post(
        edit_url(instance.id, found),
        {"fingerprint": hidden(page, "fingerprint"), "loaded": "", "type": "String", "value": "My Edit"},
    )
    assert again.status_code == 200
    assert engine.get_variable(instance.id, "customer").value == "My Edit"


def test_saving_over_a_change_made_meanwhile_is_logged_and_shown_as_an_overwrite(
    on_demo, engine, fresh, client_as
):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "customer")
    client = client_as("Support")
    loaded = open_form(client, instance.id, found)
    engine.set_variable(instance.id, "customer", TypedValue(VariableType.STRING, "Changed By Someone Else"))
    refusal = client.post(edit_url(instance.id, found), {**loaded, "type": "String", "value": "My Edit"})
    page = refusal.content.decode()
    again = {"fingerprint": hidden(page, "fingerprint"), "loaded": hidden(page, "loaded")}
    again = client.post(
        edit_url(instance.id, found),
        {**again, "overwrite": hidden(page, "overwrite"), "type": "String", "value": "My Edit"},
    )
    assert again.status_code == 200 and engine.get_variable(instance.id, "customer").value == "My Edit"
    entry = AuditEntry.objects.get(target_id=instance.id)
    assert entry.action == "variable.overwrite" and entry.old_value["value"] == "Changed By Someone Else"

    log = client_as("Operator").get("/audit/").content.decode()
    said = "changed customer, saving over a value changed meanwhile, on</bdi>"
    assert said in log  # the name, and that it was an overwrite
    whose = f"{instance.business_key} (Order to delivery)"
    assert f'<a href="/e/demo/instances/{instance.id}/"><bdi>{whose}</bdi></a>' in log  # whose, a link


def test_a_file_replaced_meanwhile_is_not_overwritten(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "invoice")
    client = client_as("Support")
    loaded = open_form(client, instance.id, found)
    engine.set_variable_data(
        instance.id, "invoice", b"other", filename=found.value.filename, mimetype="text/plain"
    )
    upload = SimpleUploadedFile("mine.txt", b"mine", content_type="text/plain")
    response = client.post(edit_url(instance.id, found), {**loaded, "type": "File", "file": upload})
    assert response.status_code == 409
    assert engine.get_variable_data(instance.id, "invoice").data == b"other"


def test_an_edit_of_a_variable_deleted_meanwhile_is_refused_and_keeps_the_input(
    on_demo, engine, fresh, client_as
):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "customer")
    client = client_as("Support")
    loaded = open_form(client, instance.id, found)
    engine.delete_variable(instance.id, "customer")
    response = client.post(edit_url(instance.id, found), {**loaded, "type": "String", "value": "My Edit"})
    assert response.status_code == 409
    assert "was deleted in the engine" in response.content.decode() and "My Edit" in response.content.decode()
    with pytest.raises(NotFound):
        engine.get_variable(instance.id, "customer")


# --- adding and deleting --------------------------------------------------------------------------


def add(client, instance_id, **data):
    return client.post(f"/e/demo/instances/{instance_id}/variables/add/", data)


def test_a_variable_is_added_on_the_process_instance_and_shown_in_the_table(
    on_demo, engine, fresh, client_as
):
    instance = fresh(process_definition_key="order")
    response = add(client_as("Support"), instance.id, name="approval", type="Json", value='{"by": "lead"}')
    page = response.content.decode()
    assert response.status_code == 200, page
    assert 'hx-swap-oob="beforeend:#variables-body"' in page and "approval" in page
    assert engine.get_variable(instance.id, "approval") == TypedValue(VariableType.JSON, '{"by": "lead"}', {})
    entry = AuditEntry.objects.get(action="variable.create")
    assert entry.old_value is None and entry.new_value == {"type": "Json", "value": '{"by": "lead"}'}


def test_adding_a_name_that_exists_is_refused(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    response = add(client_as("Support"), instance.id, name="amount", type="Integer", value="5")
    assert response.status_code == 422 and "exists already" in html.unescape(response.content.decode())
    assert engine.get_variable(instance.id, "amount").value != 5


def test_adding_needs_a_name_and_a_valid_value(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    client = client_as("Support")
    assert (
        "Name the variable." in add(client, instance.id, name=" ", type="String", value="x").content.decode()
    )
    response = add(client, instance.id, name="count", type="Short", value="40000")
    assert response.status_code == 422 and "Short must be between" in response.content.decode()
    with pytest.raises(NotFound):
        engine.get_variable(instance.id, "count")


def test_a_file_variable_is_added_by_upload(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    upload = SimpleUploadedFile("photo.png", b"\x89PNG....", content_type="image/png")
    response = add(client_as("Support"), instance.id, name="photo", type="File", file=upload)
    assert response.status_code == 200, response.content.decode()
    content = engine.get_variable_data(instance.id, "photo")
    assert (content.data, content.filename, content.mimetype) == (b"\x89PNG....", "photo.png", "image/png")


def test_a_variable_is_deleted_after_confirmation_and_audited(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "express")
    client = client_as("Support")
    url = f"/e/demo/instances/{instance.id}/variables/{found.id}/delete/"
    confirm = client.get(url).content.decode()
    assert "Delete <code><bdi>express</bdi></code>?" in confirm
    engine.get_variable(instance.id, "express")  # asking did not delete
    response = client.post(url, {"fingerprint": hidden(confirm, "fingerprint")})
    assert response.status_code == 200 and "deleted" in response.content.decode()
    with pytest.raises(NotFound):
        engine.get_variable(instance.id, "express")
    entry = AuditEntry.objects.get(action="variable.delete")
    assert entry.old_value["type"] == "Boolean" and entry.parameters["name"] == "express"


def test_deleting_a_variable_that_changed_meanwhile_is_refused(on_demo, engine, fresh, client_as):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "amount")
    client = client_as("Support")
    url = f"/e/demo/instances/{instance.id}/variables/{found.id}/delete/"
    fingerprint = hidden(client.get(url).content.decode(), "fingerprint")
    engine.set_variable(instance.id, "amount", TypedValue(VariableType.INTEGER, 777))
    response = client.post(url, {"fingerprint": fingerprint})
    assert response.status_code == 409 and "changed in the engine meanwhile" in response.content.decode()
    assert engine.get_variable(instance.id, "amount").value == 777


# --- who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Viewer", None])
def test_only_support_and_above_may_change_variables(on_demo, engine, fresh, client_as, role):
    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "customer")
    client = client_as(role)
    base = f"/e/demo/instances/{instance.id}/variables"
    assert client.post(f"{base}/{found.id}/edit/", {"type": "String", "value": "x"}).status_code == 403
    assert client.post(f"{base}/add/", {"name": "n", "type": "String", "value": "x"}).status_code == 403
    assert client.post(f"{base}/{found.id}/delete/").status_code == 403
    assert engine.get_variable(instance.id, "customer").value == found.value.value
    assert not AuditEntry.objects.exists()


def test_changing_a_variable_needs_the_csrf_token(on_demo, engine, fresh, make_user):
    from django.test import Client

    instance = fresh(process_definition_key="order")
    found = variable(engine, instance.id, "customer")
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("Support"))
    response = client.post(edit_url(instance.id, found), {"type": "String", "value": "x"})
    assert response.status_code == 403
    assert engine.get_variable(instance.id, "customer").value == found.value.value


def test_a_date_variable_is_shown_in_the_one_date_format_with_the_exact_instant_on_hover(
    on_demo, engine, fresh, client_as
):
    instance = fresh(process_definition_key="order")
    moment = datetime(2026, 12, 24, 18, 30, 15, 250000, tzinfo=UTC)
    engine.set_variable(instance.id, "deliverBy", TypedValue(VariableType.DATE, moment))
    page = tab(client_as("Viewer"), instance.id)
    cell = re.search(r'data-name="deliverBy".*?<td class="variable-value">(.*?)</td>', page, re.S).group(1)
    exact = 'datetime="2026-12-24T18:30:15.250Z" title="2026-12-24 18:30:15.250 UTC"'
    assert f"<time {exact}>2026-12-24 18:30</time>" in cell
    assert "2026-12-24T18:30:15.250+0000" not in cell.split("copy")[0]  # not the engine's raw text
