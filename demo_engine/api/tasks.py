"""User tasks, as Camunda 7.24's /task endpoints serve them.

A task is there while a token waits in a user task (an activity instance of one): it is derived from
the activity instance tree rather than stored beside it, so seeding, modification and cancellation
create and remove tasks without knowing of them. Its id is the waiting execution's. What users
changed (assignee, candidate links) is kept in task_change and task_link.
"""

from __future__ import annotations

import sqlite3
import zlib
from datetime import timedelta
from typing import Any

from demo_engine.api.common import Filters, Request, body_of, command, paging
from demo_engine.errors import RestError, invalid
from demo_engine.models import MODELS
from demo_engine.store import Store, engine_date, parse_engine_date

# Who may pick up each seeded task until a user changes it, by activity (the models' BPMN names none).
CANDIDATE_GROUPS = {
    "check_stock": ("warehouse",),
    "pack": ("warehouse",),
    "ship": ("logistics",),
    "review": ("credit-officers",),
    "sign": ("credit-officers", "notaries"),
    "reject": ("credit-officers",),
    "assess": ("risk-analysts",),
}
CANDIDATE_USERS = {"review": ("peter",)}
# Seeded assignees: most tasks were picked up, one in four waits for someone to take it.
ASSIGNEES = ("mary", "peter", "john", None)
DUE_AFTER = timedelta(days=3)

TASKS = """
SELECT a.execution_id AS id, a.activity_id, a.start_time, a.instance_id, i.definition_id,
       i.definition_key, i.tenant_id, i.suspended, c.task_id IS NOT NULL AS changed, c.assignee,
       c.links_changed
FROM activity_instance a JOIN instance i ON i.seq = a.instance_seq
LEFT JOIN task_change c ON c.task_id = a.execution_id
WHERE a.activity_type = 'userTask' AND a.kind = 'activity'"""


def _seeded_assignee(task_id: str) -> str | None:
    return ASSIGNEES[zlib.crc32(task_id.encode()) % len(ASSIGNEES)]


def task_dto(row: sqlite3.Row) -> dict:
    # delegationState and camundaFormRef are left out when unset: the spec does not allow them null.
    model = MODELS.get(row["definition_key"])
    node = model.find(row["activity_id"]) if model else None
    created = row["start_time"]
    return {
        "id": row["id"],
        "name": node.name if node else row["activity_id"],
        "assignee": row["assignee"] if row["changed"] else _seeded_assignee(row["id"]),
        "owner": None,
        "created": created,
        "lastUpdated": None,
        "due": engine_date(parse_engine_date(created) + DUE_AFTER),
        "followUp": None,
        "description": None,
        "executionId": row["id"],
        "parentTaskId": None,
        "priority": 50,
        "processDefinitionId": row["definition_id"],
        "processInstanceId": row["instance_id"],
        "caseExecutionId": None,
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "taskDefinitionKey": row["activity_id"],
        "suspended": bool(row["suspended"]),
        "formKey": None,
        "tenantId": row["tenant_id"],
        "taskState": "Updated" if row["changed"] else "Created",  # 7.24 sends it; the 7.22 spec has it not
    }


def list_tasks(store: Store, request: Request, **_: Any) -> list:
    f = Filters(request.params)
    f.equal("processInstanceId", "a.instance_id")
    f.equal("taskDefinitionKey", "a.activity_id")
    f.equal("executionId", "a.execution_id")
    f.equal("taskId", "a.execution_id")
    by, direction = request.params.get("sortBy"), request.params.get("sortOrder", "asc")
    if by not in (None, "created") or direction not in ("asc", "desc"):
        raise invalid(f"Cannot set query parameter 'sortBy' to value '{by}'")
    where = (" AND " + " AND ".join(f.clauses)) if f.clauses else ""
    sql = f"{TASKS}{where} ORDER BY a.start_time {direction.upper()}, a.rowid{paging(request.params)}"
    return [task_dto(row) for row in store.db().execute(sql, f.args)]


def _task_row(db: sqlite3.Connection, task_id: str) -> sqlite3.Row | None:
    return db.execute(f"{TASKS} AND a.execution_id = ?", (task_id,)).fetchone()


def get_task(store: Store, request: Request, id: str, **_: Any) -> dict:
    row = _task_row(store.db(), id)
    if row is None:
        raise RestError(404, f"No matching task with id {id}")
    return task_dto(row)


