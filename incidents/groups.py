"""Incidents as people think of them: rows with their process, and groups of one message.

The engine neither groups incidents nor filters them by annotation. Both are worked out here
over a bounded scan of the newest matching incidents (SCAN); group sizes are then counted
exactly by the engine, so "500 incidents" is never an estimate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engines.base import EngineClient
from engines.bpmn import BpmnModel, parse_model
from engines.fanout import fan_out
from engines.models import Incident, ProcessDefinition
from engines.queries import IncidentSort, Sort

PAGE = 500
SCAN = 2000
NEWEST = Sort(IncidentSort.TIMESTAMP, "desc")


@dataclass(frozen=True)
class IncidentRow:
    incident: Incident
    definition: ProcessDefinition | None
    activity_name: str = ""

    def __getattr__(self, name: str) -> Any:  # the table reads the incident's fields directly
        return getattr(self.incident, name)


@dataclass(frozen=True)
class Group:
    message: str
    type: str
    activity_id: str
    definition_id: str
    count: int
    newest: datetime | None
    definition: ProcessDefinition | None = None
    activity_name: str = ""

    @property
    def filters_json(self) -> str:
        return json.dumps(self.filters())

    def filters(self) -> dict[str, Any]:
        """The engine filters that select exactly this group."""
        return {
            "incident_message": self.message or None,
            "incident_type": self.type,
            "activity_id": self.activity_id,
            "process_definition_id": self.definition_id,
        }


def definitions_of(engine: EngineClient, ids: set[str]) -> dict[str, ProcessDefinition]:
    # Each distinct one at once
    found = fan_out({i: (lambda i=i: engine.deployed_definition(i)) for i in ids if i}, keep_failures=True)
    return {i: d for i, d in found.items() if isinstance(d, ProcessDefinition)}


def activity_names(engine: EngineClient, ids: set[str]) -> dict[str, BpmnModel]:
    """Each definition's model, for its activities' names (a diagram that cannot be read costs the
    names only: the ids are shown instead)."""
    found = fan_out(
        {i: (lambda i=i: parse_model(engine.definition_xml(i))) for i in ids if i}, keep_failures=True
    )
    return {i: model for i, model in found.items() if isinstance(model, BpmnModel)}


def _name(models: dict[str, BpmnModel], definition_id: str | None, activity_id: str | None) -> str:
    model = models.get(definition_id or "")
    return model.title(activity_id) if model and activity_id else ""


def with_definitions(engine: EngineClient, incidents: list[Incident]) -> list[IncidentRow]:
    ids = {i.process_definition_id or "" for i in incidents}
    # One after the other: each fans out itself, and the shared pool must not wait on its own work.
    definitions, models = definitions_of(engine, ids), activity_names(engine, ids)
    return [
        IncidentRow(
            i,
            definitions.get(i.process_definition_id or ""),
            _name(models, i.process_definition_id, i.activity_id),
        )
        for i in incidents
    ]


def scan(
    engine: EngineClient, filters: dict[str, Any], sort: Sort | None = None
) -> tuple[list[Incident], bool]:
    """The newest SCAN matching incidents (pages fetched at once), and whether there are more."""
    pages = fan_out(
        {
            n: (
                lambda n=n: engine.list_incidents(sort=sort or NEWEST, offset=n * PAGE, limit=PAGE, **filters)
            )
            for n in range(SCAN // PAGE)
        }
    )
    incidents = [incident for n in sorted(pages) for incident in pages[n]]
    return incidents, len(pages[SCAN // PAGE - 1]) == PAGE


def annotated(
    engine: EngineClient, filters: dict[str, Any], annotated: bool, sort: Sort | None = None
) -> tuple[list[Incident], bool]:
    """The incidents with (or without) an annotation, from the scan; and whether the scan was cut."""
    incidents, cut = scan(engine, filters, sort)
    return [i for i in incidents if bool(i.annotation) == annotated], cut


def annotated_page(
    engine: EngineClient, filters: dict[str, Any], wanted: bool, sort: Sort | None, offset: int, limit: int
) -> tuple[list[Incident], int, bool]:
    """A page of the incidents with (or without) an annotation, how many there are, and whether the
    scan was cut."""
    kept, cut = annotated(engine, filters, wanted, sort)
    return kept[offset : offset + limit], len(kept), cut


def groups(
    engine: EngineClient, filters: dict[str, Any], annotated: bool | None = None
) -> tuple[list[Group], bool]:
    """Groups of one message, type, activity and definition, largest first, each counted by the engine."""
    incidents, cut = scan(engine, filters)
    if annotated is not None:
        incidents = [i for i in incidents if bool(i.annotation) == annotated]
    newest: dict[tuple, datetime | None] = {}
    for incident in incidents:
        newest.setdefault(_key(incident), incident.incident_timestamp)
    # Each group counted by the engine, all at once (an annotation filter's groups count what the scan saw)
    if annotated is None:
        counts = fan_out(
            {k: (lambda k=k: engine.count_incidents(**_group_filters(k, filters))) for k in newest}
        )
    else:
        counts = {key: sum(1 for i in incidents if _key(i) == key) for key in newest}
    definitions = definitions_of(engine, {key[3] for key in newest})
    models = activity_names(engine, {key[3] for key in newest})
    found = [
        Group(
            *key,
            count=counts[key],
            newest=newest[key],
            definition=definitions.get(key[3]),
            activity_name=_name(models, key[3], key[2]),
        )
        for key in newest
    ]
    return sorted(found, key=lambda g: (-g.count, g.message)), cut


def _key(incident: Incident) -> tuple:
    return (
        incident.incident_message or "",
        incident.incident_type or "",
        incident.activity_id or "",
        incident.process_definition_id or "",
    )


def _group_filters(key: tuple, filters: dict[str, Any]) -> dict[str, Any]:
    message, kind, activity, definition = key
    narrowed = {
        k: v for k, v in filters.items() if k not in ("incident_message_like", "process_definition_keys")
    }
    # No message (Camunda's incident at a call activity has none): the engine has no filter for that,
    # so such a group is its activity's, type's and definition's, not a filter on an empty message.
    return {**narrowed, "incident_message": message or None, "incident_type": kind or None,
            "activity_id": activity or None, "process_definition_id": definition or None}  # fmt: skip
