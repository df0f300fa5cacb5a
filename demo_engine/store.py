"""The demo engine's state: SQLite with indexes, so a million instances page as fast as a thousand."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from demo_engine.models import MODELS, ProcessModel

SCHEMA = """
CREATE TABLE definition (
    id TEXT PRIMARY KEY, key TEXT NOT NULL, name TEXT, version INTEGER NOT NULL, tenant_id TEXT,
    suspended INTEGER NOT NULL DEFAULT 0, deployment_id TEXT, resource TEXT, xml TEXT NOT NULL
);
CREATE TABLE instance (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, definition_id TEXT NOT NULL, definition_key TEXT NOT NULL,
    business_key TEXT, tenant_id TEXT, suspended INTEGER NOT NULL DEFAULT 0, start_time TEXT NOT NULL
);
CREATE INDEX instance_business_key ON instance (business_key);
CREATE INDEX instance_definition ON instance (definition_id, seq);
CREATE INDEX instance_definition_key ON instance (definition_key, seq);
CREATE INDEX instance_suspended ON instance (suspended, seq);
CREATE TABLE token (
    id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, activity_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('activity', 'transition'))
);
CREATE INDEX token_instance ON token (instance_id);
CREATE INDEX token_activity ON token (activity_id, instance_id);
CREATE TABLE variable (
    instance_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, value TEXT, value_info TEXT,
    number REAL, text TEXT, data BLOB, PRIMARY KEY (instance_id, name)
);
CREATE INDEX variable_number ON variable (name, number);
CREATE INDEX variable_text ON variable (name, text);
CREATE TABLE incident (
    id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, definition_id TEXT NOT NULL, activity_id TEXT NOT NULL,
    type TEXT NOT NULL, message TEXT, timestamp TEXT NOT NULL, job_id TEXT, annotation TEXT, execution_id TEXT
);
CREATE INDEX incident_instance ON incident (instance_id);
CREATE INDEX incident_type ON incident (type, instance_id);
CREATE TABLE job (
    id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, definition_id TEXT NOT NULL, definition_key TEXT NOT NULL,
    activity_id TEXT NOT NULL, retries INTEGER NOT NULL, exception_message TEXT, stacktrace TEXT,
    create_time TEXT NOT NULL, execution_id TEXT
);
CREATE INDEX job_instance ON job (instance_id);
"""

FAILURES = (
    ("Payment provider timed out after 30000 ms", "java.net.SocketTimeoutException: Read timed out"),
    ("Card declined: insufficient funds", "com.example.payment.CardDeclinedException: insufficient funds"),
    (
        "Scoring service answered 503",
        "org.springframework.web.client.HttpServerErrorException: 503 Service Unavailable",
    ),
)
CUSTOMERS = (
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Edsger Dijkstra",
    "Barbara Liskov",
    "Donald Knuth",
)


def engine_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


class Store:
    """Thread-safe: one connection per thread, writes serialised by one lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self.write_lock = threading.Lock()

    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            self._local.connection = connection
        return connection

    def seed(self, *, instances: int, seed: int) -> None:
        db = self.db()
        db.executescript(SCHEMA)
        rng = random.Random(seed)
        now = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
        definitions = []
        for model in MODELS:
            for version in (1, 2) if model.key == "order" else (1,):
                definition_id = f"{model.key}:{version}:{_uuid(rng)}"
                definitions.append((definition_id, model))
                db.execute(
                    "INSERT INTO definition VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)",
                    (
                        definition_id,
                        model.key,
                        model.name,
                        version,
                        None,
                        _uuid(rng),
                        f"{model.key}.bpmn",
                        model.to_xml(),
                    ),
                )
        tenant_definition = f"loan:1:{_uuid(rng)}"
        db.execute(
            "INSERT INTO definition VALUES (?, 'loan', ?, 1, 'acme', 0, ?, 'loan.bpmn', ?)",
            (tenant_definition, "Loan application", _uuid(rng), MODELS[1].to_xml()),
        )
        definitions.append((tenant_definition, MODELS[1]))

        rows, tokens, variables, incidents, jobs = [], [], [], [], []
        for n in range(instances):
            definition_id, model = definitions[n % len(definitions)]
            instance_id = _uuid(rng)
            tenant = "acme" if definition_id == tenant_definition else None
            started = now + timedelta(minutes=n)
            rows.append(
                (
                    n,
                    instance_id,
                    definition_id,
                    model.key,
                    f"{model.key.upper()}-{10000 + n}",
                    tenant,
                    int(rng.random() < 0.05),
                    engine_date(started),
                )
            )
            for activity in _waiting(model, rng):
                node = model.node(activity)
                kind = "transition" if node.type == "serviceTask" else "activity"
                token_id = f"{activity}:{_uuid(rng)}"
                tokens.append((token_id, instance_id, activity, kind))
                if node.type == "serviceTask":
                    failed = node.fails and rng.random() < 0.3
                    message, trace = FAILURES[rng.randrange(len(FAILURES))]
                    job_id = _uuid(rng)
                    jobs.append(
                        (
                            job_id,
                            instance_id,
                            definition_id,
                            model.key,
                            activity,
                            0 if failed else 3,
                            message if failed else None,
                            f"{trace}\n\tat com.example.demo.Delegate.execute(Delegate.java:42)"
                            if failed
                            else None,
                            engine_date(started),
                            token_id,
                        )
                    )
                    if failed:
                        incidents.append(
                            (
                                _uuid(rng),
                                instance_id,
                                definition_id,
                                activity,
                                "failedJob",
                                message,
                                engine_date(started + timedelta(seconds=30)),
                                job_id,
                                None,
                                token_id,
                            )
                        )
            variables.extend(_variables(instance_id, n, rng, started))
        db.executemany("INSERT INTO instance VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO token VALUES (?, ?, ?, ?)", tokens)
        db.executemany("INSERT INTO variable VALUES (?, ?, ?, ?, ?, ?, ?, ?)", variables)
        db.executemany("INSERT INTO incident VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", incidents)
        db.executemany("INSERT INTO job VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", jobs)
        db.commit()


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _waiting(model: ProcessModel, rng: random.Random) -> list[str]:
    activities = list(model.waits)
    chosen = rng.choices(activities, weights=[model.waits[a] for a in activities])[0]
    # In the order process the two parallel branches wait together.
    if model.key == "order" and chosen in ("pack", "charge"):
        return ["pack", "charge"]
    return [chosen]


