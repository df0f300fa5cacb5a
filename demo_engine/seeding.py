"""Deterministic demo data for a seed number, fast enough for a million instances.

Everything per row is computed inside SQLite (INSERT ... SELECT): ids, choices and values
derive from an instance's sequence number and the seed through integer hashing, and small
template tables say which tokens, jobs and history rows each waiting state has. Python only
writes the templates and the five process definitions.

Sequence numbers: running top-level instances are 1..N, the credit checks they called are
N + their caller's number, and finished instances (history only) are 2N + a caller's number.
"""

from __future__ import annotations

import random
import sqlite3

from demo_engine.models import MODELS, MULTI_INSTANCE_BODY
from demo_engine.store import VARIABLE_SLOTS, Store

EPOCH_DAY, EPOCH_MINUTE = "2026-11-01", 8 * 60  # seeded time starts on this day at 08:00
# How each failing service task fails, two ways each: one the job recovers from when retried (a
# timeout, an unavailable service), one it does not (see runtime.RECOVERS).
FAILURES = {
    "charge": (
        ("Payment provider timed out after 30000 ms", "java.net.SocketTimeoutException: Read timed out"),
        (
            "Card declined: insufficient funds",
            "com.example.payment.CardDeclinedException: insufficient funds",
        ),
    ),
    "pay_out": (
        ("Payment provider timed out after 30000 ms", "java.net.SocketTimeoutException: Read timed out"),
        ("Payout rejected: account closed", "com.example.payment.PayoutRejectedException: account closed"),
    ),
    "score": (
        (
            "Scoring service answered 503",
            "org.springframework.web.client.HttpServerErrorException: 503 Service Unavailable",
        ),
        ("Applicant unknown to the credit bureau", "com.example.credit.UnknownApplicantException: no record"),
    ),
}
CUSTOMERS = (
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Edsger Dijkstra",
    "Barbara Liskov",
    "Donald Knuth",
)
FAILING_PERCENT = 30
SUSPENDED_PERCENT = 5
FINISHED_EVERY = 10  # one finished instance in history for every ten running ones
FINISHED_AGO = 20 * 1440  # minutes before its running twin started
COMPLETED_PERCENT = 80  # of the finished; the others were cancelled

# Where instances of each process wait, with relative weights.
WAITS = {
    "order": {"check_stock": 3, "pack+charge": 3, "ship": 2, "await_delivery": 1},
    "loan": {"credit_check": 3, "review": 3, "sign": 2, "cooling_off": 1, "pay_out": 2, "reject": 1},
    "credit-check": {"score": 1, "assess": 1},
}
# The activity instances of each waiting state: (slot, activity, parent slot or None).
TOKENS = {
    ("order", "check_stock"): [(0, "check_stock", None)],
    ("order", "pack+charge"): [(0, "pack", None), (1, "charge", None)],
    ("order", "ship"): [(0, "shipping", None), (1, "ship", 0)],
    ("order", "await_delivery"): [(0, "shipping", None), (1, "await_delivery", 0)],
    ("loan", "credit_check"): [(0, "credit_check", None)],
    ("loan", "review"): [(0, "review", None)],
    ("loan", "sign"): [
        (0, "sign" + MULTI_INSTANCE_BODY, None),
        (1, "sign", 0),
        (2, "sign", 0),
        (3, "sign", 0),
    ],
    ("loan", "cooling_off"): [(0, "cooling_off", None)],
    ("loan", "pay_out"): [(0, "pay_out", None)],
    ("loan", "reject"): [(0, "reject", None)],
    ("credit-check", "score"): [(0, "score", None)],
    ("credit-check", "assess"): [(0, "assess", None)],
}
# The activities an instance passed before waiting where it waits (its history).
PATHS = {
    ("order", "check_stock"): ["start"],
    ("order", "pack+charge"): ["start", "check_stock", "split"],
    ("order", "ship"): ["start", "check_stock", "split", "pack", "charge", "join", "ship_start"],
    ("order", "await_delivery"): ["start", "check_stock", "split", "pack", "charge", "join", "ship_start", "ship"],
    ("order", "completed"): [
        "start", "check_stock", "split", "pack", "charge", "join", "shipping", "ship_start", "ship",
        "await_delivery", "ship_end", "end",
    ],
    ("order", "cancelled"): ["start", "check_stock"],
    ("loan", "credit_check"): ["start"],
    ("loan", "review"): ["start", "credit_check"],
    ("loan", "sign"): ["start", "credit_check", "review", "decide"],
    ("loan", "reject"): ["start", "credit_check", "review", "decide"],
    ("loan", "cooling_off"): ["start", "credit_check", "review", "decide", "sign", "sign", "sign"],
    ("loan", "pay_out"): ["start", "credit_check", "review", "decide", "sign", "sign", "sign", "cooling_off"],
    ("loan", "completed"): [
        "start", "credit_check", "review", "decide", "sign", "sign", "sign", "cooling_off", "pay_out", "end",
    ],
    ("loan", "cancelled"): ["start", "credit_check", "review"],
    ("credit-check", "score"): ["start"],
    ("credit-check", "assess"): ["start", "score"],
}  # fmt: skip


