"""A bulk action on everything matching acts on exactly the instances the list counts, for every filter
of the list, and its confirmation says which filter that is."""

import re
from urllib.parse import urlencode

import pytest

from batches.kinds import instance_ids
from batches.models import Operation
from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 200


def listed_count(client, params: dict) -> int:
    body = client.get("/e/demo/instances/count/", params).content.decode()
    return int(re.search(r"([\d,]+) matching", body).group(1).replace(",", ""))


def _called(engine):
    """An instance a call activity started (its caller calls it)."""
    return next(
        h
        for h in engine.list_historic_instances(HistoricProcessInstanceQuery(unfinished=True), limit=500)
        if h.super_process_instance_id
    )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({}, "All running instances"),
        ({"definition_key": "order"}, "Process Order to delivery"),
        ({"definition_key": "order", "version": "1"}, "Process Order to delivery version 1"),
        ({"business_key_like": "ORDER-10%"}, "Business key like &#x27;ORDER-10%&#x27;"),
        ({"state": "active"}, "Active"),
        ({"state": "suspended"}, "Suspended"),
        ({"with_incident": "on"}, "With incidents"),
        ({"incident_type": "failedJob"}, "Incident type &#x27;failedJob&#x27;"),
        ({"incident_message_like": "%declined%"}, "Incident message like &#x27;%declined%&#x27;"),
        ({"activity_id": "approve"}, "Waiting in &#x27;approve&#x27;"),
        ({"tenant_id": "acme"}, "Tenant &#x27;acme&#x27;"),
        ({"root_only": "on"}, "Root instances only"),
        (
            {"var_name": "amount", "var_op": "gt", "var_type": "number", "var_value": "2500"},
            "Variable amount &gt; 2500",
        ),
        ({"business_key": "ORDER-10004"}, "Business key &#x27;ORDER-10004&#x27;"),
        (
            {"started_after": "2026-11-01T08:00", "started_before": "2026-11-01T08:30"},
            "Started after 2026-11-01 08:00, started before 2026-11-01 08:30",
        ),
        (
            {
                "var_name": "customer",
                "var_op": "like",
                "var_type": "string",
                "var_value": "a%",
                "values_ignore_case": "on",
            },
            "Variable customer like &#x27;a%&#x27;, variable values ignoring case",
        ),
        (
            lambda engine: (
                {"definition_id": engine.get_latest_definition("order").id},
                "Process Order to delivery version 2",
            ),
            None,
        ),
        (lambda engine: ({"instance_ids": (i := _called(engine)).id}, f"Instance {i.id}"), None),
        (
            lambda engine: (
                {"super_instance": (i := _called(engine)).super_process_instance_id},
                f"Called by instance {i.super_process_instance_id}",
            ),
            None,
        ),
        (lambda engine: ({"sub_instance": (i := _called(engine)).id}, f"Calling instance {i.id}"), None),
        (
            {"definition_key": "order", "with_incident": "on", "business_key_like": "ORDER-1%"},
            "Process Order to delivery, with incidents, business key like &#x27;ORDER-1%&#x27;",
        ),
    ],
)
def test_everything_matching_is_exactly_what_the_list_counts(client_as, engine, params, words):
    if callable(params):  # filters naming things of this engine
        params, words = params(engine)
    operator = client_as("Operator")
    count = listed_count(operator, params)
    data = {"action": "suspend", "scope": "all", "filter": urlencode(params)}
    confirmation = operator.post("/e/demo/instances/bulk/", data).content.decode()
    assert f"Suspend instances: {count} instance" in confirmation
    said = re.search(
        r"Acts on the instances matching: <strong>(.*?)</strong>\. That is ([\d,]+) inst", confirmation
    )
    assert said and int(said.group(2).replace(",", "")) == count
    assert said.group(1) == words
    if count:
        operator.post("/e/demo/instances/bulk/", {**data, "confirm": "yes"})
        operation = Operation.objects.get()
        assert len(set(instance_ids(engine, operation.parameters))) == count
        page = operator.get(f"/e/demo/batches/operations/{operation.pk}/").content.decode()
        assert f"the instances matching: {words}" in page  # the operation's page says the same


def test_modifying_everything_matching_names_the_filter_and_the_count(client_as, engine):
    operator = client_as("Operator")
    params = {"definition_key": "order", "version": "2", "with_incident": "on"}
    data = {"action": "modify", "scope": "all", "filter": urlencode(params)}
    wizard = operator.post("/e/demo/instances/bulk/", data, follow=True).content.decode()
    count = listed_count(operator, params)
    assert count and f"Modify {count} process instance" in wizard
    assert (
        "Acts on the instances matching: <strong>Process Order to delivery version 2, with incidents"
        f"</strong>. That is {count} instance" in wizard
    )


def test_suspending_says_how_many_are_suspended_already_and_will_not_change(client_as, engine):
    operator = client_as("Operator")
    params = {"definition_key": "order"}
    count = listed_count(operator, params)
    already = engine.count_instances(ProcessInstanceQuery(process_definition_key="order", suspended=True))
    assert 0 < already < count
    data = {"action": "suspend", "scope": "all", "filter": urlencode(params)}
    confirmation = operator.post("/e/demo/instances/bulk/", data).content.decode()
    assert f"Suspend instances: {count} instances" in confirmation
    assert f"{already} of them {'is' if already == 1 else 'are'} suspended already and will not change" in (
        confirmation
    )
    page = operator.post("/e/demo/instances/bulk/", {**data, "confirm": "yes"}, follow=True).content.decode()
    assert Operation.objects.get(kind="suspend").parameters["unchanged"] == already
    assert f"{already} of them {'was' if already == 1 else 'were'} suspended already: unchanged." in page
