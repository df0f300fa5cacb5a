"""Input nobody should type, and some will: a clear message by the field, never a 500, nothing changed.

The named cases first, then a bounded fuzz of the list, count, export and bulk endpoints (hypothesis).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batches.models import Operation

pytestmark = pytest.mark.django_db
INSTANCES = 40
NOT_NUMBERS = ["1e400", "-1e400", "inf", "-Infinity", "nan", "NaN"]


def _number_filter(value: str) -> dict:
    return {"var_name": "amount", "var_op": "gt", "var_type": "number", "var_value": value}


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_number_filter_that_is_no_finite_number_is_explained_on_the_list(viewer_client, on_demo, value):
    response = viewer_client.get("/e/demo/instances/", _number_filter(value))
    assert response.status_code == 200
    assert "is not a number the engine can compare" in response.content.decode()


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_number_filter_that_is_no_finite_number_is_refused_by_count_export_and_bulk(
    client_as, on_demo, value
):
    client = client_as("Operator")
    count = client.get("/e/demo/instances/count/", _number_filter(value))
    assert count.status_code == 200 and "matching" not in count.content.decode()
    export = client.get("/e/demo/instances/export.csv", _number_filter(value))
    assert export.status_code == 400 and "The filter is not valid" in export.content.decode()
    bulk = client.post(
        "/e/demo/instances/bulk/",
        {"action": "suspend", "scope": "all", "filter": urlencode(_number_filter(value)), "confirm": "yes"},
    )
    assert bulk.status_code == 400
    assert not Operation.objects.exists()


@pytest.mark.parametrize(
    "group_filter", ["5", "null", '{"bogus": 1}', "[]", '"text"', '{"incident_type": 5}']
)
def test_a_group_that_cannot_be_read_is_explained_and_nothing_starts(client_as, on_demo, group_filter):
    response = client_as("Operator").post(
        "/e/demo/incidents/bulk/",
        {"action": "retry", "scope": "group", "group_filter": group_filter, "filter": "", "confirm": "yes"},
    )
    assert response.status_code == 400
    assert "The group could not be read; choose it in the list again." in response.content.decode()
    assert not Operation.objects.exists()


# --- a bounded fuzz --------------------------------------------------------------------------------------

ODD = st.sampled_from(
    [
        *NOT_NUMBERS, "%2E", "..", ".", "", " ", "\x00", "9" * 5000, "-0", "0x10", "1_000",
        "2026-13-01", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2026-11-22T25:00",
        "null", '{"bogus":1}', "5", "[]", "<script>", "%", "_", "a" * 3000, "\u202e",
    ]
)  # fmt: skip
VALUES = ODD | st.text(max_size=12)
INSTANCE_FIELDS = [
    "definition_key", "version", "business_key", "business_key_like", "state", "with_incident",
    "incident_type", "incident_message_like", "activity_id", "tenant_id", "root_only", "super_instance",
    "sub_instance", "instance_ids", "started_after", "started_before", "names_ignore_case",
    "values_ignore_case", "offset", "sort",
]  # fmt: skip
VARIABLE_ROW = st.fixed_dictionaries(
    {
        "var_name": VALUES,
        "var_op": st.sampled_from(["eq", "neq", "gt", "gteq", "lt", "lteq", "like", "bogus", ""]),
        "var_type": st.sampled_from(["string", "number", "boolean", "date", "bogus", ""]),
        "var_value": VALUES,
    }
)
INSTANCE_FILTERS = st.tuples(
    st.dictionaries(st.sampled_from(INSTANCE_FIELDS), VALUES, max_size=4), st.lists(VARIABLE_ROW, max_size=2)
)
INCIDENT_FIELDS = ["incident_type", "message", "exact_message", "process", "definition_id", "activity_id",
                   "annotated", "group", "offset", "sort"]  # fmt: skip
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)


def _query(fields: dict, rows: list[dict]) -> list[tuple[str, str]]:
    pairs = list(fields.items())
    for row in rows:
        pairs += list(row.items())
    return pairs


@FUZZ
@given(INSTANCE_FILTERS)
def test_no_instance_filter_answers_a_server_error(operator_client, on_demo, filters):
    client = operator_client
    pairs = _query(*filters)
    for url in ("/e/demo/instances/", "/e/demo/instances/count/"):
        assert client.get(url, pairs).status_code < 500, (url, pairs)
    export = client.get("/e/demo/instances/export.json", pairs)
    assert export.status_code < 500, pairs
    if export.status_code == 200:
        b"".join(export.streaming_content)
    bulk = client.post(
        "/e/demo/instances/bulk/", {"action": "suspend", "scope": "all", "filter": urlencode(pairs)}
    )
    assert bulk.status_code < 500, pairs
    assert not Operation.objects.exists()


@FUZZ
@given(
    st.dictionaries(st.sampled_from(INCIDENT_FIELDS), VALUES, max_size=4),
    st.sampled_from(["retry", "annotate", "bogus"]),
    st.sampled_from(["selected", "all", "group", "bogus"]),
    st.sampled_from(["5", "null", '{"bogus":1}', "[]", '{"incident_message": null}']) | VALUES,
)
def test_no_incident_filter_or_group_answers_a_server_error(
    operator_client, on_demo, filters, action, scope, group
):
    client = operator_client
    assert client.get("/e/demo/incidents/", filters).status_code < 500, filters
    bulk = client.post(
        "/e/demo/incidents/bulk/",
        {"action": action, "scope": scope, "group_filter": group, "filter": urlencode(filters)},
    )
    assert bulk.status_code < 500, (filters, action, scope, group)
    assert not Operation.objects.exists()
