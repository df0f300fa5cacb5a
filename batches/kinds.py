"""The kinds of long work, and for each how it is done: handed to an engine batch, or item by item.

Parameters are plain values, as stored on the Operation: `ids` (instance ids) and/or `query`
(a ProcessInstanceQuery as `to_dict` gives it), plus the options of the kind. Item-by-item kinds
also say how to tell that an item was already applied, so that work a dead worker left half
recorded is finished without doing anything twice.

A kind the engine can run as its own batch (its `engine_work` among the engine's capabilities) is
handed over; on an engine without that batch the same kind is done item by item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from accounts.roles import Perm
from batches.retries import failed_jobs_behind, job_outcomes, retry_jobs
from cockpit.filter_words import historic_filter_words, incident_filter_words, instance_filter_words
from engines.base import BulkWork, Capabilities, EngineClient
from engines.errors import InvalidRequest, NotFound
from engines.fanout import fan_out
from engines.migration import MigrationPlan
from engines.models import Batch, Incident
from engines.queries import HistoricProcessInstanceQuery, Modification, ProcessInstanceQuery, Restart
from engines.variables import TypedValue

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
    # Item by item: the items (instance ids unless the kind works on something else).
    targets: Callable[[EngineClient, dict], Iterator[str]] | None = None
    # Engine batch: what the work did once the engine had run it, beyond the batch's own counts (a
    # retried job recovered or failed again); see batches.retries.job_outcomes. The hand-over
    # records what it sent in the parameters for this.
    outcome: Callable[[EngineClient, dict], dict] | None = None
    # The engine-side batch that does this kind's work, where the engine has it (else item by item).
    engine_work: BulkWork | None = None
    # Whether the engine can do this kind at all (True: every engine), and why not when it cannot.
    possible: Callable[[Capabilities], bool] = lambda capabilities: True
    missing: str = ""

    def chunked(self, capabilities: Capabilities) -> bool:
        """Done item by item by the dashboard rather than as the engine's own batch."""
        if self.hand_over is None:
            return True
        return self.apply is not None and not (
            self.engine_work is not None and capabilities.engine_batch(self.engine_work)
        )

    def available(self, capabilities: Capabilities) -> bool:
        return self.possible(capabilities)


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
        page = client.list_instances(query, offset=offset, limit=PAGE)
        for instance in page:
            if instance.id not in seen:
                seen.add(instance.id)
                yield instance.id
        if len(page) < PAGE:
            return
        offset += PAGE


def named_incidents(client: EngineClient, parameters: dict) -> Iterator[Incident]:
    """The incidents an operation names: its incident ids (those still open), then its filter's, paged."""
    seen: set[str] = set()
    ids = list(dict.fromkeys(parameters.get("incident_ids") or []))
    for n in range(0, len(ids), PAGE):
        # A page's worth at once
        found = fan_out({i: partial(client.get_incident, i) for i in ids[n : n + PAGE]}, keep_failures=True)
        for incident in found.values():
            if isinstance(incident, Incident):
                seen.add(incident.id)
                yield incident
    filters = parameters.get("incident_filter")
    annotated = parameters.get("annotated")  # the list's annotation filter: the engine has none
    offset = 0
    while filters is not None:
        page = client.list_incidents(offset=offset, limit=PAGE, **filters)
        for incident in page:
            if annotated is not None and bool(incident.annotation) != annotated:
                continue
            if incident.id not in seen:
                seen.add(incident.id)
                yield incident
        if len(page) < PAGE:
            return
        offset += PAGE


def incident_ids(client: EngineClient, parameters: dict) -> Iterator[str]:
    return (incident.id for incident in named_incidents(client, parameters))


def _retry_incident_jobs(client: EngineClient, ids, query, parameters: dict) -> Batch:
    """One engine batch setting retries on the failed jobs behind the incidents (their root causes')."""
    jobs, _ = failed_jobs_behind(client, named_incidents(client, parameters))
    if not jobs:
        raise InvalidRequest("No failed job stands behind these incidents (any more): nothing to retry.")
    parameters["job_ids"] = sorted(jobs)  # kept with the operation, to tell later what became of them
    batch = retry_jobs(client, sorted(jobs), retries=parameters.get("retries", 1), in_engine_batch=True).batch
    assert batch is not None  # handed to an engine batch, there always is one
    return batch