def hashed(seq: str, salt: int) -> str:
    """A deterministic pseudo-random integer 0..65535 for a row and a purpose (salt)."""
    # A multiplier of its own per purpose, so that choices made for different purposes do not correlate.
    multiplier = 2654435761 + 2 * salt * 40503
    return f"((({seq}) * {multiplier} + {salt} * 1013904223 + :seed * 69069) % 4294967296 / 65536)"


def uuid_sql(seq: str, salt: int) -> str:
    """A version-4 shaped id, unique for (seq, salt < 64), looking random, stable for a seed."""
    return (
        f"printf('%08x-%04x-4%03x-a%03x-%012x', "
        f"(({seq}) * 2654435761 + ({salt}) * 40503 + :seed * 97) % 4294967296, "
        f"(({seq}) * 40503 + ({salt}) * 2654435761 + :seed) % 65536, "
        f"(({seq}) * 69069 + ({salt}) * 31 + :seed * 7) % 4096, "
        f"(({seq}) * 1103515245 + ({salt}) * 12345 + :seed * 3) % 4096, "
        f"({seq}) * 64 + ({salt}))"
    )


def at(minutes: str, *, seconds: int = 0) -> str:
    """The engine date so many minutes after the epoch, looked up rather than formatted per row."""
    stamp = f"(SELECT stamp FROM seed_minute WHERE minute = {minutes})"
    return stamp if not seconds else f"replace({stamp}, ':00.000+', ':{seconds:02d}.000+')"


def minute_of(seq: str) -> str:
    """When an instance started, in minutes after the epoch, from its sequence number."""
    return f"(CASE WHEN {seq} <= :n THEN {seq} - 1 WHEN {seq} <= 2 * :n THEN {seq} - :n ELSE {seq} - 2 * :n - 1 - {FINISHED_AGO} END)"


DUE = at(f"{minute_of('seq')} + 7 * 1440")
# The variables of each process, every engine type among them, as (processes, name, type, value,
# valueInfo, number, text, data) in SQL over an instance's seq, start_time, amount, customer and express.
# Json and Object values are JSON *text* ('' || makes json_quote see text, not a JSON object).
PRIORITY = f"1 + {hashed('seq', 21)} % 4"
RATE = f"0.5 + {hashed('seq', 22)} % 900 / 100.0"
BOTH, ORDER, LOAN = ("order", "loan"), ("order",), ("loan",)
VARIABLES = [
    (BOTH, "customer", "String", "json_quote(customer)", "NULL", "NULL", "customer", "NULL"),
    (BOTH, "amount", "Integer", "amount", "NULL", "amount", "NULL", "NULL"),
    (BOTH, "dueDate", "Date", f"json_quote({DUE})", "NULL", "NULL", DUE, "NULL"),
    (BOTH, "comment", "Null", "'null'", "NULL", "NULL", "NULL", "NULL"),
    (ORDER, "orderNumber", "Long", "9000000000 + seq", "NULL", "9000000000 + seq", "NULL", "NULL"),
    (ORDER, "express", "Boolean", "express", "NULL", "NULL", "express", "NULL"),
    (ORDER, "address", "Json", "json_quote('' || json_object('street', seq || ' Main Street', 'city', 'Springfield'))", "NULL", "NULL", "NULL", "NULL"),
    (ORDER, "label", "Xml", "json_quote('<label><to>' || customer || '</to></label>')", "NULL", "NULL", "NULL", "NULL"),
    (
        ORDER, "invoice", "File", "'null'",
        "json_object('filename', 'invoice-' || seq || '.txt', 'mimeType', 'text/plain', 'encoding', 'UTF-8')",
        "NULL", "NULL", "CAST('Invoice ' || seq || ' for ' || customer || ': ' || amount || ' EUR' || char(10) AS BLOB)",
    ),
    (LOAN, "priority", "Short", PRIORITY, "NULL", PRIORITY, "NULL", "NULL"),
    (LOAN, "rate", "Double", RATE, "NULL", RATE, "NULL", "NULL"),
    (
        LOAN, "customerRecord", "Object",
        "json_quote('' || json_object('name', customer, 'vip', json(CASE WHEN amount > 4000 THEN 'true' ELSE 'false' END)))",
        """'{"objectTypeName": "com.example.Customer", "serializationDataFormat": "application/json"}'""",
        "NULL", "NULL", "NULL",
    ),
    (LOAN, "signature", "Bytes", "NULL", "NULL", "NULL", "NULL", "CAST(printf('sig-%012x', seq * 2654435761) AS BLOB)"),
]  # fmt: skip


