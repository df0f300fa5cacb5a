"""How Camunda 7's REST API spells the dashboard's queries, sortings and modification plans."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from engines.camunda7.dates import format_engine_date
from engines.camunda7.variables import decode, encode
from engines.migration import (
    InstructionReport,
    MigrationInstruction,
    MigrationPlan,
    MigrationReport,
    VariableReport,
)
from engines.queries import (
    BatchSort,
    DefinitionSort,
    DeploymentSort,
    HistoricActivityInstanceQuery,
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
    DeploymentSort: {
        DeploymentSort.NAME: "name",
        DeploymentSort.TIME: "deploymentTime",
        DeploymentSort.TENANT_ID: "tenantId",
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


def historic_activity_params(query: HistoricActivityInstanceQuery) -> dict[str, Any]:
    """The query string of GET /history/activity-instance(/count). The engine reads finished=false as
    no filter at all, so running ones are asked for with unfinished=true."""
    return {
        "processDefinitionId": query.process_definition_id,
        "activityId": query.activity_id,
        "finished": True if query.finished else None,
        "unfinished": None if query.finished else True,
        "startedBefore": format_engine_date(query.started_before) if query.started_before else None,
        "finishedAfter": format_engine_date(query.finished_after) if query.finished_after else None,
    }


def historic_activity_order(query: HistoricActivityInstanceQuery) -> dict[str, str]:
    # Ended ones the most recently ended first (the newest sample); running ones the longest waiting first.
    if query.finished:
        return {"sortBy": "endTime", "sortOrder": "desc"}
    return {"sortBy": "startTime", "sortOrder": "asc"}


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


# --- migration -----------------------------------------------------------------------------------


def migration_instruction_json(instruction: MigrationInstruction) -> dict[str, Any]:
    return {
        "sourceActivityIds": list(instruction.source_activity_ids),
        "targetActivityIds": list(instruction.target_activity_ids),
        "updateEventTrigger": instruction.update_event_trigger,
    }


def migration_plan_json(plan: MigrationPlan) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sourceProcessDefinitionId": plan.source_definition_id,
        "targetProcessDefinitionId": plan.target_definition_id,
        "instructions": [migration_instruction_json(i) for i in plan.instructions],
    }
    if plan.variables:
        body["variables"] = {name: encode(value) for name, value in plan.variables.items()}
    return body


def migration_instruction_of(data: Any) -> MigrationInstruction:
    if not isinstance(data, dict):
        raise ValueError("an instruction is not an object")
    return MigrationInstruction(
        source_activity_ids=tuple(str(i) for i in data.get("sourceActivityIds") or ()),
        target_activity_ids=tuple(str(i) for i in data.get("targetActivityIds") or ()),
        update_event_trigger=bool(data.get("updateEventTrigger")),
    )


def migration_plan_of(data: Any) -> MigrationPlan:
    """A plan as the engine generated it; ValueError when the answer is not one."""
    if not isinstance(data, dict) or not data.get("sourceProcessDefinitionId"):
        raise ValueError("no migration plan in the answer")
    return MigrationPlan(
        source_definition_id=str(data["sourceProcessDefinitionId"]),
        target_definition_id=str(data.get("targetProcessDefinitionId") or ""),
        instructions=tuple(migration_instruction_of(i) for i in data.get("instructions") or ()),
        variables={name: decode(value) for name, value in (data.get("variables") or {}).items()},
    )


def migration_report_of(data: Any) -> MigrationReport:
    """The engine's validation report; ValueError when the answer is not one."""
    if not isinstance(data, dict):
        raise ValueError("no validation report in the answer")
    instructions = tuple(
        InstructionReport(
            instruction=migration_instruction_of(item.get("instruction") or {}),
            failures=tuple(str(f) for f in item.get("failures") or ()),
        )
        for item in data.get("instructionReports") or ()
    )
    variables = tuple(
        VariableReport(name=str(name), failures=tuple(str(f) for f in (item or {}).get("failures") or ()))
        for name, item in (data.get("variableReports") or {}).items()
    )
    return MigrationReport(instructions=instructions, variables=variables)


def restart_json(restart: Restart) -> dict[str, Any]:
    """A restart's options as RestartProcessInstanceDto spells them (the targets are added by the caller)."""
    return {
        "instructions": [instruction_json(i) for i in restart.instructions],
        "initialVariables": restart.initial_variables,
        "withoutBusinessKey": restart.without_business_key,
        "skipCustomListeners": restart.skip_custom_listeners,
        "skipIoMappings": restart.skip_io_mappings,
    }
