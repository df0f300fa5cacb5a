"""A page of instances with what the list shows beside each: definition name and version, whether it
has incidents, when it started. Three lookups for the whole page, run at the same time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engines import fan_out
from engines.fanout import Failed
from engines.models import ProcessDefinition, ProcessInstance
from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery


@dataclass(frozen=True)
class InstanceRow:
    instance: ProcessInstance
    definition: ProcessDefinition | None
    has_incident: bool
    start_time: datetime | None

    @property
    def id(self) -> str:
        return self.instance.id

    @property
    def state(self) -> str:
        if self.has_incident:
            return "suspended, with incidents" if self.instance.suspended else "with incidents"
        return "suspended" if self.instance.suspended else "active"


def with_details(engine, instances: list[ProcessInstance]) -> list[InstanceRow]:
    if not instances:
        return []
    ids = tuple(i.id for i in instances if not i.unreadable)  # an unreadable row's id is not asked about
    if not ids:
        return [InstanceRow(i, None, False, None) for i in instances]
    calls = {
        # Which of the page's instances have an incident
        "incidents": lambda: engine.list_instances(
            ProcessInstanceQuery(process_instance_ids=ids, with_incident=True), limit=len(ids)
        ),
        # Start times live in history
        "history": lambda: engine.list_historic_instances(
            HistoricProcessInstanceQuery(process_instance_ids=ids), limit=len(ids)
        ),
    }
    # The few versions on the page; after the first page, from memory
    for definition_id in {i.definition_id for i in instances if i.definition_id and not i.unreadable}:
        calls[f"definition {definition_id}"] = lambda d=definition_id: engine.deployed_definition(d)
    found = fan_out(calls, keep_failures=True)  # details are extras: a failed one leaves its column empty
    definitions = {
        key.removeprefix("definition "): value
        for key, value in found.items()
        if key.startswith("definition ") and not isinstance(value, Failed)
    }
    troubled = set() if isinstance(found["incidents"], Failed) else {i.id for i in found["incidents"]}
    started = {} if isinstance(found["history"], Failed) else {h.id: h.start_time for h in found["history"]}
    return [
        InstanceRow(i, definitions.get(i.definition_id or ""), i.id in troubled, started.get(i.id))
        for i in instances
    ]