def _variables(instance_id: str, n: int, rng: random.Random, started: datetime):
    amount = rng.randrange(10, 5000)
    customer = CUSTOMERS[n % len(CUSTOMERS)]
    values = [
        ("customer", "String", customer, {}),
        ("amount", "Integer", amount, {}),
        ("priority", "Short", rng.randrange(1, 5), {}),
        ("orderNumber", "Long", 9_000_000_000 + n, {}),
        ("rate", "Double", round(rng.uniform(0.5, 9.5), 2), {}),
        ("express", "Boolean", rng.random() < 0.2, {}),
        ("dueDate", "Date", engine_date(started + timedelta(days=7)), {}),
        ("address", "Json", json.dumps({"street": f"{n} Main Street", "city": "Springfield"}), {}),
        ("label", "Xml", f"<label><to>{customer}</to></label>", {}),
        (
            "customerRecord",
            "Object",
            json.dumps({"name": customer, "vip": amount > 4000}),
            {"objectTypeName": "com.example.Customer", "serializationDataFormat": "application/json"},
        ),
        (
            "invoice",
            "File",
            None,
            {"filename": f"invoice-{n}.txt", "mimeType": "text/plain", "encoding": "UTF-8"},
        ),
        ("signature", "Bytes", None, {}),
        ("comment", "Null", None, {}),
    ]
    for name, kind, value, info in values:
        number = float(value) if kind in ("Integer", "Short", "Long", "Double") else None
        text = value if kind in ("String", "Date") else (str(value).lower() if kind == "Boolean" else None)
        data = None
        if kind == "File":
            data = f"Invoice {n} for {customer}: {amount} EUR\n".encode()
        elif kind == "Bytes":
            data = bytes(rng.getrandbits(8) for _ in range(16))
        yield (instance_id, name, kind, json.dumps(value), json.dumps(info), number, text, data)
