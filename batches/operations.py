"""Starting, following and working through long operations; the Celery tasks only call in here.

Every step is idempotent, so a task that runs twice (late acknowledgement after a worker died,
a resumed operation) does no harm:
- handing over to the engine happens once per operation (the engine batch id is recorded);
- following an engine batch only reads its statistics;
- item-by-item work records every item's result, and on resuming asks the engine whether
  items a dead worker had started were applied, rather than doing them again.

Whoever works on an operation holds its lease (`lease_owner`, `lease_until`) and renews it; a
step that queues the next one hands the lease to that task by its id, so exactly one chain of
tasks works on an operation. When a worker dies or a task could not be queued (the broker was
down), the lease runs out and the next sweep of any living worker (`sweep`, run by every worker
on a timer) queues the operation again.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from audit.log import audited
from batches.kinds import KINDS, describe, instance_ids, query_of
from batches.models import Operation, OperationItem
from batches.retries import retry_jobs
from cockpit.engines import client as engine_client
from engines import fan_out
from engines.errors import EngineError, EngineTimeout, EngineUnavailable, NotFound
from engines.fanout import Failed

log = logging.getLogger(__name__)
Item = OperationItem.State


QUEUE_UNREACHABLE = "The task queue could not be reached: a worker takes this up as soon as it is back."


def _queue(operation_id: int, *, task_id: str | None = None, countdown: float = 0) -> bool:
    """Hand the operation to a worker. With the broker unreachable it stays as it is, says so on its
    page, and the first sweep after the broker is back queues it again."""
    from batches.tasks import run_operation

    try:
        run_operation.apply_async((operation_id,), task_id=task_id, countdown=countdown or None, retry=False)
    except Exception:  # kombu's connection errors vary by transport
        log.warning("operation %s waits: the task queue could not be reached", operation_id, exc_info=True)
        Operation.objects.filter(pk=operation_id, waiting_since__isnull=True).update(
            waiting=QUEUE_UNREACHABLE, waiting_since=timezone.now()
        )
        return False
    return True


def start(*, user: AbstractBaseUser, engine: str, kind: str, parameters: dict[str, Any]) -> Operation:
    """Record the operation and queue it once the record is committed; the caller's view returns at once."""
    spec = KINDS[kind]
    if not user.has_perm(spec.perm):
        raise PermissionDenied(f"{spec.label} needs the permission {spec.perm.codename}.")
    capabilities = engine_client(engine).capabilities
    if not spec.available(capabilities):
        raise PermissionDenied(spec.missing)
    with transaction.atomic():
        operation = Operation.objects.create(
            user=user,
            username=user.get_username(),
            engine=engine,
            kind=kind,
            mode=Operation.Mode.CHUNKED if spec.chunked(capabilities) else Operation.Mode.ENGINE_BATCH,
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
    operation.waiting, operation.waiting_since = "", None
    operation.save()
    _audit_the_end(operation)


def _audit_the_end(operation: Operation) -> None:
    """The audit log says what the operation did in the end, not only that it was started."""
    from django.contrib.auth.models import AnonymousUser

    failed = operation.status != Operation.Status.COMPLETED or bool(operation.failed)
    failed = failed or bool((operation.result or {}).get("failed_again"))
    with audited(
        user=operation.user or AnonymousUser(), engine=operation.engine,
        action=f"operation.{operation.kind}.ended", target_type="operation", target_id=str(operation.pk),
    ) as outcome:  # fmt: skip
        outcome.failed = failed
        outcome.engine_response = {
            "status": operation.status, "total": operation.total, "done": operation.done,
            "failed": operation.failed, "error": operation.error, **(operation.result or {}),
        }  # fmt: skip


# --- engine batches ---------------------------------------------------------------------------------


HAND_OVER_ATTEMPTS = 8


def hand_over(operation: Operation) -> float | None:
    """Ask the engine for its batch. None when that is settled (the batch recorded, or the operation
    ended with the engine's refusal or the error); otherwise the seconds after which to try again."""
    if operation.engine_batch_id or operation.finished:
        return None
    client = engine_client(operation.engine)
    if operation.started_at is not None:
        # An earlier attempt died while asking: wait until its request could have landed (the read
        # timeout), so that its batch, had it been created, is not created a second time right away.
        settled = operation.started_at + timedelta(seconds=client.config.read_timeout)
        if timezone.now() < settled:
            return (settled - timezone.now()).total_seconds()
    spec = KINDS[operation.kind]
    parameters = dict(operation.parameters)  # the kind may add what it sent
    Operation.objects.filter(pk=operation.pk).update(started_at=timezone.now())
    try:
        batch = spec.hand_over(client, parameters.get("ids"), query_of(parameters), parameters)
    except EngineUnavailable as error:
        # Nothing reached the engine: try again, waiting longer each time, up to a point.
        operation.attempts += 1
        if operation.attempts >= HAND_OVER_ATTEMPTS:
            finish(operation, Operation.Status.FAILED, error.message)
            return None
        operation.started_at = None
        operation.waiting = f"The engine could not be reached ({error.message}); trying again."[:300]
        operation.waiting_since = operation.waiting_since or timezone.now()
        operation.save(update_fields=["attempts", "started_at", "waiting", "waiting_since", "updated_at"])
        return min(60, 2**operation.attempts)
    except EngineError as error:
        finish(operation, Operation.Status.FAILED, error.message)
        return None
    except DatabaseError:
        raise  # transient, most likely: the lease runs out and the sweep tries again
    except Exception as error:  # an answer we could not use: end it, with the error shown
        log.exception("handing over operation %s failed", operation.pk)
        finish(operation, Operation.Status.FAILED, f"Handing over to the engine failed: {_error_text(error)}")
        return None
    operation.engine_batch_id = batch.id
    operation.parameters = parameters
    operation.total = max(0, batch.total_jobs or 0)  # the spec allows any integer here
    operation.status = Operation.Status.RUNNING
    operation.started_at = timezone.now()
    operation.waiting, operation.waiting_since = "", None
    operation.save(
        update_fields=[
            "engine_batch_id", "parameters", "total", "status", "started_at", "waiting", "waiting_since",
            "updated_at",
        ]
    )  # fmt: skip
    return None


def follow(operation: Operation) -> bool:
    """Record the engine batch's progress; True while it is still running. A batch whose only jobs
    left are failed ones has ended for us: the engine keeps them until they are retried."""
    if operation.finished:
        return False
    client = engine_client(operation.engine)
    try:
        statistics = client.batch_statistics(batch_id=operation.engine_batch_id)
        if statistics:
            current = statistics[0]
            remaining = take_progress(operation, current)
            operation.save(update_fields=["total", "done", "failed", "updated_at"])
            if not remaining or remaining > operation.failed or (current.jobs_created or 0) < operation.total:
                return True
            return _settle(operation, client)
        # Gone from the runtime means ended (or deleted): its history says which
        historic = client.get_historic_batch(operation.engine_batch_id)
    except (EngineUnavailable, EngineTimeout):
        return True  # look again later
    except NotFound:
        finish(operation, Operation.Status.CANCELLED, "The engine batch was deleted with its history.")
        return False
    if historic.end_time is None:
        return True
    operation.done = max(0, operation.total - operation.failed)
    return _settle(operation, client)


def take_progress(operation: Operation, statistics) -> int:
    """The engine batch's counts onto the operation (not saved), counted as the engine counts its
    progress (remaining includes failed jobs), so the operation and the engine's batch row agree.
    Returns the jobs remaining."""
    operation.total = max(0, statistics.total_jobs or 0) or operation.total
    remaining = max(0, statistics.remaining_jobs or 0)
    operation.done = max(0, operation.total - remaining)
    operation.failed = min(remaining, max(0, statistics.failed_jobs or 0))
    return remaining


def _settle(operation: Operation, client) -> bool:
    """The engine batch has ended. Where its kind can tell what the work then did (a retried job
    recovered or failed again once the engine ran it), wait for that, a bounded while, and record it."""
    check = KINDS[operation.kind].outcome
    if check is not None:
        result = {**(operation.result or {}), **check(client, operation.parameters)}
        result.setdefault("checked_from", timezone.now().isoformat())
        operation.result = result
        waited = timezone.now() - datetime.fromisoformat(result["checked_from"])
        if result.get("not_run") and waited < timedelta(seconds=settings.COCKPIT_RETRY_SETTLE_SECONDS):
            # The engine's part is done: its counts are kept, so the row, banner and page agree meanwhile.
            operation.save(update_fields=["result", "done", "failed", "updated_at"])
            return True
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
            outcome.engine_response = {"retried": count}
        else:
            client = engine_client(operation.engine)
            jobs = client.list_jobs(batch_id=operation.engine_batch_id, no_retries_left=True, limit=1000)
            # Followed again from here: the batch's own counts say whether its jobs failed again.
            retried = retry_jobs(client, [job.id for job in jobs], check=False)
            if retried.refusal() is not None:
                raise retried.refusal()
            count = len(retried.jobs)
            outcome.engine_response = {"retried": count, "failed": retried.failed}
    if count:
        Operation.objects.filter(pk=operation.pk).update(
            status=Operation.Status.RUNNING, finished_at=None, notified=False, result={}
        )
        transaction.on_commit(lambda: _queue(operation.pk))
    return count


# --- item by item -------------------------------------------------------------------------------------


def _lease(operation_id: int, owner: str, *, handed: str = "") -> bool:
    """Take or renew the operation's lease: free, run out, ours, or handed to us (`handed`)."""
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner)
    if handed:
        free |= Q(lease_owner=handed)
    until = now + timedelta(seconds=settings.COCKPIT_OPERATION_LEASE_SECONDS)
    return bool(
        Operation.objects.filter(pk=operation_id).filter(free).update(lease_owner=owner, lease_until=until)
    )


