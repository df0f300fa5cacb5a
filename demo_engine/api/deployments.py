"""/deployment: lists, one deployment, its resources and their content, deletion (with cascade)."""

from __future__ import annotations

from typing import Any

from demo_engine.api.common import Filters, Raw, Request, boolean, command, table_count, table_page
from demo_engine.errors import RestError, not_found
from demo_engine.store import Store

SORTS = {"id": "id", "name": "name", "deploymentTime": "deployment_time", "tenantId": "tenant_id"}


def deployment_dto(row) -> dict:
    return {
        "links": [],
        "id": row["id"],
        "name": row["name"],
        "source": row["source"],
        "deploymentTime": row["deployment_time"],
        "tenantId": row["tenant_id"],
    }


def _filters(params: dict[str, Any]) -> Filters:
    f = Filters(params)
    f.equal("id", "id")
    f.equal("name", "name")
    f.like("nameLike", "name")
    f.equal("source", "source")
    f.flag("withoutSource", "source IS NULL")
    f.among("tenantIdIn", "tenant_id")
    f.flag("withoutTenantId", "tenant_id IS NULL")
    return f


def list_deployments(store: Store, request: Request, **_: Any) -> list:
    return table_page(
        store, request.params, "deployment", _filters(request.params), SORTS, "id ASC", deployment_dto
    )


def count_deployments(store: Store, request: Request, **_: Any) -> dict:
    return table_count(store, "deployment", _filters(request.params))


def _deployment_row(store: Store, deployment_id: str):
    row = store.db().execute("SELECT * FROM deployment WHERE id = ?", (deployment_id,)).fetchone()
    if row is None:
        raise not_found(f"Deployment with id '{deployment_id}' does not exist")
    return row


def get_deployment(store: Store, request: Request, id: str, **_: Any) -> dict:
    return deployment_dto(_deployment_row(store, id))


def deployment_resources(store: Store, request: Request, id: str, **_: Any) -> list:
    _deployment_row(store, id)
    rows = store.db().execute("SELECT id, name FROM resource WHERE deployment_id = ? ORDER BY name", (id,))
    return [{"id": row["id"], "name": row["name"], "deploymentId": id} for row in rows]


def resource_data(store: Store, request: Request, id: str, rid: str, **_: Any) -> Raw:
    row = (
        store.db()
        .execute("SELECT name, data FROM resource WHERE deployment_id = ? AND id = ?", (id, rid))
        .fetchone()
    )
    if row is None:
        # As Camunda 7.24: a NullValueException, answered 500 (not 404).
        raise RestError(
            500,
            f"no resource found with id '{rid}' in deployment '{id}': resource is null",
            "NullValueException",
        )
    filename = row["name"].rpartition("/")[2].replace('"', "")
    # Camunda names a BPMN file's type by its extension: XML.
    kind = "application/xml" if row["name"].endswith((".bpmn", ".xml")) else "application/octet-stream"
    return Raw(bytes(row["data"]), kind, {"Content-Disposition": f'attachment; filename="{filename}"'})


def delete_deployment(store: Store, request: Request, id: str, **_: Any) -> None:
    params = request.params
    cascade = boolean(params.get("cascade"), "cascade") or False
    for flag in ("skipCustomListeners", "skipIoMappings"):
        boolean(params.get(flag), flag)  # accepted: the demo's processes have neither
    with command(store, request) as runtime:
        db = runtime.db
        if db.execute("SELECT 1 FROM deployment WHERE id = ?", (id,)).fetchone() is None:
            raise not_found(f"Deployment with id '{id}' do not exist")
        definitions = [
            row[0] for row in db.execute("SELECT id FROM definition WHERE deployment_id = ?", (id,))
        ]
        for definition_id in definitions:
            running = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM instance WHERE definition_id = ? ORDER BY seq", (definition_id,)
                )
            ]
            if running and not cascade:
                # As Camunda 7.24: a ProcessEngineException, answered 500.
                raise RestError(
                    500,
                    "ENGINE-03076 Deletion of process definition without cascading failed. Process definition "
                    f"with id: {definition_id} can't be deleted, because there are {len(running)} "
                    "dependent process instances.",
                    "ProcessEngineException",
                )
            for instance_id in running:
                # A called instance may have ended with its caller already.
                if runtime.find_instance(instance_id) is not None:
                    runtime.delete_instance(instance_id, reason="deleted deployment")
            if cascade:
                # Cascading removes the definition's history too.
                seqs = "SELECT seq FROM history_instance WHERE definition_id = ?"
                db.execute(f"DELETE FROM history_activity WHERE instance_seq IN ({seqs})", (definition_id,))
                db.execute(f"DELETE FROM initial_variable WHERE instance_seq IN ({seqs})", (definition_id,))
                db.execute(
                    "DELETE FROM history_variable WHERE instance_id IN"
                    " (SELECT id FROM history_instance WHERE definition_id = ?)",
                    (definition_id,),
                )
                db.execute("DELETE FROM history_instance WHERE definition_id = ?", (definition_id,))
            db.execute("DELETE FROM definition WHERE id = ?", (definition_id,))
        db.execute("DELETE FROM resource WHERE deployment_id = ?", (id,))
        db.execute("DELETE FROM deployment WHERE id = ?", (id,))
