"""The instance list against the demo engine: filters, the count fragment, export, bulk actions."""

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from batches.models import Operation
from cockpit.engines import client as engine_client
from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery, VariableFilter
from instances.forms import InstanceFilterForm

pytestmark = pytest.mark.django_db
INSTANCES = 200


def query_for(params: dict, engine=None):
    form = InstanceFilterForm(QueryDict(urlencode(params, doseq=True)))
    assert form.is_valid(), (form.errors, [r.error for r in form.variable_rows])
    return form.query(engine)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"definition_key": "order"}, {"process_definition_key": "order"}),
        ({"definition_id": "order:2:x"}, {"process_definition_id": "order:2:x"}),
        ({"business_key": "ORDER-10004"}, {"business_key": "ORDER-10004"}),
        ({"business_key_like": "LOAN-10%"}, {"business_key_like": "LOAN-10%"}),
        ({"instance_ids": "a, b c"}, {"process_instance_ids": ("a", "b", "c")}),
        ({"state": "active"}, {"active": True}),
        ({"state": "suspended"}, {"suspended": True}),
        ({"with_incident": "on"}, {"with_incident": True}),
        ({"incident_type": "failedJob"}, {"incident_type": "failedJob"}),
        ({"incident_message_like": "%declined%"}, {"incident_message_like": "%declined%"}),
        ({"activity_id": "ship"}, {"activity_ids": ("ship",)}),
        ({"tenant_id": "acme"}, {"tenant_ids": ("acme",)}),
        ({"root_only": "on"}, {"root_process_instances": True}),
        ({"super_instance": "pi-1"}, {"super_process_instance": "pi-1"}),
        ({"sub_instance": "pi-2"}, {"sub_process_instance": "pi-2"}),
        (
            {"var_name": ["amount", "customer"], "var_op": ["gt", "like"], "var_type": ["number", "string"],
             "var_value": ["4000", "Ada%"], "values_ignore_case": "on"},
            {"variables": (VariableFilter("amount", "gt", 4000), VariableFilter("customer", "like", "Ada%")),
             "variable_values_ignore_case": True},
        ),
        (
            {"var_name": "express", "var_op": "eq", "var_type": "boolean", "var_value": "true",
             "names_ignore_case": "on"},
            {"variables": (VariableFilter("express", "eq", True),), "variable_names_ignore_case": True},
        ),
    ],
)  # fmt: skip
def test_each_filter_becomes_the_engines_query(params, expected):
    assert query_for(params) == ProcessInstanceQuery(**expected)


def test_a_version_and_a_start_window_are_looked_up_in_the_engine(on_demo):
    engine = engine_client("demo")
    query = query_for({"definition_key": "order", "version": "2"}, engine)
    assert query.process_definition_id == engine.get_latest_definition("order").id
    query = query_for({"started_after": "2026-11-01T08:00", "started_before": "2026-11-01T08:30"}, engine)
    window = HistoricProcessInstanceQuery(
        unfinished=True,
        started_after=datetime(2026, 11, 1, 8, tzinfo=UTC),
        started_before=datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
    )
    assert set(query.process_instance_ids) == {
        h.id for h in engine.list_historic_instances(window, limit=100)
    }
    assert 30 <= len(query.process_instance_ids) < 100


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"var_name": "amount", "var_op": "gt", "var_type": "number", "var_value": "lots"},
            None,
            "is not a number",
        ),
        (
            {"var_name": "amount", "var_op": "like", "var_type": "number", "var_value": "1"},
            None,
            "compares text only",
        ),
        ({"var_name": "", "var_op": "eq", "var_type": "string", "var_value": "x"}, None, "Name the variable"),
        ({"version": "2"}, "version", "give its key too"),
        (
            {"started_after": "2026-11-02T00:00", "started_before": "2026-11-01T00:00"},
            "started_before",
            "before",
        ),
    ],
)
def test_bad_filters_are_explained_next_to_the_field_and_nothing_is_asked(
    viewer_client, params, field, message
):
    # The tests' engines are not servers: a request to one would fail the page.
    response = viewer_client.get("/e/demo/instances/", params)
    body = response.content.decode()
    assert response.status_code == 200 and message in body and "nothing was asked of the engine" in body


def test_the_search_is_a_link_that_fills_the_form_again(viewer_client, on_demo):
    params = {"definition_key": "loan", "state": "active", "var_name": "amount", "var_op": "gteq",
              "var_type": "number", "var_value": "100"}  # fmt: skip
    body = viewer_client.get("/e/demo/instances/", params).content.decode()
    # The process is picked from the engine's processes, by name
    assert '<option value="loan" selected>Loan application</option>' in body and 'value="100"' in body
    assert '<option value="active" selected>' in body and "LOAN-" in body and "ORDER-" not in body
    assert "count/?definition_key=loan" in body.replace("&amp;", "&")