def _retried_jobs_outcome(client: EngineClient, parameters: dict) -> dict:
    return job_outcomes(client, parameters.get("job_ids") or []).as_dict()


def _annotate_incident(client: EngineClient, incident_id: str, parameters: dict) -> str:
    client.set_incident_annotation(incident_id, parameters["annotation"])
    return "annotated"


def _is_annotated(client: EngineClient, incident_id: str, parameters: dict) -> bool:
    try:
        return client.get_incident(incident_id).annotation == parameters["annotation"]
    except NotFound:  # resolved meanwhile: nothing left to annotate
        return True


def _delete_instance(client: EngineClient, instance_id: str, parameters: dict) -> str:
    client.delete_instance(
        instance_id,
        skip_custom_listeners=parameters.get("skip_custom_listeners", False),
        skip_io_mappings=parameters.get("skip_io_mappings", False),
        skip_subprocesses=parameters.get("skip_subprocesses", False),
        fail_if_not_exists=False,
        reason=parameters.get("reason") or None,
    )
    return "deleted"


def _is_gone(client: EngineClient, instance_id: str, parameters: dict) -> bool:
    try:
        client.get_instance(instance_id)
    except NotFound:
        return True
    return False


def _suspension(suspended: bool) -> tuple[Callable, Callable]:
    def apply(client: EngineClient, instance_id: str, parameters: dict) -> str:
        client.set_instance_suspended(instance_id, suspended=suspended)
        return "suspended" if suspended else "activated"

    def applied(client: EngineClient, instance_id: str, parameters: dict) -> bool:
        try:
            return client.get_instance(instance_id).suspended == suspended
        except NotFound:  # ended meanwhile: nothing left to do
            return True

    return apply, applied


_suspend, _is_suspended = _suspension(True)
_activate, _is_active = _suspension(False)


def _retry_incident_job(client: EngineClient, incident_id: str, parameters: dict) -> str:
    """The failed job behind one incident (its root cause's, which may be in a called instance)."""
    jobs, _ = failed_jobs_behind(client, [client.get_incident(incident_id)])
    if not jobs:
        return "no failed job behind it"
    return retry_jobs(client, jobs, retries=parameters.get("retries", 1)).item_result()


def _incident_resolved(client: EngineClient, incident_id: str, parameters: dict) -> bool:
    # A retried job's incident is resolved at once; one that failed again has a new incident.
    try:
        client.get_incident(incident_id)
    except NotFound:
        return True
    return False


def _set_variables(client: EngineClient, instance_id: str, parameters: dict) -> str:
    variables = _variables(parameters)
    for name, value in variables.items():
        client.set_variable(instance_id, name, value)
    return f"{len(variables)} variable(s) set"


def _variables_are_set(client: EngineClient, instance_id: str, parameters: dict) -> bool:
    current = client.instance_variables(instance_id)
    return all(current.get(name) == value for name, value in _variables(parameters).items())


def _modify_one(client: EngineClient, instance_id: str, parameters: dict) -> str:
    client.modify_instance(instance_id, Modification.from_dict(parameters["modification"]))
    return "modified"


def _modified(client: EngineClient, instance_id: str, parameters: dict) -> bool:
    # Nothing on the engine tells that a plan was applied, and applying it twice moves tokens twice:
    # an item a dead worker left started is not sent again.
    return True


def _modification_targets(client: EngineClient, parameters: dict) -> Iterator[str]:
    if parameters.get("instance_id"):
        return iter([parameters["instance_id"]])
    return instance_ids(client, parameters)


def _retry_failed_jobs(client: EngineClient, instance_id: str, parameters: dict) -> str:
    jobs = client.list_jobs(process_instance_id=instance_id, no_retries_left=True, limit=100)
    if not jobs:
        return "no failed jobs"
    return retry_jobs(client, [job.id for job in jobs], retries=parameters.get("retries", 1)).item_result()


def _no_failed_jobs(client: EngineClient, instance_id: str, parameters: dict) -> bool:
    return client.count_jobs(process_instance_id=instance_id, no_retries_left=True) == 0


