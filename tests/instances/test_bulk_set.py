"""A bulk action on everything matching acts on exactly the instances the list counts, for every filter
of the list, and its confirmation says which filter that is."""

import re
from urllib.parse import urlencode

import pytest

from batches.kinds import instance_ids
from batches.models import Operation

pytestmark = pytest.mark.django_db
INSTANCES = 200


def listed_count(client, params: dict) -> int:
    body = client.get("/e/demo/instances/count/", params).content.decode()
    return int(re.search(r"([\d,]+) matching", body).group(1).replace(",", ""))


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
        (
            {"definition_key": "order", "with_incident": "on", "business_key_like": "ORDER-1%"},
            "Process Order to delivery, with incidents, business key like &#x27;ORDER-1%&#x27;",
        ),
    ],
)
def test_everything_matching_is_exactly_what_the_list_counts(client_as, engine, params, words):
    operator = client_as("Operator")
    count = listed_count(operator, params)
    data = {"action": "suspend", "scope": "all", "filter": urlencode(params)}
    confirmation = operator.post("/e/demo/instances/bulk/", data).content.decode()
    assert f"Suspend instances: {count} instance" in confirmation
    assert (
        f"Acts on the instances matching: <strong>{words}</strong>. That is {count} instance" in confirmation
    )
    if count:
        operator.post("/e/demo/instances/bulk/", {**data, "confirm": "yes"})
        operation = Operation.objects.get()
        assert len(set(instance_ids(engine, operation.parameters))) == count


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