def seed(store: Store, *, instances: int, seed: int) -> None:
    """A new database of `instances` running instances with their history, the same for the same seed."""
    with store.bulk_load() as db:
        _rows(db, instances=instances, seed=seed)


def _rows(db: sqlite3.Connection, *, instances: int, seed: int) -> None:
    rng = random.Random(seed)
    n = instances
    args = {"seed": seed % 100_000, "n": n}
    _templates(db, rng, n)

    # Running top-level instances, four definitions in turn; then where each waits.
    db.execute(
        f"""INSERT INTO instance
        WITH RECURSIVE k(seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM k WHERE seq < :n)
        SELECT k.seq, {uuid_sql("k.seq", 0)}, d.id, d.key, upper(d.key) || '-' || (9999 + k.seq), d.tenant_id,
               {hashed("k.seq", 1)} % 100 < {SUSPENDED_PERCENT}, {at("k.seq - 1")},
               NULL, NULL, {uuid_sql("k.seq", 0)}
        FROM k JOIN seed_definition d ON d.slot = (k.seq - 1) % 4""",
        args,
    )
    _choose_waits(db, args, "SELECT seq, definition_key FROM instance", salt=2)
    # The credit checks that waiting loan applications called.
    db.execute(
        f"""INSERT INTO instance
        SELECT :n + i.seq, {uuid_sql(":n + i.seq", 0)}, d.id, d.key, i.business_key, i.tenant_id, i.suspended,
               {at("i.seq")}, i.id, 'credit_check:' || {uuid_sql("i.seq", 1)}, i.id
        FROM seed_wait w JOIN instance i ON i.seq = w.seq JOIN seed_definition d ON d.key = 'credit-check'
        WHERE w.wait = 'credit_check'""",
        args,
    )
    _choose_waits(db, args, "SELECT seq, definition_key FROM instance WHERE seq > :n", salt=9)
    # Their activity instance trees, from the templates.
    db.execute(
        f"""INSERT INTO activity_instance
        SELECT t.activity_id || ':' || {uuid_sql("i.seq", "1 + t.slot")}, i.seq, i.id,
               CASE WHEN t.parent_slot IS NULL THEN i.id
                    ELSE t.parent_activity || ':' || {uuid_sql("i.seq", "1 + t.parent_slot")} END,
               t.activity_id, t.activity_type, t.kind, {uuid_sql("i.seq", "10 + t.slot")},
               {at(minute_of("i.seq") + " + t.slot + 2")}, t.leaf,
               CASE WHEN t.activity_type = 'callActivity' THEN {uuid_sql(":n + i.seq", 0)} END
        FROM seed_wait w JOIN instance i ON i.seq = w.seq
        JOIN seed_token t ON t.key = w.key AND t.wait = w.wait""",
        args,
    )
    # Asynchronous service tasks wait in a job, some of them failed; timers wait in a timer job.
    failed = f"(a.activity_type = 'serviceTask' AND {hashed('a.instance_seq', 5)} % 100 < {FAILING_PERCENT})"
    failure = f"{hashed('a.instance_seq', 6)} % 2"
    db.execute(
        f"""INSERT INTO job
        SELECT {uuid_sql("a.instance_seq", 40)}, a.instance_id, i.definition_id, i.definition_key, a.activity_id,
               a.execution_id, CASE a.activity_type WHEN 'serviceTask' THEN 'async-continuation' ELSE 'timer' END,
               CASE WHEN {failed} THEN 0 ELSE 3 END,
               CASE WHEN {failed} THEN f.message END,
               CASE WHEN {failed} THEN f.trace || char(10) || char(9) || 'at com.example.demo.Delegate.execute(Delegate.java:42)' END,
               CASE WHEN a.activity_type = 'intermediateTimer' THEN {at(minute_of("a.instance_seq") + " + 1440")} END,
               a.start_time, i.suspended,
               CASE a.activity_type WHEN 'serviceTask' THEN 'async-continuation:' ELSE 'timer:' END || i.definition_id || ':' || a.activity_id,
               NULL, NULL, i.tenant_id
        FROM activity_instance a JOIN instance i ON i.seq = a.instance_seq
        LEFT JOIN seed_failure f ON f.activity = a.activity_id AND f.slot = {failure}
        WHERE a.activity_type IN ('serviceTask', 'intermediateTimer')""",
        args,
    )
    db.execute(
        f"""INSERT INTO incident
        SELECT {uuid_sql("i.seq", 41)}, i.seq, i.id, i.definition_id, a.activity_id, 'failedJob', f.message,
               {at(minute_of("i.seq") + " + 2", seconds=30)}, {uuid_sql("a.instance_seq", 40)}, NULL, a.execution_id,
               {uuid_sql("i.seq", 41)}, {uuid_sql("i.seq", 41)}, i.tenant_id
        FROM activity_instance a JOIN instance i ON i.seq = a.instance_seq JOIN seed_failure f ON f.activity = a.activity_id AND f.slot = {failure}
        WHERE {failed}""",
        args,
    )
    # A failure in a called credit check is an incident of the loan application too, at its call activity.
    db.execute(
        f"""INSERT INTO incident
        SELECT {uuid_sql("p.seq", 42)}, p.seq, p.id, p.definition_id, 'credit_check', x.type, NULL, x.timestamp,
               NULL, NULL, {uuid_sql("p.seq", 10)}, x.id, x.root_cause_id, p.tenant_id
        FROM incident x JOIN instance p ON p.seq = x.instance_seq - :n
        WHERE x.instance_seq > :n""",
        args,
    )
    _history(db, args)
    _variables(db, args)
    for table in ("seed_definition", "seed_failure", "seed_choice", "seed_token", "seed_wait", "seed_minute"):
        db.execute(f"DROP TABLE {table}")


