"""Migration of running instances from one process definition to another, in the domain's terms.

A plan maps activities of the source definition onto activities of the target: each running
activity instance moves to the activity its instruction names. Plans and reports are plain values;
operations and the audit log keep a plan as `to_dict`, and `from_dict` gives it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from engines.variables import TypedValue


@dataclass(frozen=True)
class MigrationInstruction:
    """Activity instances of the source activities move to the target activities; with
    update_event_trigger an event's trigger (a timer's due date, a message name) is the target's."""

    source_activity_ids: tuple[str, ...]
    target_activity_ids: tuple[str, ...]
    update_event_trigger: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "source_activity_ids", tuple(self.source_activity_ids))
        object.__setattr__(self, "target_activity_ids", tuple(self.target_activity_ids))

    @property
    def source(self) -> str:
        return self.source_activity_ids[0] if self.source_activity_ids else ""

    @property
    def target(self) -> str:
        return self.target_activity_ids[0] if self.target_activity_ids else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_activity_ids": list(self.source_activity_ids),
            "target_activity_ids": list(self.target_activity_ids),
            "update_event_trigger": self.update_event_trigger,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MigrationInstruction:
        return cls(
            source_activity_ids=tuple(data.get("source_activity_ids") or ()),
            target_activity_ids=tuple(data.get("target_activity_ids") or ()),
            update_event_trigger=bool(data.get("update_event_trigger")),
        )


@dataclass(frozen=True)
class MigrationPlan:
    """Which definition to which, the instructions, and variables set on every migrated instance."""

    source_definition_id: str
    target_definition_id: str
    instructions: tuple[MigrationInstruction, ...] = ()
    variables: dict[str, TypedValue] = field(default_factory=dict)

    def with_instruction(self, instruction: MigrationInstruction) -> MigrationPlan:
        """The plan with one more instruction; one for the same source activity is replaced."""
        kept = tuple(i for i in self.instructions if i.source_activity_ids != instruction.source_activity_ids)
        return replace(self, instructions=(*kept, instruction))

    def without_instruction(self, source_activity_id: str) -> MigrationPlan:
        kept = tuple(i for i in self.instructions if source_activity_id not in i.source_activity_ids)
        return replace(self, instructions=kept)

    def with_variables(self, variables: dict[str, TypedValue]) -> MigrationPlan:
        return replace(self, variables=dict(variables))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source_definition_id": self.source_definition_id,
            "target_definition_id": self.target_definition_id,
            "instructions": [i.to_dict() for i in self.instructions],
        }
        if self.variables:
            data["variables"] = {name: value.to_dict() for name, value in self.variables.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MigrationPlan:
        return cls(
            source_definition_id=data["source_definition_id"],
            target_definition_id=data["target_definition_id"],
            instructions=tuple(MigrationInstruction.from_dict(i) for i in data.get("instructions") or ()),
            variables={
                name: TypedValue.from_dict(value) for name, value in (data.get("variables") or {}).items()
            },
        )


@dataclass(frozen=True)
class InstructionReport:
    """What the engine refuses about one instruction, in its own words."""

    instruction: MigrationInstruction
    failures: tuple[str, ...]


@dataclass(frozen=True)
class VariableReport:
    name: str
    failures: tuple[str, ...]


@dataclass(frozen=True)
class MigrationReport:
    """The engine's validation of a plan; empty when it would execute it (for instances whose every
    activity instance the plan maps)."""

    instructions: tuple[InstructionReport, ...] = ()
    variables: tuple[VariableReport, ...] = ()

    @property
    def valid(self) -> bool:
        return not any(r.failures for r in self.instructions) and not any(r.failures for r in self.variables)

    def failures_of(self, instruction: MigrationInstruction) -> tuple[str, ...]:
        return tuple(
            failure
            for report in self.instructions
            if report.instruction.source_activity_ids == instruction.source_activity_ids
            and report.instruction.target_activity_ids == instruction.target_activity_ids
            for failure in report.failures
        )

    def failures_of_variable(self, name: str) -> tuple[str, ...]:
        return tuple(f for report in self.variables if report.name == name for f in report.failures)
