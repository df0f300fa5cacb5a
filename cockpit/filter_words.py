"""What a filter selects, in words: a bulk action's confirmation and its operation page say the same
thing about which instances or incidents it takes, so nobody acts on a set they cannot see.

The words are worked out from the engine query an action will send (or has sent), not from the
form, so they describe what is actually acted on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from cockpit.templatetags.cockpit import when_text
from engines.base import EngineClient
from engines.errors import EngineError
from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery, VariableFilter

ALL_INSTANCES = "All running instances"
ALL_INCIDENTS = "All open incidents"
IDS_SPELLED_OUT = 3  # more instance ids than this are counted, not listed
OPERATORS = {"eq": "=", "neq": "≠", "gt": ">", "gteq": "≥", "lt": "<", "lteq": "≤", "like": "like"}


def instance_filter_words(
    query: ProcessInstanceQuery | None,
    *,
    engine: EngineClient | None = None,
    started: dict[str, str | None] | None = None,
) -> str:
    """Every filter of the query in words: "Process Order to delivery, with incidents, business key like
    'A%'". `started` is the start window (ISO times) the query's instance ids were looked up by: the
    runtime query has no start time, so the ids are said as the window they came from."""
    if query is None:
        return "Nothing (no instance can match)"
    names = _Names(engine)
    parts: list[str] = []
    if query.process_definition_id:
        parts.append(f"process {names.version(query.process_definition_id)}")
    if query.process_definition_key:
        parts.append(f"process {names.process(query.process_definition_key)}")
    if query.process_definition_key_in:
        parts.append("process " + " or ".join(names.process(k) for k in query.process_definition_key_in))
    if query.process_definition_key_not_in:
        parts.append(
            "not process " + " nor ".join(names.process(k) for k in query.process_definition_key_not_in)
        )
    if query.deployment_id:
        parts.append(f"deployment {_quoted(query.deployment_id)}")
    if query.active:
        parts.append("active")
    if query.suspended:
        parts.append("suspended")
    if query.with_incident:
        parts.append("with incidents")
    if query.incident_id:
        parts.append(f"with incident {_quoted(query.incident_id)}")
    if query.incident_type:
        parts.append(f"incident type {_quoted(query.incident_type)}")
    if query.incident_message:
        parts.append(f"incident message {_quoted(query.incident_message)}")
    if query.incident_message_like:
        parts.append(f"incident message like {_quoted(query.incident_message_like)}")
    if query.business_key:
        parts.append(f"business key {_quoted(query.business_key)}")
    if query.business_key_like:
        parts.append(f"business key like {_quoted(query.business_key_like)}")
    if started:
        parts.extend(
            f"started {side} {_moment(started[side])}" for side in ("after", "before") if started.get(side)
        )
    elif query.process_instance_ids:
        parts.append(_ids(query.process_instance_ids))
    if query.activity_ids:
        waiting = "waiting in " + " or ".join(_quoted(a) for a in query.activity_ids)
        if started and started.get("waiting_before"):
            waiting += f" since before {_moment(started['waiting_before'])}"
        parts.append(waiting)
    if query.tenant_ids:
        parts.append("tenant " + " or ".join(_quoted(t) for t in query.tenant_ids))
    if query.without_tenant_id:
        parts.append("without a tenant")
    if query.process_definition_without_tenant_id:
        parts.append("of a process without a tenant")
    if query.root_process_instances:
        parts.append("root instances only")
    if query.leaf_process_instances:
        parts.append("leaf instances only")
    if query.super_process_instance:
        parts.append(f"called by instance {query.super_process_instance}")
    if query.sub_process_instance:
        parts.append(f"calling instance {query.sub_process_instance}")
    if query.case_instance_id:
        parts.append(f"of case instance {query.case_instance_id}")
    parts.extend(f"variable {_variable(v)}" for v in query.variables)
    if query.variables and query.variable_names_ignore_case:
        parts.append("variable names ignoring case")
    if query.variables and query.variable_values_ignore_case:
        parts.append("variable values ignoring case")
    return _sentence(parts, ALL_INSTANCES)


ALL_HISTORIC = "All instances, running or finished"
# The end states of history's query, in words.
HISTORIC_STATES = (
    ("finished", "finished"),
    ("unfinished", "still running"),
    ("completed", "completed"),
    ("externally_terminated", "cancelled (externally terminated)"),
    ("internally_terminated", "terminated by the process (internally terminated)"),
)


def historic_filter_words(
    query: HistoricProcessInstanceQuery | None, *, engine: EngineClient | None = None
) -> str:
    """The filter of the list of finished instances in words: "Process Order to delivery, cancelled
    (externally terminated), ended after 2026-11-01 08:00"."""
    if query is None:
        return "Nothing (no instance can match)"
    names = _Names(engine)
    parts: list[str] = []
    if query.process_definition_id:
        parts.append(f"process {names.version(query.process_definition_id)}")
    if query.process_definition_key:
        parts.append(f"process {names.process(query.process_definition_key)}")
    # "finished" goes without saying once a finer end state is named
    finer = query.completed or query.externally_terminated or query.internally_terminated
    parts.extend(
        words
        for name, words in HISTORIC_STATES
        if getattr(query, name) and not (name == "finished" and finer)
    )
    if query.process_instance_business_key:
        parts.append(f"business key {_quoted(query.process_instance_business_key)}")
    if query.process_instance_business_key_like:
        parts.append(f"business key like {_quoted(query.process_instance_business_key_like)}")
    if query.process_instance_ids:
        parts.append(_ids(query.process_instance_ids))
    for side, moment in (("after", query.finished_after), ("before", query.finished_before)):
        if moment:
            parts.append(f"ended {side} {_moment(moment)}")
    if query.tenant_ids:
        parts.append("tenant " + " or ".join(_quoted(t) for t in query.tenant_ids))
    return _sentence(parts, ALL_HISTORIC)


