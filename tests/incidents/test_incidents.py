"""The incident list against the demo engine: filters, groups with exact counts, bulk retry and annotate."""

import re

import pytest

from batches import operations
from batches.models import Operation
from engines.queries import ProcessInstanceQuery, VariableFilter, containing
from engines.variables import TypedValue, VariableType
from incidents import groups
from tests.demo_engine.conftest import eventually

pytestmark = pytest.mark.django_db
INSTANCES = 300


def shown_ids(body: str) -> set[str]:
    return set(re.findall(r'name="incident_ids" value="([^"]+)"', body))


def work_to_the_end(operation: Operation) -> Operation:
    while operations.work_chunk(operation.pk, "test") == operations.MORE:
        pass
    return Operation.objects.get(pk=operation.pk)


def test_filters_are_the_engines_incident_query(on_demo, engine, operator_client):
    body = operator_client.get(
        "/e/demo/incidents/",
        {"message": "declined", "process": "order", "activity_id": "charge", "limit": 200},
    ).content.decode()
    expected = engine.list_incidents(
        incident_message_like="%declined%", process_definition_keys=["order"], activity_id="charge", limit=200
    )
    assert shown_ids(body) == {i.id for i in expected} and expected
    assert "Order to delivery v" in body  # the process, by name


def test_a_group_is_one_message_with_its_exact_count(on_demo, engine, viewer_client):
    body = viewer_client.get("/e/demo/incidents/", {"group": "on"}).content.decode()
    rows = re.findall(r"<td><strong>(\d+)</strong></td>\s*<td><a [^>]*>([^<]+)</a>", body)
    assert rows
    total = 0
    for count, message in rows:
        if message != "(no message)":  # a call activity's copy of an incident has none, as on Camunda
            matching = engine.count_incidents(incident_message=message.replace("&#x27;", "'"))
            assert int(count) <= matching  # a message can stand in several processes or activities
        total += int(count)
    assert total == engine.count_incidents()


def test_groups_count_exactly_even_when_the_scan_is_cut(on_demo, engine, monkeypatch):
    monkeypatch.setattr(groups, "PAGE", 5)
    monkeypatch.setattr(groups, "SCAN", 10)
    found, cut = groups.groups(engine, {})
    assert cut
    for group in found:
        assert group.count == engine.count_incidents(**group.filters())


def test_the_annotation_filter_keeps_only_annotated_incidents_or_only_the_others(
    on_demo, engine, operator_client
):
    [first, second] = engine.list_incidents(activity_id="score", limit=2)
    engine.set_incident_annotation(first.id, "bureau asked")
    annotated = shown_ids(operator_client.get("/e/demo/incidents/", {"annotated": "yes"}).content.decode())
    assert first.id in annotated and second.id not in annotated
    others = shown_ids(
        operator_client.get("/e/demo/incidents/", {"annotated": "no", "limit": 200}).content.decode()
    )
    assert first.id not in others and second.id in others
    engine.clear_incident_annotation(first.id)


def test_annotating_the_selected_incidents_asks_first_then_goes_to_a_worker(on_demo, engine, operator_client):
    chosen = [i.id for i in engine.list_incidents(activity_id="charge", limit=3)]
    data = {"action": "annotate", "scope": "selected", "incident_ids": chosen, "filter": ""}
    confirm = operator_client.post("/e/demo/incidents/bulk/", data).content.decode()
    assert "Annotate incidents: 3 incidents" in confirm and 'name="annotation"' in confirm
    refused = operator_client.post("/e/demo/incidents/bulk/", {**data, "confirm": "yes"})
    assert refused.status_code == 400 and "Write the annotation" in refused.content.decode()
    done = operator_client.post(
        "/e/demo/incidents/bulk/", {**data, "annotation": "card provider issue", "confirm": "yes"}
    )
    operation = Operation.objects.get(kind="incident_annotate")
    assert done["Location"] == f"/e/demo/batches/operations/{operation.pk}/"
    assert work_to_the_end(operation).status == "completed"
    assert {engine.get_incident(i).annotation for i in chosen} == {"card provider issue"}


def test_retrying_a_group_retries_the_failed_jobs_behind_it_in_one_engine_batch(
    on_demo, engine, operator_client
):
    body = operator_client.get(
        "/e/demo/incidents/", {"group": "on", "message": "answered 503"}
    ).content.decode()
    group_filter = re.search(r'name="group_filter" value="([^"]+)"', body).group(1).replace("&quot;", '"')
    # Each failed scoring job shows twice: at "score", and as a copy (with no message, as on Camunda)
    # at the loan's call activity; the group is the ones with the message.
    jobs = engine.count_incidents(incident_message_like="%answered 503%", activity_id="score")
    assert jobs and engine.count_incidents(incident_message_like="%answered 503%") == jobs
    data = {"action": "retry", "scope": "group", "group_filter": group_filter, "filter": "", "confirm": "yes"}
    operator_client.post("/e/demo/incidents/bulk/", data)
    operation = Operation.objects.get(kind="incident_retry")
    operations.hand_over(operation)  # what the worker does: POST /job/retries
    operation.refresh_from_db()
    assert operation.engine_batch_id and operation.total == jobs  # one retry per failed job, not per copy
    # Scoring recovers on retry: the incidents go, at the callers too.
    eventually(lambda: engine.count_incidents(incident_message_like="%answered 503%") == 0)


