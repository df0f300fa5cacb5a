"""What operations and the audit log store is the domain's own shape, the same whichever engine ran
it, and what they stored before in Camunda's shape still reads."""

from datetime import UTC, datetime

import pytest

from engines.queries import (
    InstanceSort,
    Instruction,
    InstructionKind,
    Modification,
    ProcessInstanceQuery,
    Sort,
    StartVariable,
    VariableFilter,
)
from engines.variables import TypedValue, VariableType

PLAN = Modification(
    instructions=(
        Instruction(InstructionKind.CANCEL, transition_instance_id="charge:2"),
        Instruction(
            InstructionKind.START_BEFORE_ACTIVITY,
            activity_id="ship",
            variables={"note": StartVariable(TypedValue(VariableType.STRING, "resent"), local=True)},
        ),
    ),
    skip_io_mappings=True,
    annotation="resend",
)


def test_a_plan_is_stored_in_the_domains_words_and_read_back():
    stored = PLAN.to_dict()
    assert stored == {
        "instructions": [
            {"type": "cancel", "transition_instance_id": "charge:2"},
            {
                "type": "start_before_activity",
                "activity_id": "ship",
                "variables": {"note": {"type": "String", "value": "resent", "local": True}},
            },
        ],
        "skip_custom_listeners": False,
        "skip_io_mappings": True,
        "annotation": "resend",
    }
    assert Modification.from_dict(stored) == PLAN


def test_a_plan_an_operation_recorded_as_camundas_request_body_still_reads():
    recorded = {
        "skipCustomListeners": False,
        "skipIoMappings": True,
        "instructions": [
            {"type": "cancel", "transitionInstanceId": "charge:2"},
            {
                "type": "startBeforeActivity",
                "activityId": "ship",
                "variables": {"note": {"type": "String", "value": "resent", "local": True}},
            },
        ],
        "annotation": "resend",
    }
    assert Modification.from_dict(recorded) == PLAN


@pytest.mark.parametrize(
    "value",
    [
        TypedValue(VariableType.STRING, "x"),
        TypedValue(VariableType.INTEGER, 7),
        TypedValue(VariableType.DATE, datetime(2026, 11, 22, 9, 30, tzinfo=UTC)),
        TypedValue(VariableType.BYTES, b"\x00\x01"),
        TypedValue(VariableType.JSON, '{"a": 1}'),
        TypedValue(VariableType.NULL, None),
        TypedValue(VariableType.OBJECT, "{}", {"objectTypeName": "com.example.Order"}),
    ],
)
def test_a_typed_value_is_stored_as_its_type_and_value_and_read_back(value):
    assert TypedValue.from_dict(value.to_dict()) == value


def test_a_date_an_operation_recorded_in_camundas_date_format_still_reads():
    recorded = {"type": "Date", "value": "2026-11-22T10:30:00.000+0100"}
    assert TypedValue.from_dict(recorded).value == datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def test_a_query_with_its_sorting_and_variable_filters_is_stored_and_read_back():
    query = ProcessInstanceQuery(
        process_definition_key="order",
        variables=(VariableFilter("amount", "gt", 5),),
        sorting=(Sort(InstanceSort.BUSINESS_KEY, "desc"),),
    )
    assert ProcessInstanceQuery.from_dict(query.to_dict()) == query


def test_a_sorting_recorded_by_camundas_name_is_dropped_not_misread():
    stored = {"process_definition_key": "order", "sorting": [{"by": "businessKey", "order": "desc"}]}
    assert ProcessInstanceQuery.from_dict(stored) == ProcessInstanceQuery(process_definition_key="order")
