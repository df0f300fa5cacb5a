"""Typed queries the dashboard asks engines, independent of how an engine spells them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, TypeAlias

from engines.variables import TypedValue

VARIABLE_OPERATORS = ("eq", "neq", "gt", "gteq", "lt", "lteq", "like")
MAX_PAGE_SIZE = 1000


def containing(text: str) -> str:
    """A *_like pattern matching `text` anywhere, taken literally: % and _ are the wildcards, and the
    backslash escapes (so %, _ and the backslash itself are escaped)."""
    literal = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def check_page(offset: int, limit: int) -> None:
    """Every list call is paged: no call may ask for an unbounded result."""
    if offset < 0:
        raise ValueError("offset must not be negative")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}")


class InstanceSort(StrEnum):
    ID = "instance_id"
    DEFINITION_KEY = "definition_key"
    DEFINITION_ID = "definition_id"
    BUSINESS_KEY = "business_key"
    TENANT_ID = "tenant_id"


class DefinitionSort(StrEnum):
    NAME = "name"
    KEY = "key"
    VERSION = "version"
    TENANT_ID = "tenant_id"


class DeploymentSort(StrEnum):
    NAME = "deployment_name"
    TIME = "deployment_time"
    TENANT_ID = "deployment_tenant_id"


class IncidentSort(StrEnum):
    TIMESTAMP = "timestamp"
    TYPE = "type"
    MESSAGE = "message"
    PROCESS_INSTANCE_ID = "process_instance_id"
    ACTIVITY_ID = "activity_id"


class BatchSort(StrEnum):
    ID = "batch_id"
    TENANT_ID = "tenant_id"


class JobSort(StrEnum):
    DUE_DATE = "due_date"
    RETRIES = "retries"


class HistoricInstanceSort(StrEnum):
    """The finished (and running) instances as history keeps them."""

    ID = "historic_instance_id"
    DEFINITION_KEY = "historic_definition_key"
    BUSINESS_KEY = "historic_business_key"
    START_TIME = "start_time"
    END_TIME = "end_time"
    DURATION = "duration"


# What a list may be sorted by: each list has its own keys, each adapter maps them to its engine's.
SortKey: TypeAlias = (
    InstanceSort | DefinitionSort | DeploymentSort | IncidentSort | BatchSort | JobSort | HistoricInstanceSort
)

# The incident filters by name (the keywords of EngineClient.list_incidents): a text, or a list of texts
# for the *_ids / *_keys ones.
INCIDENT_FILTERS = (
    "process_instance_id",
    "process_definition_id",
    "process_definition_keys",
    "incident_type",
    "incident_message",
    "incident_message_like",
    "activity_id",
    "tenant_ids",
)
IncidentFilter: TypeAlias = str | Sequence[str] | None


def sort_key(value: str) -> SortKey:
    """A sort key back from its stored value."""
    for keys in (
        InstanceSort,
        DefinitionSort,
        DeploymentSort,
        IncidentSort,
        BatchSort,
        JobSort,
        HistoricInstanceSort,
    ):
        try:
            return keys(value)
        except ValueError:
            continue
    raise ValueError(f"unknown sort key {value!r}")


@dataclass(frozen=True)
class Sort:
    by: SortKey
    order: Literal["asc", "desc"] = "asc"


@dataclass(frozen=True)
class VariableFilter:
    """name <operator> value; value is typed (a number compares as a number)."""

    name: str
    operator: str
    value: Any

    def __post_init__(self) -> None:
        if self.operator not in VARIABLE_OPERATORS:
            raise ValueError(f"unknown variable operator {self.operator!r}")
        if not self.name:
            raise ValueError("a variable filter needs a name")


class _Query:
    """Plain values for a stored operation (`to_dict`); `from_dict` gives the same query back."""

    def to_dict(self) -> dict[str, Any]:
        return {
            item.name: [asdict(v) for v in value] if item.name in ("variables", "sorting") else value
            for item in fields(self)  # type: ignore[arg-type]
            if (value := getattr(self, item.name)) not in (None, ())
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        known = {item.name for item in fields(cls)}  # type: ignore[arg-type]
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown query fields: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name == "variables":
                value = tuple(VariableFilter(**v) for v in value)
            elif name == "sorting":
                value = tuple(_stored_sort(s) for s in value)
                value = tuple(s for s in value if s is not None)
            elif isinstance(value, list):
                value = tuple(value)
            values[name] = value
        return cls(**values)


def _stored_sort(data: dict[str, Any]) -> Sort | None:
    # A sorting stored before sort keys were the domain's names an engine's own: the order of a bulk
    # operation's items does not matter, so it is dropped.
    try:
        return Sort(sort_key(data["by"]), data.get("order", "asc"))
    except ValueError:
        return None


@dataclass(frozen=True)
class ProcessInstanceQuery(_Query):
    """Running process instances, every filter the dashboard uses; empty fields filter nothing."""

    process_instance_ids: tuple[str, ...] = ()
    business_key: str | None = None
    business_key_like: str | None = None
    process_definition_id: str | None = None
    process_definition_key: str | None = None
    process_definition_key_in: tuple[str, ...] = ()
    process_definition_key_not_in: tuple[str, ...] = ()
    deployment_id: str | None = None
    super_process_instance: str | None = None
    sub_process_instance: str | None = None
    case_instance_id: str | None = None
    active: bool | None = None
    suspended: bool | None = None
    with_incident: bool | None = None
    incident_id: str | None = None
    incident_type: str | None = None
    incident_message: str | None = None
    incident_message_like: str | None = None
    tenant_ids: tuple[str, ...] = ()
    without_tenant_id: bool | None = None
    process_definition_without_tenant_id: bool | None = None
    activity_ids: tuple[str, ...] = ()
    root_process_instances: bool | None = None
    leaf_process_instances: bool | None = None
    variables: tuple[VariableFilter, ...] = ()
    variable_names_ignore_case: bool | None = None
    variable_values_ignore_case: bool | None = None
    sorting: tuple[Sort, ...] = field(default=())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProcessInstanceQuery:
        query: ProcessInstanceQuery = super().from_dict(data)
        return query


@dataclass(frozen=True)
class HistoricProcessInstanceQuery(_Query):
    """Process instances running or ended, as history keeps them."""

    process_instance_ids: tuple[str, ...] = ()
    process_definition_id: str | None = None
    process_definition_key: str | None = None
    process_definition_key_in: tuple[str, ...] = ()
    process_instance_business_key: str | None = None
    process_instance_business_key_like: str | None = None
    super_process_instance_id: str | None = None
    sub_process_instance_id: str | None = None
    root_process_instances: bool | None = None
    finished: bool | None = None
    unfinished: bool | None = None
    active: bool | None = None
    suspended: bool | None = None
    completed: bool | None = None
    externally_terminated: bool | None = None  # cancelled by a user or an API call
    internally_terminated: bool | None = None  # ended by the process itself (a terminate end event)
    with_incidents: bool | None = None  # open or resolved ones: incident_status narrows it
    incident_status: Literal["open", "resolved"] | None = None
    incident_type: str | None = None
    incident_message_like: str | None = None
    started_before: datetime | None = None
    started_after: datetime | None = None
    finished_before: datetime | None = None
    finished_after: datetime | None = None
    active_activity_ids: tuple[str, ...] = ()
    tenant_ids: tuple[str, ...] = ()
    variables: tuple[VariableFilter, ...] = ()
    variable_names_ignore_case: bool | None = None
    variable_values_ignore_case: bool | None = None
    sorting: tuple[Sort, ...] = ()


@dataclass(frozen=True)
class HistoricActivityInstanceQuery(_Query):
    """Activity instances of a definition as history keeps them. The ended ones (finished=True) come
    the most recently ended first; those still running (finished=False) the longest running first."""

    process_definition_id: str | None  # None: of every definition
    finished: bool
    activity_id: str | None = None
    started_before: datetime | None = None
    finished_after: datetime | None = None


class InstructionKind(StrEnum):
    """What one modification instruction does."""

    START_BEFORE_ACTIVITY = "start_before_activity"
    START_AFTER_ACTIVITY = "start_after_activity"
    START_TRANSITION = "start_transition"
    CANCEL = "cancel"


# The kinds as operations recorded them before they were the domain's names (read, never written).
_STORED_KINDS = {
    "startBeforeActivity": InstructionKind.START_BEFORE_ACTIVITY,
    "startAfterActivity": InstructionKind.START_AFTER_ACTIVITY,
    "startTransition": InstructionKind.START_TRANSITION,
}


def instruction_kind(value: str) -> InstructionKind:
    try:
        return _STORED_KINDS.get(value) or InstructionKind(value)
    except ValueError:
        raise ValueError(f"unknown instruction type {value!r}") from None


@dataclass(frozen=True)
class StartVariable:
    """A variable an instruction sets where it starts; local: in the new activity instance's scope."""

    value: TypedValue
    local: bool = False


