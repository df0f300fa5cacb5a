"""/batch: running batches, their statistics, suspension and deletion."""

from __future__ import annotations

from typing import Any

from demo_engine.api.common import (
    Filters,
    Request,
    body_of,
    command,
    count_of,
    order,
    paging,
    sorting_from_params,
)
from demo_engine.batches import batch_dto
from demo_engine.errors import RestError, invalid
from demo_engine.store import Store

SORTS = {"batchId": "id", "tenantId": "tenant_id"}


def batch_filters(params: dict) -> Filters:
    f = Filters(params)
    f.equal("batchId", "id")
    f.equal("type", "type")
    f.among("tenantIdIn", "tenant_id")
    f.flag("withoutTenantId", "tenant_id IS NULL")
    if params.get("suspended") is not None:
        f.add("suspended = ?", int(params["suspended"] == "true"))
    return f


def _running(store: Store, params: dict):
    f = batch_filters(params)
    f.add("running = 1")
    sql = (
        f"SELECT * FROM batch{f.where()}{order(sorting_from_params(params), SORTS, 'start_time ASC, id ASC')}"
    )
    return store.db().execute(sql + paging(params), f.args).fetchall()


def _counts(store: Store, batch_ids: list[str]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {batch_id: {} for batch_id in batch_ids}
    if batch_ids:
        rows = store.db().execute(
            f"SELECT batch_id, state, COUNT(*) FROM batch_item WHERE batch_id IN ({','.join('?' * len(batch_ids))})"
            " GROUP BY batch_id, state",
            batch_ids,
        )
        for batch_id, state, count in rows:
            counts[batch_id][state] = count
    return counts


def list_batches(store: Store, request: Request, **_: Any) -> list:
    return [batch_dto(row) for row in _running(store, request.params)]


def count_batches(store: Store, request: Request, **_: Any) -> dict:
    f = batch_filters(request.params)
    f.add("running = 1")
    return count_of(store, f"SELECT COUNT(*) FROM batch{f.where()}", f.args)


def batch_statistics(store: Store, request: Request, **_: Any) -> list:
    rows = _running(store, request.params)
    counts = _counts(store, [row["id"] for row in rows])
    return [batch_dto(row, counts=counts[row["id"]]) for row in rows]


def _batch_row(store: Store, batch_id: str):
    row = store.db().execute("SELECT * FROM batch WHERE id = ? AND running = 1", (batch_id,)).fetchone()
    if row is None:
        raise RestError(404, f"Batch for id '{batch_id}' cannot be found")
    return row


def get_batch(store: Store, request: Request, id: str, **_: Any) -> dict:
    return batch_dto(_batch_row(store, id))


def suspend_batch(store: Store, request: Request, id: str, **_: Any) -> None:
    suspended = body_of(request).get("suspended")
    if not isinstance(suspended, bool):
        raise invalid("Property 'suspended' must be set to true or false")
    _batch_row(store, id)
    with command(store, request) as runtime:
        runtime.db.execute("UPDATE batch SET suspended = ? WHERE id = ?", (int(suspended), id))
        runtime.db.execute("UPDATE job SET suspended = ? WHERE batch_id = ?", (int(suspended), id))
        runtime.log("SuspendBatch" if suspended else "ActivateBatch", "Batch", batch_id=id,
                    properties={"suspensionState": "suspended" if suspended else "active"})  # fmt: skip


def delete_batch(store: Store, request: Request, id: str, **_: Any) -> None:
    """Ends a batch where it stands; with cascade its history goes too."""
    cascade = request.params.get("cascade") == "true"
    _batch_row(store, id)
    with command(store, request) as runtime:
        runtime.db.execute("DELETE FROM job WHERE batch_id = ?", (id,))
        if cascade:
            runtime.db.execute("DELETE FROM batch WHERE id = ?", (id,))
            runtime.db.execute("DELETE FROM batch_item WHERE batch_id = ?", (id,))
        else:
            runtime.db.execute("UPDATE batch SET running = 0, end_time = ? WHERE id = ?", (runtime.stamp, id))
        runtime.log("Delete", "Batch", batch_id=id, properties={"cascadeToHistory": cascade})
