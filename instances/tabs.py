"""The instance page's tabs: one registry that the whole page and the htmx tab panel both draw from.

Each tab says what it loads from the engine (its calls run together with the page's own), what its
partial draws from that, narrowed to the activity chosen in the tree, and who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils import timezone

from accounts.roles import Perm
from audit.models import AuditEntry, with_target
from batches.kinds import KINDS
from batches.models import Operation, OperationItem
from engines.base import EngineClient
from engines.errors import EngineError
from engines.queries import HistoricProcessInstanceQuery
from instances import detail
from instances.variables import shown

PER_TAB = detail.PER_TAB
Calls = dict[str, Callable[[], Any]]


@dataclass(frozen=True)
class TabData:
    """What a tab draws from: the engine's answers for this request, and the activity chosen (if any)."""

    engine: EngineClient
    instance_id: str
    loaded: detail.Loaded
    activity: str

    @cached_property
    def scopes(self) -> tuple[set[str], set[str]]:
        """The chosen activity's instance ids and execution ids (empty when none is chosen)."""
        tree = self.loaded.tree
        return detail.activity_scopes(tree, self.activity) if (tree and self.activity) else (set(), set())

    @cached_property
    def ended(self) -> bool:
        """Gone from the runtime (the tree answered 404), not merely unreadable."""
        return self.loaded.tree is None and not self.loaded.failure("tree")


@dataclass(frozen=True)
class Tab:
    name: str  # as in its URL
    label: str
    calls: Callable[[EngineClient, str], Calls]
    shows: Callable[[TabData], dict[str, Any]]
    template: str
    permission: Perm = Perm.VIEW


def _variables(data: TabData) -> dict[str, Any]:
    variables = data.loaded["variables"] or []
    context: dict[str, Any] = {"running": not data.ended}
    if data.ended and not variables and not data.loaded.failure("variables"):
        try:  # an ended instance's variables are in its history only
            variables = detail.ended_variables(data.engine, data.instance_id)
        except EngineError as error:
            context["tab_error"] = error
    if data.activity:
        scopes, _ = data.scopes
        variables = [v for v in variables if v.is_local and v.activity_instance_id in scopes]
    tree = data.loaded.tree
    names = {node.id: node.activity_name or node.activity_id or "" for node in tree.walk()} if tree else {}
    context["variables"] = shown(variables, names)
    return context


def _incidents(data: TabData) -> dict[str, Any]:
    incidents = data.loaded["incidents"] or []
    if data.activity:
        incidents = [i for i in incidents if data.activity in (i.activity_id, i.failed_activity_id)]
    instance = data.loaded["instance"]
    context = {"incidents": incidents, "instance_suspended": bool(instance and instance.suspended)}
    annotate = KINDS["incident_annotate"]  # as on the incident list: no note where the engine keeps none
    if not annotate.available(data.engine.capabilities):
        context["annotation_missing"] = annotate.missing
    return context


def _called(data: TabData) -> dict[str, Any]:
    return {"called": data.loaded["called"] or []}


def _jobs(data: TabData) -> dict[str, Any]:
    jobs = data.loaded["jobs"] or []
    if data.activity:
        _, executions = data.scopes
        jobs = [j for j in jobs if j.execution_id in executions]
    return {
        "jobs": detail.job_rows(jobs, data.loaded.tree, timezone.now(), _job_types(data.engine, jobs)),
        "due_dates": data.engine.capabilities.job_due_dates,
    }


def _job_types(engine: EngineClient, jobs: list) -> dict[str, str]:
    """Each job definition's job type, to name each job's kind; none when the engine cannot say."""
    definitions = {job.process_definition_id for job in jobs if job.process_definition_id}
    if not engine.capabilities.job_definitions or len(definitions) != 1:
        return {}
    try:
        found = engine.list_job_definitions(process_definition_id=definitions.pop(), limit=PER_TAB)
    except EngineError:  # the jobs are listed all the same, their kind unnamed
        return {}
    return {d.id: d.job_type for d in found if d.job_type}


def _user_tasks(data: TabData) -> dict[str, Any]:
    if not data.engine.capabilities.user_tasks:
        return {"tasks_offered": False}
    tasks = data.loaded["tasks"] or []
    if data.activity:
        _, executions = data.scopes
        tasks = [t for t in tasks if t.activity_id == data.activity or t.execution_id in executions]
    tree = data.loaded.tree
    names = (
        {node.activity_id: node.activity_name for node in tree.walk() if node.activity_name} if tree else {}
    )
    rows = [{"task": task, "activity": names.get(task.activity_id or "", task.activity_id)} for task in tasks]
    return {"tasks_offered": True, "tasks": rows}


