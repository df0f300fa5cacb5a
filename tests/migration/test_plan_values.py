"""A migration plan is stored in the domain's shape and read back the same; odd engine answers read as
an unreadable answer, not a crash."""

import httpx
import pytest

from engines.errors import UnreadableAnswer
from engines.migration import MigrationInstruction, MigrationPlan, MigrationReport
from tests.engines.cases import MIGRATION_PLAN


def test_a_plan_stored_as_plain_values_reads_back_the_same():
    stored = MIGRATION_PLAN.to_dict()
    assert "sourceProcessDefinitionId" not in str(stored)
    assert MigrationPlan.from_dict(stored) == MIGRATION_PLAN


def test_adding_an_instruction_for_a_mapped_activity_replaces_its_mapping():
    plan = MIGRATION_PLAN.with_instruction(MigrationInstruction(("check_stock",), ("pack",)))
    assert [(i.source, i.target) for i in plan.instructions] == [
        ("await_delivery", "await_delivery"),
        ("check_stock", "pack"),
    ]
    assert [i.source for i in plan.without_instruction("check_stock").instructions] == ["await_delivery"]


def test_an_empty_report_is_valid():
    assert MigrationReport().valid


@pytest.mark.parametrize("answer", [[], {"instructions": []}, "plan"])
def test_a_generated_plan_that_is_no_plan_is_an_unreadable_answer(engine, http, answer):
    http.post("/migration/generate").mock(return_value=httpx.Response(200, json=answer))
    with pytest.raises(UnreadableAnswer):
        engine.generate_migration_plan("a:1:x", "a:2:y")


def test_a_validation_report_that_is_no_report_is_an_unreadable_answer(engine, http):
    http.post("/migration/validate").mock(
        return_value=httpx.Response(200, json={"instructionReports": [{"instruction": "x"}]})
    )
    with pytest.raises(UnreadableAnswer):
        engine.validate_migration_plan(MIGRATION_PLAN)
