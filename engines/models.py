"""The dashboard's domain, as the service layer hands it upward.

Models tolerate unknown extra fields and null in every optional field, so a newer
engine release or a fork adding fields never breaks a page. Field names are the
domain's; each adapter maps its engine's answers onto them before validating.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from engines.variables import TypedValue


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# A moment as the engine sent it; one without an offset is taken as UTC, as the dashboard shows aware times.
EngineDate = Annotated[datetime, AfterValidator(_aware)]

# An id the dashboard puts into its own URLs as one path segment: never empty, never with a slash. An item
# whose id (or a linked id) is not one is unreadable: it costs its row, never a page that cannot link it.
EngineId = Annotated[str, StringConstraints(min_length=1, pattern=r"^[^/]+$")]


class DomainModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    # Why the engine's item could not be read ("" when it could): see unreadable().
    _unreadable: str = PrivateAttr(default="")

    @property
    def unreadable(self) -> str:
        return self._unreadable

    @classmethod
    def unreadable_item(cls, raw: Any, reason: str) -> Self:
        """Stands in for a list item the model refused, so that one odd item costs its row, not the
        page: every field at its default except the id, which is the raw id as the engine sent it
        (as JSON text when it is not a string, e.g. "null"; a slash spelled %2F)."""
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        shown_id = raw_id if isinstance(raw_id, str) and raw_id else json.dumps(raw_id, default=str)
        # Still one path segment, so that no link drawn for the row can fail to be built.
        item = cls.model_construct(id=shown_id.replace("/", "%2F"))
        item._unreadable = reason
        return item

    @model_validator(mode="before")
    @classmethod
    def _null_means_absent(cls, data: Any) -> Any:
        # Engines send null for anything unset, counts and lists included.
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data


class EngineVersion(DomainModel):
    version: str


class ProcessDefinition(DomainModel):
    id: EngineId
    key: str | None = None
    name: str | None = None
    version: int | None = None
    version_tag: str | None = None
    category: str | None = None
    description: str | None = None
    deployment_id: str | None = None
    resource: str | None = None
    diagram: str | None = None
    suspended: bool | None = None
    tenant_id: str | None = None
    history_time_to_live: int | None = None
    startable_in_tasklist: bool | None = None

    @property
    def title(self) -> str:
        return self.name or self.key or self.id


class CalledDefinition(ProcessDefinition):
    """A definition that another one's call activities call, with the activities that call it."""

    called_from_activity_ids: tuple[str, ...] = ()
    calling_process_definition_id: str | None = None


class Deployment(DomainModel):
    """What was deployed together: one upload of process models and other files."""

    id: EngineId
    name: str | None = None
    source: str | None = None
    deployment_time: EngineDate | None = None
    tenant_id: str | None = None

    @property
    def title(self) -> str:
        return self.name or self.id


class DeploymentResource(DomainModel):
    """One file of a deployment (a BPMN model, a form, a script)."""

    id: EngineId
    name: str | None = None
    deployment_id: str | None = None

    @property
    def is_bpmn(self) -> bool:
        return (self.name or "").endswith((".bpmn", ".bpmn20.xml"))


class IncidentCount(DomainModel):
    incident_type: str | None = None
    incident_count: int = 0


class DefinitionStatistics(DomainModel):
    """Per definition: running instances, failed jobs and open incidents."""

    id: EngineId
    instances: int = 0
    failed_jobs: int = 0
    incidents: list[IncidentCount] = Field(default_factory=list)
    definition: ProcessDefinition | None = None


class ActivityStatistics(DomainModel):
    """Per activity of one definition: instances waiting there, failed jobs, incidents."""

    id: EngineId  # the activity id
    instances: int = 0
    failed_jobs: int = 0
    incidents: list[IncidentCount] = Field(default_factory=list)


class HistoricActivityStatistics(DomainModel):
    """Per activity of one definition, from the history: how often it ran to its end (cancelled ones
    among them) and how many activity instances are in it now."""

    id: EngineId  # the activity id
    instances: int = 0  # running now
    finished: int = 0  # ended, the cancelled ones included
    canceled: int = 0


class ProcessInstance(DomainModel):
    id: EngineId
    definition_id: EngineId | None = None
    business_key: str | None = None
    case_instance_id: str | None = None
    suspended: bool | None = None
    ended: bool | None = None
    tenant_id: str | None = None


class ActivityInstanceIncident(DomainModel):
    id: str | None = None
    parent_activity_instance_id: str | None = None


