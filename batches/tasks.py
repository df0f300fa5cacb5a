"""Celery tasks: thin, by operation id, idempotent (acks_late is safe); the work is in batches.operations."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready

from batches import operations


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
