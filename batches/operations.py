"""Starting, following and working through long operations; the Celery tasks only call in here.

Every step is idempotent, so a task that runs twice (late acknowledgement after a worker died,
a resumed operation) does no harm:
- handing over to the engine happens once per operation (the engine batch id is recorded);
- following an engine batch only reads its statistics;
- item-by-item work claims a lease on the operation, records every item's result, and on
  resuming asks the engine whether items a dead worker had started were applied, rather
  than doing them again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from audit.log import audited
from batches.kinds import KINDS, describe, instance_ids, query_of
from batches.models import Operation, OperationItem
from cockpit.engines import client as engine_client
from engines import fan_out
from engines.errors import EngineError, EngineTimeout, EngineUnavailable, NotFound
from engines.fanout import Failed

log = logging.getLogger(__name__)
Item = OperationItem.State


def _queue(operation_id: int) -> None:
    """Hand the operation to a worker. With the broker unreachable it stays queued (recorded, shown
    on the Batches page) and the next worker to start picks it up (tasks.resume_operations)."""
    from batches.tasks import run_operation

    try:
        run_operation.apply_async((operation_id,), retry=False)
    except Exception:  # kombu's connection errors vary by transport
        log.warning(
            "operation %s stays queued: the task queue could not be reached", operation_id, exc_info=True
        )


def start(*, user: AbstractBaseUser, engine: str, kind: str, parameters: dict[str, Any]) -> Operation:
    """Record the operation and queue it once the record is committed; the caller's view returns at once."""
    spec = KINDS[kind]
    if not user.has_perm(spec.perm):
        raise PermissionDenied(f"{spec.label} needs the permission {spec.perm.codename}.")
    with transaction.atomic():
        operation = Operation.objects.create(
            user=user,
            username=user.get_username(),
            engine=engine,
            kind=kind,
            mode=Operation.Mode.CHUNKED if spec.chunked else Operation.Mode.ENGINE_BATCH,
            parameters=parameters,
        )
        with audited(
            user=user,
            engine=engine,
            action=f"operation.{kind}",
            target_type="operation",
            target_id=str(operation.pk),
            parameters={"targets": describe(parameters), **parameters},
        ):
            transaction.on_commit(lambda: _queue(operation.pk))
    return operation


def finish(operation: Operation, status: str, error: str = "") -> None:
    """The operation is over (completed, failed or cancelled): record when, and let go of its lease."""
    operation.status = status
    operation.error = error
    operation.finished_at = timezone.now()
    operation.lease_owner, operation.lease_until = "", None
    operation.save()


# --- engine batches ---------------------------------------------------------------------------------


def hand_over(operation: Operation) -> None:
    """Ask the engine for its batch; a refusal ends the operation with the engine's message."""
    if operation.engine_batch_id or operation.finished:
        return
    spec = KINDS[operation.kind]
    parameters = operation.parameters
    try:
        batch = spec.hand_over(
            engine_client(operation.engine), parameters.get("ids"), query_of(parameters), parameters
        )
    except EngineUnavailable:
        raise  # nothing reached the engine: the task tries again later
    except EngineError as error:
        finish(operation, Operation.Status.FAILED, error.message)
        return
    operation.engine_batch_id = batch.id
    operation.parameters = {**parameters, "batch_job_definition_id": batch.batch_job_definition_id}
    operation.total = batch.total_jobs or 0
    operation.status = Operation.Status.RUNNING
    operation.started_at = timezone.now()
    operation.save()


def follow(operation: Operation) -> bool:
    """Record the engine batch's progress; True while it is still running."""
    if operation.finished:
        return False
    client = engine_client(operation.engine)
    try:
        # GET /batch/statistics?batchId=
        statistics = client.batch_statistics(batch_id=operation.engine_batch_id)
        if statistics:
            current = statistics[0]
            operation.total = current.total_jobs or operation.total
            operation.done = current.completed_jobs or 0
            operation.failed = current.failed_jobs or 0
            operation.save()
            return True
        # GET /history/batch/{id}: gone from the runtime means ended (or deleted)
        historic = client.get_historic_batch(operation.engine_batch_id)
    except (EngineUnavailable, EngineTimeout):
        return True  # look again later
    except NotFound:
        finish(operation, Operation.Status.CANCELLED, "The engine batch was deleted with its history.")
        return False
    if historic.end_time is None:
        return True
    operation.done = max(0, operation.total - operation.failed)
    finish(operation, Operation.Status.COMPLETED)
    return False


