"""The demo engine's read side answers the way the real engine-rest does; every exchange is checked
against the spec when the test ends (see the engine fixture)."""

import httpx
import pytest

from engines import EngineConfig, build_client
from engines.errors import AuthenticationFailed, NotFound
from engines.queries import (
    DefinitionSort,
    IncidentSort,
    InstanceSort,
    ProcessInstanceQuery,
    Sort,
    VariableFilter,
)
from engines.variables import VariableType
from tests.demo_engine.conftest import INSTANCES


def test_version_and_engines(engine):
    assert engine.version().version == "7.22.0"


def test_definitions_have_versions_a_tenant_and_bpmn_with_diagram_interchange(engine):
    latest = engine.list_definitions(latest_version=True, sort=Sort(DefinitionSort.KEY), limit=50)
    assert {(d.key, d.version, d.tenant_id) for d in latest} == {
        ("credit-check", 1, None),
        ("loan", 1, None),
        ("loan", 1, "acme"),
        ("order", 2, None),
    }
    assert engine.count_definitions(key="order") == 2
    order = engine.get_latest_definition("order")
    assert order.version == 2
    assert engine.get_latest_definition("loan", tenant_id="acme").tenant_id == "acme"
    assert engine.get_definition(order.id) == order
    xml = engine.definition_xml(order.id)
    assert "<bpmndi:BPMNShape" in xml and 'id="charge"' in xml


def test_statistics_count_instances_failed_jobs_and_incidents(engine):
    statistics = engine.definition_statistics()
    assert sum(s.instances for s in statistics) == engine.count_instances() > INSTANCES
    assert sum(s.failed_jobs for s in statistics) == engine.count_jobs(no_retries_left=True) > 0
    order = engine.get_latest_definition("order")
    per_activity = {s.id: s for s in engine.activity_statistics(order.id)}
    assert set(per_activity) <= {"check_stock", "pack", "charge", "shipping", "ship", "await_delivery"}
    assert per_activity["shipping"].instances == (
        per_activity["ship"].instances + per_activity["await_delivery"].instances
    )
    charge = per_activity["charge"]
    assert sum(i.incident_count for i in charge.incidents) == charge.failed_jobs


def test_instances_page_and_count_consistently(engine):
    # The seeded instances, and the credit checks the loan applications among them called.
    assert engine.count_instances(ProcessInstanceQuery(root_process_instances=True)) == INSTANCES
    assert engine.count_instances(ProcessInstanceQuery(process_definition_key="credit-check")) == (
        engine.count_instances() - INSTANCES
    )
    first = engine.list_instances(limit=100)
    second = engine.list_instances(offset=100, limit=100)
    assert len(first) == len(second) == 100
    assert not {i.id for i in first} & {i.id for i in second}


@pytest.mark.parametrize(
    "query",
    [
        ProcessInstanceQuery(business_key="ORDER-10000"),
        ProcessInstanceQuery(business_key_like="LOAN-1000%"),
        ProcessInstanceQuery(suspended=True),
        ProcessInstanceQuery(active=True),
        ProcessInstanceQuery(with_incident=True),
        ProcessInstanceQuery(incident_type="failedJob"),
        ProcessInstanceQuery(incident_message_like="%timed out%"),
        ProcessInstanceQuery(activity_ids=("ship",)),
        ProcessInstanceQuery(tenant_ids=("acme",)),
        ProcessInstanceQuery(variables=(VariableFilter("customer", "eq", "Ada Lovelace"),)),
        ProcessInstanceQuery(
            variables=(VariableFilter("customer", "like", "grace%"),), variable_values_ignore_case=True
        ),
        ProcessInstanceQuery(variables=(VariableFilter("amount", "lteq", 100),)),
        ProcessInstanceQuery(variables=(VariableFilter("express", "eq", True),)),
        ProcessInstanceQuery(variables=(VariableFilter("rate", "gteq", 5.5),)),
        ProcessInstanceQuery(variables=(VariableFilter("customer", "neq", "Ada Lovelace"),)),
        ProcessInstanceQuery(root_process_instances=True),
        ProcessInstanceQuery(leaf_process_instances=True, process_definition_key="loan"),
        ProcessInstanceQuery(process_definition_key_not_in=("order",)),
        ProcessInstanceQuery(process_definition_without_tenant_id=True),
    ],
)
def test_each_filter_narrows_the_result_and_what_it_finds_matches(engine, query):
    count = engine.count_instances(query)
    assert 0 < count < engine.count_instances()
    for instance in engine.list_instances(query, limit=5):
        if query.business_key:
            assert instance.business_key == query.business_key
        if query.suspended:
            assert instance.suspended
        if query.tenant_ids:
            assert instance.tenant_id == "acme"
        if query.activity_ids:
            assert "ship" in engine.activity_instance_tree(instance.id).counts_by_activity()
        for condition in query.variables:
            value = engine.instance_variables(instance.id)[condition.name].value
            if condition.operator == "lteq":
                assert value <= condition.value


