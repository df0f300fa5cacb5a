"""What became of jobs given retries: asked after a retry on the incidents page and by the bulk
retry operations, which is why it lives here, below both."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from engines.base import EngineClient
from engines.errors import NotFound
from engines.fanout import Failed, fan_out
from engines.models import Job

PAGE = 500  # jobs asked about at once


@dataclass
class JobOutcomes:
    """What became of jobs given retries, once the engine ran them (or not yet)."""

    sent: int = 0
    recovered: list[str] = field(default_factory=list)  # the job is gone: it ran through
    failed_again: dict[str, str] = field(default_factory=dict)  # job id -> its new error
    instances: dict[str, str] = field(default_factory=dict)  # failed-again job id -> its process instance
    not_run: list[str] = field(default_factory=list)  # it still has retries: the engine has not run it yet
    # Its instance is suspended: the incident is resolved, the job runs only once the instance is activated.
    waiting_suspended: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def job_outcomes(engine: EngineClient, job_ids: list[str]) -> JobOutcomes:
    """Ask the engine about each retried job: gone (recovered), out of retries again (failed again,
    with its message), or still waiting for the engine's job executor."""
    outcome = JobOutcomes(sent=len(job_ids))
    for start in range(0, len(job_ids), PAGE):
        page = job_ids[start : start + PAGE]
        # GET /job/{id}, a page's worth at once
        found = fan_out({j: (lambda j=j: engine.get_job(j)) for j in page}, keep_failures=True)
        for job_id in page:
            job = found[job_id]
            if isinstance(job, Failed):
                if isinstance(job.error, NotFound):
                    outcome.recovered.append(job_id)
                else:  # could not be asked: not known yet
                    outcome.not_run.append(job_id)
            elif isinstance(job, Job) and job.retries == 0:
                outcome.failed_again[job_id] = job.exception_message or "failed again"
                if job.process_instance_id:
                    outcome.instances[job_id] = job.process_instance_id
            elif isinstance(job, Job) and job.suspended:
                outcome.waiting_suspended.append(job_id)
            else:
                outcome.not_run.append(job_id)
    return outcome
