"""Typed queries the dashboard asks engines, independent of how an engine spells them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, TypeAlias

from engines.dates import format_engine_date

VARIABLE_OPERATORS = ("eq", "neq", "gt", "gteq", "lt", "lteq", "like")
MAX_PAGE_SIZE = 1000


def containing(text: str) -> str:
    """A *Like pattern matching `text` anywhere, taken literally: the engines' LIKE escapes with a backslash
    (Camunda 7's mappings end in ESCAPE ${escapeChar}), so %, _ and the backslash itself are escaped."""
    literal = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def check_page(offset: int, limit: int) -> None:
    """Every list call is paged: no call may ask for an unbounded result."""
    if offset < 0:
        raise ValueError("offset must not be negative")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}")


class InstanceSort(StrEnum):
    ID = "id"
    DEFINITION_KEY = "definition_key"
    DEFINITION_ID = "definition_id"
    BUSINESS_KEY = "business_key"
    TENANT_ID = "tenant_id"


class DefinitionSort(StrEnum):
    NAME = "name"
    KEY = "key"
    VERSION = "version"
    TENANT_ID = "tenant_id"


class IncidentSort(StrEnum):
    TIMESTAMP = "timestamp"
    TYPE = "type"
    MESSAGE = "message"
    PROCESS_INSTANCE_ID = "process_instance_id"
    ACTIVITY_ID = "activity_id"


class BatchSort(StrEnum):
    ID = "id"
    TENANT_ID = "tenant_id"


class JobSort(StrEnum):
    DUE_DATE = "due_date"
    RETRIES = "retries"


# What a list may be sorted by: each list has its own keys, each adapter maps them to its engine's.
SortKey: TypeAlias = InstanceSort | DefinitionSort | IncidentSort | BatchSort | JobSort

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


@dataclass(frozen=True)
class Sort:
    by: SortKey
    order: Literal["asc", "desc"] = "asc"

    def to_json(self) -> dict[str, str]:
        return {"sortBy": self.by, "sortOrder": self.order}


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

    def to_json(self) -> dict[str, Any]:
        value = format_engine_date(self.value) if isinstance(self.value, datetime) else self.value
        return {"name": self.name, "operator": self.operator, "value": value}

    def to_param(self) -> str:
        """The GET form name_operator_value; value as text."""
        value = self.value
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, datetime):
            value = format_engine_date(value)
        return f"{self.name}_{self.operator}_{value}"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class _Query:
    """Shared spelling: snake_case fields become the engine's camelCase keys; empty ones are left out."""

    # Fields whose engine name is not simply the camelCase of ours.
    _renamed: dict[str, str] = {}

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            if value is None or value == ():
                continue
            key = self._renamed.get(item.name, _camel(item.name))
            if item.name == "variables":
                value = [v.to_json() for v in value]
            elif item.name == "sorting":
                value = [s.to_json() for s in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, datetime):
                value = format_engine_date(value)
            body[key] = value
        return body


@dataclass(frozen=True)
class ProcessInstanceQuery(_Query):
    """The runtime process-instance query (POST /process-instance), every filter it has."""

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

    _renamed = {"tenant_ids": "tenantIdIn", "activity_ids": "activityIdIn"}

    def to_dict(self) -> dict[str, Any]:
        """Plain values (for a stored operation); `from_dict` gives the same query back."""
        return {
            item.name: [asdict(v) for v in value] if item.name in ("variables", "sorting") else value
            for item in fields(self)
            if (value := getattr(self, item.name)) not in (None, ())
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProcessInstanceQuery:
        known = {item.name for item in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown query fields: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name == "variables":
                value = tuple(VariableFilter(**v) for v in value)
            elif name == "sorting":
                value = tuple(Sort(**s) for s in value)
            elif isinstance(value, list):
                value = tuple(value)
            values[name] = value
        return cls(**values)

    def to_params(self) -> dict[str, Any]:
        """The same query in the GET form: comma lists, name_op_value variables, one sort."""
        params = self.to_json()
        params.pop("sorting", None)
        if self.variables:
            params["variables"] = ",".join(v.to_param() for v in self.variables)
        if self.process_instance_ids:
            params["processInstanceIds"] = ",".join(self.process_instance_ids)
        if self.sorting:
            params["sortBy"], params["sortOrder"] = self.sorting[0].by, self.sorting[0].order
        return params


@dataclass(frozen=True)
class HistoricProcessInstanceQuery(_Query):
    """The historic process-instance query (POST /history/process-instance): finished instances too."""

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
    with_incidents: bool | None = None
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

    _renamed = {"tenant_ids": "tenantIdIn", "active_activity_ids": "activeActivityIdIn"}


@dataclass(frozen=True)
class Modification:
    """Instructions for process instance modification, executed by the engine in order."""

    instructions: tuple[Instruction, ...]
    skip_custom_listeners: bool = False
    skip_io_mappings: bool = False
    annotation: str | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Modification:
        """The modification back from its request body (as an operation keeps it)."""
        return cls(
            instructions=tuple(Instruction.from_json(item) for item in body.get("instructions") or ()),
            skip_custom_listeners=bool(body.get("skipCustomListeners")),
            skip_io_mappings=bool(body.get("skipIoMappings")),
            annotation=body.get("annotation"),
        )

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "skipCustomListeners": self.skip_custom_listeners,
            "skipIoMappings": self.skip_io_mappings,
            "instructions": [i.to_json() for i in self.instructions],
        }
        if self.annotation:
            body["annotation"] = self.annotation
        return body


class InstructionKind(StrEnum):
    """What one modification instruction does."""

    START_BEFORE_ACTIVITY = "start_before_activity"
    START_AFTER_ACTIVITY = "start_after_activity"
    START_TRANSITION = "start_transition"
    CANCEL = "cancel"


INSTRUCTION_TYPES = ("startBeforeActivity", "startAfterActivity", "startTransition", "cancel")
_INSTRUCTION_FIELDS = (
    "activity_id",
    "transition_id",
    "activity_instance_id",
    "transition_instance_id",
    "ancestor_activity_instance_id",
    "cancel_current_active_activity_instances",
    "variables",
)


@dataclass(frozen=True)
class Instruction:
    type: str
    activity_id: str | None = None
    transition_id: str | None = None
    activity_instance_id: str | None = None
    transition_instance_id: str | None = None
    ancestor_activity_instance_id: str | None = None
    cancel_current_active_activity_instances: bool | None = None
    # Encoded variables (name -> VariableValueDto, optionally with "local").
    variables: dict[str, dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        if self.type not in INSTRUCTION_TYPES:
            raise ValueError(f"unknown instruction type {self.type!r}")
        needs = {
            "startBeforeActivity": self.activity_id,
            "startAfterActivity": self.activity_id,
            "startTransition": self.transition_id,
            "cancel": self.activity_id or self.activity_instance_id or self.transition_instance_id,
        }[self.type]
        if not needs:
            raise ValueError(f"a {self.type} instruction needs its target")

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Instruction:
        return cls(
            type=body["type"],
            **{name: body[_camel(name)] for name in _INSTRUCTION_FIELDS if _camel(name) in body},
        )

    @property
    def applies_to_many(self) -> bool:
        """Whether it can be part of a modification of many instances (/modification/execute)."""
        return not (
            self.activity_instance_id
            or self.transition_instance_id
            or self.ancestor_activity_instance_id
            or self.variables
        )

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type}
        for name in _INSTRUCTION_FIELDS:
            value = getattr(self, name)
            if value is not None:
                body[_camel(name)] = value
        return body
