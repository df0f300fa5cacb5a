"""How Camunda 7's REST API spells the dashboard's queries, sortings and modification plans."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from engines.camunda7.dates import format_engine_date
from engines.camunda7.variables import encode
from engines.queries import (
    BatchSort,
    DefinitionSort,
    HistoricInstanceSort,
    HistoricProcessInstanceQuery,
    IncidentSort,
    InstanceSort,
    Instruction,
    InstructionKind,
    JobSort,
    Modification,
    ProcessInstanceQuery,
    Restart,
    Sort,
    SortKey,
    VariableFilter,
)

# Each list's sort keys as the engine's sortBy (the same name may stand for different keys per list).
SORT_BY: dict[type, dict[Any, str]] = {
    InstanceSort: {
        InstanceSort.ID: "instanceId",
        InstanceSort.DEFINITION_KEY: "definitionKey",
        InstanceSort.DEFINITION_ID: "definitionId",
        InstanceSort.BUSINESS_KEY: "businessKey",
        InstanceSort.TENANT_ID: "tenantId",
    },
    DefinitionSort: {
        DefinitionSort.NAME: "name",
        DefinitionSort.KEY: "key",
        DefinitionSort.VERSION: "version",
        DefinitionSort.TENANT_ID: "tenantId",
    },
    IncidentSort: {
        IncidentSort.TIMESTAMP: "incidentTimestamp",
        IncidentSort.TYPE: "incidentType",
        IncidentSort.MESSAGE: "incidentMessage",
        IncidentSort.PROCESS_INSTANCE_ID: "processInstanceId",
        IncidentSort.ACTIVITY_ID: "activityId",
    },
    BatchSort: {BatchSort.ID: "batchId", BatchSort.TENANT_ID: "tenantId"},
    JobSort: {JobSort.DUE_DATE: "jobDueDate", JobSort.RETRIES: "jobRetries"},
    HistoricInstanceSort: {
        HistoricInstanceSort.ID: "instanceId",
        HistoricInstanceSort.DEFINITION_KEY: "definitionKey",
        HistoricInstanceSort.BUSINESS_KEY: "businessKey",
        HistoricInstanceSort.START_TIME: "startTime",
        HistoricInstanceSort.END_TIME: "endTime",
        HistoricInstanceSort.DURATION: "duration",
    },
}

INSTRUCTION_TYPES = {
    InstructionKind.START_BEFORE_ACTIVITY: "startBeforeActivity",
    InstructionKind.START_AFTER_ACTIVITY: "startAfterActivity",
    InstructionKind.START_TRANSITION: "startTransition",
    InstructionKind.CANCEL: "cancel",
}

# Query fields whose engine name is not simply the camelCase of ours.
_RENAMED = {
    ProcessInstanceQuery: {"tenant_ids": "tenantIdIn", "activity_ids": "activityIdIn"},
    HistoricProcessInstanceQuery: {"tenant_ids": "tenantIdIn", "active_activity_ids": "activeActivityIdIn"},
}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def sort_by(key: SortKey) -> str:
    return SORT_BY[type(key)][key]


def sort_json(sort: Sort | None) -> dict[str, str]:
    return {"sortBy": sort_by(sort.by), "sortOrder": sort.order} if sort else {}


def variable_filter_json(variable: VariableFilter) -> dict[str, Any]:
    value = format_engine_date(variable.value) if isinstance(variable.value, datetime) else variable.value
    return {"name": variable.name, "operator": variable.operator, "value": value}


def query_json(query: ProcessInstanceQuery | HistoricProcessInstanceQuery) -> dict[str, Any]:
    """A query as the body of the POST query endpoints: camelCase keys, empty fields left out."""
    renamed = _RENAMED[type(query)]
    body: dict[str, Any] = {}
    for item in fields(query):
        value = getattr(query, item.name)
        if value is None or value == ():
            continue
        key = renamed.get(item.name, camel(item.name))
        if item.name == "variables":
            value = [variable_filter_json(v) for v in value]
        elif item.name == "sorting":
            value = [sort_json(s) for s in value]
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, datetime):
            value = format_engine_date(value)
        body[key] = value
    return body


def instruction_json(instruction: Instruction) -> dict[str, Any]:
    body: dict[str, Any] = {"type": INSTRUCTION_TYPES[instruction.type]}
    for name in (
        "activity_id",
        "transition_id",
        "activity_instance_id",
        "transition_instance_id",
        "ancestor_activity_instance_id",
        "cancel_current_active_activity_instances",
    ):
        value = getattr(instruction, name)
        if value is not None:
            body[camel(name)] = value
    if instruction.variables:
        body["variables"] = {
            name: {**encode(variable.value), **({"local": True} if variable.local else {})}
            for name, variable in instruction.variables.items()
        }
    return body


def modification_json(modification: Modification) -> dict[str, Any]:
    body: dict[str, Any] = {
        "skipCustomListeners": modification.skip_custom_listeners,
        "skipIoMappings": modification.skip_io_mappings,
        "instructions": [instruction_json(i) for i in modification.instructions],
    }
    if modification.annotation:
        body["annotation"] = modification.annotation
    return body


def restart_json(restart: Restart) -> dict[str, Any]:
    """A restart's options as RestartProcessInstanceDto spells them (the targets are added by the caller)."""
    return {
        "instructions": [instruction_json(i) for i in restart.instructions],
        "initialVariables": restart.initial_variables,
        "withoutBusinessKey": restart.without_business_key,
        "skipCustomListeners": restart.skip_custom_listeners,
        "skipIoMappings": restart.skip_io_mappings,
    }
