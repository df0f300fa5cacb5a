"""Giving failed jobs another attempt, and what became of them: the one way the incidents page and
every bulk retry operation retry jobs, which is why it lives here, below both."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from itertools import islice

from django.conf import settings

from engines.base import EngineClient
from engines.errors import EngineError, NotFound
from engines.fanout import Failed, fan_out
from engines.models import Batch, Incident, Job
from engines.queries import ProcessInstanceQuery

PAGE = 500

WAITING_SUSPENDED = (
    "incident resolved; the job waits, suspended with its instance, and runs when the instance is activated"
)

RETRIES = 1  # one more attempt: a job that fails again raises a new incident instead of looping


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
        # A page's worth at once
        found = fan_out({j: partial(engine.get_job, j) for j in page}, keep_failures=True)
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
        str(n): (
            lambda page=tuple(ids[n : n + 100]): engine.list_instances(
                ProcessInstanceQuery(process_instance_ids=page, suspended=True), limit=len(page)
            )
        )
        for n in range(0, len(ids), 100)
    }
    # Which of them are suspended: a page of ids at a time, all pages at once
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


class FailedAgain(EngineError):
    """The engine ran a retried job and it failed again: its own message, as any engine error."""


@dataclass
class Retried:
    """What a retry did: the jobs given retries, what became of them when the engine ran them, and
    the incidents that have no job to retry."""

    jobs: list[str] = field(default_factory=list)
    not_retryable: list[Incident] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # job id -> the engine's message
    ran: JobOutcomes = field(default_factory=JobOutcomes)
    # Handed to an engine batch: nothing has run yet, job_outcomes tells once the batch has.
    batch: Batch | None = None
    errors: dict[str, Exception] = field(default_factory=dict, repr=False)  # job id -> the refusal

    def refusal(self) -> Exception | None:
        """The engine's error when it refused every job: then nothing was retried at all."""
        return next(iter(self.errors.values())) if self.errors and not self.jobs else None

    def item_result(self) -> str:
        """As the result of one item of an item-by-item operation: its summary, or raised when the
        engine refused it or a job failed again, so the item fails and "retry the failed" tries it."""
        refusal = self.refusal()
        if refusal is not None:
            raise refusal
        if self.ran.failed_again or self.failed:
            raise FailedAgain(self.summary())
        return self.summary()

    def summary(self) -> str:
        """In words, as an item's result: how many were retried and what became of them (each reason
        once, with how many it stopped)."""
        ran = self.ran
        jobs = f"{len(self.jobs)} failed job{'s' if len(self.jobs) != 1 else ''}"
        words = [f"{jobs} retried: {len(ran.recovered)} recovered"]
        if ran.failed_again:
            words.append(f"{len(ran.failed_again)} failed again: {_grouped(ran.failed_again.values())}")
        if ran.waiting_suspended:
            words.append(f"{len(ran.waiting_suspended)} waiting on a suspended instance")
        if ran.not_run:
            words.append(f"{len(ran.not_run)} not run by the engine yet")
        if self.failed:
            words.append(f"{len(self.failed)} refused: {_grouped(self.failed.values())}")
        return ", ".join(words)


def _grouped(reasons: Iterable[str]) -> str:
    """A reason repeated for many jobs is said once, with its count ("2 times" as the multiplication sign)."""
    counted = Counter(reasons)
    return "; ".join(reason if n == 1 else f"{n} × {reason}" for reason, n in counted.items())


def retry_jobs(
    engine: EngineClient,
    job_ids: list[str],
    *,
    retries: int = RETRIES,
    in_engine_batch: bool = False,
    check: bool = True,
) -> Retried:
    """The one way jobs get another attempt, whoever asks (an incident, an instance, a bulk operation,
    an engine batch's failed jobs): their retries set, each at once, then what became of each when the
    engine ran it (job_outcomes). With in_engine_batch the engine does the setting as a batch of its
    own, for many jobs; the caller follows that batch and asks job_outcomes once it has run. Without
    check, something else tells what became of them (a batch's own jobs: the batch's counts)."""
    if in_engine_batch:
        return Retried(jobs=list(job_ids), batch=engine.set_jobs_retries_async(job_ids, retries))
    outcome = Retried()
    results = fan_out(
        {job: partial(engine.set_job_retries, job, retries) for job in job_ids}, keep_failures=True
    )
    for job, result in results.items():
        if isinstance(result, Failed):
            outcome.failed[job] = str(result.error)
            outcome.errors[job] = result.error
        else:
            outcome.jobs.append(job)
    if outcome.jobs and check:
        # Accepted is not recovered: what the job did when it ran again is what the caller is told.
        outcome.ran = _ran(engine, outcome.jobs)
    return outcome


def root_causes(engine: EngineClient, incidents: Iterable[Incident]) -> Iterator[Incident]:
    """The incidents that actually failed, each once: an incident raised on a call activity points at
    the incident in the called instance, whose job is the one to retry. Read as they come (a bulk
    retry's filter may name very many), the roots elsewhere asked for a page at a time."""
    seen: set[str] = set()
    elsewhere: list[str] = []

    def asked() -> Iterator[Incident]:
        found = fan_out({i: partial(engine.get_incident, i) for i in elsewhere}, keep_failures=True)
        elsewhere.clear()
        return (cause for cause in found.values() if isinstance(cause, Incident))

    for incident in incidents:
        root = incident.root_cause_incident_id
        if root and root != incident.id:
            if root not in seen:
                seen.add(root)
                elsewhere.append(root)
            if len(elsewhere) >= PAGE:
                yield from asked()
        elif incident.id not in seen:
            seen.add(incident.id)
            yield incident
    yield from asked()


def failed_jobs_behind(
    engine: EngineClient, incidents: Iterable[Incident]
) -> tuple[list[str], list[Incident]]:
    """The failed jobs to retry for the incidents (their root causes' jobs), and the root causes that
    have no job (nothing to retry there)."""
    jobs: list[str] = []
    jobless: list[Incident] = []
    for cause in root_causes(engine, incidents):
        if cause.job_id:
            jobs.append(cause.job_id)
        else:
            jobless.append(cause)
    return list(dict.fromkeys(jobs)), jobless