class TransitionInstance(DomainModel):
    """A token waiting before or after an activity (an asynchronous continuation)."""

    id: EngineId
    parent_activity_instance_id: str | None = None
    activity_id: str | None = None
    activity_name: str | None = None
    activity_type: str | None = None
    process_instance_id: EngineId | None = None
    process_definition_id: EngineId | None = None
    execution_id: str | None = None
    incident_ids: list[str] | None = None
    incidents: list[ActivityInstanceIncident] | None = None


class ActivityInstance(DomainModel):
    """A node of the activity instance tree; the root is the process instance itself."""

    id: EngineId
    parent_activity_instance_id: str | None = None
    activity_id: str | None = None
    activity_name: str | None = None
    activity_type: str | None = None
    process_instance_id: EngineId | None = None
    process_definition_id: EngineId | None = None
    child_activity_instances: list[ActivityInstance] | None = None
    child_transition_instances: list[TransitionInstance] | None = None
    execution_ids: list[str] | None = None
    incident_ids: list[str] | None = None
    incidents: list[ActivityInstanceIncident] | None = None

    @property
    def children(self) -> list[ActivityInstance]:
        return list(self.child_activity_instances or [])

    @property
    def transitions(self) -> list[TransitionInstance]:
        return list(self.child_transition_instances or [])

    def walk(self) -> Iterator[ActivityInstance]:
        """Every activity instance of the tree, depth first, this one included."""
        yield self
        for child in self.children:
            yield from child.walk()

    def counts_by_activity(self) -> dict[str, int]:
        """How many activity and transition instances stand in each activity (the root excluded)."""
        counts: dict[str, int] = {}
        for node in self.walk():
            if node is not self and node.activity_id:
                counts[node.activity_id] = counts.get(node.activity_id, 0) + 1
            for transition in node.transitions:
                if transition.activity_id:
                    counts[transition.activity_id] = counts.get(transition.activity_id, 0) + 1
        return counts


@dataclass(frozen=True)
class Variable:
    """A named variable and where it lives (the process instance or an activity instance)."""

    name: str
    value: TypedValue
    id: str | None = None
    process_instance_id: str | None = None
    activity_instance_id: str | None = None
    execution_id: str | None = None
    error_message: str | None = None

    @property
    def type(self) -> str:
        return self.value.type_label

    @property
    def read_only(self) -> bool:
        """Never edited from the dashboard: a value it could not read, or a variable without an id."""
        return bool(self.value.unreadable) or not self.id

    @property
    def is_local(self) -> bool:
        return bool(self.activity_instance_id) and self.activity_instance_id != self.process_instance_id


@dataclass(frozen=True)
class BinaryContent:
    data: bytes
    mimetype: str
    filename: str


class Incident(DomainModel):
    id: EngineId
    process_definition_id: EngineId | None = None
    process_instance_id: EngineId | None = None
    execution_id: str | None = None
    incident_timestamp: EngineDate | None = None
    incident_type: str | None = None
    activity_id: str | None = None
    failed_activity_id: str | None = None
    cause_incident_id: EngineId | None = None
    root_cause_incident_id: EngineId | None = None
    configuration: str | None = None
    tenant_id: str | None = None
    incident_message: str | None = None
    job_definition_id: str | None = None
    annotation: str | None = None

    # The failing job's id, for an incident of a failed job.
    job_id: str | None = None


class Job(DomainModel):
    id: EngineId
    job_definition_id: str | None = None
    due_date: EngineDate | None = None
    process_instance_id: EngineId | None = None
    execution_id: str | None = None
    process_definition_id: EngineId | None = None
    process_definition_key: str | None = None
    retries: int | None = None
    exception_message: str | None = None
    failed_activity_id: str | None = None
    suspended: bool | None = None
    priority: int | None = None
    tenant_id: str | None = None
    create_time: EngineDate | None = None
    batch_id: str | None = None


# --- user tasks ---------------------------------------------------------------------------------------


class UserTask(DomainModel):
    """An open user task: work waiting for a person at a user task activity."""

    id: EngineId
    name: str | None = None
    assignee: str | None = None
    created: EngineDate | None = None
    due: EngineDate | None = None
    follow_up: EngineDate | None = None
    # The user task activity it waits at, as the diagram names it.
    activity_id: str | None = None
    process_instance_id: EngineId | None = None
    execution_id: str | None = None
    suspended: bool | None = None
    # Who may pick it up; filled by the adapter from the engine's links between task and people.
    candidate_users: tuple[str, ...] = ()
    candidate_groups: tuple[str, ...] = ()


# --- external tasks -----------------------------------------------------------------------------------


