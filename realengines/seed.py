"""Deploy the demo engine's models to a real engine and bring instances into the demo data's shapes.

Everything goes through the engine's REST API and its own job executor: a failing service task
fails in the Java delegate (its variables say where and whether it recovers on a retry), so
incidents, failed jobs and retries are the engine's own. Instances take turns on order v1,
order v2, loan and the tenant acme's loan, as in the demo engine's seeding, and each gets the
next shape of its process: the steps that bring it there are done round by round for all
instances, waiting for the job executor between rounds.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from demo_engine.seeding import CUSTOMERS
from engines.variables import TypedValue, VariableType, encode
from realengines.bpmn import deployments, executable_xml
from realengines.run import RunningEngine

EPOCH = datetime(2026, 11, 1, 8, tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    # "complete" a user task (all of its instances), "timer" fires a timer, "cancel", "suspend".
    action: str
    activity: str = ""
    variables: dict = field(default_factory=dict)


def _complete(activity: str, **variables) -> Step:
    return Step("complete", activity, variables)


def _fails(activity: str, failure: str) -> dict:
    # Read by the delegate: failAt names the task, failure says "persists" or "recovers" (fails once).
    return {"failAt": activity, "failure": failure}


_TO_SHIP = [_complete("check_stock"), _complete("pack")]
_TO_SIGN = [_complete("assess"), _complete("review", approved=True)]
_TO_COOL = [*_TO_SIGN, _complete("sign")]
# Each process's shapes: (name, variables the start adds, steps). Names say where the instance waits.
SHAPES = {
    "order": [
        ("check_stock", {}, []),
        ("charge_declined", _fails("charge", "persists"), [_complete("check_stock")]),
        ("charge_timed_out", _fails("charge", "recovers"), [_complete("check_stock")]),
        ("pack", {}, [_complete("check_stock")]),
        ("ship", {}, _TO_SHIP),
        ("await_delivery", {}, [*_TO_SHIP, _complete("ship")]),
        ("completed", {}, [*_TO_SHIP, _complete("ship"), Step("timer", "await_delivery")]),
        ("cancelled", {}, [_complete("check_stock"), Step("cancel")]),
    ],
    "loan": [
        ("scoring_unavailable", _fails("score", "recovers"), []),
        ("applicant_unknown", _fails("score", "persists"), []),
        ("assess", {}, []),
        ("review", {}, [_complete("assess")]),
        ("sign", {}, _TO_SIGN),
        ("reject", {}, [_complete("assess"), _complete("review", approved=False)]),
        ("cooling_off", {}, _TO_COOL),
        ("payout_rejected", _fails("pay_out", "persists"), [*_TO_COOL, Step("timer", "cooling_off")]),
        ("completed", {}, [*_TO_COOL, Step("timer", "cooling_off")]),
    ],
}
FINISHED = {"completed", "cancelled"}
SUSPENDED_EVERY = 10  # one running instance in ten is suspended at the end


@dataclass
class SeededInstance:
    id: str
    business_key: str
    definition_id: str
    key: str
    shape: str
    tenant_id: str | None
    steps: list[Step]
    suspended: bool = False


@dataclass
class Seeded:
    """What the seeding made, for tests to pick from."""

    definitions: dict[str, str] = field(default_factory=dict)  # "order:1", "loan:1:acme" -> id
    instances: list[SeededInstance] = field(default_factory=list)
    seconds: float = 0.0

    def of_shape(
        self, shape: str, *, key: str | None = None, suspended: bool | None = False
    ) -> list[SeededInstance]:
        return [
            i
            for i in self.instances
            if i.shape == shape
            and (key is None or i.key == key)
            and (suspended is None or i.suspended == suspended)
        ]

    def one(self, shape: str, **filters) -> SeededInstance:
        found = self.of_shape(shape, **filters)
        if not found:
            raise LookupError(f"no seeded instance of shape {shape!r} ({filters})")
        return found[0]


def deploy(http: httpx.Client) -> dict[str, str]:
    """The models, deployed as demo_engine/models.py draws them; definition ids by 'key:version[:tenant]'."""
    # POST /deployment/create (multipart: one file per model)
    for number, (tenant, models) in enumerate(deployments(), start=1):
        data = {"deployment-name": f"demo-{number}", "deployment-source": "cockpit-tests"}
        if tenant:
            data["tenant-id"] = tenant
        files = [
            (key, (f"{key}.bpmn", executable_xml(model, "camunda"), "application/octet-stream"))
            for key, model in models.items()
        ]
        _ok(http.post("/deployment/create", data=data, files=files))
    # GET /process-definition
    found = _ok(http.get("/process-definition", params={"maxResults": 100})).json()
    return {
        f"{d['key']}:{d['version']}" + (f":{d['tenantId']}" if d.get("tenantId") else ""): d["id"]
        for d in found
    }


def seed(engine: RunningEngine, *, instances: int = 48, workers: int = 4) -> Seeded:
    """Deploy, then start this many top-level instances and bring each into its shape."""
    started = time.monotonic()
    with engine.http() as http, ThreadPoolExecutor(workers) as pool:
        seeded = Seeded(definitions=deploy(http))
        turns = [("order", "order:1", None), ("order", "order:2", None), ("loan", "loan:1", None)]
        turns.append(("loan", "loan:1:acme", "acme"))
        plans = []
        for seq in range(1, instances + 1):
            key, definition, tenant = turns[(seq - 1) % 4]
            shapes = SHAPES[key]
            shape, extra, steps = shapes[((seq - 1) // 4) % len(shapes)]
            plans.append((seq, key, seeded.definitions[definition], tenant, shape, extra, steps))
        without = engine.family.without_types
        seeded.instances = list(pool.map(lambda plan: _start(http, *plan, without=without), plans))
        _settle(http)
        for round_ in range(max(len(i.steps) for i in seeded.instances)):
            due = [i for i in seeded.instances if len(i.steps) > round_]
            list(pool.map(_do, [http] * len(due), due, [i.steps[round_] for i in due]))
            _settle(http)
        running = [i for i in seeded.instances if i.shape not in FINISHED]
        for instance in running[SUSPENDED_EVERY - 1 :: SUSPENDED_EVERY]:
            _do(http, instance, Step("suspend"))
    seeded.seconds = time.monotonic() - started
    return seeded


def variables_of(seq: int, key: str) -> dict[str, TypedValue]:
    """A variable of every engine type, as the demo data has them."""
    customer = CUSTOMERS[seq % len(CUSTOMERS)]
    amount = 10 + (seq * 2654435761) % 4990
    shared = {
        "customer": TypedValue(VariableType.STRING, customer),
        "amount": TypedValue(VariableType.INTEGER, amount),
        "dueDate": TypedValue(VariableType.DATE, EPOCH + timedelta(minutes=seq, days=7)),
        "comment": TypedValue(VariableType.NULL, None),
    }
    if key == "order":
        return shared | {
            "orderNumber": TypedValue(VariableType.LONG, 9_000_000_000 + seq),
            "express": TypedValue(VariableType.BOOLEAN, seq % 5 == 0),
            "address": TypedValue(
                VariableType.JSON, f'{{"street": "{seq} Main Street", "city": "Springfield"}}'
            ),
            "label": TypedValue(VariableType.XML, f"<label><to>{customer}</to></label>"),
            "invoice": TypedValue(
                VariableType.FILE,
                f"Invoice {seq} for {customer}: {amount} EUR\n".encode(),
                {"filename": f"invoice-{seq}.txt", "mimeType": "text/plain", "encoding": "UTF-8"},
            ),
        }
    return shared | {
        "priority": TypedValue(VariableType.SHORT, 1 + seq % 4),
        "rate": TypedValue(VariableType.DOUBLE, 0.5 + seq % 900 / 100),
        "customerRecord": TypedValue(
            VariableType.OBJECT,
            f'{{"name": "{customer}", "vip": {"true" if amount > 4000 else "false"}}}',
            {"objectTypeName": "com.example.Customer", "serializationDataFormat": "application/json"},
        ),
        "signature": TypedValue(VariableType.BYTES, f"sig-{seq * 2654435761:012x}".encode()),
    }


def _start(http, seq, key, definition_id, tenant, shape, extra, steps, *, without) -> SeededInstance:
    business_key = f"{key.upper()}-{9999 + seq}"
    variables = {
        name: encode(value) for name, value in variables_of(seq, key).items() if value.type not in without
    }
    variables |= {name: {"value": value, "type": "String"} for name, value in extra.items()}
    # POST /process-definition/{id}/start
    answer = _ok(
        http.post(
            f"/process-definition/{definition_id}/start",
            json={"businessKey": business_key, "variables": variables},
        )
    ).json()
    return SeededInstance(answer["id"], business_key, definition_id, key, shape, tenant, steps)


def _do(http: httpx.Client, instance: SeededInstance, step: Step) -> None:
    if step.action == "complete":
        # GET /task (the called credit check carries its caller's business key), POST /task/{id}/complete
        tasks = _ok(
            http.get(
                "/task",
                params={
                    "processInstanceBusinessKey": instance.business_key,
                    "taskDefinitionKey": step.activity,
                },
            )
        ).json()
        if not tasks:
            raise SeedingError(f"{instance.business_key} ({instance.shape}) has no task {step.activity!r}")
        variables = {name: {"value": value} for name, value in step.variables.items()}
        for task in tasks:
            _ok(http.post(f"/task/{task['id']}/complete", json={"variables": variables}))
    elif step.action == "timer":
        # GET /job, POST /job/{id}/execute
        jobs = _ok(
            http.get("/job", params={"processInstanceId": instance.id, "activityId": step.activity})
        ).json()
        if not jobs:
            raise SeedingError(
                f"{instance.business_key} ({instance.shape}) has no timer at {step.activity!r}"
            )
        _ok(http.post(f"/job/{jobs[0]['id']}/execute"))
    elif step.action == "cancel":
        # DELETE /process-instance/{id}
        _ok(http.delete(f"/process-instance/{instance.id}"))
    elif step.action == "suspend":
        # PUT /process-instance/{id}/suspended
        _ok(http.put(f"/process-instance/{instance.id}/suspended", json={"suspended": True}))
        instance.suspended = True


def _settle(http: httpx.Client, timeout: float = 120) -> None:
    """Wait until the job executor has run every job that is due (failed ones have no retries left)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # GET /job/count
        if _ok(http.get("/job/count", params={"executable": "true"})).json()["count"] == 0:
            return
        time.sleep(0.3)
    raise SeedingError(f"the job executor left due jobs after {timeout:.0f} s")


class SeedingError(RuntimeError):
    pass


def _ok(answer: httpx.Response) -> httpx.Response:
    if answer.is_error:
        raise SeedingError(
            f"{answer.request.method} {answer.request.url} answered {answer.status_code}: {answer.text[:500]}"
        )
    return answer