def test_htmx_gets_the_results_and_the_count_comes_on_its_own(viewer_client, on_demo):
    results = viewer_client.get("/e/demo/instances/", {"with_incident": "on"}, headers={"HX-Request": "true"})
    assert results.content.decode().lstrip().startswith('<section id="results"')
    count = viewer_client.get("/e/demo/instances/count/", {"with_incident": "on"}).content.decode()
    expected = engine_client("demo").count_instances(ProcessInstanceQuery(with_incident=True))
    assert f"{expected} matching" in count


def test_export_streams_every_matching_instance_page_by_page(viewer_client, on_demo, monkeypatch):
    monkeypatch.setattr("instances.views.EXPORT_PAGE", 7)
    response = viewer_client.get(
        "/e/demo/instances/export.json", {"definition_key": "loan", "tenant_id": "acme"}
    )
    assert response.streaming and response["Content-Disposition"].endswith('.json"')
    rows = json.loads(b"".join(response.streaming_content))
    expected = engine_client("demo").count_instances(
        ProcessInstanceQuery(process_definition_key="loan", tenant_ids=("acme",))
    )
    assert len(rows) == expected > 7 and len({r["id"] for r in rows}) == expected
    assert {r["tenantId"] for r in rows} == {"acme"} and all(r["startTime"] for r in rows)
    csv_text = b"".join(
        viewer_client.get("/e/demo/instances/export.csv", {"tenant_id": "acme"}).streaming_content
    )
    assert csv_text.decode().splitlines()[0].startswith("id,definitionId,definitionKey")


def test_a_bulk_action_shows_its_count_then_starts_the_operation(client_as, on_demo):
    operator = client_as("Operator")
    filter_string = "definition_key=order&state=active"
    first = operator.post(
        "/e/demo/instances/bulk/", {"action": "suspend", "scope": "all", "filter": filter_string}
    )
    expected = engine_client("demo").count_instances(
        ProcessInstanceQuery(process_definition_key="order", active=True)
    )
    assert f"Suspend instances: {expected} instances" in first.content.decode()
    assert not Operation.objects.exists()
    second = operator.post(
        "/e/demo/instances/bulk/",
        {"action": "suspend", "scope": "all", "filter": filter_string, "confirm": "yes"},
    )
    operation = Operation.objects.get()
    assert second.status_code == 302 and second["Location"] == f"/e/demo/batches/operations/{operation.pk}/"
    assert (operation.kind, operation.username) == ("suspend", "operator")
    assert operation.parameters["query"] == {"process_definition_key": "order", "active": True}


def test_selected_rows_and_options_travel_to_the_operation(client_as, on_demo):
    operator = client_as("Operator")
    data = {"action": "delete", "scope": "selected", "ids": ["pi-1", "pi-2"], "filter": "", "reason": "dupes",
            "skip_subprocesses": "on", "confirm": "yes"}  # fmt: skip
    operator.post("/e/demo/instances/bulk/", data)
    parameters = Operation.objects.get().parameters
    assert (
        parameters["ids"] == ["pi-1", "pi-2"]
        and parameters["reason"] == "dupes"
        and parameters["skip_subprocesses"]
    )


def test_bulk_actions_need_their_role(client_as, on_demo):
    data = {"action": "suspend", "scope": "selected", "ids": ["pi-1"], "filter": "", "confirm": "yes"}
    assert client_as("Viewer").post("/e/demo/instances/bulk/", data).status_code == 403
    support = client_as("Support")
    assert support.post("/e/demo/instances/bulk/", data).status_code == 403
    variables = {
        **data,
        "action": "set_variables",
        "variable_name": "note",
        "variable_type": "String",
        "variable_value": "x",
    }
    assert support.post("/e/demo/instances/bulk/", variables).status_code == 302
    assert Operation.objects.get().kind == "set_variables"


def test_a_bad_option_is_explained_and_what_was_typed_is_kept(client_as, on_demo):
    data = {"action": "set_variables", "scope": "all", "filter": "", "variable_name": "amount",
            "variable_type": "Integer", "variable_value": "12x", "confirm": "yes"}  # fmt: skip
    response = client_as("Operator").post("/e/demo/instances/bulk/", data)
    body = response.content.decode()
    assert response.status_code == 400 and "12x" in body and 'value="amount"' in body
    assert not Operation.objects.exists()
    nothing = client_as("Viewer").post(
        "/e/demo/instances/bulk/", {"action": "suspend", "scope": "selected", "filter": ""}
    )
    assert "Select instances in the list" in nothing.content.decode()


