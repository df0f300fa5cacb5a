"""A page of instances with what the list shows beside each: definition name and version, whether it
has incidents, when it started.

The rows are drawn from the page of instances alone (one engine call), each with a slot for its
details; the details come after in a fragment of their own (`row_details`): two lookups for the
whole page, run at the same time. So the rows never wait for a second, dependent round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engines import fan_out
from engines.fanout import Failed
from engines.models import HistoricProcessInstance, ProcessDefinition, ProcessInstance
from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery


@dataclass(frozen=True)
class InstanceRow:
    instance: ProcessInstance
    definition: ProcessDefinition | None = None
    has_incident: bool = False
    start_time: datetime | None = None
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


@dataclass(frozen=True)
class PageDetails:
    by_id: dict[str, RowDetails]
    # A lookup that failed: its cells stay empty and the page says why, in the engine's words.
    problems: list[str]


def row_details(engine, ids: list[str]) -> PageDetails:
    """Incidents, start time and process version of the given instances, in one round of two
    concurrent calls. Ids the engine does not know get no details."""
    if not ids:
        return PageDetails({}, [])
    wanted = tuple(ids)
    found = fan_out(
        {
            # Which of the page's instances have an incident
            "incidents": lambda: engine.list_instances(
                ProcessInstanceQuery(process_instance_ids=wanted, with_incident=True), limit=len(wanted)
            ),
            # Start times live in history, with the name and version of each instance's process
            "history": lambda: engine.list_historic_instances(
                HistoricProcessInstanceQuery(process_instance_ids=wanted), limit=len(wanted)
            ),
        },
        keep_failures=True,  # details are extras: a failed lookup leaves its cells empty
    )
    problems = [
        f"{what} could not be read: {_message(found[key].error)}"
        for key, what in (("incidents", "Incidents"), ("history", "Start times and processes"))
        if isinstance(found[key], Failed)
    ]
    troubled = set() if isinstance(found["incidents"], Failed) else {i.id for i in found["incidents"]}
    history = {} if isinstance(found["history"], Failed) else {h.id: h for h in found["history"]}
    return PageDetails(
        {
            i: RowDetails(
                _definition(history.get(i)), i in troubled, getattr(history.get(i), "start_time", None)
            )
            for i in ids
        },
        problems,
    )


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
