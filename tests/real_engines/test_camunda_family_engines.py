"""Camunda 7.24 and Operaton under the fixtures: the seeded shapes and failures are the engine's own."""

import time

import pytest

from engines import build_client
from engines.errors import AuthenticationFailed
from engines.queries import ProcessInstanceQuery
from engines.variables import VariableType
from realengines.seed import SHAPES


@pytest.fixture(params=["camunda7", "operaton", "cibseven"], scope="module")
def real(request, real_engines):
    return real_engines.get(request.param)


@pytest.fixture
def client(real):
    client = build_client(real.config)
    yield client
    client.close()


def _wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_the_dashboard_client_speaks_to_the_engine_with_the_engine_users_credentials(client, real):
    assert (
        client.version().version
        == {"camunda7": "7.24.0", "operaton": "1.0.3", "cibseven": "2.2.0"}[real.family.name]
    )


def test_the_rest_api_refuses_a_user_it_does_not_know(real):
    from dataclasses import replace

    # Not the engine user with a wrong password: Camunda then locks that user for a few seconds
    # (its login delay), and the tests after this one would be refused too.
    client = build_client(replace(real.config, username="intruder", password="guess"))
    with pytest.raises(AuthenticationFailed):
        client.version()
    client.close()


def test_every_shape_of_the_demo_data_is_seeded(real):
    seeded = real.seeded
    for key, shapes in SHAPES.items():
        for shape, _, _ in shapes:
            assert seeded.of_shape(shape, key=key, suspended=None), (key, shape)
    assert any(i.suspended for i in seeded.instances)
    assert {d.split(":")[0] for d in seeded.definitions} == {"order", "loan", "credit-check"}
    assert "order:2" in seeded.definitions and "loan:1:acme" in seeded.definitions


def test_a_declined_card_is_an_incident_raised_by_the_delegate(client, real):
    instance = real.seeded.one("charge_declined")
    [incident] = client.list_incidents(process_instance_id=instance.id)
    assert (incident.activity_id, incident.incident_message) == (
        "charge",
        "Card declined: insufficient funds",
    )
    [job] = client.list_jobs(process_instance_id=instance.id, with_exception=True)
    assert job.retries == 0
    assert "ServiceFailure: Card declined" in client.job_stacktrace(job.id)


def test_a_retried_timeout_recovers_and_a_retried_declined_card_fails_again(client, real):
    timed_out = real.seeded.of_shape("charge_timed_out")[-1]
    declined = real.seeded.of_shape("charge_declined")[-1]
    for instance in (timed_out, declined):
        [job] = client.list_jobs(process_instance_id=instance.id, with_exception=True)
        client.set_job_retries(job.id, 1)
    # Setting retries resolves the incident at once; the job executor then runs the job again.
    assert _wait_for(lambda: not client.list_jobs(process_instance_id=timed_out.id))
    assert client.count_incidents(process_instance_id=timed_out.id) == 0
    # The charge's token now waits at the parallel join, which Camunda shows as an activity instance.
    assert client.activity_instance_tree(timed_out.id).counts_by_activity() == {"pack": 1, "join": 1}

    def failed_again():
        jobs = client.list_jobs(process_instance_id=declined.id, with_exception=True)
        return jobs and jobs[0].retries == 0

    assert _wait_for(failed_again)
    assert client.count_incidents(process_instance_id=declined.id) == 1


def test_a_called_credit_check_failing_is_an_incident_of_the_loan_application_too(client, real):
    loan = real.seeded.one("applicant_unknown")
    [at_call] = client.list_incidents(process_instance_id=loan.id)
    assert at_call.activity_id == "credit_check"
    [called] = client.list_instances(ProcessInstanceQuery(super_process_instance=loan.id))
    [root] = client.list_incidents(process_instance_id=called.id)
    assert root.incident_message == "Applicant unknown to the credit bureau"
    assert at_call.root_cause_incident_id == root.id


def test_signatures_are_a_parallel_multi_instance_body_of_three(client, real):
    loan = real.seeded.one("sign")
    counts = client.activity_instance_tree(loan.id).counts_by_activity()
    assert counts.get("sign") == 3


def test_a_variable_of_every_engine_type_is_seeded(client, real):
    order = real.seeded.one("check_stock")
    loan = real.seeded.one("review")
    types = {
        value.type for instance in (order, loan) for value in client.instance_variables(instance.id).values()
    }
    assert types >= {t for t in VariableType if t not in real.family.without_types}
    invoice = client.get_variable_data(order.id, "invoice")
    assert invoice.data.startswith(b"Invoice ") and invoice.filename.startswith("invoice-")


def test_cockpit_is_served_beside_the_rest_api_and_lets_the_engine_user_in(real):
    import httpx

    app = real.webapp_url.split("/app/")[0]
    with httpx.Client(timeout=30) as http:
        assert http.get(real.webapp_url).status_code == 200
        token = http.cookies.get("XSRF-TOKEN", "")
        login = http.post(
            f"{app}/api/admin/auth/user/default/login/cockpit",
            data={"username": real.username, "password": real.password},
            headers={"X-XSRF-TOKEN": token},
        )
        assert login.status_code == 200 and "cockpit" in login.json()["authorizedApps"]