def handed_to(task_id: str) -> str:
    """The lease owner that stands for a queued task, until it runs and takes the lease as its own."""
    return f"queued:{task_id}"


def pass_on(operation_id: int, owner: str, *, countdown: float = 0) -> None:
    """Queue the operation's next step, handing it the lease. If the queue cannot be reached the lease
    runs out by itself and a sweep queues the operation again."""
    task_id = str(uuid.uuid4())
    until = timezone.now() + timedelta(seconds=countdown + settings.COCKPIT_OPERATION_LEASE_SECONDS)
    handed = Operation.objects.filter(pk=operation_id, lease_owner=owner).update(
        lease_owner=handed_to(task_id), lease_until=until
    )
    if handed:  # else another worker took over meanwhile; the chain ends here
        _queue(operation_id, task_id=task_id, countdown=countdown)


def advance(operation_id: int, *, owner: str, handed: str = "") -> float | None:
    """One step of an operation, whatever its kind: hand it over, follow its engine batch, or work one
    chunk. Returns the seconds after which the next step is due, or None when nothing follows from
    here (it ended, or another worker holds the lease)."""
    if not _lease(operation_id, owner, handed=handed):
        return None
    try:
        operation = Operation.objects.get(pk=operation_id)
    except Operation.DoesNotExist:
        return None
    if operation.finished:
        return None
    if operation.waiting == QUEUE_UNREACHABLE:
        operation.waiting, operation.waiting_since = "", None
        operation.save(update_fields=["waiting", "waiting_since"])
    try:
        if operation.mode == Operation.Mode.CHUNKED:
            state = work_chunk(operation_id, owner)
            if state == WAIT:
                return _settle_seconds(operation_id, engine_client(operation.engine))
            return 0 if state == MORE else None
        if not operation.engine_batch_id:
            later = hand_over(operation)
            if later is not None:
                return later
            operation.refresh_from_db()
            if operation.finished:
                return None
        return settings.COCKPIT_FOLLOW_SECONDS if follow(operation) else None
    except DatabaseError:
        raise  # the lease runs out and the sweep tries again
    except Exception as error:
        log.exception("operation %s failed", operation_id)
        finish(Operation.objects.get(pk=operation_id), Operation.Status.FAILED, _error_text(error))
        return None