TEMPLATE_TABLES = (
    "CREATE TEMP TABLE seed_definition (slot INTEGER, id TEXT, key TEXT, tenant_id TEXT)",
    "CREATE TEMP TABLE seed_failure (activity TEXT, slot INTEGER, message TEXT, trace TEXT, PRIMARY KEY (activity, slot))",
    "CREATE TEMP TABLE seed_choice (key TEXT, low INTEGER, high INTEGER, wait TEXT)",
    "CREATE TEMP TABLE seed_token (key TEXT, wait TEXT, slot INTEGER, activity_id TEXT, activity_type TEXT,"
    " kind TEXT, leaf INTEGER, parent_slot INTEGER, parent_activity TEXT)",
    "CREATE TEMP TABLE seed_wait (seq INTEGER PRIMARY KEY, key TEXT, wait TEXT)",
    "CREATE TEMP TABLE seed_minute (minute INTEGER PRIMARY KEY, stamp TEXT)",
)


def _uid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _templates(db: sqlite3.Connection, rng: random.Random, instances: int) -> None:
    # One statement at a time: executescript would commit the seeding transaction.
    for statement in TEMPLATE_TABLES:
        db.execute(statement)
    # Every minute any seeded date can fall on, formatted once.
    # (Days and times of day are formatted apart and joined: far fewer strftime calls.)
    db.execute(
        f"""INSERT INTO seed_minute
        WITH RECURSIVE
            d(day) AS (SELECT -{FINISHED_AGO // 1440 + 1} UNION ALL SELECT day + 1 FROM d WHERE day * 1440 < :last),
            t(minute) AS (SELECT 0 UNION ALL SELECT minute + 1 FROM t WHERE minute < 1439)
        SELECT d.day * 1440 + t.minute - {EPOCH_MINUTE},
               strftime('%Y-%m-%d', '{EPOCH_DAY}', printf('%+d days', d.day)) || 'T'
               || strftime('%H:%M:%S', '{EPOCH_DAY}', printf('%+d minutes', t.minute)) || '.000+0000'
        FROM d CROSS JOIN t""",
        {"last": instances + 8 * 1440 + 60},
    )
    # The four definitions top-level instances take turns on, and the credit check they call.
    for slot, (key, version, tenant) in enumerate(
        (
            ("order", 1, None),
            ("order", 2, None),
            ("loan", 1, None),
            ("loan", 1, "acme"),
            ("credit-check", 1, None),
        )
    ):
        model = MODELS[key]
        definition_id, deployment_id, xml = f"{key}:{version}:{_uid(rng)}", _uid(rng), model.to_xml()
        db.execute(
            "INSERT INTO definition VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)",
            (definition_id, key, model.name, version, tenant, deployment_id, f"{key}.bpmn", xml),
        )
        # One deployment per definition, a minute apart in the order above (the newest last).
        db.execute(
            "INSERT INTO deployment VALUES (?, ?, ?, ?, ?)",
            (
                deployment_id,
                f"demo-{slot + 1}",
                "cockpit-demo",
                f"{EPOCH_DAY}T07:{slot:02d}:00.000+0000",
                tenant,
            ),
        )
        db.execute(
            "INSERT INTO resource VALUES (?, ?, ?, ?)",
            (_uid(rng), deployment_id, f"{key}.bpmn", xml.encode()),
        )
        db.execute("INSERT INTO seed_definition VALUES (?, ?, ?, ?)", (slot, definition_id, key, tenant))
    db.executemany(
        "INSERT INTO seed_failure VALUES (?, ?, ?, ?)",
        [
            (activity, slot, *failure)
            for activity, ways in FAILURES.items()
            for slot, failure in enumerate(ways)
        ],
    )
    for key, weights in WAITS.items():
        total, low, seen = sum(weights.values()), 0, 0
        for wait, weight in weights.items():
            seen += weight
            high = seen * 65536 // total  # the last bucket ends at 65536: every instance waits somewhere
            db.execute("INSERT INTO seed_choice VALUES (?, ?, ?, ?)", (key, low, high, wait))
            low = high
    for (key, wait), tokens in TOKENS.items():
        model = MODELS[key]
        activities = {slot: activity for slot, activity, _ in tokens}
        for slot, activity, parent in tokens:
            if activity.endswith(MULTI_INSTANCE_BODY):
                kind, activity_type, leaf = "activity", "multiInstanceBody", 0
            else:
                node = model.node(activity)
                kind = "transition" if node.type == "serviceTask" else "activity"
                activity_type, leaf = node.activity_type, int(not node.is_scope)
            parent_activity = activities.get(parent)
            db.execute(
                "INSERT INTO seed_token VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, wait, slot, activity, activity_type, kind, leaf, parent, parent_activity),
            )
    # Kept: the history_step view derives a seeded instance's earlier path from it.
    db.executemany(
        "INSERT INTO seed_path VALUES (?, ?, ?, ?, ?)",
        [
            (key, wait, step, activity, MODELS[key].node(activity).activity_type)
            for (key, wait), path in PATHS.items()
            for step, activity in enumerate(path)
        ],
    )


