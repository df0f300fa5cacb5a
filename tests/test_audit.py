import pytest

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
        ({"action": "variable"}, {"pi-2"}),
        ({"target": "pi-1"}, {"pi-1"}),
        ({}, {"pi-1", "pi-2", "pi-3"}),
    ]:
        table = viewer_client.get("/audit/", query).context["table"]
        assert {row.record.target_id for row in table.page.object_list} == expected, query


def test_an_impossible_date_range_is_explained_next_to_the_field(viewer_client):
    response = viewer_client.get("/audit/", {"since": "2026-02-01T00:00", "until": "2026-01-01T00:00"})
    assert "Must be after" in response.content.decode()


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
