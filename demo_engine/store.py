"""The demo engine's state: SQLite with indexes, so a million instances page as fast as a thousand.

Runtime tables hold what is running now (instances, the activity instance tree, variables,
jobs, incidents, batches); history tables hold what was (finished instances, the path taken,
removed variables, the user operation log). Every write runs in one transaction under one
lock, so a failed operation changes nothing.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE definition (
    id TEXT PRIMARY KEY, key TEXT NOT NULL, name TEXT, version INTEGER NOT NULL, tenant_id TEXT,
    suspended INTEGER NOT NULL DEFAULT 0, deployment_id TEXT, resource TEXT, xml TEXT NOT NULL
);
CREATE TABLE deployment (
    id TEXT PRIMARY KEY, name TEXT, source TEXT, deployment_time TEXT NOT NULL, tenant_id TEXT
);
CREATE TABLE resource (
    id TEXT PRIMARY KEY, deployment_id TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL
);
CREATE TABLE instance (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL, definition_id TEXT NOT NULL, definition_key TEXT NOT NULL,
    business_key TEXT, tenant_id TEXT, suspended INTEGER NOT NULL DEFAULT 0, start_time TEXT NOT NULL,
    super_instance_id TEXT, super_activity_instance_id TEXT, root_instance_id TEXT NOT NULL
);
CREATE TABLE activity_instance (
    id TEXT NOT NULL, instance_seq INTEGER NOT NULL, instance_id TEXT NOT NULL, parent_id TEXT NOT NULL,
    activity_id TEXT NOT NULL, activity_type TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('activity', 'transition')),
    execution_id TEXT NOT NULL, start_time TEXT NOT NULL, leaf INTEGER NOT NULL, sub_instance_id TEXT
);
-- Kept lean, for a million instances with a dozen variables each. The rowid is
-- instance_seq * VARIABLE_SLOTS + a slot, so an instance's variables are one rowid range (no index
-- to build or keep); the id derives from the rowid; a NULL scope means the process instance itself.
CREATE TABLE variable (
    instance_seq INTEGER NOT NULL, scope_id TEXT, name TEXT NOT NULL, type TEXT NOT NULL, value TEXT,
    value_info TEXT, number REAL, text TEXT, data BLOB, create_time TEXT
);
CREATE TABLE incident (
    id TEXT NOT NULL, instance_seq INTEGER NOT NULL, instance_id TEXT NOT NULL, definition_id TEXT NOT NULL,
    activity_id TEXT NOT NULL, type TEXT NOT NULL, message TEXT, timestamp TEXT NOT NULL, job_id TEXT,
    annotation TEXT, execution_id TEXT, cause_id TEXT NOT NULL, root_cause_id TEXT NOT NULL, tenant_id TEXT
);
CREATE TABLE job (
    id TEXT NOT NULL, instance_id TEXT, definition_id TEXT, definition_key TEXT, activity_id TEXT,
    execution_id TEXT, type TEXT NOT NULL, retries INTEGER NOT NULL, exception_message TEXT, stacktrace TEXT,
    due_date TEXT, create_time TEXT NOT NULL, suspended INTEGER NOT NULL DEFAULT 0, job_definition_id TEXT,
    batch_id TEXT, batch_item INTEGER, tenant_id TEXT
);
-- What users changed on a user task (tasks themselves derive from activity instances: api/tasks.py).
CREATE TABLE task_change (task_id TEXT PRIMARY KEY, assignee TEXT, links_changed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE task_link (task_id TEXT NOT NULL, type TEXT NOT NULL, user_id TEXT, group_id TEXT);
CREATE INDEX task_link_task ON task_link (task_id);
CREATE TABLE external_task (
    id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, execution_id TEXT NOT NULL, activity_id TEXT NOT NULL,
    activity_instance_id TEXT, topic TEXT NOT NULL, worker_id TEXT, lock_expiration TEXT, retries INTEGER,
    error_message TEXT, error_details TEXT, priority INTEGER NOT NULL DEFAULT 0, definition_id TEXT,
    definition_key TEXT, tenant_id TEXT, business_key TEXT
);
CREATE INDEX external_task_instance ON external_task (instance_id);
-- What users changed on a job definition (they derive from the models: api/jobs.py).
CREATE TABLE job_definition_change (id TEXT PRIMARY KEY, suspended INTEGER NOT NULL, priority INTEGER);
CREATE TABLE history_instance (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL, business_key TEXT, definition_id TEXT NOT NULL,
    definition_key TEXT NOT NULL, definition_name TEXT, definition_version INTEGER, start_time TEXT NOT NULL,
    end_time TEXT, state TEXT NOT NULL, delete_reason TEXT, super_instance_id TEXT, root_instance_id TEXT,
    tenant_id TEXT, start_activity_id TEXT,
    seed_wait TEXT -- seeded instances: where they waited when seeded, which implies the path before
);
-- Lean too: instance, definition and tenant come from history_instance by instance_seq, names from
-- the model; a NULL id is a seeded step whose id derives from the rowid, a NULL parent the instance.
CREATE TABLE history_activity (
    id TEXT, instance_seq INTEGER NOT NULL, parent_id TEXT, activity_id TEXT NOT NULL, activity_type TEXT NOT NULL,
    execution_id TEXT, called_instance_id TEXT, start_time TEXT NOT NULL, end_time TEXT,
    canceled INTEGER NOT NULL DEFAULT 0, complete_scope INTEGER NOT NULL DEFAULT 0
);
-- The activities a seeded instance passed before it waited where it was seeded (see seeding.PATHS).
CREATE TABLE seed_path (
    key TEXT NOT NULL, wait TEXT NOT NULL, step INTEGER NOT NULL, activity_id TEXT NOT NULL, activity_type TEXT NOT NULL,
    PRIMARY KEY (key, wait, step)
) WITHOUT ROWID;
-- Every step of the path taken: stored ones, and those a seeded instance implies. `n` orders and identifies.
CREATE VIEW history_step AS
SELECT rowid AS n, id, instance_seq, parent_id, activity_id, activity_type, execution_id, called_instance_id,
       start_time, end_time, canceled, complete_scope
FROM history_activity
UNION ALL
SELECT -(h.seq * 64 + p.step), NULL, h.seq, NULL, p.activity_id, p.activity_type, NULL, NULL,
       strftime('%Y-%m-%dT%H:%M:%S', substr(h.start_time, 1, 19), printf('%+d minutes', p.step)) || '.000+0000',
       strftime('%Y-%m-%dT%H:%M:%S', substr(h.start_time, 1, 19), printf('%+d minutes', p.step), '+30 seconds') || '.000+0000',
       0, p.activity_type = 'endEvent'
FROM history_instance h JOIN seed_path p ON p.key = h.definition_key AND p.wait = h.seed_wait;
CREATE TABLE history_variable (
    id TEXT NOT NULL, instance_id TEXT NOT NULL, scope_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    value TEXT, value_info TEXT, create_time TEXT, state TEXT NOT NULL, definition_id TEXT, definition_key TEXT,
    number REAL, text TEXT
);
-- What a process instance's own variables were when it started, for a restart with its initial
-- variables: copied on a variable's first change or removal (added = 0), or marked as added later
-- (added = 1); a variable never touched since the start has no row, its value now is its first.
CREATE TABLE initial_variable (
    instance_seq INTEGER NOT NULL, name TEXT NOT NULL, added INTEGER NOT NULL, type TEXT, value TEXT,
    value_info TEXT, number REAL, text TEXT, data BLOB, PRIMARY KEY (instance_seq, name)
) WITHOUT ROWID;
CREATE TABLE user_operation (
    id TEXT PRIMARY KEY, operation_id TEXT NOT NULL, operation_type TEXT NOT NULL, entity_type TEXT NOT NULL,
    category TEXT, property TEXT, org_value TEXT, new_value TEXT, user_id TEXT, timestamp TEXT NOT NULL,
    definition_id TEXT, definition_key TEXT, instance_id TEXT, execution_id TEXT, job_id TEXT, batch_id TEXT,
    annotation TEXT
);
CREATE TABLE batch (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, total_jobs INTEGER NOT NULL, seed_job_definition_id TEXT,
    monitor_job_definition_id TEXT, batch_job_definition_id TEXT, suspended INTEGER NOT NULL DEFAULT 0,
    tenant_id TEXT, create_user_id TEXT, start_time TEXT NOT NULL, execution_start_time TEXT, end_time TEXT,
    running INTEGER NOT NULL DEFAULT 1, payload TEXT NOT NULL
);
CREATE TABLE batch_item (
    batch_id TEXT NOT NULL, seq INTEGER NOT NULL, target TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')), PRIMARY KEY (batch_id, seq)
) WITHOUT ROWID;
"""