@pytest.mark.parametrize("role", ["Viewer", "Support"])
def test_only_operators_act_on_incidents_in_bulk(on_demo, engine, client_as, role):
    chosen = [i.id for i in engine.list_incidents(limit=2)]
    response = client_as(role).post(
        "/e/demo/incidents/bulk/",
        {"action": "retry", "scope": "selected", "incident_ids": chosen, "confirm": "yes"},
    )
    assert response.status_code == 403 and not Operation.objects.exists()


def test_an_unknown_filter_is_named_in_a_banner_and_the_rest_still_applies(on_demo, engine, operator_client):
    body = operator_client.get("/e/demo/incidents/", {"activity_id": "charge", "processDefinitionId": "x"})
    body = body.content.decode()
    assert "This list has no filter named processDefinitionId: it was left out" in body
    assert shown_ids(body) == {i.id for i in engine.list_incidents(activity_id="charge", limit=50)}


def test_groups_tell_tenants_and_versions_apart_and_add_up_to_a_total(on_demo, engine, viewer_client):
    body = viewer_client.get("/e/demo/incidents/", {"group": "on"}).content.decode()
    head = re.search(r"<thead>(.*?)</thead>", body, re.S).group(1)
    assert ">Version<" in head and ">Tenant<" in head
    rows = re.findall(r"<tr>\s*<td><strong>(\d+)</strong></td>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", rest, re.S) for _count, rest in rows]
    # Message, type, process, version, tenant, activity: no two groups look the same.
    seen = [tuple(re.sub(r"<[^>]+>", "", c).strip() for c in row[:6]) for row in cells]
    assert len(set(seen)) == len(seen)
    assert any("acme" in row for row in seen)
    total = re.search(r"<tfoot>.*?<strong>([\d,]+)</strong>", body, re.S).group(1)
    assert int(total.replace(",", "")) == engine.count_incidents()


def test_the_groups_total_says_at_least_when_the_scan_is_cut(on_demo, engine, viewer_client, monkeypatch):
    monkeypatch.setattr(groups, "PAGE", 5)
    monkeypatch.setattr(groups, "SCAN", 10)
    body = viewer_client.get("/e/demo/incidents/", {"group": "on"}).content.decode()
    shown = int(re.search(r'<span id="count">At least ([\d,]+) matching', body).group(1).replace(",", ""))
    assert shown <= engine.count_incidents()


def test_message_contains_takes_percent_and_underscore_literally(on_demo, engine, operator_client):
    message = next(
        i.incident_message for i in engine.list_incidents(limit=50) if " " in (i.incident_message or "")
    )
    assert engine.count_incidents(incident_message_like="%") > 0
    for typed in ("%", message.replace(" ", "_", 1)):
        body = operator_client.get("/e/demo/incidents/", {"message": typed, "limit": 200}).content.decode()
        assert shown_ids(body) == set(), f"{typed!r} matched as a wildcard"
    body = operator_client.get("/e/demo/incidents/", {"message": message, "limit": 200}).content.decode()
    assert shown_ids(body)


def test_the_demo_engine_escapes_like_with_a_backslash_as_camunda_does(on_demo, engine, fresh):
    instance = fresh(process_definition_key="order")
    engine.set_variable(instance.id, "coupon", TypedValue(VariableType.STRING, "50%_off"))

    def matches(pattern: str) -> bool:
        like = VariableFilter("coupon", "like", pattern)
        query = ProcessInstanceQuery(process_instance_ids=(instance.id,), variables=(like,))
        return engine.count_instances(query) == 1

    assert matches(containing("50%_off")) and matches("50%")
    assert not matches(containing("50%_of_")) and not matches(containing("0%_off\\"))
    engine.set_variable(instance.id, "coupon", TypedValue(VariableType.STRING, "50 percent off"))
    assert not matches(containing("50%")) and matches("50%")


def test_an_incidents_activity_is_shown_by_its_name_with_its_id_on_hover(on_demo, engine, viewer_client):
    from engines.bpmn import parse_model

    [incident] = engine.list_incidents(activity_id="charge", limit=1)
    name = parse_model(engine.definition_xml(incident.process_definition_id)).title("charge")
    assert name != "charge"
    for view in ("", "&group=on"):
        body = viewer_client.get(f"/e/demo/incidents/?activity_id=charge{view}").content.decode()
        assert f'<span class="activity" title="charge">{name}</span>' in body, view
