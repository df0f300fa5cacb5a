"""What the instance page shows, gathered from the engine with as few round trips as it can.

Each loader runs its engine calls concurrently (fan_out) and returns plain data for one tab
or for the page's header and diagram; none of them renders anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engines.base import EngineClient
from engines.errors import EngineError, NotFound
from engines.fanout import Failed, fan_out
from engines.models import (
    ActivityInstance,
    HistoricProcessInstance,
    Job,
    ProcessDefinition,
    ProcessInstance,
    Variable,
)
from engines.variables import TypedValue, VariableType

PER_TAB = 500  # one instance rarely has more; the tab says so when it does


@dataclass(frozen=True)
class Overview:
    """The header: the instance at runtime (None once it has ended), its history record, its definition."""

    id: str
    instance: ProcessInstance | None
    historic: HistoricProcessInstance | None
    definition: ProcessDefinition | None
    incident_count: int | None  # None: the count failed (incident_count_error says why)
    # What could not be read, for the header to say (each part of the page fails on its own).
    error: EngineError | None = None
    definition_error: EngineError | None = None
    incident_count_error: EngineError | None = None

    @property
    def running(self) -> bool:
        return self.instance is not None

    @property
    def state(self) -> str:
        if self.instance is not None:
            return "suspended" if self.instance.suspended else "active"
        if self.error is not None:
            return "unknown"
        return (self.historic.state or "ended").lower() if self.historic else "unknown"

    @property
    def definition_id(self) -> str | None:
        if self.instance is not None:
            return self.instance.definition_id
        return self.historic.process_definition_id if self.historic else None

    @property
    def business_key(self) -> str | None:
        return self.instance.business_key if self.instance else (self.historic and self.historic.business_key)

    @property
    def tenant_id(self) -> str | None:
        return self.instance.tenant_id if self.instance else (self.historic and self.historic.tenant_id)

    @property
    def super_instance_id(self) -> str | None:
        return self.historic.super_process_instance_id if self.historic else None

    @property
    def start_time(self) -> datetime | None:
        return self.historic.start_time if self.historic else None

    @property
    def end_time(self) -> datetime | None:
        return self.historic.end_time if self.historic else None


def _found(result):
    """A call's result, None where the engine answered 404; other failures kept as they are (Failed)."""
    if isinstance(result, Failed) and isinstance(result.error, NotFound):
        return None
    return result


# --- the diagram ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiagramState:
    """What the diagram marks: tokens per activity, incidents per activity, and the path already taken."""

    active: dict[str, int]
    incidents: dict[str, int]
    taken: list[str]
    ended: bool = False  # the instance has ended (perhaps meanwhile): only its history is left
    tasks: dict[str, int] = field(default_factory=dict)  # open user tasks per activity
    # The instances each call activity called, oldest first (a multi-instance one calls several).
    called: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "active": self.active,
            "incidents": self.incidents,
            "taken": self.taken,
            "ended": self.ended,
            "tasks": self.tasks,
            "called": self.called,
        }


def diagram_state(engine: EngineClient, instance_id: str, *, running: bool = True) -> DiagramState:
    calls = {
        "history": lambda: engine.historic_activity_instances(instance_id, limit=PER_TAB),
    }
    if running:
        calls["tree"] = lambda: engine.activity_instance_tree(instance_id)
        calls["incidents"] = lambda: engine.list_incidents(process_instance_id=instance_id, limit=PER_TAB)
        if engine.capabilities.user_tasks:
            calls["tasks"] = lambda: engine.list_user_tasks(instance_id, limit=PER_TAB)
    got = fan_out(calls, keep_failures=True)
    if isinstance(got.get("tasks"), Failed):  # only the task badges are missing then, not the markers
        del got["tasks"]
    tree = got.get("tree")
    if isinstance(tree, Failed) and isinstance(tree.error, NotFound):
        # It ended meanwhile (a retry let it finish): drawn as ended, its open incidents gone with it.
        running, got = False, {"history": got["history"]}
    for result in got.values():
        if isinstance(result, Failed):
            raise result.error
    incidents: dict[str, int] = {}
    for incident in got.get("incidents", []):
        activity = incident.activity_id or incident.failed_activity_id
        if activity:
            incidents[activity] = incidents.get(activity, 0) + 1
    taken = sorted({step.activity_id for step in got["history"] if step.end_time and step.activity_id})
    active = got["tree"].counts_by_activity() if running else {}
    tasks: dict[str, int] = {}
    for task in got.get("tasks", []):
        if task.activity_id:
            tasks[task.activity_id] = tasks.get(task.activity_id, 0) + 1
    called: dict[str, list[str]] = {}
    for step in got["history"]:
        if step.called_process_instance_id and step.activity_id:
            called.setdefault(step.activity_id, []).append(step.called_process_instance_id)
    return DiagramState(
        active=active, incidents=incidents, taken=taken, ended=not running, tasks=tasks, called=called
    )