# Built after the bulk load: cheaper than keeping them up to date row by row.
INDEXES = """
CREATE UNIQUE INDEX instance_id ON instance (id);
CREATE INDEX instance_business_key ON instance (business_key);
CREATE INDEX instance_definition ON instance (definition_id, seq);
CREATE INDEX instance_definition_key ON instance (definition_key, seq);
CREATE INDEX instance_suspended ON instance (suspended, seq);
CREATE INDEX instance_super ON instance (super_instance_id) WHERE super_instance_id IS NOT NULL;
CREATE UNIQUE INDEX activity_instance_id ON activity_instance (id);
CREATE INDEX activity_instance_instance ON activity_instance (instance_seq);
CREATE INDEX activity_instance_execution ON activity_instance (execution_id);
CREATE INDEX activity_instance_leaf ON activity_instance (activity_id, instance_seq) WHERE leaf = 1;
-- Instance queries filter on global variables (NULL scope): these cover them, and only them
-- (scope_id is listed so that SQLite sees the index as covering).
CREATE INDEX variable_number ON variable (name, number, instance_seq, scope_id) WHERE number IS NOT NULL AND scope_id IS NULL;
CREATE INDEX variable_text ON variable (name, text, instance_seq, scope_id) WHERE text IS NOT NULL AND scope_id IS NULL;
CREATE UNIQUE INDEX incident_id ON incident (id);
CREATE INDEX incident_instance ON incident (instance_id);
CREATE INDEX incident_execution ON incident (execution_id);
CREATE INDEX incident_job ON incident (job_id);
CREATE INDEX incident_type ON incident (type, instance_seq);
CREATE INDEX incident_root_cause ON incident (root_cause_id);
CREATE UNIQUE INDEX job_id ON job (id);
CREATE INDEX job_instance ON job (instance_id);
CREATE INDEX job_execution ON job (execution_id);
CREATE INDEX job_batch ON job (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX job_definition ON job (job_definition_id);
CREATE UNIQUE INDEX history_instance_id ON history_instance (id);
CREATE INDEX history_instance_definition_key ON history_instance (definition_key, seq);
CREATE INDEX history_instance_business_key ON history_instance (business_key);
CREATE INDEX history_instance_super ON history_instance (super_instance_id) WHERE super_instance_id IS NOT NULL;
CREATE INDEX history_activity_instance ON history_activity (instance_seq, start_time);
CREATE INDEX history_variable_instance ON history_variable (instance_id, name);
CREATE INDEX user_operation_instance ON user_operation (instance_id, timestamp);
CREATE INDEX user_operation_batch ON user_operation (batch_id);
CREATE INDEX batch_running ON batch (running, start_time);
"""


