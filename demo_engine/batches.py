"""Batches: asynchronous operations on many instances, run item by item in the background.

As in the engine, a batch has one batch job per item (one invocation per job here); a failed
item becomes a failed job with the error as its exception, stays counted in `remainingJobs`
and runs again when its retries are set. A batch whose jobs are all done leaves `/batch` and
stays in `/history/batch` with its end time.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from typing import Any

from demo_engine import migration
from demo_engine.errors import RestError, invalid
from demo_engine.runtime import Runtime
from demo_engine.store import Store, new_id

log = logging.getLogger("demo_engine")
TICK_SECONDS = 0.1
# Whatever its size, a batch is worked off in about this many ticks: a few seconds to watch.
TICKS_PER_BATCH = 25
JOBS_PER_SEED = 100
# The operation log entry each batch type writes when it is created.
OPERATIONS = {
    "instance-deletion": ("Delete", "ProcessInstance"),
    "instance-update-suspension-state": (None, "ProcessInstance"),
    "set-variables": ("SetVariables", "ProcessInstance"),
    "set-job-retries": ("SetJobRetries", "Job"),
    "instance-modification": ("ModifyProcessInstance", "ProcessInstance"),
    "instance-migration": ("Migrate", "ProcessInstance"),
    "instance-restart": ("RestartProcessInstance", "ProcessInstance"),
    "historic-instance-deletion": ("Delete", "ProcessInstance"),
}


def create_batch(store: Store, user: str | None, batch_type: str, targets: list[str], payload: dict) -> dict:
    """A batch of one job per target, created by `user` (the authenticated one, if any)."""
    batch_id = new_id()
    with store.transaction() as db:
        runtime = Runtime(db, user=user)
        db.execute(
            "INSERT INTO batch VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, NULL, NULL, 1, ?)",
            (batch_id, batch_type, len(targets), new_id(), new_id(), new_id(), user, runtime.stamp,
             json.dumps(payload)),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO batch_item VALUES (?, ?, ?, 'pending')",
            [(batch_id, seq, target) for seq, target in enumerate(targets)],
        )
        operation, entity = OPERATIONS[batch_type]
        if operation is None:
            operation = "Suspend" if payload.get("suspended") else "Activate"
        properties: dict[str, Any] = {"nrOfInstances": len(targets), "async": True}
        if payload.get("deleteReason"):
            properties["deleteReason"] = payload["deleteReason"]
        if "retries" in payload:
            properties["retries"] = payload["retries"]
        runtime.log(
            operation, entity, batch_id=batch_id, properties=properties, annotation=payload.get("annotation")
        )
        return batch_dto(db.execute("SELECT * FROM batch WHERE id = ?", (batch_id,)).fetchone())


def batch_dto(row, *, counts: dict[str, int] | None = None, historic: bool = False) -> dict:
    dto = {
        "id": row["id"],
        "type": row["type"],
        "totalJobs": row["total_jobs"],
        "batchJobsPerSeed": JOBS_PER_SEED,
        "invocationsPerBatchJob": 1,
        "seedJobDefinitionId": row["seed_job_definition_id"],
        "monitorJobDefinitionId": row["monitor_job_definition_id"],
        "batchJobDefinitionId": row["batch_job_definition_id"],
        "tenantId": row["tenant_id"],
        "createUserId": row["create_user_id"],
        "startTime": row["start_time"],
        "executionStartTime": row["execution_start_time"],
    }
    if historic:
        return {**dto, "endTime": row["end_time"], "removalTime": None}
    dto.update(jobsCreated=row["total_jobs"], suspended=bool(row["suspended"]))
    if counts is not None:
        dto.update(
            remainingJobs=counts.get("pending", 0) + counts.get("failed", 0),
            completedJobs=counts.get("done", 0),
            failedJobs=counts.get("failed", 0),
        )
    return dto


def apply(runtime: Runtime, batch_type: str, target: str, payload: dict) -> None:
    """One batch job: the operation on one instance (or job)."""
    if batch_type == "instance-deletion":
        runtime.delete_instance(
            target,
            reason=payload.get("deleteReason"),
            skip_subprocesses=payload.get("skipSubprocesses", False),
        )
    elif batch_type == "instance-update-suspension-state":
        runtime.set_suspended(target, bool(payload["suspended"]))
    elif batch_type == "set-variables":
        instance = runtime.instance(target)
        for name, dto in payload["variables"].items():
            runtime.set_variable(instance, name, dto, log=False)
    elif batch_type == "set-job-retries":
        runtime.set_job_retries(target, payload["retries"], due_date=payload.get("dueDate"), log=False)
    elif batch_type == "instance-modification":
        instance = runtime.instance(target)
        definition_id = payload.get("processDefinitionId")
        if definition_id and instance["definition_id"] != definition_id:
            raise invalid(
                f"Process instance '{target}' does not belong to process definition '{definition_id}'"
            )
        runtime.modify(target, payload["instructions"], annotation=payload.get("annotation"))
    elif batch_type == "instance-migration":
        resolved = migration.resolve(runtime.db, payload["migrationPlan"])
        migration.migrate(runtime, target, resolved)
    elif batch_type == "instance-restart":
        definition = runtime.db.execute(
            "SELECT * FROM definition WHERE id = ?", (payload["processDefinitionId"],)
        ).fetchone()
        runtime.restart(definition, target, payload)
    elif batch_type == "historic-instance-deletion":
        runtime.delete_history(target)
    else:  # pragma: no cover - every type created above is handled
        raise RestError(500, f"Unknown batch type {batch_type}", "ProcessEngineException")


class BatchRunner(threading.Thread):
    """The engine's job executor for batch jobs: a few items of every running batch each tick."""

    def __init__(self, store: Store) -> None:
        super().__init__(name="demo-engine-batches", daemon=True)
        self.store = store
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(TICK_SECONDS):
            try:
                self.step()
            except Exception:  # keep running: a broken batch must not stop the others
                log.exception("batch runner step failed")

    def stop(self) -> None:
        self.stopped.set()

    def step(self) -> None:
        running = (
            self.store.db()
            .execute("SELECT id FROM batch WHERE running = 1 AND suspended = 0 ORDER BY start_time")
            .fetchall()
        )
        for (batch_id,) in running:
            self.advance(batch_id)

    def advance(self, batch_id: str) -> None:
        with self.store.transaction() as db:
            batch = db.execute("SELECT * FROM batch WHERE id = ? AND running = 1", (batch_id,)).fetchone()
            if batch is None or batch["suspended"]:
                return
            runtime = Runtime(db, user=batch["create_user_id"])
            if batch["execution_start_time"] is None:
                db.execute(
                    "UPDATE batch SET execution_start_time = ? WHERE id = ?", (runtime.stamp, batch_id)
                )
            payload = json.loads(batch["payload"])
            chunk = max(1, math.ceil(batch["total_jobs"] / TICKS_PER_BATCH))
            items = db.execute(
                "SELECT seq, target FROM batch_item WHERE batch_id = ? AND state = 'pending' ORDER BY seq LIMIT ?",
                (batch_id, chunk),
            ).fetchall()
            for seq, target in items:
                db.execute("SAVEPOINT item")
                try:
                    apply(runtime, batch["type"], target, payload)
                except RestError as error:
                    db.execute("ROLLBACK TO item")
                    db.execute("RELEASE item")
                    self._fail(runtime, batch, seq, error)
                    continue
                db.execute("RELEASE item")
                db.execute(
                    "UPDATE batch_item SET state = 'done' WHERE batch_id = ? AND seq = ?", (batch_id, seq)
                )
            left = db.execute(
                "SELECT COUNT(*) FROM batch_item WHERE batch_id = ? AND state != 'done'", (batch_id,)
            ).fetchone()[0]
            if not left:
                db.execute(
                    "UPDATE batch SET running = 0, end_time = ? WHERE id = ?", (runtime.stamp, batch_id)
                )

    @staticmethod
    def _fail(runtime: Runtime, batch, seq: int, error: RestError) -> None:
        runtime.db.execute(
            "UPDATE batch_item SET state = 'failed' WHERE batch_id = ? AND seq = ?", (batch["id"], seq)
        )
        trace = f"org.camunda.bpm.engine.{error.exception_type}: {error.message}\n\tat org.camunda.bpm.engine.impl.batch.BatchJobHandler.execute(BatchJobHandler.java:58)"
        runtime.db.execute(
            "INSERT INTO job VALUES (?, NULL, NULL, NULL, NULL, NULL, 'batch', 0, ?, ?, NULL, ?, 0, ?, ?, ?, NULL)",
            (
                new_id(),
                error.message,
                trace,
                runtime.stamp,
                batch["batch_job_definition_id"],
                batch["id"],
                seq,
            ),
        )