_INSTRUCTION_FIELDS = (
    "activity_id",
    "transition_id",
    "activity_instance_id",
    "transition_instance_id",
    "ancestor_activity_instance_id",
    "cancel_current_active_activity_instances",
)


def _stored_name(name: str) -> str:
    # Operations recorded before the domain's names kept camelCase keys.
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass(frozen=True)
class Instruction:
    """One step of a modification: start before or after an activity, on a sequence flow, or cancel
    (every instance of an activity, or one activity or transition instance)."""

    type: InstructionKind
    activity_id: str | None = None
    transition_id: str | None = None
    activity_instance_id: str | None = None
    transition_instance_id: str | None = None
    ancestor_activity_instance_id: str | None = None
    cancel_current_active_activity_instances: bool | None = None
    variables: dict[str, StartVariable] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", instruction_kind(self.type))
        needs = {
            InstructionKind.START_BEFORE_ACTIVITY: self.activity_id,
            InstructionKind.START_AFTER_ACTIVITY: self.activity_id,
            InstructionKind.START_TRANSITION: self.transition_id,
            InstructionKind.CANCEL: self.activity_id
            or self.activity_instance_id
            or self.transition_instance_id,
        }[self.type]
        if not needs:
            raise ValueError(f"a {self.type} instruction needs its target")

    @property
    def applies_to_many(self) -> bool:
        """Whether it can be part of one plan for many instances: activity instances, ancestors and
        variables belong to one instance."""
        return not (
            self.activity_instance_id
            or self.transition_instance_id
            or self.ancestor_activity_instance_id
            or self.variables
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type.value}
        for name in _INSTRUCTION_FIELDS:
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.variables:
            data["variables"] = {
                name: {**variable.value.to_dict(), **({"local": True} if variable.local else {})}
                for name, variable in self.variables.items()
            }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instruction:
        """Also reads what operations recorded before (camelCase keys, the engine's variable shape)."""
        values: dict[str, Any] = {}
        for name in _INSTRUCTION_FIELDS:
            for key in (name, _stored_name(name)):
                if key in data:
                    values[name] = data[key]
                    break
        variables = data.get("variables")
        if variables:
            values["variables"] = {
                name: StartVariable(TypedValue.from_dict(v), bool(v.get("local")))
                for name, v in variables.items()
            }
        return cls(type=data["type"], **values)