# --- the activity instance tree -----------------------------------------------------------------------


@dataclass(frozen=True)
class TreeNode:
    """An activity or transition instance, with what stands below it."""

    id: str
    activity_id: str
    name: str
    type: str
    transition: bool = False
    incident_ids: tuple[str, ...] = ()
    children: tuple[TreeNode, ...] = ()
    execution_ids: tuple[str, ...] = ()

    @property
    def multi_instance_body(self) -> bool:
        return self.type == "multiInstanceBody"


def tree_nodes(root: ActivityInstance) -> TreeNode:
    def node(item: ActivityInstance) -> TreeNode:
        return TreeNode(
            id=item.id,
            activity_id=item.activity_id or "",
            name=item.activity_name or item.activity_id or "",
            type=item.activity_type or "",
            incident_ids=tuple(item.incident_ids or ()),
            execution_ids=tuple(item.execution_ids or ()),
            children=tuple(node(child) for child in item.children)
            + tuple(
                TreeNode(
                    id=t.id,
                    activity_id=t.activity_id or "",
                    name=t.activity_name or t.activity_id or "",
                    type=t.activity_type or "",
                    transition=True,
                    incident_ids=tuple(t.incident_ids or ()),
                    execution_ids=(t.execution_id,) if t.execution_id else (),
                )
                for t in item.transitions
            ),
        )

    return node(root)


def activities_by_execution(root: ActivityInstance) -> dict[str, str]:
    """Which activity each execution of the tree stands in (its name, or its id), for rows that name
    only an execution (a job)."""
    found: dict[str, str] = {}
    for node in root.walk():
        for execution in node.execution_ids or ():
            if node is not root or execution not in found:
                found[execution] = node.activity_name or node.activity_id or ""
        for transition in node.transitions:
            if transition.execution_id:
                found[transition.execution_id] = transition.activity_name or transition.activity_id or ""
    return found


@dataclass(frozen=True)
class JobRow:
    """A job with the activity it belongs to and whether its due date has passed without it running."""

    job: Job
    activity: str
    overdue: bool
    type: str = ""  # the engine's name for its kind of job, from its job definition ("" when unknown)

    def __getattr__(self, name: str) -> Any:  # the tab reads the job's fields directly
        return getattr(self.job, name)


def job_rows(
    jobs: list[Job], tree: ActivityInstance | None, now: datetime, types: dict[str, str] | None = None
) -> list[JobRow]:
    """types: the job type by job definition id."""
    activities = activities_by_execution(tree) if tree else {}
    types = types or {}

    def due(job: Job) -> datetime | None:  # a due date without an offset is taken as UTC, as dates are
        return job.due_date.replace(tzinfo=job.due_date.tzinfo or UTC) if job.due_date else None

    return [
        JobRow(
            job,
            activities.get(job.execution_id or "", "") or job.failed_activity_id or "",
            # Due, not suspended and with retries left, yet still here: the job executor has not run it.
            overdue=bool((moment := due(job)) and moment < now and not job.suspended and job.retries != 0),
            type=types.get(job.job_definition_id or "", ""),
        )
        for job in jobs
    ]


