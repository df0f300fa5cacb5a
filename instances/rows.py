"""A page of instances with what the list shows beside each: definition name and version, how many
incidents it has and where it stands now, when it started.

The rows are drawn from the page of instances alone (one engine call), each with a slot for its
details; the details come after in a fragment of their own (`row_details`): the lookups for the
whole page, run at the same time. So the rows never wait for a second, dependent round.

Newest first is the order people want, and only history knows when a running instance started: so
the list is read from history's running instances when sorted by start time (`as_history`), which then
brings each row's process and start time with it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from engines import fan_out
from engines.fanout import Failed
from engines.models import ActivityInstance, HistoricProcessInstance, ProcessDefinition, ProcessInstance
from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery


@dataclass(frozen=True)
class InstanceRow:
    instance: ProcessInstance
    definition: ProcessDefinition | None = None
    has_incident: bool = False
    start_time: datetime | None = None
    incidents: int | None = None  # None: not asked (or not known yet)
    activities: tuple[str, ...] = ()
    # Where the row's details go when they come in a fragment after the row (None: they are here).
    slot: int | None = None

    @property
    def id(self) -> str:
        return self.instance.id

    @property
    def state(self) -> str:
        if self.has_incident:
            return "suspended, with incidents" if self.instance.suspended else "with incidents"
        return "suspended" if self.instance.suspended else "active"


# The running-instance filters history has too, by their names there (the rest: only the runtime list).
_IN_HISTORY = {
    "process_instance_ids": "process_instance_ids",
    "business_key": "process_instance_business_key",
    "business_key_like": "process_instance_business_key_like",
    "process_definition_id": "process_definition_id",
    "process_definition_key": "process_definition_key",
    "process_definition_key_in": "process_definition_key_in",
    "super_process_instance": "super_process_instance_id",
    "sub_process_instance": "sub_process_instance_id",
    "active": "active",
    "suspended": "suspended",
    "with_incident": "with_incidents",
    "incident_type": "incident_type",
    "incident_message_like": "incident_message_like",
    "tenant_ids": "tenant_ids",
    "activity_ids": "active_activity_ids",
    "root_process_instances": "root_process_instances",
    "variables": "variables",
    "variable_names_ignore_case": "variable_names_ignore_case",
    "variable_values_ignore_case": "variable_values_ignore_case",
}
_INCIDENT_FILTERS = ("with_incident", "incident_type", "incident_message_like")


def as_history(query: ProcessInstanceQuery) -> HistoricProcessInstanceQuery | None:
    """The same running instances as history's query (None: a filter history does not have)."""
    values = {}
    for item in fields(query):
        value = getattr(query, item.name)
        if value in (None, ()) or item.name == "sorting":
            continue
        if item.name not in _IN_HISTORY:
            return None
        values[_IN_HISTORY[item.name]] = value
    if any(getattr(query, name) for name in _INCIDENT_FILTERS):
        values["incident_status"] = "open"  # history keeps resolved incidents too; the runtime has none
    return HistoricProcessInstanceQuery(unfinished=True, **values)


def from_history(found: list[HistoricProcessInstance]) -> list[InstanceRow]:
    """Rows read from history's running instances: process and start time are there already."""
    rows, slot = [], 0
    for historic in found:
        if historic.unreadable:
            odd = ProcessInstance.unreadable_item({"id": historic.id}, historic.unreadable)
            rows.append(InstanceRow(odd))
            continue
        instance = ProcessInstance(
            id=historic.id,
            definition_id=historic.process_definition_id,
            business_key=historic.business_key,
            suspended=historic.state == "SUSPENDED",
            tenant_id=historic.tenant_id,
        )
        rows.append(InstanceRow(instance, _definition(historic), start_time=historic.start_time, slot=slot))
        slot += 1
    return rows


def awaiting_details(instances: list[ProcessInstance]) -> list[InstanceRow]:
    """The rows, each readable one with the slot its details will fill (in the order of `row_ids`)."""
    rows, slot = [], 0
    for instance in instances:
        if instance.unreadable:  # its id is not asked about
            rows.append(InstanceRow(instance))
        else:
            rows.append(InstanceRow(instance, slot=slot))
            slot += 1
    return rows


def row_ids(rows: list[InstanceRow]) -> list[str]:
    """The ids whose details the page asks for, in the order of their slots."""
    return [row.id for row in rows if row.slot is not None]


