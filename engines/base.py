"""The boundary every engine adapter implements: the whole of what the apps may ask an engine.

Everything here speaks the dashboard's domain. Ids are the engine's own, opaque to the dashboard;
results are the models of engines/models.py; lists are paged by offset and limit (at most
MAX_PAGE_SIZE, see engines.queries.check_page) and come back in the order the engine sorted them;
an adapter whose engine gives the total with a page at no cost returns a `Listed` carrying it. Sort
keys are the enums of engines.queries, one per list; each adapter maps them to its engine's names.
Variables are TypedValues (engines.variables) whatever the engine's wire format.
An adapter declares what its engine can do in `capabilities`; a page offers only that, and bulk
work falls back to the dashboard's own item-by-item path where the engine has no batch for it.

Errors are those of engines.errors: NotFound when an id names nothing (any more), InvalidRequest
when the engine refuses the request as it stands, OptimisticLockingConflict when the data changed
meanwhile, EngineUnavailable / EngineTimeout when the engine cannot be reached; each carries the
engine's own message, fit to show as it is.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from engines.config import EngineConfig
from engines.migration import MigrationPlan, MigrationReport
from engines.models import (
    ActivityInstance,
    ActivityStatistics,
    Batch,
    BatchStatistics,
    BinaryContent,
    CalledDefinition,
    DefinitionStatistics,
    Deployment,
    DeploymentResource,
    EngineVersion,
    ExternalTask,
    HistoricActivityInstance,
    HistoricActivityStatistics,
    HistoricBatch,
    HistoricProcessInstance,
    HistoricVariable,
    Incident,
    Job,
    JobDefinition,
    ProcessDefinition,
    ProcessInstance,
    UserOperation,
    UserTask,
    Variable,
)
from engines.queries import (
    HistoricActivityInstanceQuery,
    HistoricProcessInstanceQuery,
    IncidentFilter,
    InstructionKind,
    Modification,
    ProcessInstanceQuery,
    Restart,
    Sort,
)
from engines.variables import TypedValue, VariableType

T = TypeVar("T")


class Listed(list[T]):
    """One page of a list; `total` is the number of all matches when the engine gives it with the
    page at no extra cost (None otherwise: ask the count method)."""

    total: int | None = None


class BulkWork(StrEnum):
    """Work on many items that an engine may run itself, as one engine-side batch."""

    DELETE_INSTANCES = "delete_instances"
    SUSPEND_INSTANCES = "suspend_instances"  # and activating them again
    SET_JOB_RETRIES = "set_job_retries"  # the jobs of instances
    RETRY_JOBS = "retry_jobs"  # named jobs (behind incidents)
    SET_VARIABLES = "set_variables"
    MODIFY_INSTANCES = "modify_instances"
    MIGRATE_INSTANCES = "migrate_instances"
    RESTART_INSTANCES = "restart_instances"  # finished instances started again
    DELETE_HISTORY = "delete_history"  # finished instances' history removed


class InstanceTree(StrEnum):
    """What an instance's runtime state looks like on the engine."""

    ACTIVITY_INSTANCES = "activity_instances"  # a tree of activity and transition instances
    EXECUTIONS = "executions"  # only the executions (Flowable): no transition instances


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, declared by its adapter; the pages ask this, never which engine it is."""

    # Which kinds of modification instruction the engine executes (empty: no modification at all).
    instructions: frozenset[InstructionKind] = frozenset()
    # A modification plan applied to many instances of a definition at once.
    modification_of_many: bool = False
    # Bulk work the engine runs as its own batch; anything else is done item by item by the dashboard.
    engine_batches: frozenset[BulkWork] = frozenset()
    # Engine batches can be listed, suspended, resumed and deleted.
    batch_management: bool = False
    # Per-definition and per-activity counts of instances, failed jobs and incidents.
    process_statistics: bool = False
    # A free-text note on an incident, set and cleared by users.
    incident_annotation: bool = False
    # The engine's own log of what users did (who suspended, who modified).
    user_operation_log: bool = False
    instance_tree: InstanceTree = InstanceTree.ACTIVITY_INSTANCES
    # Variables local to one execution (activity instance), not only process-level ones.
    local_variables: bool = False
    # Deleting or modifying instances (and deleting deployments) can skip custom listeners and IO
    # mappings, and leave called instances running.
    skip_options: bool = False
    # The variable types the engine stores and the dashboard may send.
    variable_types: frozenset[VariableType] = field(default_factory=frozenset)
    # Running instances moved from one definition to another by a plan of activity mappings.
    migration: bool = False
    # The engine checks a plan before it executes it and says what it refuses, per instruction.
    migration_validation: bool = False
    # Finished instances started again as new ones (before/after an activity, with their variables).
    restart_instances: bool = False
    # User tasks of an instance, with their assignee and candidate groups, which users may change.
    user_tasks: bool = False
    # External tasks (work fetched by outside workers by topic), their retries and locks.
    external_tasks: bool = False
    # A job's due date set by users, or worked out again from its timer.
    job_due_dates: bool = False
    # Job definitions: listed per definition, suspended with or without their jobs, priority overridden.
    job_definitions: bool = False
    # The definitions a definition's call activities call (where named outright, not by an expression).
    called_definitions: bool = False
    # How often and how long each activity of a definition ran, from the history; the activity
    # instances still running there, and since when.
    activity_history: bool = False
    # Incidents kept in history once resolved, counted by when they were raised (over-time pictures).
    incident_history: bool = False

    def engine_batch(self, work: BulkWork) -> bool:
        return work in self.engine_batches


class EngineClient(ABC):
    """One engine connection. Safe to share between threads; `close` releases its connections."""

    config: EngineConfig

    @property
    def name(self) -> str:
        return self.config.name

    @property
    @abstractmethod
    def capabilities(self) -> Capabilities:
        """What this engine can do."""

    # --- engine -----------------------------------------------------------------------------

    @abstractmethod
    def version(self) -> EngineVersion:
        """The engine's version; also the cheapest call to tell that it answers at all."""

    @abstractmethod
    def close(self) -> None:
        """Release the connections; the client is not used afterwards."""

    # --- definitions ------------------------------------------------------------------------

    @abstractmethod
    def list_definitions(
        self,
        *,
        key: str | None = None,
        key_like: str | None = None,
        name_like: str | None = None,
        latest_version: bool | None = None,
        suspended: bool | None = None,
        tenant_ids: Iterable[str] = (),
        sort: Sort | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> list[ProcessDefinition]:
        """Deployed process definitions. *_like are patterns (engines.queries.containing);
        latest_version keeps the newest version of each key only."""

    @abstractmethod
    def count_definitions(
        self,
        *,
        key: str | None = None,
        key_like: str | None = None,
        name_like: str | None = None,
        latest_version: bool | None = None,
        suspended: bool | None = None,
        tenant_ids: Iterable[str] = (),
    ) -> int:
        """How many definitions list_definitions would find with the same filters."""

    @abstractmethod
    def get_definition(self, definition_id: str) -> ProcessDefinition:
        """One definition as it is now (its suspension included)."""

    @abstractmethod
    def deployed_definition(self, definition_id: str) -> ProcessDefinition:
        """One definition as deployed (name, key, version), which never changes for its id: may be
        cached for the life of the process. Ask get_definition for its suspension."""

    @abstractmethod
    def get_latest_definition(self, key: str, *, tenant_id: str | None = None) -> ProcessDefinition:
        """The newest version deployed under a key (within one tenant when given)."""

    @abstractmethod
    def definition_xml(self, definition_id: str) -> str:
        """The BPMN 2.0 XML of a definition (never changes for its id); "" when the engine sent none."""

    @abstractmethod
    def called_definitions(self, definition_id: str) -> list[CalledDefinition]:
        """The definitions that a definition's call activities name outright (not by an expression),
        each with the ids of the activities that call it. Needs Capabilities.called_definitions."""

    @abstractmethod
    def set_definition_suspended(
        self,
        definition_id: str,
        *,
        suspended: bool,
        include_instances: bool = False,
        execution_date: datetime | None = None,
    ) -> None:
        """Suspend (no new instances) or activate a definition; with include_instances its running
        instances too; with execution_date at that moment rather than now."""

    # --- deployments ----------------------------------------------------------------------------

    @abstractmethod
    def list_deployments(
        self, *, name_like: str | None = None, sort: Sort | None = None, offset: int = 0, limit: int = 50
    ) -> list[Deployment]:
        """What was deployed, in the sort asked (DeploymentSort); name_like is a pattern
        (engines.queries.containing)."""

    @abstractmethod
    def count_deployments(self, *, name_like: str | None = None) -> int:
        """How many deployments list_deployments would find with the same filter."""

    @abstractmethod
    def get_deployment(self, deployment_id: str) -> Deployment:
        """One deployment; NotFound once it was deleted."""

    @abstractmethod
    def deployment_resources(self, deployment_id: str) -> list[DeploymentResource]:
        """The files a deployment holds."""

    @abstractmethod
    def deployment_resource_data(self, deployment_id: str, resource_id: str) -> BinaryContent:
        """The content of one file of a deployment."""

    @abstractmethod
    def deployment_definitions(self, deployment_id: str) -> list[ProcessDefinition]:
        """The process definitions a deployment deployed (every one: a deployment holds few)."""

    @abstractmethod
    def delete_deployment(
        self,
        deployment_id: str,
        *,
        cascade: bool = False,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> None:
        """Remove a deployment and its definitions; the engine refuses while instances of them run,
        unless cascade, which cancels those instances and removes their history too. The skip
        options (capabilities.skip_options) apply to the instances cascade cancels."""

    # --- statistics (capabilities.process_statistics) ----------------------------------------

    @abstractmethod
    def definition_statistics(self, *, root_incidents: bool = False) -> list[DefinitionStatistics]:
        """Per definition: running instances, failed jobs, open incidents (with root_incidents only
        those that are their own root cause)."""

    @abstractmethod
    def activity_statistics(self, definition_id: str) -> list[ActivityStatistics]:
        """Per activity of one definition: instances standing there, failed jobs, incidents."""

    # --- instances ---------------------------------------------------------------------------

    @abstractmethod
    def list_instances(
        self, query: ProcessInstanceQuery | None = None, *, offset: int = 0, limit: int = 50
    ) -> list[ProcessInstance]:
        """Running process instances matching the query, in the query's sorting."""

    @abstractmethod
    def count_instances(self, query: ProcessInstanceQuery | None = None) -> int:
        """How many running instances match the query."""

    @abstractmethod
    def get_instance(self, instance_id: str) -> ProcessInstance:
        """One running instance; NotFound once it ended."""

    @abstractmethod
    def delete_instance(
        self,
        instance_id: str,
        *,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
        skip_subprocesses: bool = False,
        fail_if_not_exists: bool = True,
        reason: str | None = None,
    ) -> None:
        """Cancel a running instance (it ends, its history stays). The reason is kept with the
        instance's history where the engine keeps one for a single delete (not every engine does)."""

    @abstractmethod
    def set_instance_suspended(self, instance_id: str, *, suspended: bool) -> None:
        """Suspend an instance (nothing in it moves on) or activate it again."""

    # --- activity tree -----------------------------------------------------------------------

    @abstractmethod
    def activity_instance_tree(self, instance_id: str) -> ActivityInstance:
        """Where an instance stands: the root is the instance, its children the activity instances
        (and transition instances: tokens waiting before or after an activity). An engine with only
        executions (capabilities.instance_tree) builds the same tree without transitions."""

    # --- variables ---------------------------------------------------------------------------

    @abstractmethod
    def instance_variables(self, instance_id: str, *, deserialize: bool = False) -> dict[str, TypedValue]:
        """The variables visible at process level, by name."""

    @abstractmethod
    def variable_instances(
        self,
        instance_id: str,
        *,
        name: str | None = None,
        offset: int = 0,
        limit: int = 500,
        deserialize: bool = False,
    ) -> list[Variable]:
        """Every variable of an instance with where it lives (process level or an execution's),
        sorted by name; one the codec cannot read comes back unreadable, not as an error."""

    @abstractmethod
    def get_variable(self, instance_id: str, name: str, *, deserialize: bool = False) -> TypedValue:
        """One process-level variable's value; NotFound if there is none of that name."""

    @abstractmethod
    def get_variable_instance(self, variable_id: str) -> Variable:
        """One variable by its own id, wherever it lives; NotFound once it is gone."""

    @abstractmethod
    def set_variable(
        self, instance_id: str, name: str, value: TypedValue, *, execution_id: str | None = None
    ) -> None:
        """Create or replace a variable: at process level, or local to the execution when one is
        named (capabilities.local_variables)."""

    @abstractmethod
    def delete_variable(self, instance_id: str, name: str, *, execution_id: str | None = None) -> None:
        """Remove a variable: at process level, or the one local to the execution when one is named."""

    @abstractmethod
    def get_variable_data(self, instance_id: str, name: str) -> BinaryContent:
        """The content of a process-level File or Bytes variable."""

    @abstractmethod
    def variable_instance_data(self, variable_id: str) -> BinaryContent:
        """The content of a File or Bytes variable by its own id, wherever it lives."""

    @abstractmethod
    def set_variable_data(
        self,
        instance_id: str,
        name: str,
        data: bytes,
        *,
        filename: str,
        mimetype: str = "application/octet-stream",
        value_type: VariableType = VariableType.FILE,
        execution_id: str | None = None,
    ) -> None:
        """Upload a File (or Bytes) variable: at process level, or local to the execution named."""

    # --- failures (incidents) -----------------------------------------------------------------

    @abstractmethod
    def list_incidents(
        self,
        *,
        sort: Sort | None = None,
        offset: int = 0,
        limit: int = 50,
        **filters: IncidentFilter,
    ) -> list[Incident]:
        """Open incidents matching the filters (keyword names of engines.queries.INCIDENT_FILTERS)."""

    @abstractmethod
    def count_incidents(self, **filters: IncidentFilter) -> int:
        """How many open incidents match the filters."""

    @abstractmethod
    def get_incident(self, incident_id: str) -> Incident:
        """One open incident; NotFound once it is resolved."""

    @abstractmethod
    def set_incident_annotation(self, incident_id: str, annotation: str) -> None:
        """Note on an incident what is being done about it (capabilities.incident_annotation)."""

    @abstractmethod
    def clear_incident_annotation(self, incident_id: str) -> None:
        """Remove an incident's note."""

    # --- jobs --------------------------------------------------------------------------------

    @abstractmethod
    def list_jobs(
        self,
        *,
        process_instance_id: str | None = None,
        with_exception: bool | None = None,
        no_retries_left: bool | None = None,
        batch_id: str | None = None,
        sort: Sort | None = None,
        offset: int = 0,
        limit: int = 50,
        job_definition_id: str | None = None,
    ) -> list[Job]:
        """Jobs (asynchronous work: timers, async continuations, batch work); no_retries_left keeps the
        failed ones (False: only those with retries left; with with_exception, the failed ones that
        will run again); batch_id keeps those an engine batch created to do its work;
        job_definition_id those one job definition made."""

    @abstractmethod
    def count_jobs(
        self,
        *,
        process_instance_id: str | None = None,
        with_exception: bool | None = None,
        no_retries_left: bool | None = None,
        batch_id: str | None = None,
        job_definition_id: str | None = None,
    ) -> int:
        """How many jobs list_jobs would find with the same filters."""

    @abstractmethod
    def get_job(self, job_id: str) -> Job:
        """One job; NotFound once it ran."""

    @abstractmethod
    def job_stacktrace(self, job_id: str) -> str:
        """The full stack trace of a job's last failure, as text."""

    @abstractmethod
    def set_job_retries(self, job_id: str, retries: int, *, due_date: datetime | None = None) -> None:
        """Give a job retries (a failed job runs again); due_date when it is to run."""

    # --- user tasks (capabilities.user_tasks) -------------------------------------------------

    @abstractmethod
    def list_user_tasks(
        self, process_instance_id: str, *, offset: int = 0, limit: int = 50
    ) -> list[UserTask]:
        """The open user tasks of an instance, oldest first, each with its candidate users and groups."""

    @abstractmethod
    def get_user_task(self, task_id: str) -> UserTask:
        """One open user task with its candidates; NotFound once it is completed."""

    @abstractmethod
    def set_task_assignee(self, task_id: str, assignee: str | None) -> None:
        """Give a task to a user, or (None) take it back so that any candidate may pick it up."""

    @abstractmethod
    def add_candidate_group(self, task_id: str, group_id: str) -> None:
        """Let the members of a group pick up the task."""

    @abstractmethod
    def remove_candidate_group(self, task_id: str, group_id: str) -> None:
        """No longer offer the task to a group."""

    # --- external tasks (capabilities.external_tasks) -----------------------------------------

    @abstractmethod
    def list_external_tasks(
        self, process_instance_id: str, *, offset: int = 0, limit: int = 50
    ) -> list[ExternalTask]:
        """The open external tasks of an instance."""

    @abstractmethod
    def get_external_task(self, task_id: str) -> ExternalTask:
        """One open external task; NotFound once it is completed."""

    @abstractmethod
    def external_task_error_details(self, task_id: str) -> str:
        """The full details a worker reported with its last failure, as text ("" when none)."""

    @abstractmethod
    def set_external_task_retries(self, task_id: str, retries: int) -> None:
        """Give an external task retries (0 raises an incident; more lets workers fetch it again)."""

    @abstractmethod
    def unlock_external_task(self, task_id: str) -> None:
        """Free a task its worker holds, so that any worker may fetch it at once."""

    # --- job due dates and running jobs now (capabilities.job_due_dates for the due dates) -----

    @abstractmethod
    def set_job_due_date(self, job_id: str, due_date: datetime) -> None:
        """Move when a job (a timer) is to run."""

    @abstractmethod
    def recalculate_job_due_date(self, job_id: str, *, from_creation: bool = False) -> None:
        """Work a timer's due date out again from its definition: from now, or from when it was created."""

    @abstractmethod
    def execute_job(self, job_id: str) -> None:
        """Run a job at once, whatever its due date; its failure is the engine's error."""

    # --- job definitions (capabilities.job_definitions) ---------------------------------------

    @abstractmethod
    def list_job_definitions(
        self, *, process_definition_id: str, offset: int = 0, limit: int = 50
    ) -> list[JobDefinition]:
        """The job definitions of a process definition, by activity."""

    @abstractmethod
    def get_job_definition(self, job_definition_id: str) -> JobDefinition:
        """One job definition."""

    @abstractmethod
    def set_job_definition_suspended(
        self, job_definition_id: str, *, suspended: bool, include_jobs: bool = False
    ) -> None:
        """Suspend (no new jobs run) or activate a job definition; with include_jobs its existing jobs too."""

    @abstractmethod
    def set_job_definition_priority(
        self, job_definition_id: str, priority: int | None, *, include_jobs: bool = False
    ) -> None:
        """Override the priority of the definition's new jobs (None clears the override); with
        include_jobs its existing jobs get the priority too."""

    # --- history -----------------------------------------------------------------------------

    @abstractmethod
    def list_historic_instances(
        self, query: HistoricProcessInstanceQuery | None = None, *, offset: int = 0, limit: int = 50
    ) -> list[HistoricProcessInstance]:
        """Process instances running or ended, matching the query."""

    @abstractmethod
    def count_historic_instances(self, query: HistoricProcessInstanceQuery | None = None) -> int:
        """How many instances, running or ended, match the query."""

    @abstractmethod
    def get_historic_instance(self, instance_id: str) -> HistoricProcessInstance:
        """One instance, running or ended."""

    @abstractmethod
    def count_historic_incidents(
        self, *, created_after: datetime | None = None, created_before: datetime | None = None
    ) -> int:
        """How many incidents were raised between the two moments, whether open or resolved since
        (capabilities.incident_history)."""

    @abstractmethod
    def historic_activity_instances(
        self,
        process_instance_id: str,
        *,
        finished: bool | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> list[HistoricActivityInstance]:
        """The activities an instance passed through, oldest first; finished=True only those ended,
        False only those still running."""

    # --- activity history (capabilities.activity_history) -------------------------------------

    @abstractmethod
    def historic_activity_statistics(
        self, definition_id: str, *, started_after: datetime | None = None
    ) -> list[HistoricActivityStatistics]:
        """Per activity of a definition: its activity instances finished, cancelled and running, of
        the process instances started after the moment given (all of them without one)."""

    @abstractmethod
    def find_historic_activity_instances(
        self, query: HistoricActivityInstanceQuery, *, offset: int = 0, limit: int = 50
    ) -> list[HistoricActivityInstance]:
        """Activity instances of a definition, ended or still running, in the query's order."""

    @abstractmethod
    def count_historic_activity_instances(self, query: HistoricActivityInstanceQuery) -> int:
        """How many activity instances find_historic_activity_instances would find."""

    @abstractmethod
    def historic_variables(
        self, process_instance_id: str, *, offset: int = 0, limit: int = 200
    ) -> list[HistoricVariable]:
        """An instance's variables as history kept them (also once it ended), by name."""

    @abstractmethod
    def user_operations(
        self,
        *,
        process_instance_id: str | None = None,
        batch_id: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> list[UserOperation]:
        """The engine's own log of what users did, newest first (capabilities.user_operation_log)."""

    # --- modification (capabilities.instructions) ---------------------------------------------

    @abstractmethod
    def modify_instance(self, instance_id: str, modification: Modification) -> None:
        """Move an instance's tokens: the plan's instructions, in order, in one engine transaction."""

    @abstractmethod
    def modify_instance_async(self, instance_id: str, modification: Modification) -> Batch:
        """The same, run by the engine as a batch (BulkWork.MODIFY_INSTANCES)."""

    @abstractmethod
    def execute_modification_async(
        self,
        definition_id: str,
        modification: Modification,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | None = None,
    ) -> Batch:
        """One plan for many instances of a definition (capabilities.modification_of_many), as an
        engine batch: only instructions that name activities or sequence flows apply to many."""

    # --- migration (capabilities.migration) ----------------------------------------------------

    @abstractmethod
    def generate_migration_plan(
        self,
        source_definition_id: str,
        target_definition_id: str,
        *,
        update_event_triggers: bool = False,
    ) -> MigrationPlan:
        """The engine's own plan between two definitions: each activity mapped onto the one of the
        same id and kind; with update_event_triggers, events take the target's triggers."""

    @abstractmethod
    def validate_migration_plan(self, plan: MigrationPlan) -> MigrationReport:
        """What the engine refuses about a plan, per instruction and per variable
        (capabilities.migration_validation); an empty report when it would execute it."""

    @abstractmethod
    def migrate_instances(
        self,
        plan: MigrationPlan,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | None = None,
        *,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> None:
        """Move the named instances and/or those the query matches, all of the source definition, to
        the target now, in one engine transaction: all of them or none."""

    @abstractmethod
    def migrate_instances_async(
        self,
        plan: MigrationPlan,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | None = None,
        *,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> Batch:
        """The same, as an engine batch (BulkWork.MIGRATE_INSTANCES): instance by instance."""

    # --- finished instances: restart and history deletion (capabilities.restart_instances) ----------
    # Each acts on historic instance ids, on a history query's result, or on both.

    @abstractmethod
    def restart_instances(
        self,
        definition_id: str,
        restart: Restart,
        ids: Iterable[str] | None = None,
        query: HistoricProcessInstanceQuery | None = None,
    ) -> None:
        """Start finished instances of one definition again, as new instances, in one engine
        transaction: all of them or none."""

    @abstractmethod
    def restart_instances_async(
        self,
        definition_id: str,
        restart: Restart,
        ids: Iterable[str] | None = None,
        query: HistoricProcessInstanceQuery | None = None,
    ) -> Batch:
        """The same, run by the engine as a batch (BulkWork.RESTART_INSTANCES)."""

    @abstractmethod
    def delete_historic_instances_async(
        self,
        ids: Iterable[str] | None = None,
        query: HistoricProcessInstanceQuery | None = None,
        *,
        reason: str | None = None,
    ) -> Batch:
        """Remove finished instances' history for good (BulkWork.DELETE_HISTORY); an instance
        already gone is passed over."""

    # --- bulk work (capabilities.engine_batches) ----------------------------------------------
    # Each acts on instance ids, on a query's result, or on both, and hands back the engine's batch.

    @abstractmethod
    def delete_instances_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        reason: str | None = None,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
        skip_subprocesses: bool = False,
    ) -> Batch:
        """Cancel many instances (BulkWork.DELETE_INSTANCES)."""

    @abstractmethod
    def set_instances_suspended_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        suspended: bool,
    ) -> Batch:
        """Suspend or activate many instances (BulkWork.SUSPEND_INSTANCES)."""

    @abstractmethod
    def set_job_retries_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        retries: int,
        due_date: datetime | None = None,
    ) -> Batch:
        """Retries for the failed jobs of many instances (BulkWork.SET_JOB_RETRIES)."""

    @abstractmethod
    def set_jobs_retries_async(self, job_ids: Iterable[str], retries: int) -> Batch:
        """Retries for named jobs (BulkWork.RETRY_JOBS)."""

    @abstractmethod
    def set_variables_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        variables: dict[str, TypedValue],
    ) -> Batch:
        """Set process-level variables on many instances (BulkWork.SET_VARIABLES)."""

    @abstractmethod
    def batch_statistics(
        self, *, batch_id: str | None = None, sort: Sort | None = None, offset: int = 0, limit: int = 50
    ) -> list[BatchStatistics]:
        """Running engine batches with their progress (jobs remaining, completed, failed)."""

    @abstractmethod
    def count_batches(self) -> int:
        """How many engine batches are running."""

    @abstractmethod
    def get_batch(self, batch_id: str) -> Batch:
        """One running engine batch; NotFound once it completed (see get_historic_batch)."""

    @abstractmethod
    def get_historic_batch(self, batch_id: str) -> HistoricBatch:
        """An engine batch, running or completed (with its end time)."""

    @abstractmethod
    def set_batch_suspended(self, batch_id: str, *, suspended: bool) -> None:
        """Pause an engine batch or let it go on (capabilities.batch_management)."""

    @abstractmethod
    def delete_batch(self, batch_id: str, *, cascade: bool = False) -> None:
        """Stop and remove an engine batch; cascade removes its history too."""
