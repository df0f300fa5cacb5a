"""The kinds of long work, and for each how it is done: handed to an engine batch, or item by item.

Parameters are plain values, as stored on the Operation: `ids` (instance ids) and/or `query`
(a ProcessInstanceQuery as `to_dict` gives it), plus the options of the kind. Item-by-item kinds
also say how to tell that an item was already applied, so that work a dead worker left half
recorded is finished without doing anything twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from accounts.roles import Perm
from engines.base import EngineClient
from engines.models import Batch
from engines.queries import Modification, ProcessInstanceQuery
from engines.variables import decode

PAGE = 500


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    perm: Perm
    # Engine batch: (client, ids, query, parameters) -> the engine's Batch.
    hand_over: Callable[[EngineClient, list[str] | None, ProcessInstanceQuery | None, dict], Batch] | None = (
        None
    )
    # Item by item: (client, target, parameters) -> a short result text; and whether it already happened.
    apply: Callable[[EngineClient, str, dict], str] | None = None
    applied: Callable[[EngineClient, str, dict], bool] | None = None

    @property
    def chunked(self) -> bool:
        return self.apply is not None


def query_of(parameters: dict) -> ProcessInstanceQuery | None:
    query = parameters.get("query")
    return ProcessInstanceQuery.from_dict(query) if query is not None else None


def instance_ids(client: EngineClient, parameters: dict) -> Iterator[str]:
    """The instances an operation names: its ids, then its query's result page by page."""
    seen: set[str] = set()
    for instance_id in parameters.get("ids") or []:
        if instance_id not in seen:
            seen.add(instance_id)
            yield instance_id
    query = query_of(parameters)
    if query is None:
        return
    offset = 0
    while True:
        # POST /process-instance, paged
        page = client.list_instances(query, offset=offset, limit=PAGE)
        for instance in page:
            if instance.id not in seen:
                seen.add(instance.id)
                yield instance.id
        if len(page) < PAGE:
            return
        offset += PAGE


def _retry_failed_jobs(client: EngineClient, instance_id: str, parameters: dict) -> str:
    jobs = client.list_jobs(process_instance_id=instance_id, no_retries_left=True, limit=100)
    for job in jobs:
        client.set_job_retries(job.id, parameters.get("retries", 1))
    return f"{len(jobs)} failed job(s) retried" if jobs else "no failed jobs"


def _no_failed_jobs(client: EngineClient, instance_id: str, parameters: dict) -> bool:
    return client.count_jobs(process_instance_id=instance_id, no_retries_left=True) == 0


def _set_variable(client: EngineClient, instance_id: str, parameters: dict) -> str:
    client.set_variable(instance_id, parameters["name"], decode(parameters["value"]))
    return f"{parameters['name']} set"


def _variable_is_set(client: EngineClient, instance_id: str, parameters: dict) -> bool:
    return client.instance_variables(instance_id).get(parameters["name"]) == decode(parameters["value"])


def _variables(parameters: dict) -> dict:
    return {name: decode(dto) for name, dto in parameters["variables"].items()}


def _modify(client: EngineClient, ids, query, parameters: dict) -> Batch:
    """One instance's own modification (its activity instances may be named), or the same plan for many."""
    modification = Modification.from_json(parameters["modification"])
    if parameters.get("instance_id"):
        # POST /process-instance/{id}/modification-async
        return client.modify_instance_async(parameters["instance_id"], modification)
    # POST /modification/executeAsync
    return client.execute_modification_async(parameters["definition_id"], modification, ids, query)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "delete",
            "Delete instances",
            Perm.OPERATE,
            hand_over=lambda c, ids, query, p: c.delete_instances_async(
                ids,
                query,
                reason=p.get("reason") or None,
                skip_custom_listeners=p.get("skip_custom_listeners", False),
                skip_io_mappings=p.get("skip_io_mappings", False),
                skip_subprocesses=p.get("skip_subprocesses", False),
            ),
        ),
        Kind(
            "suspend",
            "Suspend instances",
            Perm.OPERATE,
            hand_over=lambda c, ids, query, p: c.set_instances_suspended_async(ids, query, suspended=True),
        ),
        Kind(
            "activate",
            "Activate instances",
            Perm.OPERATE,
            hand_over=lambda c, ids, query, p: c.set_instances_suspended_async(ids, query, suspended=False),
        ),
        Kind(
            "job_retries",
            "Set job retries",
            Perm.OPERATE,
            hand_over=lambda c, ids, query, p: c.set_job_retries_async(ids, query, retries=p["retries"]),
        ),
        Kind(
            "set_variables",
            "Set variables",
            Perm.EDIT_VARIABLES,
            hand_over=lambda c, ids, query, p: c.set_variables_async(ids, query, variables=_variables(p)),
        ),
        Kind("modify", "Modify instances (move tokens)", Perm.OPERATE, hand_over=_modify),
        Kind(
            "retry_incidents",
            "Retry failed jobs, instance by instance",
            Perm.OPERATE,
            apply=_retry_failed_jobs,
            applied=_no_failed_jobs,
        ),
        Kind(
            "set_variable_each",
            "Set a variable, instance by instance",
            Perm.EDIT_VARIABLES,
            apply=_set_variable,
            applied=_variable_is_set,
        ),
    )
}


def describe(parameters: dict[str, Any]) -> str:
    """What an operation acts on, in words."""
    parts = []
    if parameters.get("ids"):
        parts.append(f"{len(parameters['ids'])} selected instance(s)")
    if parameters.get("query") is not None:
        parts.append("the instances matching a filter")
    return " and ".join(parts) or "nothing"