def _external_tasks(data: TabData) -> dict[str, Any]:
    if not data.engine.capabilities.external_tasks:
        return {"external_offered": False}
    tasks = data.loaded["external"] or []
    if data.activity:
        _, executions = data.scopes
        tasks = [t for t in tasks if t.activity_id == data.activity or t.execution_id in executions]
    tree = data.loaded.tree
    names = (
        {node.activity_id: node.activity_name for node in tree.walk() if node.activity_name} if tree else {}
    )
    now = timezone.now()
    rows = [
        {
            "task": task,
            "activity": names.get(task.activity_id or "", task.activity_id),
            "lock_expired": bool(task.lock_expiration_time and task.lock_expiration_time < now),
        }
        for task in tasks
    ]
    return {"external_offered": True, "external_tasks": rows}


def _history_calls(engine: EngineClient, instance_id: str) -> Calls:
    calls: Calls = {"activities": lambda: engine.historic_activity_instances(instance_id, limit=PER_TAB)}
    if engine.capabilities.user_operation_log:  # an engine without one: the tab says so
        calls["operations"] = lambda: engine.user_operations(process_instance_id=instance_id, limit=PER_TAB)
    return calls


def _history(data: TabData) -> dict[str, Any]:
    activities = data.loaded["activities"] or []
    if data.activity:
        activities = [a for a in activities if a.activity_id == data.activity]
    return {
        "activities": activities,
        "operations": data.loaded["operations"] or [],
        "recorded": recorded_here(data.engine.config.name, data.instance_id),
    }


RECENT_OPERATIONS = 200  # the dashboard's latest operations looked through for this instance's id


def recorded_here(engine: str, instance_id: str) -> list[dict]:
    """What this dashboard's audit log and operations know was done to the instance, newest first: the
    engine logs a batch's work against the batch, so its own log misses bulk actions."""
    entries = with_target(AuditEntry.objects.filter(engine=engine), instance_id)[:PER_TAB]
    rows = [{"at": e.at, "who": e.username, "what": e.action, "outcome": e.outcome} for e in entries]
    named = OperationItem.objects.filter(operation__engine=engine, target=instance_id).values_list(
        "operation_id", flat=True
    )
    operations = {op.pk: op for op in Operation.objects.filter(pk__in=list(named[:PER_TAB]))}
    for op in Operation.objects.filter(engine=engine)[:RECENT_OPERATIONS]:  # by id in an engine batch
        if instance_id in (op.parameters or {}).get("ids", []):
            operations[op.pk] = op
    rows += [
        {
            "at": op.created_at,
            "who": op.username,
            "what": op.get_kind_display(),
            "outcome": op.state,
            "operation": op,
        }
        for op in operations.values()
    ]
    return sorted(rows, key=lambda row: row["at"], reverse=True)


TABS: dict[str, Tab] = {
    tab.name: tab
    for tab in (
        Tab(
            "variables",
            "Variables",
            calls=lambda engine, i: {"variables": lambda: engine.variable_instances(i, limit=PER_TAB)},
            shows=_variables,
            template="instances/_variables.html",
        ),
        Tab(
            "incidents",
            "Incidents",
            calls=lambda engine, i: {
                "incidents": lambda: engine.list_incidents(process_instance_id=i, limit=PER_TAB),
                # A suspended instance's retried job waits: the tab says so
                "instance": lambda: engine.get_instance(i),
            },
            shows=_incidents,
            template="instances/_incidents_tab.html",
        ),
        Tab(
            "called",
            "Called instances",
            # The instances its call activities started, running and ended
            calls=lambda engine, i: {
                "called": lambda: engine.list_historic_instances(
                    HistoricProcessInstanceQuery(super_process_instance_id=i), limit=PER_TAB
                )
            },
            shows=_called,
            template="instances/_called_tab.html",
        ),
        Tab(
            "tasks",
            "User tasks",
            calls=lambda engine, i: (
                {"tasks": lambda: engine.list_user_tasks(i, limit=PER_TAB)}
                if engine.capabilities.user_tasks
                else {}
            ),
            shows=_user_tasks,
            template="instances/_tasks_tab.html",
        ),
        Tab(
            "external",
            "External tasks",
            calls=lambda engine, i: (
                {"external": lambda: engine.list_external_tasks(i, limit=PER_TAB)}
                if engine.capabilities.external_tasks
                else {}
            ),
            shows=_external_tasks,
            template="instances/_external_tasks_tab.html",
        ),
        Tab(
            "jobs",
            "Jobs",
            calls=lambda engine, i: {"jobs": lambda: engine.list_jobs(process_instance_id=i, limit=PER_TAB)},
            shows=_jobs,
            template="instances/_jobs_tab.html",
        ),
        Tab(
            "history",
            "History",
            calls=_history_calls,
            shows=_history,
            template="instances/_history_tab.html",
        ),
    )
}
