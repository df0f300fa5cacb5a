"""Repairing incidents: retry the failing job behind them, annotate them. Audited, engine-agnostic."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings

from audit.log import audited
from batches.retries import JobOutcomes, job_outcomes
from engines.base import EngineClient
from engines.fanout import Failed, fan_out
from engines.models import Incident
from engines.queries import ProcessInstanceQuery

PAGE = 500

WAITING_SUSPENDED = (
    "incident resolved; the job waits, suspended with its instance, and runs when the instance is activated"
)

RETRIES = 1  # one more attempt: a job that fails again raises a new incident instead of looping


def on_suspended_instances(
    engine: EngineClient, incidents: Iterable[Incident], *, scan: int
) -> tuple[int, bool]:
    """How many of the incidents (the first `scan`) are on suspended instances, whose jobs a retry leaves
    waiting until the instance is activated; and whether the scan was cut."""
    seen = list(islice(incidents, scan + 1))
    cut = len(seen) > scan
    by_instance: dict[str, int] = {}
    for incident in seen[:scan]:
        if incident.process_instance_id:
            by_instance[incident.process_instance_id] = by_instance.get(incident.process_instance_id, 0) + 1
    ids = list(by_instance)
    pages = {
        n: (
            lambda page=tuple(ids[n : n + 100]): engine.list_instances(
                ProcessInstanceQuery(process_instance_ids=page, suspended=True), limit=len(page)
            )
        )
        for n in range(0, len(ids), 100)
    }
    # POST /process-instance {processInstanceIds, suspended: true}, a page of ids at a time, at once
    suspended = {instance.id for page in fan_out(pages).values() for instance in page}
    return sum(by_instance[i] for i in suspended if i in by_instance), cut


def _ran(engine: EngineClient, job_ids: list[str]) -> JobOutcomes:
    """The retried jobs' outcomes, given the engine's job executor a moment to run them."""
    deadline = time.monotonic() + settings.COCKPIT_RETRY_CHECK_SECONDS
    while True:
        outcome = job_outcomes(engine, job_ids)
        if not outcome.not_run or time.monotonic() >= deadline:
            return outcome
        time.sleep(0.25)


@dataclass
class Retried:
    """What a retry did: the jobs given retries, what became of them when the engine ran them, and
    the incidents that have no job to retry."""

    jobs: list[str] = field(default_factory=list)
    not_retryable: list[Incident] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # job id -> the engine's message
    ran: JobOutcomes = field(default_factory=JobOutcomes)


def root_causes(engine: EngineClient, incidents: list[Incident]) -> list[Incident]:
    """The incidents that actually failed: an incident raised on a call activity points at the
    incident in the called instance, whose job is the one to retry."""
    wanted = {i.root_cause_incident_id for i in incidents if i.root_cause_incident_id not in (None, i.id)}
    # GET /incident/{id}, at once for every root cause elsewhere
    found = fan_out({rid: (lambda rid=rid: engine.get_incident(rid)) for rid in wanted}, keep_failures=True)
    causes: dict[str, Incident] = {}
    for incident in incidents:
        root = incident.root_cause_incident_id
        cause = found.get(root) if root and root != incident.id else incident
        if isinstance(cause, Incident):
            causes[cause.id] = cause
    return list(causes.values())


def retry(engine: EngineClient, *, user, incidents: list[Incident], target_id: str) -> Retried:
    """Give the failing jobs behind the incidents another attempt (set job retries), audited as one action."""
    outcome = Retried()
    jobs = []
    for cause in root_causes(engine, incidents):
        if cause.job_id:
            jobs.append(cause.job_id)
        else:
            outcome.not_retryable.append(cause)
    with audited(
        user=user,
        engine=engine.config.name,
        action="incident.retry",
        target_type="process_instance" if len(incidents) != 1 else "incident",
        target_id=target_id,
        parameters={"incidents": [i.id for i in incidents], "jobs": jobs, "retries": RETRIES},
    ) as log:
        # PUT /job/{id}/retries, for every job at once
        results = fan_out(
            {job: (lambda job=job: engine.set_job_retries(job, RETRIES)) for job in jobs}, keep_failures=True
        )
        for job, result in results.items():
            if isinstance(result, Failed):
                outcome.failed[job] = str(result.error)
            else:
                outcome.jobs.append(job)
        if jobs and not outcome.jobs:
            log.engine_response = {"retried": outcome.jobs, "failed": outcome.failed}
            raise next(r.error for r in results.values() if isinstance(r, Failed))
        # Accepted is not recovered: the log says what the job did when it ran again.
        outcome.ran = _ran(engine, outcome.jobs)
        log.engine_response = {"retried": outcome.jobs, "failed": outcome.failed, **outcome.ran.as_dict()}
        if outcome.ran.waiting_suspended:
            log.engine_response["outcome"] = WAITING_SUSPENDED
        log.failed = bool(outcome.ran.failed_again)
    return outcome


def annotate(engine: EngineClient, *, user, incident: Incident, annotation: str) -> None:
    with audited(
        user=user,
        engine=engine.config.name,
        action="incident.annotate",
        target_type="incident",
        target_id=incident.id,
        old_value=incident.annotation,
        new_value=annotation or None,
    ):
        if annotation:
            # PUT /incident/{id}/annotation
            engine.set_incident_annotation(incident.id, annotation)
        else:
            # DELETE /incident/{id}/annotation
            engine.clear_incident_annotation(incident.id)


def stacktrace(engine: EngineClient, incident: Incident) -> str:
    """The stack trace of the job that failed (the root cause's); empty when there is no job."""
    (cause,) = root_causes(engine, [incident]) or [incident]
    # GET /job/{id}/stacktrace
    return engine.job_stacktrace(cause.job_id) if cause.job_id else ""
