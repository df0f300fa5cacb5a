"""Celery tasks: thin, by operation id, idempotent (acks_late is safe); the work is in batches.operations."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from batches import operations
from batches.models import Operation
from engines.errors import EngineUnavailable


@shared_task(bind=True, acks_late=True, max_retries=8)
def run_operation(self, operation_id: int) -> None:
    operation = Operation.objects.get(pk=operation_id)
    if operation.finished:
        return
    if operation.mode == Operation.Mode.CHUNKED:
        work_chunk.delay(operation_id)
        return
    try:
        operations.hand_over(operation)
    except EngineUnavailable as error:
        if self.request.retries >= self.max_retries:
            operations.finish(operation, Operation.Status.FAILED, error.message)
            return
        # Transient, and nothing reached the engine: try again, waiting longer each time.
        raise self.retry(countdown=min(60, 2**self.request.retries)) from error
    if operation.engine_batch_id:
        follow_engine_batch.apply_async((operation_id,), countdown=settings.COCKPIT_FOLLOW_SECONDS)


@shared_task(acks_late=True)
def follow_engine_batch(operation_id: int) -> None:
    # Short and rescheduled rather than a loop: a countdown far below the broker's visibility timeout.
    if operations.follow(Operation.objects.get(pk=operation_id)):
        follow_engine_batch.apply_async((operation_id,), countdown=settings.COCKPIT_FOLLOW_SECONDS)


@shared_task(bind=True, acks_late=True)
def work_chunk(self, operation_id: int) -> None:
    state = operations.work_chunk(operation_id, owner=f"{self.request.hostname}:{self.request.id}")
    if state == operations.MORE:
        work_chunk.delay(operation_id)
    elif state == operations.BUSY:
        work_chunk.apply_async((operation_id,), countdown=settings.COCKPIT_OPERATION_LEASE_SECONDS)


@shared_task(acks_late=True)
def resume_operations() -> None:
    """Pick up what was under way when workers stopped: a chunk whose lease ran out, a batch to follow."""
    for operation in operations.unfinished():
        if operation.mode == Operation.Mode.CHUNKED:
            work_chunk.delay(operation.pk)  # it waits for a live lease to end before taking over
        elif operation.engine_batch_id:
            follow_engine_batch.delay(operation.pk)
        else:
            run_operation.delay(operation.pk)


@worker_ready.connect
def _resume_when_a_worker_starts(sender=None, **_) -> None:
    resume_operations.delay()
