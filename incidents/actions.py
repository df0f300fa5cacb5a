"""Repairing incidents: retry the failing job behind them, annotate them. Audited, engine-agnostic."""

from __future__ import annotations

from audit.log import audited
from batches.retries import RETRIES, WAITING_SUSPENDED, Retried, failed_jobs_behind, retry_jobs, root_causes
from engines.base import EngineClient
from engines.models import Incident


def retry(engine: EngineClient, *, user, incidents: list[Incident], target_id: str) -> Retried:
    """Give the failing jobs behind the incidents another attempt (set job retries), audited as one action."""
    jobs, jobless = failed_jobs_behind(engine, incidents)
    with audited(
        user=user,
        engine=engine.config.name,
        action="incident.retry",
        target_type="process_instance" if len(incidents) != 1 else "incident",
        target_id=target_id,
        parameters={"incidents": [i.id for i in incidents], "jobs": jobs, "retries": RETRIES},
    ) as log:
        outcome = retry_jobs(engine, jobs)
        outcome.not_retryable = jobless
        if outcome.refusal() is not None:
            log.engine_response = {"retried": outcome.jobs, "failed": outcome.failed}
            raise outcome.refusal()
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
            engine.set_incident_annotation(incident.id, annotation)
        else:
            engine.clear_incident_annotation(incident.id)


def stacktrace(engine: EngineClient, incident: Incident) -> str:
    """The stack trace of the job that failed (the root cause's); empty when there is no job."""
    cause = next(root_causes(engine, [incident]), incident)
    return engine.job_stacktrace(cause.job_id) if cause.job_id else ""