def test_counts_agree_with_the_lists_they_count(engine):
    for query in (
        ProcessInstanceQuery(variables=(VariableFilter("amount", "gt", 2500),)),
        ProcessInstanceQuery(
            variables=(VariableFilter("amount", "gt", 2500), VariableFilter("express", "eq", True))
        ),
        ProcessInstanceQuery(variables=(VariableFilter("customer", "eq", "Nobody"),)),
        ProcessInstanceQuery(process_definition_key="loan", variables=(VariableFilter("rate", "lt", 3),)),
    ):
        assert engine.count_instances(query) == len(engine.list_instances(query, limit=1000))


def test_sorting_is_the_engines(engine):
    keys = [
        i.business_key
        for i in engine.list_instances(
            ProcessInstanceQuery(sorting=(Sort(InstanceSort.BUSINESS_KEY, "desc"),)), limit=30
        )
    ]
    assert keys == sorted(keys, reverse=True)


def test_an_instance_has_a_tree_and_the_two_processes_hold_every_variable_type(engine):
    instance = engine.list_instances(
        ProcessInstanceQuery(with_incident=True, process_definition_key="order"), limit=1
    )[0]
    assert engine.get_instance(instance.id) == instance
    tree = engine.activity_instance_tree(instance.id)
    assert tree.id == instance.id and tree.counts_by_activity()
    assert any(t.incident_ids for t in tree.transitions)
    order = engine.instance_variables(instance.id)
    assert order["invoice"].filename.endswith(".txt")
    [loan] = engine.list_instances(ProcessInstanceQuery(process_definition_key="loan"), limit=1)
    application = engine.instance_variables(loan.id)
    assert {v.type for v in [*order.values(), *application.values()]} == set(VariableType)


def test_incidents_list_and_count(engine):
    incidents = engine.list_incidents(sort=Sort(IncidentSort.TIMESTAMP, "desc"), limit=200)
    assert incidents and all(i.incident_type == "failedJob" for i in incidents)
    assert engine.count_incidents(process_instance_id=incidents[0].process_instance_id) >= 1
    failed_job = next(i for i in incidents if i.job_id)
    assert engine.get_job(failed_job.job_id).exception_message == failed_job.incident_message
    assert "at com.example.demo.Delegate" in engine.job_stacktrace(failed_job.job_id)
    assert engine.get_incident(failed_job.id) == failed_job


def test_a_failure_in_a_called_instance_is_an_incident_of_its_caller_too(engine):
    [caller_incident] = engine.list_incidents(activity_id="credit_check", limit=1)
    assert caller_incident.job_id is None
    cause = engine.get_incident(caller_incident.cause_incident_id)
    assert cause.activity_id == "score" and cause.job_id
    called = engine.get_instance(cause.process_instance_id)
    assert engine.list_instances(ProcessInstanceQuery(sub_process_instance=called.id)) == [
        engine.get_instance(caller_incident.process_instance_id)
    ]
    assert [i.id for i in engine.list_instances(
        ProcessInstanceQuery(super_process_instance=caller_incident.process_instance_id)
    )] == [called.id]  # fmt: skip
    tree = engine.activity_instance_tree(caller_incident.process_instance_id)
    [call] = tree.children
    assert call.activity_type == "callActivity" and call.incident_ids == [caller_incident.id]