@dataclass(frozen=True)
class RowDetails:
    definition: ProcessDefinition | None
    has_incident: bool
    start_time: datetime | None
    incidents: int | None = None  # None: not asked, or its tree could not be read
    activities: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageDetails:
    by_id: dict[str, RowDetails]
    # A lookup that failed: its cells stay empty and the page says why, in the engine's words.
    problems: list[str]


def row_details(engine, ids: list[str], *, where_they_stand: bool = False) -> PageDetails:
    """Incidents, start time and process version of the given instances, in one round of concurrent
    calls. `where_they_stand` also asks each instance's activity tree, for its current activities by
    name and its incident count (the list's own columns; an export does without). Ids the engine does
    not know get no details."""
    if not ids:
        return PageDetails({}, [])
    wanted = tuple(ids)
    calls = {
        # Start times live in history, with the name and version of each instance's process
        "history": lambda: engine.list_historic_instances(
            HistoricProcessInstanceQuery(process_instance_ids=wanted), limit=len(wanted)
        ),
    }
    if where_they_stand:
        # No engine lists the activities or incidents of several instances at once: one tree each.
        calls |= {f"tree:{i}": (lambda i=i: engine.activity_instance_tree(i)) for i in ids}
    else:
        # Which of the page's instances have an incident
        calls["incidents"] = lambda: engine.list_instances(
            ProcessInstanceQuery(process_instance_ids=wanted, with_incident=True), limit=len(wanted)
        )
    found = fan_out(calls, keep_failures=True)  # details are extras: a failed lookup leaves its cells empty
    problems = []
    if isinstance(found["history"], Failed):
        problems.append(f"Start times and processes could not be read: {_message(found['history'].error)}")
    history = {} if isinstance(found["history"], Failed) else {h.id: h for h in found["history"]}
    if where_they_stand:
        trees = {i: found[f"tree:{i}"] for i in ids}
        failed = [tree.error for tree in trees.values() if isinstance(tree, Failed)]
        if failed:
            problems.append(
                f"Where {len(failed)} of the instances stand could not be read: {_message(failed[0])}"
            )
        standing = {i: _standing(tree) for i, tree in trees.items() if not isinstance(tree, Failed)}
        return PageDetails(
            {
                i: RowDetails(
                    _definition(history.get(i)),
                    bool(standing.get(i, (0, ()))[0]),
                    getattr(history.get(i), "start_time", None),
                    standing[i][0] if i in standing else None,
                    standing[i][1] if i in standing else (),
                )
                for i in ids
            },
            problems,
        )
    if isinstance(found["incidents"], Failed):
        problems.insert(0, f"Incidents could not be read: {_message(found['incidents'].error)}")
    troubled = set() if isinstance(found["incidents"], Failed) else {i.id for i in found["incidents"]}
    return PageDetails(
        {
            i: RowDetails(
                _definition(history.get(i)), i in troubled, getattr(history.get(i), "start_time", None)
            )
            for i in ids
        },
        problems,
    )


def _standing(tree: ActivityInstance) -> tuple[int, tuple[str, ...]]:
    """An instance's open incidents and the activities it waits in (by name), from its activity tree."""
    incidents, names = 0, []

    def walk(node: ActivityInstance, root: bool) -> None:
        nonlocal incidents
        incidents += len(node.incident_ids or ())
        if not node.children and not node.transitions and not root:
            names.append(node.activity_name or node.activity_id or "?")
        for child in node.children:
            walk(child, False)
        for token in node.transitions:
            incidents += len(token.incident_ids or ())
            names.append(token.activity_name or token.activity_id or "?")

    walk(tree, True)
    return incidents, tuple(dict.fromkeys(names))


def _definition(historic: HistoricProcessInstance | None) -> ProcessDefinition | None:
    if historic is None or not historic.process_definition_id:
        return None
    return ProcessDefinition(
        id=historic.process_definition_id,
        key=historic.process_definition_key,
        name=historic.process_definition_name,
        version=historic.process_definition_version,
        tenant_id=historic.tenant_id,
    )


def _message(error: Exception) -> str:
    return getattr(error, "message", None) or str(error)


def with_details(engine, instances: list[ProcessInstance]) -> list[InstanceRow]:
    """The rows with their details in them, for whoever needs them at once (an export, an excerpt)."""
    rows = awaiting_details(instances)
    details = row_details(engine, row_ids(rows)).by_id
    return [
        InstanceRow(row.instance, d.definition, d.has_incident, d.start_time)
        if (d := details.get(row.id)) and row.slot is not None
        else InstanceRow(row.instance)
        for row in rows
    ]