class ExternalTask(DomainModel):
    """Work at a service task that an outside worker fetches by topic, locks, and reports back on."""

    id: EngineId
    topic_name: str | None = None
    worker_id: str | None = None
    # Until when the worker holds it; after that another worker may fetch it.
    lock_expiration_time: EngineDate | None = None
    retries: int | None = None
    error_message: str | None = None
    activity_id: str | None = None
    activity_instance_id: str | None = None
    execution_id: str | None = None
    process_instance_id: EngineId | None = None
    priority: int | None = None
    suspended: bool | None = None


# --- job definitions ----------------------------------------------------------------------------------


class JobDefinition(DomainModel):
    """What makes jobs at one activity of a definition (a timer, an asynchronous continuation)."""

    id: EngineId
    process_definition_id: EngineId | None = None
    activity_id: str | None = None
    # The engine's name for the kind of job (e.g. a timer or an asynchronous continuation).
    job_type: str | None = None
    job_configuration: str | None = None
    # Set by users over the priority the model gives the jobs; None when not overridden.
    overriding_job_priority: int | None = None
    suspended: bool | None = None
    tenant_id: str | None = None


class Batch(DomainModel):
    id: EngineId
    type: str | None = None
    total_jobs: int | None = None
    jobs_created: int | None = None
    batch_jobs_per_seed: int | None = None
    invocations_per_batch_job: int | None = None
    seed_job_definition_id: str | None = None
    monitor_job_definition_id: str | None = None
    batch_job_definition_id: str | None = None
    suspended: bool | None = None
    tenant_id: str | None = None
    create_user_id: str | None = None
    start_time: EngineDate | None = None
    execution_start_time: EngineDate | None = None


class BatchStatistics(Batch):
    remaining_jobs: int | None = None
    completed_jobs: int | None = None
    failed_jobs: int | None = None

    @property
    def done(self) -> bool:
        return self.remaining_jobs == 0

    @property
    def percent(self) -> int:
        total = self.total_jobs or 0
        if not total:
            return 100 if self.done else 0
        return round(100 * (total - (self.remaining_jobs or 0)) / total)


class HistoricBatch(Batch):
    end_time: EngineDate | None = None
    removal_time: EngineDate | None = None


class HistoricProcessInstance(DomainModel):
    id: EngineId
    business_key: str | None = None
    process_definition_id: EngineId | None = None
    process_definition_key: str | None = None
    process_definition_name: str | None = None
    process_definition_version: int | None = None
    start_time: EngineDate | None = None
    end_time: EngineDate | None = None
    removal_time: EngineDate | None = None
    duration_in_millis: int | None = None
    start_user_id: str | None = None
    start_activity_id: str | None = None
    delete_reason: str | None = None
    root_process_instance_id: str | None = None
    super_process_instance_id: EngineId | None = None
    super_case_instance_id: str | None = None
    case_instance_id: str | None = None
    tenant_id: str | None = None
    state: str | None = None


class HistoricActivityInstance(DomainModel):
    id: EngineId
    parent_activity_instance_id: str | None = None
    activity_id: str | None = None
    activity_name: str | None = None
    activity_type: str | None = None
    process_definition_key: str | None = None
    process_definition_id: EngineId | None = None
    process_instance_id: EngineId | None = None
    execution_id: str | None = None
    task_id: str | None = None
    called_process_instance_id: EngineId | None = None
    assignee: str | None = None
    start_time: EngineDate | None = None
    end_time: EngineDate | None = None
    duration_in_millis: int | None = None
    canceled: bool | None = None
    complete_scope: bool | None = None
    tenant_id: str | None = None


class HistoricVariable(DomainModel):
    id: EngineId
    name: str | None = None
    value: TypedValue | None = None
    process_definition_key: str | None = None
    process_instance_id: EngineId | None = None
    activity_instance_id: str | None = None
    execution_id: str | None = None
    create_time: EngineDate | None = None
    state: str | None = None
    error_message: str | None = None


class UserOperation(DomainModel):
    """One entry of the engine's own user operation log."""

    id: EngineId
    operation_id: str | None = None
    operation_type: str | None = None
    entity_type: str | None = None
    category: str | None = None
    property: str | None = None
    org_value: str | None = None
    new_value: str | None = None
    user_id: str | None = None
    timestamp: EngineDate | None = None
    process_definition_id: EngineId | None = None
    process_definition_key: str | None = None
    process_instance_id: EngineId | None = None
    execution_id: str | None = None
    job_id: str | None = None
    batch_id: str | None = None
    annotation: str | None = None