def test_trees_have_scopes_multi_instance_bodies_and_transition_instances(engine):
    def tree_of(activity):
        [instance] = engine.list_instances(ProcessInstanceQuery(activity_ids=(activity,)), limit=1)
        return engine.activity_instance_tree(instance.id)

    [shipping] = [c for c in tree_of("ship").children if c.activity_id == "shipping"]
    assert shipping.activity_type == "subProcess" and [c.activity_id for c in shipping.children] == ["ship"]
    assert shipping.children[0].parent_activity_instance_id == shipping.id
    [body] = tree_of("sign").children
    assert body.activity_id == "sign#multiInstanceBody" and body.activity_type == "multiInstanceBody"
    assert [c.activity_id for c in body.children] == ["sign"] * 3
    charge = tree_of("charge")
    assert [t.activity_id for t in charge.transitions] == ["charge"]
    assert charge.counts_by_activity() == {"pack": 1, "charge": 1}


def test_waiting_in_a_scope_is_not_waiting_in_a_leaf_activity(engine):
    assert engine.count_instances(ProcessInstanceQuery(activity_ids=("shipping",))) == 0
    assert engine.count_instances(ProcessInstanceQuery(activity_ids=("ship",))) > 0


def test_jobs_list_count_and_timers(engine):
    failed = engine.list_jobs(no_retries_left=True, limit=5)
    assert failed and all(j.retries == 0 and j.exception_message for j in failed)
    assert engine.count_jobs(with_exception=True) == engine.count_jobs(no_retries_left=True)
    [instance] = engine.list_instances(ProcessInstanceQuery(activity_ids=("cooling_off",)), limit=1)
    [timer] = engine.list_jobs(process_instance_id=instance.id)
    assert timer.due_date and timer.retries == 3


def test_process_variables_and_variable_instances_agree(engine):
    [instance] = engine.list_instances(ProcessInstanceQuery(process_definition_key="order"), limit=1)
    variables = engine.instance_variables(instance.id)
    listed = engine.variable_instances(instance.id)
    assert {v.name for v in listed} == set(variables)
    assert all(v.activity_instance_id == instance.id and not v.is_local for v in listed)
    assert engine.get_variable(instance.id, "amount") == variables["amount"]
    invoice = engine.get_variable_data(instance.id, "invoice")
    assert invoice.filename == variables["invoice"].filename and invoice.mimetype == "text/plain"
    assert invoice.data.startswith(b"Invoice ")
    [loan] = engine.list_instances(ProcessInstanceQuery(process_definition_key="loan"), limit=1)
    signature = engine.get_variable_data(loan.id, "signature")
    assert signature.mimetype == "application/octet-stream" and signature.data.startswith(b"sig-")


def test_unknown_things_are_404_with_the_engines_error_body(engine):
    with pytest.raises(NotFound, match="Process instance with id nope does not exist"):
        engine.get_instance("nope")
    with pytest.raises(NotFound, match="No matching definition"):
        engine.get_definition("nope")


def test_a_bad_sort_is_400(demo_engine):
    response = httpx.post(
        f"{demo_engine.url}/process-instance",
        auth=("demo", "demo-pw"),
        json={"sorting": [{"sortBy": "nonsense", "sortOrder": "asc"}]},
    )
    assert response.status_code == 400 and "sortBy" in response.json()["message"]


def test_a_filter_the_demo_engine_lacks_is_refused_not_ignored(demo_engine):
    response = httpx.post(
        f"{demo_engine.url}/process-instance/count", auth=("demo", "demo-pw"), json={"orQueries": [{}]}
    )
    assert response.status_code == 400
    assert "does not support the filter(s): orQueries" in response.json()["message"]


def test_without_credentials_the_answer_is_401(demo_engine):
    response = httpx.get(f"{demo_engine.url}/version")
    assert response.status_code == 401
    assert response.json()["type"] == "AuthenticationException"
    client = build_client(EngineConfig(name="x", base_url=demo_engine.url, username="demo", password="wrong"))
    with pytest.raises(AuthenticationFailed):
        client.version()