def activity_scopes(root: ActivityInstance, activity_id: str) -> tuple[set[str], set[str]]:
    """The activity instance ids and execution ids of an activity's instances (and of all they contain)."""
    scopes: set[str] = set()
    executions: set[str] = set()

    def collect(item: ActivityInstance, inside: bool) -> None:
        inside = inside or item.activity_id == activity_id
        if inside:
            scopes.add(item.id)
            executions.update(item.execution_ids or ())
        for transition in item.transitions:
            if inside or transition.activity_id == activity_id:
                scopes.add(transition.id)
                if transition.execution_id:
                    executions.add(transition.execution_id)
        for child in item.children:
            collect(child, inside)

    collect(root, False)
    return scopes, executions


# --- the page and its tabs -------------------------------------------------------------------------------


def overview_calls(engine: EngineClient, instance_id: str) -> dict[str, Callable[[], Any]]:
    return {
        "instance": lambda: engine.get_instance(instance_id),
        "historic": lambda: engine.get_historic_instance(instance_id),
        "incident_count": lambda: engine.count_incidents(process_instance_id=instance_id),
    }


def tree_call(engine: EngineClient, instance_id: str) -> dict[str, Callable[[], Any]]:
    return {"tree": lambda: engine.activity_instance_tree(instance_id)}


def ended_variables(engine: EngineClient, instance_id: str) -> list[Variable]:
    """An ended instance's variables as history kept them (the runtime has none left)."""
    kept = engine.historic_variables(instance_id, limit=PER_TAB)
    return [
        Variable(
            name=item.name or "",
            value=item.value or TypedValue(VariableType.NULL, None),
            process_instance_id=item.process_instance_id,
            activity_instance_id=item.activity_instance_id,
        )
        for item in kept
        if item.state != "DELETED"
    ]


@dataclass(frozen=True)
class Loaded:
    """What one request loaded: the results by name (found, None, or Failed), and the overview if asked.

    A failed call costs its own part of the page: reading it gives None, and failure() says why."""

    results: dict[str, Any]
    overview: Overview | None = None

    def __getitem__(self, name: str) -> Any:
        result = self.results.get(name)
        return None if isinstance(result, Failed) else result

    def failure(self, *names: str) -> EngineError | None:
        """The first failure among the named calls (None when they all answered)."""
        for name in names:
            result = self.results.get(name)
            if isinstance(result, Failed):
                return _as_engine_error(result.error)
        return None

    @property
    def tree(self) -> ActivityInstance | None:
        return self["tree"]


def _as_engine_error(error: Exception) -> EngineError:
    if isinstance(error, EngineError):
        return error
    raise error  # not the engine's doing: a bug, to be seen as one


def load(
    engine: EngineClient,
    instance_id: str,
    *,
    tab_calls: Mapping[str, Callable[[], Any]] | None,
    with_overview: bool,
) -> Loaded:
    """One concurrent round for a tab's calls and the tree (unless tab_calls is None: the header alone)
    and, for a whole page, the header; then the definition."""
    calls = {**tab_calls, **tree_call(engine, instance_id)} if tab_calls is not None else {}
    if with_overview:
        calls.update(overview_calls(engine, instance_id))
    got = fan_out(calls, keep_failures=True)
    loaded = Loaded({name: _found(result) for name, result in got.items()})
    if not with_overview:
        return loaded
    instance, historic = loaded["instance"], loaded["historic"]
    error = loaded.failure("instance", "historic")
    if instance is None and historic is None and error is None:
        raise NotFound(f"Process instance {instance_id} does not exist, at runtime or in history.")
    definition_id = instance.definition_id if instance else (historic and historic.process_definition_id)
    definition, definition_error = None, None
    if definition_id:
        try:
            definition = engine.deployed_definition(definition_id)
        except EngineError as failed:
            definition_error = failed
    overview = Overview(
        instance_id,
        instance,
        historic,
        definition,
        None if loaded.failure("incident_count") else (loaded["incident_count"] or 0),
        error=error,
        definition_error=definition_error,
        incident_count_error=loaded.failure("incident_count"),
    )
    return Loaded(loaded.results, overview)