def retry_failed(operation: Operation, *, user: AbstractBaseUser) -> int:
    """Run the failed part again: failed items go back to the queue, failed batch jobs get retries."""
    with audited(
        user=user, engine=operation.engine, action="operation.retry_failed", target_type="operation",
        target_id=str(operation.pk),
    ) as outcome:  # fmt: skip
        if operation.mode == Operation.Mode.CHUNKED:
            count = operation.items.filter(state=Item.FAILED).update(state=Item.PENDING, result="")
        else:
            client = engine_client(operation.engine)
            definition = operation.parameters.get("batch_job_definition_id")
            jobs = client.list_jobs(job_definition_id=definition, no_retries_left=True, limit=1000)
            for job in jobs:
                client.set_job_retries(job.id, 1)
            count = len(jobs)
        outcome.engine_response = {"retried": count}
    if count:
        Operation.objects.filter(pk=operation.pk).update(
            status=Operation.Status.RUNNING, finished_at=None, notified=False
        )
        transaction.on_commit(lambda: _queue(operation.pk))
    return count


# --- item by item -------------------------------------------------------------------------------------


def _lease(operation_id: int, owner: str) -> bool:
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner)
    until = now + timedelta(seconds=settings.COCKPIT_OPERATION_LEASE_SECONDS)
    return bool(
        Operation.objects.filter(pk=operation_id).filter(free).update(lease_owner=owner, lease_until=until)
    )


MORE, BUSY, DONE = "more", "busy", "done"


def work_chunk(operation_id: int, owner: str) -> str:
    """Work through one chunk of items. MORE: queue the next chunk; BUSY: another worker holds the
    lease (look again when it would have run out); DONE: nothing left."""
    operation = Operation.objects.get(pk=operation_id)
    if operation.finished:
        return DONE
    if not _lease(operation_id, owner):
        return BUSY
    spec = KINDS[operation.kind]
    client = engine_client(operation.engine)
    parameters = operation.parameters
    if operation.status == Operation.Status.QUEUED and not _collect(operation, client):
        return DONE
    # Items a worker started and died on: done if the engine shows them applied, else again. Not
    # before the dead worker's last requests have had the time to land (its read timeout): asked
    # earlier, the engine could say "not applied" about a change still on its way, done twice then.
    settled = timezone.now() - timedelta(seconds=client.config.read_timeout)
    if operation.items.filter(state=Item.STARTED, updated_at__gt=settled).exists():
        operation.lease_owner, operation.lease_until = "", None
        operation.save(update_fields=["lease_owner", "lease_until"])
        return BUSY
    for item in operation.items.filter(state=Item.STARTED):
        applied = spec.applied(client, item.target, parameters)
        item.state, item.result = (
            (Item.DONE, "applied before its worker stopped") if applied else (Item.PENDING, "")
        )
        item.save(update_fields=["state", "result", "updated_at"])
    chunk = list(operation.items.filter(state=Item.PENDING)[: settings.COCKPIT_CHUNK_SIZE])
    if chunk:
        OperationItem.objects.filter(pk__in=[i.pk for i in chunk]).update(
            state=Item.STARTED, updated_at=timezone.now()
        )
        width = settings.COCKPIT_CHUNK_CONCURRENCY
        for start in range(0, len(chunk), width):
            if not _lease(operation_id, owner):
                # Stalled past the lease (a slow database, say) and another worker took over: it will
                # check the items left started; sending them too would do them twice.
                return BUSY
            group = chunk[start : start + width]
            results = fan_out(
                {str(i.pk): (lambda i=i: spec.apply(client, i.target, parameters)) for i in group},
                keep_failures=True,
            )
            for item in group:
                result = results[str(item.pk)]
                failed = isinstance(result, Failed)
                item.state = Item.FAILED if failed else Item.DONE
                item.result = _error_text(result.error) if failed else str(result)
                item.attempts += 1
            OperationItem.objects.bulk_update(group, ["state", "result", "attempts", "updated_at"])
    counts = dict(operation.items.values_list("state").annotate(n=Count("id")))
    operation.done, operation.failed = counts.get(Item.DONE, 0), counts.get(Item.FAILED, 0)
    if not counts.get(Item.PENDING) and not counts.get(Item.STARTED):
        finish(operation, Operation.Status.COMPLETED)
        return DONE
    # Let go between chunks: the next chunk may run on any worker.
    operation.lease_owner, operation.lease_until = "", None
    operation.save()
    return MORE


def _collect(operation: Operation, client) -> bool:
    """The items, once: all of them in one transaction, so a worker dying here leaves none."""
    try:
        collect = KINDS[operation.kind].targets or instance_ids
        targets = list(collect(client, operation.parameters))
    except EngineError as error:
        finish(operation, Operation.Status.FAILED, error.message)
        return False
    with transaction.atomic():
        OperationItem.objects.bulk_create(
            [OperationItem(operation=operation, seq=n, target=t) for n, t in enumerate(targets)],
            batch_size=1000,
        )
        operation.total = len(targets)
        operation.status = Operation.Status.RUNNING
        operation.started_at = timezone.now()
        operation.save()
    return True


def _error_text(error: Exception) -> str:
    return error.message if isinstance(error, EngineError) else f"{type(error).__name__}: {error}"


def unfinished() -> list[Operation]:
    return list(Operation.objects.exclude(status__in=Operation.FINISHED))
