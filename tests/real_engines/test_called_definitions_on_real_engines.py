"""The definitions a process calls, on the demo engine and on real Camunda 7.24: the same definitions,
named by the same call activities, answered in the same shape, and read alike by the dashboard; and on
real Flowable 7.2, read from its call activities."""

from __future__ import annotations

import httpx
import pytest

from engines import build_client
from engines.config import EngineConfig
from tests.demo_engine.conftest import start_server, stop_server
from tests.real_engines.differential import differences


@pytest.fixture(scope="module")
def demo_server():
    server = start_server(60, seed=33)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def demo_http(demo_server):
    http = httpx.Client(base_url=demo_server.url, auth=("demo", "demo-pw"), timeout=30)
    yield http
    http.close()


@pytest.fixture(scope="module")
def camunda_http(camunda7_engine):
    http = camunda7_engine.http()
    yield http
    http.close()


def latest(http: httpx.Client, key: str, tenant: str | None = None) -> dict:
    # GET /process-definition/key/{key} and /key/{key}/tenant-id/{tenant-id}
    path = f"/process-definition/key/{key}" + (f"/tenant-id/{tenant}" if tenant else "")
    answer = http.get(path)
    assert answer.status_code == 200, answer.text
    return answer.json()


def called(http: httpx.Client, key: str, tenant: str | None = None) -> httpx.Response:
    # GET /process-definition/{id}/static-called-process-definitions
    return http.get(
        f"/process-definition/{latest(http, key, tenant)['id']}/static-called-process-definitions"
    )


def test_the_loan_process_calls_the_latest_credit_check_on_both(demo_http, camunda_http):
    for http in (demo_http, camunda_http):
        [only] = called(http, "loan").json()
        assert (only["id"], only["tenantId"]) == (latest(http, "credit-check")["id"], None)
        assert only["calledFromActivityIds"] == ["credit_check"]
        assert only["callingProcessDefinitionId"] == latest(http, "loan")["id"]
    assert differences(called(demo_http, "loan"), called(camunda_http, "loan")) == []


def test_a_call_activity_resolves_in_its_own_tenant_only_on_both(demo_http, camunda_http):
    # Camunda has acme's own credit check deployed; the demo engine has none in acme, so it names none
    # rather than the credit check of no tenant.
    [real] = called(camunda_http, "loan", "acme").json()
    assert (real["id"], real["tenantId"]) == (latest(camunda_http, "credit-check", "acme")["id"], "acme")
    assert demo_http.get("/process-definition/key/credit-check/tenant-id/acme").status_code == 404
    assert called(demo_http, "loan", "acme").json() == []


def test_a_process_without_call_activities_calls_nothing_on_both(demo_http, camunda_http):
    demo, real = called(demo_http, "order"), called(camunda_http, "order")
    assert real.json() == [] and demo.json() == []
    assert differences(demo, real) == []


def test_an_unknown_definition_is_answered_alike(demo_http, camunda_http):
    path = "/process-definition/no-such-definition/static-called-process-definitions"
    assert differences(demo_http.get(path), camunda_http.get(path)) == []


def test_the_dashboard_reads_the_called_definitions_of_both_alike(demo_server, camunda7_config, camunda_http):
    demo_client = build_client(
        EngineConfig(name="demo", base_url=demo_server.url, username="demo", password="demo-pw")
    )
    real_client = build_client(camunda7_config)
    try:
        seen = []
        for client in (demo_client, real_client):
            loan = client.get_latest_definition("loan")
            [credit_check] = client.called_definitions(loan.id)
            seen.append((credit_check.key, credit_check.title, credit_check.called_from_activity_ids))
        assert seen[0] == seen[1] == ("credit-check", "Credit check", ("credit_check",))
    finally:
        demo_client.close()
        real_client.close()


def test_on_flowable_the_loan_process_calls_the_latest_credit_check_of_its_tenant(flowable_client):
    for tenant in (None, "acme"):
        loan = flowable_client.get_latest_definition("loan", tenant_id=tenant)
        [called] = flowable_client.called_definitions(loan.id)
        latest = flowable_client.get_latest_definition("credit-check", tenant_id=tenant)
        assert (called.id, called.tenant_id) == (latest.id, tenant)
        assert called.called_from_activity_ids == ("credit_check",)
        assert called.calling_process_definition_id == loan.id