def test_setting_a_variable_on_selected_instances_opens_clean_with_their_count(client_as, engine, on_demo):
    ids = [i.id for i in engine.list_instances(ProcessInstanceQuery(), limit=2)]
    operator = client_as("Operator")
    opened = {"action": "set_variables", "scope": "selected", "ids": ids, "filter": ""}
    response = operator.post("/e/demo/instances/bulk/", opened)  # the list's Continue…
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Set variables: 2 instances</h1>" in body and "Acts on the 2 selected instances." in body
    assert "field-error" not in body and "Name the variable." not in body and "Check the action" not in body
    refused = operator.post("/e/demo/instances/bulk/", {**opened, "step": "options", "confirm": "yes"})
    page = refused.content.decode()
    assert refused.status_code == 400 and "Name the variable." in page
    assert "<h1>Set variables: 2 instances</h1>" in page  # the count stays while the name is fixed
    assert not Operation.objects.exists()


def test_a_search_is_saved_under_a_name_for_its_user_only(client_as, make_user, on_demo):
    viewer = client_as("Viewer")
    response = viewer.post(
        "/e/demo/instances/searches/",
        {"name": "Stuck loans", "filter": "definition_key=loan&with_incident=on"},
    )
    assert response["Location"] == "/e/demo/instances/?definition_key=loan&with_incident=on"
    body = viewer.get("/e/demo/instances/").content.decode()
    assert "Stuck loans" in body and "?definition_key=loan&amp;with_incident=on" in body
    assert "Stuck loans" not in client_as("Operator").get("/e/demo/instances/").content.decode()
    assert (
        "Give the search a name"
        in viewer.post(
            "/e/demo/instances/searches/", {"name": " ", "filter": ""}, follow=True
        ).content.decode()
    )


def test_an_unknown_filter_is_named_in_a_banner_and_the_rest_still_applies(viewer_client, on_demo):
    body = viewer_client.get(
        "/e/demo/instances/", {"definition_key": "order", "definitionId": "x", "colour": "red"}
    ).content.decode()
    assert "This list has no filter named definitionId or colour: they were left out" in body
    assert 'value="order"' in body
    count = viewer_client.get("/e/demo/instances/count/", {"definition_key": "order", "colour": "red"})
    engine = engine_client("demo")
    assert f"{engine.count_instances(ProcessInstanceQuery(process_definition_key='order')):,} matching" in (
        count.content.decode()
    )


def test_a_definition_id_filters_one_version(viewer_client, on_demo):
    engine = engine_client("demo")
    definition = engine.get_latest_definition("order")
    body = viewer_client.get("/e/demo/instances/count/", {"definition_id": definition.id}).content.decode()
    expected = engine.count_instances(ProcessInstanceQuery(process_definition_id=definition.id))
    assert f"{expected:,} matching" in body and expected < engine.count_instances()
    assert (
        "left out"
        not in viewer_client.get("/e/demo/instances/", {"definition_id": definition.id}).content.decode()
    )


def test_a_version_in_several_tenants_asks_which_tenant(viewer_client, on_demo):
    engine = engine_client("demo")
    body = viewer_client.get(
        "/e/demo/instances/", {"definition_key": "loan", "version": "1"}
    ).content.decode()
    assert "loan version 1 is deployed for several tenants (acme, none): give the tenant too." in body
    [acme] = [d for d in engine.list_definitions(key="loan") if d.tenant_id == "acme"]
    query = query_for({"definition_key": "loan", "version": "1", "tenant_id": "acme"}, engine)
    assert query.process_definition_id == acme.id


def var_row(name: str, operator: str, kind: str, value: str) -> dict[str, str]:
    return {"var_name": name, "var_op": operator, "var_type": kind, "var_value": value}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"version": "99"}, "Version", "A version belongs to a process: give its key too."),
        (var_row("amount", "gt", "number", "abc"), "Variable amount",
         "&#x27;abc&#x27; is not a number."),
        (var_row("amount", "gt", "number", "1e400"), "Variable amount",
         "&#x27;1e400&#x27; is not a number the engine can compare."),
        ({"started_after": "31/12/2026"}, "Started after", "Enter a valid date/time."),
        (var_row("express", "eq", "boolean", "maybe"), "Variable express",
         "A boolean is true or false."),
    ],
)  # fmt: skip
def test_a_refused_filter_names_its_fields_and_searching_again_shows_each_message_by_its_field(
    on_demo, viewer_client, params, field, message
):
    # The search is a page of its own (the URL is the filter): the form comes back open, messages in place.
    response = viewer_client.get("/e/demo/instances/", params)
    page = response.content.decode()
    assert f"The filter needs fixing ({field}: see the message by the field)" in page
    form = page[page.index('<form method="get" class="filter-form search-bar" id="filters"') :]
    assert '<details class="add-filter" open>' in form
    assert f'<small class="field-error" role="alert">{message}</small>' in form
    assert 'id="count"' not in page  # nothing was asked of the engine
