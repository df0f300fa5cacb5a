import os

import pytest
import respx
from django.db import connection

from audit.log import audited
from audit.models import AuditEntry
from engines.errors import InvalidRequest

pytestmark = pytest.mark.django_db


def test_a_successful_action_is_recorded_with_the_engines_answer(make_user):
    user = make_user("Support")
    with audited(
        user=user,
        engine="demo",
        action="variable.update",
        target_type="process-instance",
        target_id="pi-1",
        parameters={"name": "amount"},
        old_value={"value": 1, "type": "Integer"},
    ) as outcome:
        outcome.new_value = {"value": 2, "type": "Integer"}
        outcome.engine_response = {"status": 204}
    entry = AuditEntry.objects.get()
    assert (entry.username, entry.engine, entry.action, entry.target_id) == (
        "support",
        "demo",
        "variable.update",
        "pi-1",
    )
    assert entry.outcome == "succeeded"
    assert entry.old_value == {"value": 1, "type": "Integer"}
    assert entry.new_value == {"value": 2, "type": "Integer"}
    assert entry.engine_response == {"status": 204}


def test_a_refused_action_is_recorded_as_failed_and_the_error_still_reaches_the_caller(make_user):
    user = make_user("Operator")
    with (
        pytest.raises(InvalidRequest),
        audited(user=user, engine="demo", action="instance.suspend", target_id="pi-9"),
    ):
        raise InvalidRequest(
            "Process instance pi-9 does not exist",
            status=400,
            exception_type="InvalidRequestException",
        )
    entry = AuditEntry.objects.get()
    assert entry.outcome == "failed"
    assert entry.engine_response["message"] == "Process instance pi-9 does not exist"
    assert entry.engine_response["type"] == "InvalidRequestException"


def _entry(**fields):
    defaults = dict(username="operator", engine="demo", action="instance.suspend", outcome="succeeded")
    return AuditEntry.objects.create(**{**defaults, **fields})


def test_the_audit_page_filters_by_user_engine_action_and_target(viewer_client):
    _entry(target_id="pi-1")
    _entry(target_id="pi-2", username="support", action="variable.update")
    _entry(target_id="pi-3", engine="staging")
    for query, expected in [
        ({"user": "support"}, {"pi-2"}),
        ({"engine": "staging"}, {"pi-3"}),
        ({"action": "variable."}, {"pi-2"}),
        ({"target": "pi-1"}, {"pi-1"}),
        ({}, {"pi-1", "pi-2", "pi-3"}),
    ]:
        table = viewer_client.get("/audit/", query).context["table"]
        assert {row.record.target_id for row in table.page.object_list} == expected, query


def test_the_instance_filter_finds_entries_by_business_key_too(viewer_client):
    _entry(target_id="pi-1", target_type="process_instance", parameters={"business_key": "ORDER-17"})
    _entry(target_id="pi-2", target_type="process_instance", parameters={"business_key": "ORDER-18"})
    table = viewer_client.get("/audit/", {"target": "ORDER-17"}).context["table"]
    assert [row.record.target_id for row in table.page.object_list] == ["pi-1"]


def test_the_instance_filter_finds_what_was_done_inside_the_instance_and_to_selections_including_it(
    viewer_client,
):
    from batches.models import Operation, OperationItem

    _entry(
        action="task.assign",
        target_type="user_task",
        target_id="task-1",
        parameters={"process_instance_id": "pi-1"},
    )
    _entry(
        action="job.due_date",
        target_type="job",
        target_id="job-1",
        parameters={"process_instance_id": "pi-1"},
    )
    _entry(
        action="instances.migrate",
        target_type="process_definition",
        target_id="order:2",
        parameters={"ids": ["pi-1", "pi-2"]},
    )
    _entry(
        action="instances.migrate",
        target_type="process_definition",
        target_id="order:3",
        parameters={"ids": ["pi-10"]},
    )
    matched = Operation.objects.create(engine="demo", kind="suspend", mode="chunked", username="operator")
    OperationItem.objects.create(operation=matched, seq=0, target="pi-1")
    other = Operation.objects.create(engine="demo", kind="suspend", mode="chunked", username="operator")
    OperationItem.objects.create(operation=other, seq=0, target="pi-2")
    _entry(action="operation.suspend", target_type="operation", target_id=str(matched.pk))
    _entry(action="operation.suspend", target_type="operation", target_id=str(other.pk))
    _entry(
        action="task.assign",
        target_type="user_task",
        target_id="task-2",
        parameters={"process_instance_id": "pi-2"},
    )

    table = viewer_client.get("/audit/", {"target": "pi-1"}).context["table"]

    assert sorted(row.record.target_id for row in table.page.object_list) == sorted(
        ["task-1", "job-1", "order:2", str(matched.pk)]
    )  # fmt: skip


