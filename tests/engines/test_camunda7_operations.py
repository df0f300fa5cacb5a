"""Every operation sends exactly the request the engine's API defines, and parses a realistic answer."""

import json

import httpx
import pytest

from tests.contract import check_request, check_response, unknown_request_fields
from tests.engines.cases import CASES, Case

IDS = [case.name for case in CASES]


def _answer(case: Case) -> httpx.Response:
    if case.answer_bytes is not None:
        return httpx.Response(case.status, content=case.answer_bytes, headers=case.answer_headers)
    if case.answer is None:
        return httpx.Response(case.status)
    return httpx.Response(case.status, json=case.answer, headers=case.answer_headers)


def _run(case: Case, engine, http):
    # Matched by method only: the test itself compares the raw path, percent-encoding included.
    route = http.route(method=case.method).mock(return_value=_answer(case))
    result = case.call(engine)
    return route.calls.last.request, result


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_operation_sends_the_exact_request_and_parses_the_answer(case, engine, http):
    request, result = _run(case, engine, http)
    assert request.method == case.method
    assert request.url.raw_path.decode().split("?")[0] == f"/engine-rest{case.path}"
    assert dict(request.url.params) == case.params
    if case.json is not None:
        assert json.loads(request.content) == case.json
    elif not case.multipart:
        assert not request.content
    assert request.headers["Authorization"].startswith("Basic ")
    case.check(result)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_request_and_the_answer_keep_the_engines_contract(case, engine, http):
    request, _ = _run(case, engine, http)
    check_request(request)
    assert unknown_request_fields(request) == []
    check_response(request, _answer(case))


def test_uploading_a_file_variable_sends_multipart_data_and_value_type(engine, http):
    route = http.post("/process-instance/pi-1/variables/invoice/data").respond(204)
    engine.set_variable_data(
        "pi-1", "invoice", b"%PDF-1.7", filename="invoice.pdf", mimetype="application/pdf"
    )
    request = route.calls.last.request
    body = request.content
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="data"; filename="invoice.pdf"' in body
    assert b"Content-Type: application/pdf" in body and b"%PDF-1.7" in body
    assert b'name="valueType"' in body and b"File" in body
    check_request(request)


def test_every_seed_operation_of_the_process_instance_api_has_a_case():
    # Not the GET forms of the query, the synchronous suspension of many nor the variables' POST: no
    # page uses them, so the adapter has none.
    seed_paths = {
        ("POST", "/process-instance/delete-historic-query-based"),
        ("DELETE", "/process-instance/{id}"),
        ("DELETE", "/process-instance/{id}/variables/{varName}"),
        ("POST", "/process-instance/delete"),
        ("GET", "/process-instance/{id}/activity-instances"),
        ("GET", "/process-instance/{id}"),
        ("GET", "/process-instance/{id}/variables/{varName}"),
        ("GET", "/process-instance/{id}/variables/{varName}/data"),
        ("GET", "/process-instance/{id}/variables"),
        ("POST", "/process-instance/{id}/modification"),
        ("POST", "/process-instance/{id}/modification-async"),
        ("POST", "/process-instance"),
        ("POST", "/process-instance/count"),
        ("PUT", "/process-instance/{id}/variables/{varName}"),
        ("POST", "/process-instance/{id}/variables/{varName}/data"),
        ("POST", "/process-instance/job-retries"),
        ("POST", "/process-instance/job-retries-historic-query-based"),
        ("POST", "/process-instance/variables-async"),
        ("POST", "/process-instance/suspended-async"),
        ("PUT", "/process-instance/{id}/suspended"),
    }
    from tests.contract import spec_path_of

    covered = {(case.method, spec_path_of(case.path)) for case in CASES}
    assert seed_paths - covered == set()


def test_a_deployed_definition_and_its_xml_are_asked_for_once(engine, http):
    from tests.engines.cases import DEFINITION

    definition = http.get("/process-definition/order:1:abc").respond(json=DEFINITION)
    xml = http.get("/process-definition/order:1:abc/xml").respond(
        json={"id": "order:1:abc", "bpmn20Xml": "<x/>"}
    )
    assert engine.deployed_definition("order:1:abc") == engine.deployed_definition("order:1:abc")
    assert engine.definition_xml("order:1:abc") == engine.definition_xml("order:1:abc") == "<x/>"
    assert (definition.call_count, xml.call_count) == (1, 1)
    engine.get_definition("order:1:abc")  # its suspension can change: always asked
    assert definition.call_count == 2


def test_a_stacktrace_and_binary_content_are_asked_for_without_insisting_on_json(engine, http):
    # Camunda 7.24 answers 406 Not Acceptable to "Accept: application/json" on these text and binary answers.
    stacktrace = http.get("/job/job-1/stacktrace").respond(text="java.lang.RuntimeException: boom")
    data = http.get("/process-instance/pi-1/variables/invoice/data").respond(content=b"%PDF")
    engine.job_stacktrace("job-1")
    engine.get_variable_data("pi-1", "invoice")
    for route in (stacktrace, data):
        assert "*/*" in route.calls.last.request.headers["Accept"]