def incident_filter_words(
    filters: dict[str, Any], *, annotated: bool | None = None, engine: EngineClient | None = None
) -> str:
    """The incident filters (the keyword names of list_incidents) and the annotation filter, in words."""
    names = _Names(engine)
    parts: list[str] = []
    if filters.get("process_definition_id"):
        parts.append(f"process {names.version(filters['process_definition_id'])}")
    if filters.get("process_definition_keys"):
        parts.append("process " + " or ".join(names.process(k) for k in filters["process_definition_keys"]))
    if filters.get("process_instance_id"):
        parts.append(f"of instance {filters['process_instance_id']}")
    if filters.get("incident_type"):
        parts.append(f"type {_quoted(filters['incident_type'])}")
    if filters.get("incident_message"):
        parts.append(f"message {_quoted(filters['incident_message'])}")
    if filters.get("incident_message_like"):
        parts.append(f"message like {_quoted(filters['incident_message_like'])}")
    if filters.get("activity_id"):
        parts.append(f"at activity {_quoted(filters['activity_id'])}")
    if filters.get("tenant_ids"):
        parts.append("tenant " + " or ".join(_quoted(t) for t in filters["tenant_ids"]))
    if annotated is True:
        parts.append("annotated")
    elif annotated is False:
        parts.append("not annotated")
    return _sentence(parts, ALL_INCIDENTS)


class _Names:
    """Process names for keys and ids, from the engine when it answers; the key or id itself otherwise."""

    def __init__(self, engine: EngineClient | None) -> None:
        self.engine = engine

    def _ask(self, fetch: Callable[[EngineClient], Any]) -> Any:
        if self.engine is None:
            return None
        try:
            return fetch(self.engine)
        except EngineError:  # the words are still right with the bare key
            return None

    def process(self, key: str) -> str:
        found = self._ask(lambda engine: engine.get_latest_definition(key))
        return found.title if found and found.title != key else _quoted(key)

    def version(self, definition_id: str) -> str:
        # Cached for the life of the process: an id never names anything else
        found = self._ask(lambda engine: engine.deployed_definition(definition_id))
        if found is None:
            return _quoted(definition_id)
        named = f"{found.title} version {found.version}" if found.version is not None else found.title
        # A tenant's copy of a process has the same name and version: the tenant tells them apart.
        return f"{named} of tenant {_quoted(found.tenant_id)}" if found.tenant_id else named


def _quoted(value: object) -> str:
    return f"'{value}'"


def _ids(ids: tuple[str, ...]) -> str:
    if len(ids) > IDS_SPELLED_OUT:
        return f"one of {len(ids):,} instances by id"
    return ("instance " if len(ids) == 1 else "instances ") + ", ".join(ids)


def _moment(value: datetime | str) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    try:
        return when_text(moment)
    except OverflowError:  # the last moment of year 9999 in a zone east of ours: said as it was typed
        return moment.isoformat(timespec="minutes")


def _variable(variable: VariableFilter) -> str:
    value = variable.value
    if isinstance(value, datetime):
        value = _moment(value)
    elif isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, str):
        value = _quoted(value)
    return f"{variable.name} {OPERATORS.get(variable.operator, variable.operator)} {value}"


def _sentence(parts: list[str], nothing: str) -> str:
    if not parts:
        return nothing
    text = ", ".join(parts)
    return text[0].upper() + text[1:]