def sweep() -> int:
    """Queue again every unfinished operation nobody works on: its lease ran out (a worker died, or
    the next step could not be queued), or it never got one (queued while the broker was down).
    Every worker sweeps; the lease handed to the queued task keeps the others from doing it too."""
    now = timezone.now()
    quiet = now - timedelta(seconds=settings.COCKPIT_OPERATION_LEASE_SECONDS)
    stalled = Q(lease_until__lt=now) | Q(lease_until__isnull=True) & (
        Q(updated_at__lt=quiet) | Q(waiting_since__isnull=False)
    )
    swept = 0
    unfinished = Operation.objects.exclude(status__in=Operation.FINISHED)
    for pk in unfinished.filter(stalled).values_list("pk", flat=True):
        task_id = str(uuid.uuid4())
        until = now + timedelta(seconds=settings.COCKPIT_OPERATION_LEASE_SECONDS)
        if Operation.objects.filter(stalled, pk=pk).update(lease_owner=handed_to(task_id), lease_until=until):
            swept += _queue(pk, task_id=task_id)
    return swept


MORE, BUSY, WAIT, DONE = "more", "busy", "wait", "done"


def _settle_seconds(operation_id: int, client) -> float:
    """How long until the started items of a dead worker have settled (see work_chunk)."""
    latest = (
        OperationItem.objects.filter(operation_id=operation_id, state=Item.STARTED)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    if latest is None:
        return 0
    due = latest + timedelta(seconds=client.config.longest_request)
    return max(0.5, (due - timezone.now()).total_seconds())


def work_chunk(operation_id: int, owner: str) -> str:
    """Work through one chunk of items. MORE: queue the next chunk; BUSY: another worker holds the
    lease; WAIT: a dead worker's last items have not settled yet, look again then; DONE: nothing left."""
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
    # before the dead worker's last requests have had the time to land (the longest a request may
    # take by its timeouts, not only the read timeout: a request can wait for a connection, connect
    # and send first): asked earlier, the engine could say "not applied" about a change still on
    # its way, done twice then.
    settled = timezone.now() - timedelta(seconds=client.config.longest_request)
    if operation.items.filter(state=Item.STARTED, updated_at__gt=settled).exists():
        return WAIT
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
            # Stamped as they are sent, not when the chunk began: a rescuer's wait for a dead
            # worker's requests to land (the read timeout, above) counts from the last one sent.
            OperationItem.objects.filter(pk__in=[i.pk for i in group]).update(updated_at=timezone.now())
            results = fan_out(
                {str(i.pk): (lambda i=i: spec.apply(client, i.target, parameters)) for i in group},
                keep_failures=True,
            )
            for item in group:
                result = results[str(item.pk)]
                failed = isinstance(result, Failed)
                # Only over an item still started: if this chain stalled past its lease, the worker
                # that took over has decided about the item meanwhile, and its record stands.
                OperationItem.objects.filter(pk=item.pk, state=Item.STARTED).update(
                    state=Item.FAILED if failed else Item.DONE,
                    result=_error_text(result.error) if failed else str(result),
                    attempts=F("attempts") + 1,
                    updated_at=timezone.now(),
                )
    counts = dict(operation.items.values_list("state").annotate(n=Count("id")))
    operation.done, operation.failed = counts.get(Item.DONE, 0), counts.get(Item.FAILED, 0)
    if not counts.get(Item.PENDING) and not counts.get(Item.STARTED):
        finish(operation, Operation.Status.COMPLETED)
        return DONE
    # The lease stays with this chain: the caller hands it to the task of the next chunk.
    operation.save(update_fields=["done", "failed", "updated_at"])
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
        operation.save(update_fields=["total", "status", "started_at", "updated_at"])
    return True


def _error_text(error: Exception) -> str:
    return error.message if isinstance(error, EngineError) else f"{type(error).__name__}: {error}"


def unfinished() -> list[Operation]:
    return list(Operation.objects.exclude(status__in=Operation.FINISHED))