def _choose_waits(db: sqlite3.Connection, args: dict, instances_sql: str, salt: int) -> None:
    db.execute(
        f"""INSERT INTO seed_wait
        SELECT i.seq, i.definition_key, c.wait FROM ({instances_sql}) i
        JOIN seed_choice c ON c.key = i.definition_key AND {hashed("i.seq", salt)} >= c.low AND {hashed("i.seq", salt)} < c.high""",
        args,
    )


def _history(db: sqlite3.Connection, args: dict) -> None:
    db.execute(
        """INSERT INTO history_instance
        SELECT i.seq, i.id, i.business_key, i.definition_id, i.definition_key, d.name, d.version, i.start_time, NULL,
               CASE i.suspended WHEN 1 THEN 'SUSPENDED' ELSE 'ACTIVE' END, NULL, i.super_instance_id,
               i.root_instance_id, i.tenant_id, 'start', w.wait
        FROM instance i JOIN definition d ON d.id = i.definition_id JOIN seed_wait w ON w.seq = i.seq"""
    )
    # Finished instances, in history only: one for every few running ones, most completed.
    completed = f"{hashed('i.seq', 3)} % 100 < {COMPLETED_PERCENT}"
    db.execute(
        f"""INSERT INTO history_instance
        SELECT 2 * :n + i.seq, {uuid_sql("2 * :n + i.seq", 0)}, i.business_key || '-OLD', i.definition_id,
               i.definition_key, d.name, d.version, {at(minute_of("2 * :n + i.seq"))},
               {at(minute_of("2 * :n + i.seq") + " + 60 * (1 + " + hashed("i.seq", 4) + " % 72)")},
               CASE WHEN {completed} THEN 'COMPLETED' ELSE 'EXTERNALLY_TERMINATED' END,
               CASE WHEN {completed} THEN NULL ELSE 'Cancelled by the customer' END,
               NULL, {uuid_sql("2 * :n + i.seq", 0)}, i.tenant_id, 'start',
               CASE WHEN {completed} THEN 'completed' ELSE 'cancelled' END
        FROM instance i JOIN definition d ON d.id = i.definition_id
        WHERE i.seq <= :n AND i.seq % {FINISHED_EVERY} = 0""",
        args,
    )
    # The path taken before the seed is implied (see the history_step view); the open steps are stored.
    db.execute(
        """INSERT INTO history_activity
        SELECT a.id, a.instance_seq, NULLIF(a.parent_id, a.instance_id), a.activity_id, a.activity_type,
               a.execution_id, a.sub_instance_id, a.start_time, NULL, 0, 0
        FROM activity_instance a"""
    )