@dataclass(frozen=True)
class Modification:
    """A plan of instructions for process instance modification, executed by the engine in order."""

    instructions: tuple[Instruction, ...]
    skip_custom_listeners: bool = False
    skip_io_mappings: bool = False
    annotation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "instructions": [i.to_dict() for i in self.instructions],
            "skip_custom_listeners": self.skip_custom_listeners,
            "skip_io_mappings": self.skip_io_mappings,
        }
        if self.annotation:
            data["annotation"] = self.annotation
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Modification:
        """The plan back from `to_dict`, or from what operations recorded before (camelCase keys)."""

        def flag(name: str) -> bool:
            return bool(data.get(name, data.get(_stored_name(name))))

        return cls(
            instructions=tuple(Instruction.from_dict(item) for item in data.get("instructions") or ()),
            skip_custom_listeners=flag("skip_custom_listeners"),
            skip_io_mappings=flag("skip_io_mappings"),
            annotation=data.get("annotation"),
        )


@dataclass(frozen=True)
class Restart:
    """Starting finished instances of one definition again, as new instances: where each starts (start
    instructions only; none: at the default start event), with which variables and business key."""

    instructions: tuple[Instruction, ...] = ()
    initial_variables: bool = False  # the variables as the instance started with them, not its last ones
    without_business_key: bool = False
    skip_custom_listeners: bool = False
    skip_io_mappings: bool = False

    def __post_init__(self) -> None:
        if any(i.type == InstructionKind.CANCEL or not i.applies_to_many for i in self.instructions):
            raise ValueError("a restart starts at activities or sequence flows only")

    def to_dict(self) -> dict[str, Any]:
        return {
            "instructions": [i.to_dict() for i in self.instructions],
            "initial_variables": self.initial_variables,
            "without_business_key": self.without_business_key,
            "skip_custom_listeners": self.skip_custom_listeners,
            "skip_io_mappings": self.skip_io_mappings,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Restart:
        return cls(
            instructions=tuple(Instruction.from_dict(item) for item in data.get("instructions") or ()),
            initial_variables=bool(data.get("initial_variables")),
            without_business_key=bool(data.get("without_business_key")),
            skip_custom_listeners=bool(data.get("skip_custom_listeners")),
            skip_io_mappings=bool(data.get("skip_io_mappings")),
        )