def _links(db: sqlite3.Connection, row: sqlite3.Row) -> list[dict]:
    if row["links_changed"]:
        stored = db.execute("SELECT * FROM task_link WHERE task_id = ? ORDER BY rowid", (row["id"],))
        return [
            {"userId": link["user_id"], "groupId": link["group_id"], "type": link["type"]} for link in stored
        ]
    activity = row["activity_id"]
    return [
        *(
            {"userId": user, "groupId": None, "type": "candidate"}
            for user in CANDIDATE_USERS.get(activity, ())
        ),
        *(
            {"userId": None, "groupId": group, "type": "candidate"}
            for group in CANDIDATE_GROUPS.get(activity, ())
        ),
    ]


def identity_links(store: Store, request: Request, id: str, **_: Any) -> list:
    db = store.db()
    row = _task_row(db, id)
    if row is None:
        raise RestError(404, f"No task found for task id {id}")
    links = _links(db, row)
    if row["assignee"] if row["changed"] else _seeded_assignee(row["id"]):
        assignee = row["assignee"] if row["changed"] else _seeded_assignee(row["id"])
        links.insert(0, {"userId": assignee, "groupId": None, "type": "assignee"})
    wanted = request.params.get("type")
    return [link for link in links if wanted is None or link["type"] == wanted]


def _changing(db: sqlite3.Connection, task_id: str) -> sqlite3.Row:
    """The task about to change, its seeded state written down first so that the change starts from it."""
    row = _task_row(db, task_id)
    if row is None:  # as Camunda 7.24 refuses a change to no task
        raise RestError(400, f"Cannot find task with id {task_id}: task is null", "NotFoundException")
    if not row["changed"]:
        db.execute("INSERT INTO task_change VALUES (?, ?, 0)", (task_id, _seeded_assignee(task_id)))
    changed = _task_row(db, task_id)
    assert changed is not None  # in the same transaction as the row just read
    return changed


def set_assignee(store: Store, request: Request, id: str, **_: Any) -> None:
    user = body_of(request).get("userId")
    if user is not None and not isinstance(user, str):
        raise invalid("userId must be a string")
    with command(store, request) as runtime:
        row = _changing(runtime.db, id)
        runtime.db.execute("UPDATE task_change SET assignee = ? WHERE task_id = ?", (user, id))
        instance = runtime.instance(row["instance_id"])
        runtime.log("Assign", "Task", instance=instance, properties={"assignee": user})


def _link_of(request: Request) -> tuple[str | None, str | None, str]:
    body = body_of(request)
    user, group, kind = body.get("userId"), body.get("groupId"), body.get("type")
    if not isinstance(kind, str) or not kind:
        raise invalid("Identity link type must be set")
    if (user is None) == (group is None):
        raise invalid("Identity link needs either a user id or a group id")
    for value in (user, group):
        if value is not None and not isinstance(value, str):
            raise invalid("Identity link user and group ids are strings")
    return user, group, kind


def _change_links(store: Store, request: Request, task_id: str, *, add: bool) -> None:
    user, group, kind = _link_of(request)
    with command(store, request) as runtime:
        db = runtime.db
        row = _changing(db, task_id)
        if not row["links_changed"]:
            for link in _links(db, row):
                db.execute(
                    "INSERT INTO task_link VALUES (?, ?, ?, ?)",
                    (task_id, link["type"], link["userId"], link["groupId"]),
                )
            db.execute("UPDATE task_change SET links_changed = 1 WHERE task_id = ?", (task_id,))
        same = "task_id = ? AND type = ? AND user_id IS ? AND group_id IS ?"
        db.execute(f"DELETE FROM task_link WHERE {same}", (task_id, kind, user, group))
        if add:
            db.execute("INSERT INTO task_link VALUES (?, ?, ?, ?)", (task_id, kind, user, group))
        operation = ("Add" if add else "Delete") + ("UserLink" if user else "GroupLink")
        properties = {kind: user or group}
        runtime.log(
            operation, "IdentityLink", instance=runtime.instance(row["instance_id"]), properties=properties
        )


def add_identity_link(store: Store, request: Request, id: str, **_: Any) -> None:
    _change_links(store, request, id, add=True)


def delete_identity_link(store: Store, request: Request, id: str, **_: Any) -> None:
    _change_links(store, request, id, add=False)