def _variables(db: sqlite3.Connection, args: dict) -> None:
    """The variables of every top-level instance in one pass that appends rows in rowid order, instance
    by instance; finished instances keep theirs in history only."""
    db.execute("CREATE TEMP TABLE seed_kind (key TEXT, n INTEGER, PRIMARY KEY (key, n))")
    db.executemany(
        "INSERT INTO seed_kind VALUES (?, ?)",
        [(key, n) for n, (keys, *_) in enumerate(VARIABLES) for key in keys],
    )
    # name and type are literals, the rest expressions: each column picks its variable's.
    sql = [[f"'{name}'", f"'{kind}'", *rest] for _, name, kind, *rest in VARIABLES]
    name, kind, value, info, number, text, data = (
        "CASE k.n " + " ".join(f"WHEN {n} THEN {variable[column]}" for n, variable in enumerate(sql)) + " END"
        for column in range(7)
    )
    customers = " ".join(f"WHEN {n} THEN '{name}'" for n, name in enumerate(CUSTOMERS))
    # Each instance's values are worked out once (MATERIALIZED); CROSS JOIN keeps instances outermost.
    source = f"""WITH src AS MATERIALIZED (
        SELECT h.seq, h.id, h.start_time, h.definition_id, h.definition_key,
               10 + {hashed("h.seq", 7)} % 4990 AS amount,
               CASE h.seq % 6 {customers} END AS customer,
               CASE WHEN {hashed("h.seq", 8)} % 5 = 0 THEN 'true' ELSE 'false' END AS express
        FROM {{table}} h WHERE h.super_instance_id IS NULL{{finished}})"""
    db.execute(
        f"""INSERT INTO variable (rowid, instance_seq, scope_id, name, type, value, value_info, number, text, data)
        {source.format(table="instance", finished="")}
        SELECT seq * {VARIABLE_SLOTS} + k.n, seq, NULL, {name}, {kind}, {value}, {info}, {number}, {text}, {data}
        FROM src CROSS JOIN seed_kind k ON k.key = src.definition_key""",
        args,
    )
    db.execute(
        f"""INSERT INTO history_variable
        {source.format(table="history_instance", finished=" AND h.end_time IS NOT NULL")}
        SELECT '00000000-0000-4000-8000-' || printf('%012x', seq * {VARIABLE_SLOTS} + k.n), id, id, {name}, {kind},
               {value}, {info}, start_time, 'CREATED', definition_id, definition_key, {number}, {text}
        FROM src CROSS JOIN seed_kind k ON k.key = src.definition_key""",
        args,
    )
    db.execute("DROP TABLE seed_kind")