def _set_variable(client: EngineClient, instance_id: str, parameters: dict) -> str:
    client.set_variable(instance_id, parameters["name"], TypedValue.from_dict(parameters["value"]))
    return f"{parameters['name']} set"


def _variable_is_set(client: EngineClient, instance_id: str, parameters: dict) -> bool:
    return client.instance_variables(instance_id).get(parameters["name"]) == TypedValue.from_dict(
        parameters["value"]
    )


def _variables(parameters: dict) -> dict:
    return {name: TypedValue.from_dict(value) for name, value in parameters["variables"].items()}


def _modify(client: EngineClient, ids, query, parameters: dict) -> Batch:
    """One instance's own modification (its activity instances may be named), or the same plan for many."""
    modification = Modification.from_dict(parameters["modification"])
    if parameters.get("instance_id"):
        return client.modify_instance_async(parameters["instance_id"], modification)
    return client.execute_modification_async(parameters["definition_id"], modification, ids, query)


# --- finished instances (the list's history mode) ------------------------------------------------
# Their targets are `ids` and/or `history_query` (a HistoricProcessInstanceQuery as `to_dict` gives it).


def history_query_of(parameters: dict) -> HistoricProcessInstanceQuery | None:
    query = parameters.get("history_query")
    return HistoricProcessInstanceQuery.from_dict(query) if query is not None else None


def _restart(client: EngineClient, ids, query, parameters: dict) -> Batch:
    return client.restart_instances_async(
        parameters["definition_id"],
        Restart.from_dict(parameters["restart"]),
        ids,
        history_query_of(parameters),
    )


def _engine_batch_only(name: str, label: str, work: BulkWork, hand_over, *, cannot: str) -> Kind:
    """A kind only the engine's own batch does: offered where the engine has that batch."""
    return Kind(
        name,
        label,
        Perm.OPERATE,
        hand_over=hand_over,
        engine_work=work,
        possible=lambda capabilities: capabilities.engine_batch(work),
        missing=f"This engine cannot {cannot}.",
    )


HISTORY_KINDS = (
    Kind(
        "restart",
        "Restart finished instances",
        Perm.OPERATE,
        hand_over=_restart,
        engine_work=BulkWork.RESTART_INSTANCES,
        possible=lambda capabilities: capabilities.restart_instances,
        missing="This engine cannot restart finished instances.",
    ),
    _engine_batch_only(
        "delete_history",
        "Delete the history of finished instances",
        BulkWork.DELETE_HISTORY,
        lambda c, ids, query, p: c.delete_historic_instances_async(
            ids, history_query_of(p), reason=p.get("reason") or None
        ),
        cannot="delete the history of finished instances",
    ),
    _engine_batch_only(
        "delete_historic",
        "Delete (cancel) the running instances among them",
        BulkWork.DELETE_INSTANCES,
        lambda c, ids, query, p: c.delete_instances_async(
            ids, history_query_of(p), reason=p.get("reason") or None
        ),
        cannot="cancel instances found in its history as a batch",
    ),
    _engine_batch_only(
        "job_retries_historic",
        "Set job retries of the running instances among them",
        BulkWork.SET_JOB_RETRIES,
        lambda c, ids, query, p: c.set_job_retries_async(ids, history_query_of(p), retries=p["retries"]),
        cannot="set job retries of instances found in its history as a batch",
    ),
)


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
            engine_work=BulkWork.DELETE_INSTANCES,
            apply=_delete_instance,
            applied=_is_gone,
        ),
        Kind(
            "suspend",
            "Suspend instances",
            Perm.OPERATE,
            hand_over=lambda c, ids, query, p: c.set_instances_suspended_async(ids, query, suspended=True),
            engine_work=BulkWork.SUSPEND_INSTANCES,
            apply=_suspend,
            applied=_is_suspended,
        ),
        Kind(
            "activate",
            "Activate instances",
            Perm.OPERATE,
            hand_over=lambda c, ids, query, p: c.set_instances_suspended_async(ids, query, suspended=False),
            engine_work=BulkWork.SUSPEND_INSTANCES,
            apply=_activate,
            applied=_is_active,
        ),
        Kind(
            "job_retries",
            "Set job retries",
            Perm.OPERATE,
            hand_over=lambda c, ids, query, p: c.set_job_retries_async(ids, query, retries=p["retries"]),
            engine_work=BulkWork.SET_JOB_RETRIES,
            apply=_retry_failed_jobs,
            applied=_no_failed_jobs,
        ),
        Kind(
            "set_variables",
            "Set variables",
            Perm.EDIT_VARIABLES,
            hand_over=lambda c, ids, query, p: c.set_variables_async(ids, query, variables=_variables(p)),
            engine_work=BulkWork.SET_VARIABLES,
            apply=_set_variables,
            applied=_variables_are_set,
        ),
        Kind(
            "modify",
            "Modify instances (move tokens)",
            Perm.OPERATE,
            hand_over=_modify,
            engine_work=BulkWork.MODIFY_INSTANCES,
            apply=_modify_one,
            applied=_modified,
            targets=_modification_targets,
            possible=lambda capabilities: bool(capabilities.instructions),
            missing="This engine cannot modify process instances (move their tokens).",
        ),
        Kind(
            "incident_retry",
            "Retry incidents",
            Perm.OPERATE,
            hand_over=_retry_incident_jobs,
            outcome=_retried_jobs_outcome,
            engine_work=BulkWork.RETRY_JOBS,
            apply=_retry_incident_job,
            applied=_incident_resolved,
            targets=incident_ids,
        ),
        *HISTORY_KINDS,
        Kind(
            "incident_annotate",
            "Annotate incidents",
            Perm.OPERATE,
            apply=_annotate_incident,
            applied=_is_annotated,
            targets=incident_ids,
            possible=lambda capabilities: capabilities.incident_annotation,
            missing="This engine keeps no notes on incidents.",
        ),
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