def test_a_task_or_job_entry_names_its_instance_and_links_to_it(viewer_client):
    _entry(
        username="support", action="task.assign", target_type="user_task", target_id="task-1",
        parameters={"process_instance_id": "pi-1", "task": "Check stock", "business_key": "ORDER-17",
                    "process_name": "Order to delivery"},
        old_value="demo", new_value="mary",
    )  # fmt: skip
    body = viewer_client.get("/audit/").content.decode()
    assert "<bdi>assigned the task Check stock on</bdi>" in body
    assert '<a href="/e/demo/instances/pi-1/"><bdi>ORDER-17 (Order to delivery)</bdi></a>' in body
    assert "task assign" not in body


def test_the_action_filter_offers_every_kind_of_change(viewer_client):
    body = viewer_client.get("/audit/").content.decode()
    for family in ("task.", "external_task.", "job.", "job_definition.", "deployment."):
        assert f'<option value="{family}">' in body, family


def test_the_action_filter_offers_actions_in_words(viewer_client):
    body = viewer_client.get("/audit/").content.decode()
    assert '<option value="variable.">changed, added or deleted a variable</option>' in body


def test_an_entry_reads_as_a_sentence_linked_to_its_instance(viewer_client):
    _entry(
        username="support", action="variable.update", target_type="process_instance", target_id="pi-1",
        parameters={"name": "amount", "business_key": "ORDER-17", "process_name": "Order to delivery"},
        old_value={"type": "Integer", "value": "12"}, new_value={"type": "Integer", "value": "15"},
    )  # fmt: skip
    body = viewer_client.get("/audit/").content.decode()
    assert '<a href="/e/demo/instances/pi-1/"><bdi>ORDER-17 (Order to delivery)</bdi></a>' in body
    assert "<bdi>support</bdi> <bdi>changed amount on</bdi>" in body
    assert '<span class="change"><bdi>12 → 15</bdi></span>' in body
    assert "variable.update" not in body.split("<tbody")[1]


def test_an_operation_entry_links_to_its_operation_page(viewer_client):
    _entry(action="operation.suspend", target_type="operation", target_id="7")
    assert '<a href="/e/demo/batches/operations/7/">' in viewer_client.get("/audit/").content.decode()


def test_an_empty_log_says_what_will_be_listed(viewer_client):
    body = viewer_client.get("/audit/").content.decode()
    assert "Nothing has been done through the dashboard yet" in body


