"""Celery tasks: thin, by operation id, idempotent (acks_late is safe); the work is in batches.operations."""

from __future__ import annotations

import logging

from celery import bootsteps, shared_task
from celery.signals import worker_ready
from django.conf import settings

from batches import operations

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True)
def run_operation(self, operation_id: int) -> None:
    """One step of an operation under its lease; the next step is queued as a task of its own (short
    tasks, far below the broker's visibility timeout), handed the lease."""
    owner = f"{self.request.hostname}:{self.request.id}"
    later = operations.advance(operation_id, owner=owner, handed=operations.handed_to(self.request.id))
    if later is not None:
        operations.pass_on(operation_id, owner, countdown=later)


@shared_task(acks_late=True)
def sweep_operations() -> None:
    """Queue again what nobody works on any more: a dead worker's operation once its lease ran out,
    one queued or handed on while the broker was down."""
    operations.sweep()


@worker_ready.connect
def _sweep_when_a_worker_starts(sender=None, **_) -> None:
    sweep_operations.apply_async(retry=False)


class SweepOperations(bootsteps.StartStopStep):
    """Every worker queues a sweep for stalled operations on a timer (operations.sweep).

    A timer in each worker rather than Celery beat: beat is one more process to run and, run once,
    it dies with its host, the very failure the sweep is there for; embedded in several workers
    (`-B`) it runs once per worker anyway. Sweeping from every worker needs no election: the sweep
    claims each stalled operation in the database before queuing it, so two sweeps never queue the
    same one. The timer is the worker's own event-loop timer (no thread in the process that forks
    the pool), and it only publishes a small task, so it never blocks the worker for long.
    """

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.entry = None

    def start(self, worker):
        self.interval = float(settings.COCKPIT_SWEEP_SECONDS)
        self.entry = worker.timer.call_repeatedly(self.interval, self.queue_a_sweep, priority=10)

    def stop(self, worker):
        if self.entry is not None:
            self.entry.cancel()
            self.entry = None

    def queue_a_sweep(self):
        try:
            # Expiring: sweeps that waited out a busy queue or an outage are dropped, not piled up.
            sweep_operations.apply_async(retry=False, expires=self.interval * 2)
        except Exception:  # the broker is down: the next tick tries again
            log.warning("could not queue a sweep of stalled operations", exc_info=True)
