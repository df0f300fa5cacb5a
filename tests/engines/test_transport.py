"""Errors map to one hierarchy with the engine's message; only what is safe is retried."""

import subprocess
import sys
import threading

import httpx
import pytest

from engines import fan_out
from engines.errors import (
    AuthenticationFailed,
    EngineResponseError,
    EngineServerError,
    EngineTimeout,
    EngineUnavailable,
    Forbidden,
    InvalidRequest,
    NotFound,
    OptimisticLockingConflict,
)
from engines.fanout import Failed
from engines.queries import MAX_PAGE_SIZE, Instruction, Modification


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (400, {"type": "InvalidRequestException", "message": "Unknown sortBy"}, InvalidRequest),
        (401, None, AuthenticationFailed),
        (403, {"type": "AuthorizationException", "message": "demo may not read"}, Forbidden),
        (404, {"type": "InvalidRequestException", "message": "No process instance pi-9"}, NotFound),
        (500, {"type": "ProcessEngineException", "message": "boom", "code": 0}, EngineServerError),
        (
            500,
            {"type": "OptimisticLockingException", "message": "changed", "code": 1},
            OptimisticLockingConflict,
        ),
    ],
)
def test_an_error_status_becomes_a_typed_error_with_the_engines_message(engine, http, status, body, error):
    http.get("/process-instance/pi-9").respond(status, json=body)
    with pytest.raises(error) as raised:
        engine.get_instance("pi-9")
    assert raised.value.status == status
    if body:
        assert raised.value.message == body["message"]
        assert raised.value.exception_type == body["type"]


def test_an_error_without_a_json_body_keeps_the_text(engine, http):
    http.get("/version").respond(502, text="Bad gateway from the proxy")
    with pytest.raises(EngineServerError, match="Bad gateway from the proxy"):
        engine.version()


def test_a_connection_failure_on_a_read_is_retried(engine, http):
    route = http.get("/version")
    route.side_effect = [httpx.ConnectError("refused"), httpx.Response(200, json={"version": "7.22.0"})]
    assert engine.version().version == "7.22.0"
    assert route.call_count == 2


def test_a_connection_failure_on_a_post_that_changes_things_is_not_retried(engine, http):
    route = http.post("/process-instance/pi-1/modification").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(EngineUnavailable, match="unreachable"):
        engine.modify_instance("pi-1", Modification((Instruction("startBeforeActivity", activity_id="a"),)))
    assert route.call_count == 1


def test_a_post_query_is_a_read_and_is_retried(engine, http):
    route = http.post("/process-instance/count")
    route.side_effect = [httpx.ConnectError("refused"), httpx.Response(200, json={"count": 4})]
    assert engine.count_instances() == 4


def test_an_engine_that_stays_away_gives_up_after_three_tries(engine, http):
    route = http.get("/version").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(EngineUnavailable):
        engine.version()
    assert route.call_count == 3


@pytest.mark.parametrize("status", [400, 403, 404])
def test_a_refusal_is_never_retried(engine, http, status):
    route = http.get("/process-instance/pi-1").respond(status, json={"type": "X", "message": "no"})
    with pytest.raises(EngineResponseError):
        engine.get_instance("pi-1")
    assert route.call_count == 1


def test_optimistic_locking_is_retried_on_a_request_safe_to_repeat(engine, http):
    route = http.put("/process-instance/pi-1/suspended")
    route.side_effect = [
        httpx.Response(500, json={"type": "OptimisticLockingException", "message": "changed", "code": 1}),
        httpx.Response(204),
    ]
    engine.set_instance_suspended("pi-1", suspended=True)
    assert route.call_count == 2


def test_a_deadlock_is_retried_on_a_request_safe_to_repeat(engine, http):
    route = http.delete("/process-instance/pi-1/variables/x")
    route.side_effect = [
        httpx.Response(500, json={"type": "ProcessEngineException", "message": "deadlock", "code": 10000}),
        httpx.Response(204),
    ]
    engine.delete_variable("pi-1", "x")
    assert route.call_count == 2


def test_optimistic_locking_on_a_modification_is_reported_not_repeated(engine, http):
    route = http.post("/process-instance/pi-1/modification").respond(
        500, json={"type": "OptimisticLockingException", "message": "changed", "code": 1}
    )
    with pytest.raises(OptimisticLockingConflict):
        engine.modify_instance("pi-1", Modification((Instruction("cancel", activity_id="a"),)))
    assert route.call_count == 1


def test_a_timeout_is_reported_with_the_limit_and_not_repeated(engine, http):
    route = http.get("/version").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(EngineTimeout, match="did not answer within 2 s"):
        engine.version()
    assert route.call_count == 1


def test_lists_are_always_paged(engine):
    with pytest.raises(ValueError, match="limit"):
        engine.list_instances(limit=MAX_PAGE_SIZE + 1)
    with pytest.raises(ValueError, match="offset"):
        engine.list_incidents(offset=-1)


def test_instructions_naming_one_instances_activity_instances_are_refused_for_many(engine):
    plan = Modification((Instruction("cancel", activity_instance_id="charge:1"),))
    with pytest.raises(ValueError, match="belong to one instance"):
        engine.execute_modification_async("order:1:abc", plan, ids=["pi-1"])


def test_a_bulk_operation_needs_ids_or_a_query(engine):
    with pytest.raises(ValueError, match="ids or a query"):
        engine.set_instances_suspended_async(suspended=True)


def test_the_definition_xml_is_fetched_once_per_definition(engine, http):
    route = http.get("/process-definition/order:1:abc/xml").respond(json={"id": "x", "bpmn20Xml": "<d/>"})
    assert engine.definition_xml("order:1:abc") == engine.definition_xml("order:1:abc") == "<d/>"
    assert route.call_count == 1


def test_fan_out_runs_the_calls_at_the_same_time():
    # Each call waits until all three are running: only concurrent calls get past the barrier.
    barrier = threading.Barrier(3, timeout=5)

    def call(value):
        return lambda: (barrier.wait(), value)[1]

    assert fan_out({"a": call(1), "b": call(2), "c": call(3)}) == {"a": 1, "b": 2, "c": 3}


def test_fan_out_raises_the_first_failure_or_keeps_it_when_asked():
    def fail():
        raise InvalidRequest("bad")

    with pytest.raises(InvalidRequest):
        fan_out({"ok": lambda: 1, "bad": fail})
    results = fan_out({"ok": lambda: 1, "bad": fail}, keep_failures=True)
    assert results["ok"] == 1
    assert isinstance(results["bad"], Failed) and results["bad"].error.message == "bad"


def test_the_service_layer_imports_no_django():
    code = (
        "import sys, engines, engines.camunda7.client, engines.variables, engines.queries, engines.fanout;"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
