"""Filters in words, as bulk confirmations and operation pages show them."""

from datetime import UTC, datetime

import pytest

from cockpit.filter_words import incident_filter_words, instance_filter_words
from engines.queries import ProcessInstanceQuery, VariableFilter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (ProcessInstanceQuery(), "All running instances"),
        (ProcessInstanceQuery(process_definition_key="order"), "Process 'order'"),
        (ProcessInstanceQuery(business_key="ORDER-1"), "Business key 'ORDER-1'"),
        (ProcessInstanceQuery(business_key_like="A%"), "Business key like 'A%'"),
        (ProcessInstanceQuery(process_instance_ids=("a", "b")), "Instances a, b"),
        (ProcessInstanceQuery(process_instance_ids=tuple("abcde")), "One of 5 instances by id"),
        (ProcessInstanceQuery(active=True), "Active"),
        (ProcessInstanceQuery(suspended=True), "Suspended"),
        (ProcessInstanceQuery(with_incident=True), "With incidents"),
        (ProcessInstanceQuery(incident_type="failedJob"), "Incident type 'failedJob'"),
        (ProcessInstanceQuery(incident_message_like="%declined%"), "Incident message like '%declined%'"),
        (ProcessInstanceQuery(activity_ids=("ship",)), "Waiting in 'ship'"),
        (ProcessInstanceQuery(tenant_ids=("acme",)), "Tenant 'acme'"),
        (ProcessInstanceQuery(root_process_instances=True), "Root instances only"),
        (ProcessInstanceQuery(super_process_instance="pi-1"), "Called by instance pi-1"),
        (ProcessInstanceQuery(sub_process_instance="pi-2"), "Calling instance pi-2"),
        (
            ProcessInstanceQuery(
                variables=(VariableFilter("amount", "gt", 4000), VariableFilter("customer", "like", "Ada%")),
                variable_values_ignore_case=True,
            ),
            "Variable amount > 4000, variable customer like 'Ada%', variable values ignoring case",
        ),
        (
            ProcessInstanceQuery(
                variables=(VariableFilter("due", "lt", datetime(2026, 11, 2, 9, 30, tzinfo=UTC)),)
            ),
            "Variable due < 2026-11-02 09:30",
        ),
        (
            ProcessInstanceQuery(process_definition_key="order", with_incident=True, business_key_like="A%"),
            "Process 'order', with incidents, business key like 'A%'",
        ),
        (None, "Nothing (no instance can match)"),
    ],
)
def test_every_instance_filter_is_said_in_words(query, words, settings):
    settings.TIME_ZONE = "UTC"
    assert instance_filter_words(query) == words


def test_a_process_is_named_as_the_engine_names_it(engine):
    version_two = engine.get_latest_definition("order")
    query = ProcessInstanceQuery(process_definition_key="order", with_incident=True)
    assert instance_filter_words(query, engine=engine) == "Process Order to delivery, with incidents"
    query = ProcessInstanceQuery(process_definition_id=version_two.id)
    assert instance_filter_words(query, engine=engine) == "Process Order to delivery version 2"
    query = ProcessInstanceQuery(process_definition_key="no-such-process")
    assert instance_filter_words(query, engine=engine) == "Process 'no-such-process'"


@pytest.mark.parametrize(
    ("filters", "annotated", "words"),
    [
        ({}, None, "All open incidents"),
        ({"incident_type": "failedJob"}, None, "Type 'failedJob'"),
        ({"incident_message": "Card declined"}, None, "Message 'Card declined'"),
        ({"incident_message_like": "%declined%"}, None, "Message like '%declined%'"),
        ({"process_definition_keys": ["order"]}, None, "Process 'order'"),
        ({"activity_id": "charge"}, None, "At activity 'charge'"),
        ({}, True, "Annotated"),
        ({"activity_id": "charge"}, False, "At activity 'charge', not annotated"),
    ],
)
def test_every_incident_filter_is_said_in_words(filters, annotated, words):
    assert incident_filter_words(filters, annotated=annotated) == words


def test_a_tenants_copy_of_a_process_is_told_apart_by_its_tenant(engine):
    copies = engine.list_definitions(key="loan", limit=50)
    shared = next(d for d in copies if not d.tenant_id)
    acme = next(d for d in copies if d.tenant_id == "acme" and d.version == shared.version)
    plain = incident_filter_words({"process_definition_id": shared.id}, engine=engine)
    tenant = incident_filter_words({"process_definition_id": acme.id}, engine=engine)
    assert plain == f"Process Loan application version {shared.version}"
    assert tenant == f"Process Loan application version {shared.version} of tenant 'acme'"


def test_the_batches_list_describes_an_operation_as_its_own_page_does(engine, make_user, client):
    from batches.models import Operation

    definition = next(d for d in engine.list_definitions(key="loan", limit=50) if not d.tenant_id)
    user = make_user("Operator")
    filters = {"process_definition_id": definition.id, "incident_message_like": "Payout rejected%"}
    operation = Operation.objects.create(
        user=user, username=user.username, engine="demo", kind="incident_retry",
        mode=Operation.Mode.ENGINE_BATCH, parameters={"incident_filter": filters},
    )  # fmt: skip
    client.force_login(user)
    listed = client.get("/e/demo/batches/").content.decode()
    page = client.get(f"/e/demo/batches/operations/{operation.pk}/").content.decode()
    words = f"matching: Process Loan application version {definition.version}, message like"
    assert words in page and words in listed
    assert f"&#x27;{definition.id}&#x27;" not in listed
