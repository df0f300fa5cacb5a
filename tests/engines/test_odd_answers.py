"""Answers the spec allows but the models refuse: one odd item costs its row, a refused answer is an
engine error with a message, never an exception a page cannot show."""

import pytest

from engines.errors import EngineError, UnreadableAnswer
from engines.queries import ProcessInstanceQuery
from engines.variables import VariableType
from tests.engines.cases import INSTANCE


def test_a_list_item_with_a_null_id_costs_its_row_not_the_list(engine, http):
    http.post("/process-instance").respond(200, json=[INSTANCE, {**INSTANCE, "id": None}, {"id": 5}])
    good, null_id, number_id = engine.list_instances(ProcessInstanceQuery())
    assert good.id == "pi-1" and not good.unreadable
    assert null_id.id == "null" and "id" in null_id.unreadable
    assert number_id.id == "5" and number_id.unreadable


def test_an_item_that_is_not_an_object_is_unreadable_too(engine, http):
    http.get("/incident").respond(200, json=["not an incident"])
    [item] = engine.list_incidents()
    assert item.unreadable and item.id == "null"


def test_a_single_answer_the_models_refuse_is_an_engine_error_naming_the_field(engine, http):
    http.get("/process-instance/pi-1").respond(200, json={**INSTANCE, "id": None})
    with pytest.raises(UnreadableAnswer) as refused:
        engine.get_instance("pi-1")
    assert isinstance(refused.value, EngineError)
    assert "GET /process-instance/pi-1" in refused.value.message and "id" in refused.value.message


def test_a_list_answer_that_is_not_a_list_is_an_engine_error(engine, http):
    http.get("/incident").respond(200, json={"id": "x"})
    with pytest.raises(UnreadableAnswer):
        engine.list_incidents()


def test_binary_content_is_asked_for_as_octet_stream(engine, http):
    route = http.get("/variable-instance/v-1/data").respond(200, content=b"\x00\x01")
    engine.variable_instance_data("v-1")
    assert route.calls.last.request.headers["Accept"].startswith("application/octet-stream")
    other = http.get("/process-instance/pi-1/variables/invoice/data").respond(200, content=b"x")
    engine.get_variable_data("pi-1", "invoice")
    assert other.calls.last.request.headers["Accept"].startswith("application/octet-stream")


def test_a_json_answer_is_still_asked_for_as_json(engine, http):
    route = http.get("/process-instance/pi-1").respond(200, json=INSTANCE)
    engine.get_instance("pi-1")
    assert route.calls.last.request.headers["Accept"] == "application/json"


@pytest.mark.parametrize(
    "dto",
    [
        {"type": "spin://custom", "value": {"a": 1}},
        {"type": "Double", "value": "not a number"},
        {"type": "Double", "value": [1]},
        {"type": "Date", "value": 1764000000000},
        {"type": "Date", "value": "yesterday"},
        {"type": "Integer", "value": "seven"},
        {"type": "Boolean", "value": "maybe"},
        {"type": "Bytes", "value": "%%% not base64"},
        {"type": 7, "value": "x"},
    ],
)
def test_a_variable_the_codec_cannot_read_comes_as_raw_text_read_only(engine, http, dto):
    http.get("/variable-instance").respond(
        200, json=[{"id": "v-1", "name": "odd", "processInstanceId": "pi-1", **dto}]
    )
    [variable] = engine.variable_instances("pi-1")
    assert variable.value.unreadable
    assert isinstance(variable.value.value, str)
    assert variable.type == str(dto["type"])


def test_a_variable_without_a_name_costs_its_row(engine, http):
    http.get("/variable-instance").respond(
        200,
        json=[
            {"id": "v-1", "type": "String", "value": "x"},
            {"id": "v-2", "name": "ok", "type": "String", "value": "y"},
        ],
    )
    first, second = engine.variable_instances("pi-1")
    assert first.value.unreadable and second.value.type == VariableType.STRING and second.value.value == "y"


def test_a_moment_without_an_offset_is_taken_as_utc(engine, http):
    from tests.engines.cases import INCIDENT

    http.get("/incident").respond(200, json=[{**INCIDENT, "incidentTimestamp": "2026-11-22T09:30:00"}])
    [incident] = engine.list_incidents()
    assert incident.incident_timestamp.utcoffset() is not None and incident.incident_timestamp.hour == 9