VARIABLE_SLOTS = 65536


def variables_of(seq: str, alias: str = "v") -> str:
    """SQL: the variable rows of the instance with this sequence number (an SQL expression)."""
    return f"{alias}.rowid BETWEEN ({seq}) * {VARIABLE_SLOTS} AND ({seq}) * {VARIABLE_SLOTS} + {VARIABLE_SLOTS - 1}"


def engine_date(moment: datetime) -> str:
    """The engine's date format: yyyy-MM-dd'T'HH:mm:ss.SSSZ."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def parse_engine_date(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def new_id() -> str:
    return str(uuid.uuid4())


class Store:
    """Thread-safe: one connection per thread, writes serialised by one lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self.write_lock = threading.RLock()

    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, check_same_thread=False, timeout=30, isolation_level=None)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute("PRAGMA cache_size=-65536")
            # LIKE as the engine's databases do it: case-sensitive, and so able to use an index.
            connection.execute("PRAGMA case_sensitive_like=ON")
            self._local.connection = connection
        return connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One engine command: everything it wrote, or nothing when it raised."""
        with self.write_lock:
            db = self.db()
            if db.in_transaction:  # nested: the outer command owns the transaction
                yield db
                return
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def bulk_load(self) -> Iterator[sqlite3.Connection]:
        """A new database filled in one go: the tables, then the rows (one transaction), then the indexes."""
        db = self.db()
        # A bulk load needs no journal (a failed one is thrown away whole), and memory to sort indexes in.
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA cache_size=-1048576")
        db.execute("PRAGMA temp_store=MEMORY")
        db.execute("PRAGMA threads=4")
        db.executescript(SCHEMA)
        with self.transaction():
            yield db
        db.executescript(INDEXES)
        db.execute("PRAGMA analysis_limit=1000")
        db.execute("ANALYZE")
        db.execute("PRAGMA cache_size=-65536")
        db.execute("PRAGMA journal_mode=WAL")
