"""The demo engine answers the way the real engine-rest does; every exchange is checked against the spec
when the test ends (see the engine fixture)."""

import httpx
import pytest

from engines import EngineConfig, build_client
from engines.errors import AuthenticationFailed, InvalidRequest, NotFound
from engines.queries import ProcessInstanceQuery, Sort, VariableFilter
from engines.variables import VariableType
from tests.demo_engine.conftest import INSTANCES


def test_version_and_engines(engine):
    assert engine.version().version == "7.22.0"
    assert engine.engine_names() == ["default"]


def test_definitions_have_versions_a_tenant_and_bpmn_with_diagram_interchange(engine):
    latest = engine.list_definitions(latest_version=True, sort=Sort("key"), limit=50)
    assert {(d.key, d.version, d.tenant_id) for d in latest} == {
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
    assert sum(s.instances for s in statistics) == INSTANCES
    assert sum(s.failed_jobs for s in statistics) == engine.count_incidents() > 0
    order = engine.get_latest_definition("order")
    per_activity = {s.id: s for s in engine.activity_statistics(order.id)}
    assert set(per_activity) <= {"check_stock", "pack", "charge", "ship"}
    assert sum(s.instances for s in per_activity.values()) > 0


def test_instances_page_and_count_consistently(engine):
    everything = engine.count_instances()
    assert everything == INSTANCES
    first = engine.list_instances(limit=100)
    second = engine.list_instances(offset=100, limit=100)
    assert len(first) == len(second) == 100
    assert not {i.id for i in first} & {i.id for i in second}


def test_the_get_and_post_queries_agree(engine):
    query = ProcessInstanceQuery(
        process_definition_key="order", variables=(VariableFilter("amount", "gt", 2500),)
    )
    assert engine.count_instances(query) == engine.count_instances_by_params(query) > 0
    post = [i.id for i in engine.list_instances(query, limit=20)]
    get = [i.id for i in engine.list_instances_by_params(query, limit=20)]
    assert post == get


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
    ],
)
def test_each_filter_narrows_the_result_and_what_it_finds_matches(engine, query):
    count = engine.count_instances(query)
    assert 0 < count < INSTANCES
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


def test_sorting_is_the_engines(engine):
    keys = [
        i.business_key
        for i in engine.list_instances(ProcessInstanceQuery(sorting=(Sort("businessKey", "desc"),)), limit=30)
    ]
    assert keys == sorted(keys, reverse=True)


def test_an_instance_has_a_tree_and_variables_of_every_type(engine):
    instance = engine.list_instances(ProcessInstanceQuery(with_incident=True), limit=1)[0]
    assert engine.get_instance(instance.id) == instance
    tree = engine.activity_instance_tree(instance.id)
    assert tree.id == instance.id and tree.counts_by_activity()
    assert any(t.incident_ids for t in tree.transitions)
    variables = engine.instance_variables(instance.id)
    assert {v.type for v in variables.values()} == set(VariableType)
    assert variables["invoice"].filename.endswith(".txt")


def test_incidents_list_and_count(engine):
    incidents = engine.list_incidents(sort=Sort("incidentTimestamp", "desc"), limit=10)
    assert incidents and all(i.incident_type == "failedJob" and i.job_id for i in incidents)
    assert engine.count_incidents(process_instance_id=incidents[0].process_instance_id) >= 1


def test_batches_answer_an_empty_list(engine):
    assert engine.batch_statistics() == []


def test_unknown_things_are_404_with_the_engines_error_body(engine):
    with pytest.raises(NotFound, match="Process instance with id nope does not exist"):
        engine.get_instance("nope")
    with pytest.raises(NotFound, match="No matching definition"):
        engine.get_definition("nope")


def test_a_bad_sort_is_400(engine, exchanges):
    with pytest.raises(InvalidRequest, match="sortBy"):
        engine.list_instances(ProcessInstanceQuery(sorting=(Sort("nonsense"),)))
    exchanges.clear()  # the request breaks the spec on purpose


def test_a_filter_the_demo_engine_lacks_is_refused_not_ignored(engine):
    # superProcessInstance is in the seed's query; this demo engine does not have it yet.
    with pytest.raises(InvalidRequest, match="does not support"):
        engine.count_instances(ProcessInstanceQuery(super_process_instance="x"))


def test_without_credentials_the_answer_is_401(demo_engine):
    response = httpx.get(f"{demo_engine.url}/version")
    assert response.status_code == 401
    assert response.json()["type"] == "AuthenticationException"
    client = build_client(EngineConfig(name="x", base_url=demo_engine.url, username="demo", password="wrong"))
    with pytest.raises(AuthenticationFailed):
        client.version()