def test_dates_are_shown_in_the_time_zone_the_browser_named(viewer_client):
    from datetime import UTC, datetime

    entry = _entry(target_id="pi-1")
    AuditEntry.objects.filter(pk=entry.pk).update(at=datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    viewer_client.cookies["tz"] = "America/New_York"
    assert ">2026-07-01 08:00</time>" in viewer_client.get("/audit/").content.decode()
    viewer_client.cookies["tz"] = "../../etc/passwd"
    assert ">2026-07-01 12:00</time>" in viewer_client.get("/audit/").content.decode()


def test_an_impossible_date_range_is_explained_next_to_the_field_and_lists_nothing(viewer_client):
    _entry(target_id="pi-1")
    dates = {"since": "2026-12-31T00:00", "until": "2026-01-01T00:00"}
    response = viewer_client.get("/audit/", dates, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "The filter needs fixing (Until: see the message by the field); nothing is listed." in body
    form = body[body.index('id="audit-filters"') :]
    assert 'hx-swap-oob="true"' in form[:100]
    assert 'role="alert">This is before Since: no entry could match.</small>' in form
    assert "pi-1" not in body


def test_an_unreadable_date_is_refused_by_its_field(viewer_client):
    _entry(target_id="pi-1")
    body = viewer_client.get("/audit/", {"since": "31/12/2026"}).content.decode()
    assert "The filter needs fixing (Since: see the message by the field)" in body
    assert '<small class="field-error" role="alert">Enter a valid date/time.</small>' in body
    assert "pi-1" not in body


def test_a_filter_nothing_matches_says_so(viewer_client):
    _entry(target_id="pi-1")
    body = viewer_client.get("/audit/", {"since": "2999-01-01T00:00"}).content.decode()
    assert "Nothing matches this filter." in body and "pi-1" not in body


def test_filtering_with_htmx_answers_only_the_results_fragment(viewer_client):
    _entry(target_id="pi-1")
    response = viewer_client.get("/audit/", {"target": "pi-1"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert "<html" not in body
    assert "pi-1" in body


def test_values_and_answers_are_shown_escaped(viewer_client):
    _entry(target_id="pi-1", new_value={"value": "<img src=x onerror=alert(1)>"})
    body = viewer_client.get("/audit/").content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_audit_log_cannot_be_edited_in_the_admin(client, make_user):
    admin = make_user("Admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    entry = _entry(target_id="pi-1")
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403


def test_the_tests_run_on_the_database_they_were_asked_to():
    """Run on PostgreSQL by test_models_postgresql, which says so in COCKPIT_TEST_DATABASE."""
    assert connection.vendor == os.environ.get("COCKPIT_TEST_DATABASE", connection.vendor)


LONG_ID = "pi-" + "x" * 5000


def test_an_attempt_on_a_very_long_target_id_is_recorded_whole_and_found_by_it(make_user, viewer_client):
    with (
        pytest.raises(InvalidRequest),
        audited(user=make_user("Operator"), engine="demo", action="instance.suspend", target_id=LONG_ID),
    ):
        raise InvalidRequest("No such instance", status=400)
    entry = AuditEntry.objects.get()
    assert entry.target_id == LONG_ID and entry.outcome == "failed"
    page = viewer_client.get("/audit/", {"target": LONG_ID}).content.decode()
    assert LONG_ID[:300] in page


def test_an_attempt_with_nul_characters_is_recorded_with_them_marked(make_user):
    with audited(
        user=make_user("Support"),
        engine="demo",
        action="variable.update",
        target_id="pi-\x00-1",
        parameters={"name": "a\x00b"},
        old_value={"value": "\x00"},
    ) as outcome:
        outcome.new_value = {"value": "new\x00", "nested": ["\x00"]}
        outcome.engine_response = {"message": "\x00"}
    entry = AuditEntry.objects.get()
    assert entry.target_id == "pi-\u2400-1" and entry.parameters == {"name": "a\u2400b"}
    assert entry.old_value == {"value": "\u2400"} and entry.new_value == {
        "value": "new\u2400",
        "nested": ["\u2400"],
    }
    assert entry.engine_response == {"message": "\u2400"}


def test_suspending_an_instance_with_a_very_long_id_answers_the_engines_error_and_is_audited(operator_client):
    from tests.conftest import ENGINE_URL

    with respx.mock(base_url=ENGINE_URL) as engine:
        engine.put(url__regex=r"/process-instance/.+/suspended").respond(
            404, json={"type": "InvalidRequestException", "message": "No such instance"}
        )
        response = operator_client.post(f"/e/demo/instances/{LONG_ID}/suspend/", {"suspended": "true"})
    assert response.status_code == 404 and "No such instance" in response.content.decode()
    entry = AuditEntry.objects.get(action="instance.suspend")
    assert entry.target_id == LONG_ID and entry.outcome == "failed"


TIMEOUT = (
    "Demo engine did not answer within 30000 ms (PUT /process-instance/pi-1/suspended): "
    "the engine is slow today"
)


def _details(viewer_client) -> str:
    import html
    import re

    body = viewer_client.get("/audit/").content.decode()
    cell = re.search(r"<details>(.*?)</details>", body, re.S).group(1)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)))


def test_the_log_shows_the_engines_message_as_text_not_as_python(viewer_client):
    _entry(
        outcome="failed",
        parameters={"reason": "customer called: cancel it", "skip_custom_listeners": False},
        engine_response={
            "error": "EngineTimeout",
            "status": None,
            "type": "",
            "code": None,
            "message": TIMEOUT,
        },
    )
    shown = _details(viewer_client)
    assert TIMEOUT in shown
    assert "Reason customer called: cancel it" in shown and "Skip custom listeners no" in shown
    assert (
        "'reason'" not in shown
        and "' '" not in shown
        and "{" not in shown
        and "None" not in shown
        and "False" not in shown
    )


def test_the_log_shows_a_changed_variable_as_old_then_new(viewer_client):
    _entry(
        action="variable.update",
        parameters={"name": "amount"},
        old_value={"type": "Integer", "value": "1"},
        new_value={"type": "Long", "value": "20000000000"},
    )
    assert "Value 1 (Integer) → 20000000000 (Long)" in _details(viewer_client)


def test_the_log_shows_a_new_annotation_and_a_file_readably(viewer_client):
    _entry(action="incident.annotate", old_value=None, new_value="card provider issue")
    _entry(
        action="variable.delete",
        old_value={"type": "File", "filename": "invoice.pdf", "mimetype": "application/pdf", "size": 2048,
                   "sha256": "ab" * 32},
    )  # fmt: skip
    body = viewer_client.get("/audit/").content.decode()
    assert "none → card provider issue" in body
    assert "invoice.pdf (File, application/pdf, 2,048 bytes, sha256 abababab…)" in body


def test_a_long_value_is_cut_in_the_sentence_and_whole_in_the_details(viewer_client):
    long_text = "word " * 200
    _entry(
        parameters={"name": "note"},
        new_value={"type": "String", "value": long_text},
        action="variable.update",
    )
    body = viewer_client.get("/audit/").content.decode()
    said = body[body.index('<p class="said">') :]
    said = said[: said.index("</p>")]
    assert long_text.strip() not in said and "word word…" in said
    assert long_text.strip() in body