# --- migration between definition versions ---------------------------------------------------------


def _migrate_many(client: EngineClient, ids, query, parameters: dict) -> Batch:
    return client.migrate_instances_async(
        MigrationPlan.from_dict(parameters["plan"]),
        ids,
        query,
        skip_custom_listeners=parameters.get("skip_custom_listeners", False),
        skip_io_mappings=parameters.get("skip_io_mappings", False),
    )


def _migrate_one(client: EngineClient, instance_id: str, parameters: dict) -> str:
    client.migrate_instances(
        MigrationPlan.from_dict(parameters["plan"]),
        [instance_id],
        skip_custom_listeners=parameters.get("skip_custom_listeners", False),
        skip_io_mappings=parameters.get("skip_io_mappings", False),
    )
    return "migrated"


def _is_migrated(client: EngineClient, instance_id: str, parameters: dict) -> bool:
    try:
        return client.get_instance(instance_id).definition_id == parameters["plan"]["target_definition_id"]
    except NotFound:  # ended meanwhile: nothing left to migrate
        return True


KINDS["migrate"] = Kind(
    "migrate",
    "Migrate instances to another version",
    Perm.OPERATE,
    hand_over=_migrate_many,
    engine_work=BulkWork.MIGRATE_INSTANCES,
    apply=_migrate_one,
    applied=_is_migrated,
    possible=lambda capabilities: capabilities.migration,
    missing="This engine cannot migrate instances between definition versions.",
)


def describe(parameters: dict[str, Any], *, engine: EngineClient | None = None) -> str:
    """What an operation acts on, in words; a filter is spelled out (with the engine's process names
    when an engine is given), as the confirmation showed it."""
    parts = []
    if parameters.get("incident_ids"):
        parts.append(f"{len(parameters['incident_ids'])} selected incident(s)")
    if parameters.get("incident_filter") is not None:
        words = incident_filter_words(
            parameters["incident_filter"], annotated=parameters.get("annotated"), engine=engine
        )
        parts.append(f"the incidents matching: {words}")
    if parameters.get("ids"):
        parts.append(f"{len(parameters['ids'])} selected instance(s)")
    if parameters.get("query") is not None:
        words = instance_filter_words(query_of(parameters), engine=engine, started=parameters.get("started"))
        parts.append(f"the instances matching: {words}")
    if parameters.get("history_query") is not None:
        words = historic_filter_words(history_query_of(parameters), engine=engine)
        parts.append(f"the instances in history matching: {words}")
    return " and ".join(parts) or "nothing"
