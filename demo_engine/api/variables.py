"""Process variables: /process-instance/{id}/variables/... and /variable-instance."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from demo_engine.api.common import (
    Filters,
    Raw,
    Request,
    body_of,
    boolean,
    command,
    count_of,
    order,
    paging,
    sorting_from_params,
)
from demo_engine.api.instances import instance_row
from demo_engine.errors import RestError, invalid
from demo_engine.store import Store, variables_of
from demo_engine.variables import variable_id, variable_value

VARIABLE_INSTANCE_SORTS = {
    "variableName": "v.name",
    "variableType": "v.type",
    "activityInstanceId": "COALESCE(v.scope_id, i.id)",
    "tenantId": "i.tenant_id",
}


def _process_variable(store: Store, instance, name: str):
    return (
        store.db()
        .execute(
            f"SELECT rowid, * FROM variable v NOT INDEXED WHERE {variables_of('?')} AND name = ? AND scope_id IS NULL",
            (instance["seq"], instance["seq"], name),
        )
        .fetchone()
    )


def instance_variables(store: Store, request: Request, id: str, **_: Any) -> dict:
    instance = instance_row(store, id)
    deserialize = boolean(request.params.get("deserializeValues"), "deserializeValues")
    rows = store.db().execute(
        f"SELECT * FROM variable v NOT INDEXED WHERE {variables_of('?')} AND scope_id IS NULL ORDER BY name",
        (instance["seq"], instance["seq"]),
    )
    return {row["name"]: variable_value(row, deserialize=bool(deserialize)) for row in rows}


def get_variable(store: Store, request: Request, id: str, name: str, **_: Any) -> dict:
    instance = instance_row(store, id)
    deserialize = boolean(request.params.get("deserializeValue"), "deserializeValue")
    row = _process_variable(store, instance, name)
    if row is None:
        raise RestError(404, f"process instance variable with name {name} does not exist")
    return variable_value(row, deserialize=bool(deserialize))


def put_variable(store: Store, request: Request, id: str, name: str, **_: Any) -> None:
    body = body_of(request)
    with command(store, request) as runtime:
        instance = runtime.instance(id)
        runtime.set_variable(instance, name, body, context=f"Cannot put process instance variable {name}")


def delete_variable(store: Store, request: Request, id: str, name: str, **_: Any) -> None:
    with command(store, request) as runtime:
        runtime.delete_variable(runtime.instance(id), name)


def modify_variables(store: Store, request: Request, id: str, **_: Any) -> None:
    """Set and delete several variables in one transaction: all of it, or none."""
    body = body_of(request)
    modifications = body.get("modifications") or {}
    deletions = body.get("deletions") or []
    if not isinstance(modifications, dict) or not isinstance(deletions, list):
        raise invalid("'modifications' must map names to variables and 'deletions' list names")
    with command(store, request) as runtime:
        instance = runtime.instance(id)
        context = f"Cannot modify variables for process instance {id}"
        for name, dto in modifications.items():
            if not isinstance(dto, dict):
                raise invalid(f"{context}: variable '{name}' must be an object with value and type")
            runtime.set_variable(instance, name, dto, log=False, context=context)
        for name in deletions:
            runtime.delete_variable(instance, name, log=False)
        runtime.log("ModifyVariable", "ProcessInstance", instance=instance)


def variable_data(store: Store, request: Request, id: str, name: str, **_: Any) -> Raw:
    instance = instance_row(store, id)
    row = _process_variable(store, instance, name)
    if row is None:
        raise RestError(404, f"process instance variable with name {name} does not exist")
    return _binary(row)


def _binary(row) -> Raw:
    """A File or Bytes variable's content, with its mime type and file name."""
    if row["type"] not in ("File", "Bytes"):
        raise invalid(f"Value of variable with id {variable_id(row['rowid'])} is not a binary value.")
    info = variable_value(row)["valueInfo"]
    if row["type"] == "Bytes":
        return Raw(row["data"] or b"", "application/octet-stream")
    content_type = info.get("mimeType") or "application/octet-stream"
    if info.get("encoding"):
        content_type += f"; charset={info['encoding']}"
    filename = str(info.get("filename") or row["name"]).replace('"', "")
    return Raw(
        row["data"] or b"", content_type, {"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def set_variable_data(store: Store, request: Request, id: str, name: str, **_: Any) -> None:
    """multipart/form-data: `data` (the file) and optionally `valueType` (File or Bytes)."""
    dto, data = _uploaded(request, name)
    with command(store, request) as runtime:
        instance = runtime.instance(id)
        runtime.set_variable(
            instance, name, dto, data=data, context=f"Cannot put process instance variable {name}"
        )


def _uploaded(request: Request, name: str) -> tuple[dict, bytes]:
    """The variable (type and valueInfo) and the content of a multipart upload."""
    if not request.content_type.startswith("multipart/form-data"):
        raise invalid("The request must be multipart/form-data")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {request.content_type}\r\n\r\n".encode() + request.raw
    )
    parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
    if "data" not in parts:
        raise invalid("No data part in the multipart request")
    data_part = parts["data"]
    data = data_part.get_payload(decode=True) or b""
    value_type = (parts["valueType"].get_content().strip() if "valueType" in parts else "") or "Bytes"
    if value_type not in ("File", "Bytes"):
        raise invalid(f"Unsupported value type '{value_type}' for binary data")
    info = {}
    if value_type == "File":
        info = {
            "filename": data_part.get_filename() or name,
            "mimeType": data_part.get_content_type(),
        }
        charset = data_part.get_content_charset()
        if charset:
            info["encoding"] = charset
    return {"type": value_type, "valueInfo": info}, data


# --- execution-local variables: /execution/{id}/localVariables/... -----------------------------------------


def _execution_scope(runtime, execution_id: str):
    """The instance an execution belongs to, and the scope its local variables live in (None: the
    process instance, whose id is its root execution's)."""
    instance = runtime.find_instance(execution_id)
    if instance is not None:
        return instance, None
    token = runtime.db.execute(
        "SELECT id, instance_id FROM activity_instance WHERE execution_id = ? AND kind = 'activity'",
        (execution_id,),
    ).fetchone()
    if token is None:
        raise RestError(
            500, f"execution {execution_id} doesn't exist: execution is null", "NullValueException"
        )
    return runtime.instance(token["instance_id"]), token["id"]


def put_local_variable(store: Store, request: Request, id: str, name: str, **_: Any) -> None:
    body = body_of(request)
    with command(store, request) as runtime:
        instance, scope_id = _execution_scope(runtime, id)
        runtime.set_variable(
            instance, name, body, scope_id=scope_id, context=f"Cannot put execution variable {name}"
        )


def delete_local_variable(store: Store, request: Request, id: str, name: str, **_: Any) -> None:
    with command(store, request) as runtime:
        instance, scope_id = _execution_scope(runtime, id)
        runtime.delete_variable(instance, name, scope_id=scope_id)


def set_local_variable_data(store: Store, request: Request, id: str, name: str, **_: Any) -> None:
    dto, data = _uploaded(request, name)
    with command(store, request) as runtime:
        instance, scope_id = _execution_scope(runtime, id)
        runtime.set_variable(
            instance, name, dto, scope_id=scope_id, data=data, context=f"Cannot put execution variable {name}"
        )


def _variable_instance_filters(params: dict[str, Any]) -> Filters:
    f = Filters(params)
    f.equal("variableName", "v.name")
    f.like("variableNameLike", "v.name")
    f.among("processInstanceIdIn", "i.id")
    f.among("activityInstanceIdIn", "COALESCE(v.scope_id, i.id)")
    f.among("variableTypeIn", "v.type")
    f.among("tenantIdIn", "i.tenant_id")
    f.among("processDefinitionIdIn", "i.definition_id")
    return f


_VARIABLE_INSTANCE = (
    "SELECT v.rowid AS rowid, v.*, i.id AS instance_id, i.definition_id, i.tenant_id,"
    " (SELECT a.execution_id FROM activity_instance a WHERE a.id = v.scope_id) AS execution_id"
)


def list_variable_instances(store: Store, request: Request, **_: Any) -> list:
    params = request.params
    f = _variable_instance_filters(params)
    deserialize = bool(boolean(params.get("deserializeValues"), "deserializeValues"))
    sql = (
        f"{_VARIABLE_INSTANCE} FROM instance i JOIN variable v NOT INDEXED ON {variables_of('i.seq')}{f.where()}"
        f"{order(sorting_from_params(params), VARIABLE_INSTANCE_SORTS, 'v.rowid ASC')}{paging(params)}"
    )
    return [_variable_instance_dto(row, deserialize) for row in store.db().execute(sql, f.args)]


def _variable_instance_dto(row, deserialize: bool) -> dict:
    return {
        "id": variable_id(row["rowid"]),
        "name": row["name"],
        **variable_value(row, deserialize=deserialize),
        "processDefinitionId": row["definition_id"],
        "processInstanceId": row["instance_id"],
        "executionId": row["execution_id"] or row["instance_id"],
        "caseInstanceId": None,
        "caseExecutionId": None,
        "taskId": None,
        "batchId": None,
        "activityInstanceId": row["scope_id"] or row["instance_id"],
        "tenantId": row["tenant_id"],
        "errorMessage": None,
    }


def _variable_instance_row(store: Store, variable: str):
    try:
        rowid = (
            int(variable.rsplit("-", 1)[-1], 16) if variable.startswith("00000000-0000-4000-8000-") else -1
        )
    except ValueError:
        rowid = -1
    row = (
        store.db()
        .execute(
            f"{_VARIABLE_INSTANCE} FROM variable v JOIN instance i ON i.seq = v.instance_seq WHERE v.rowid = ?",
            (rowid,),
        )
        .fetchone()
    )
    if row is None:
        raise RestError(404, f"Variable instance with Id '{variable}' does not exist.")
    return row


def get_variable_instance(store: Store, request: Request, id: str, **_: Any) -> dict:
    deserialize = bool(boolean(request.params.get("deserializeValue"), "deserializeValue"))
    return _variable_instance_dto(_variable_instance_row(store, id), deserialize)


def variable_instance_data(store: Store, request: Request, id: str, **_: Any) -> Raw:
    return _binary(_variable_instance_row(store, id))


def count_variable_instances(store: Store, request: Request, **_: Any) -> dict:
    f = _variable_instance_filters(request.params)
    return count_of(
        store,
        f"SELECT COUNT(*) FROM instance i JOIN variable v NOT INDEXED ON {variables_of('i.seq')}{f.where()}",
        f.args,
    )
