"""The Batches page: the engine's batches and the dashboard's own long operations, updating live."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from accounts.permissions import requires
from accounts.roles import Perm
from audit.display import shown
from audit.log import audited
from batches import operations
from batches.kinds import KINDS, describe
from batches.models import Operation
from batches.tables import BatchTable
from cockpit.engines import EngineRequest, engine_scoped
from cockpit.paging import engine_table

RECENT = 25


def _live(request: EngineRequest, template: str, context: dict, *, running: bool) -> HttpResponse:
    """The page, or for htmx polling its live part; 286 tells htmx to stop polling once all is done."""
    if not request.htmx:
        return render(request, template, context)
    response = render(request, f"{template}#live", context)
    # The header's banner reads the same operations again now, so the two never disagree for long.
    response["HX-Trigger"] = "operations-changed"
    if not running:
        stop = HttpResponseStopPolling(response.content)
        stop["Content-Type"] = response["Content-Type"]
        stop["HX-Trigger"] = "operations-changed"
        return stop
    return response


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def batch_list(request: EngineRequest) -> HttpResponse:
    shown = {}

    def fetch(sort, offset, limit):
        rows = request.engine.batch_statistics(sort=sort, offset=offset, limit=limit)
        shown.update((row.id, row) for row in rows)
        return rows

    table, page = engine_table(request, BatchTable, fetch)
    recent = list(Operation.objects.filter(engine=request.engine_name)[:RECENT])
    for operation in recent:  # in the words of its own page and its confirmation, with the engine's names
        operation.described = describe(operation.parameters, engine=request.engine)
    for operation in recent:
        # The engine's numbers of this very answer, not the worker's last look: both rows agree.
        if not operation.finished and operation.engine_batch_id in shown:
            operations.take_progress(operation, shown[operation.engine_batch_id])
    running = any(not op.finished for op in recent) or page.shown > 0
    context = {"table": table, "page": page, "operations": recent, "running": running}
    return _live(request, "batches/batches.html", context, running=running)


SHOWN_IDS = 200


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def operation_detail(request: EngineRequest, pk: int) -> HttpResponse:
    operation = get_object_or_404(Operation, pk=pk, engine=request.engine_name)
    failed_jobs = []
    if operation.mode == Operation.Mode.ENGINE_BATCH and operation.failed:
        # The engine keeps a failed batch job, with its error, until retried.
        failed_jobs = request.engine.list_jobs(
            batch_id=operation.engine_batch_id,
            no_retries_left=True,
            limit=200,
        )
    context = {
        "operation": operation,
        "targets": describe(operation.parameters, engine=request.engine),
        "failed_jobs": failed_jobs,
        "failed_items": operation.items.filter(state="failed")[:200],
        # Worked item by item: what became of each (an engine batch reports only its counts).
        "done_items": operation.items.filter(state="done").order_by("pk")[:SHOWN_IDS],
        # What a Set variables operation sets, as the audit log shows a value, and on which instances.
        "sets": [(name, shown(typed)) for name, typed in operation.parameters.get("variables", {}).items()],
        "instance_ids": (operation.parameters.get("ids") or [])[:SHOWN_IDS],
        "items_are_instances": operation.kind in KINDS and KINDS[operation.kind].targets is None,
        "failed_again": [
            (job, message, ((operation.result or {}).get("instances") or {}).get(job))
            for job, message in ((operation.result or {}).get("failed_again") or {}).items()
        ],
        "can_retry": request.user.has_perm(KINDS[operation.kind].perm) if operation.kind in KINDS else False,
    }
    return _live(request, "batches/operation.html", context, running=not operation.finished)


@require_POST
@requires(Perm.VIEW)
@engine_scoped
def operation_retry_failed(request: EngineRequest, pk: int) -> HttpResponse:
    operation = get_object_or_404(Operation, pk=pk, engine=request.engine_name)
    if operation.kind not in KINDS or not request.user.has_perm(KINDS[operation.kind].perm):
        raise PermissionDenied("Retrying needs the permission the operation itself needs.")
    count = operations.retry_failed(operation, user=request.user)
    messages.success(request, f"{count} failed item(s) will run again." if count else "Nothing had failed.")
    return redirect("operation_detail", engine=operation.engine, pk=operation.pk)


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def batch_suspend(request: EngineRequest, batch_id: str) -> HttpResponse:
    suspended = request.POST.get("suspended") == "true"
    action = "batch.suspend" if suspended else "batch.activate"
    with audited(
        user=request.user,
        engine=request.engine_name,
        action=action,
        target_type="batch",
        target_id=batch_id,
    ):
        request.engine.set_batch_suspended(batch_id, suspended=suspended)
    messages.success(request, f"Batch {batch_id} {'suspended' if suspended else 'activated'}.")
    return redirect("batch_list", engine=request.engine_name)


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def batch_delete(request: EngineRequest, batch_id: str) -> HttpResponse:
    cascade = request.POST.get("cascade") == "true"
    with audited(
        user=request.user, engine=request.engine_name, action="batch.delete", target_type="batch",
        target_id=batch_id, parameters={"cascade": cascade},
    ):  # fmt: skip
        request.engine.delete_batch(batch_id, cascade=cascade)
    messages.success(request, f"Batch {batch_id} deleted.")
    return redirect("batch_list", engine=request.engine_name)


@require_GET
def my_operations(request: HttpRequest) -> HttpResponse:
    """The header's indicator: the user's running operations, and a note for each that finished."""
    mine = Operation.objects.filter(user=request.user)
    running = list(mine.exclude(status__in=Operation.FINISHED)[:10])
    finished = list(mine.filter(status__in=Operation.FINISHED, notified=False)[:10])
    Operation.objects.filter(pk__in=[op.pk for op in finished]).update(notified=True)
    response = render(request, "batches/_indicator.html", {"running": running, "finished": finished})
    if not running:
        stop = HttpResponseStopPolling(response.content)
        stop["Content-Type"] = response["Content-Type"]
        return stop
    return response
