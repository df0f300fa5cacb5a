"""Deploy the demo engine's models to a real engine and bring instances into the demo data's shapes.

Everything goes through the engine's REST API and its own job executor: a failing service task
fails in the Java delegate (its variables say where and whether it recovers on a retry), so
incidents, failed jobs and retries are the engine's own. Instances take turns on order v1,
order v2, loan and the tenant acme's loan, as in the demo engine's seeding, and each gets the
next shape of its process: the steps that bring it there are done round by round for all
instances, waiting for the job executor between rounds.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from demo_engine.seeding import CUSTOMERS
from engines.camunda7.variables import encode
from engines.variables import TypedValue, VariableType
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
        api = FlowableRest(http) if engine.family.api == "flowable" else CamundaRest(http)
        seeded = Seeded(definitions=api.deploy())
        turns = [("order", "order:1", None), ("order", "order:2", None), ("loan", "loan:1", None)]
        turns.append(("loan", "loan:1:acme", "acme"))
        without = engine.family.without_types

        def start(seq: int) -> SeededInstance:
            key, definition, tenant = turns[(seq - 1) % 4]
            shapes = SHAPES[key]
            shape, extra, steps = shapes[((seq - 1) // 4) % len(shapes)]
            definition_id = seeded.definitions[definition]
            instance_id, business_key = api.start(definition_id, seq=seq, extra=extra, without=without)
            return SeededInstance(instance_id, business_key, definition_id, key, shape, tenant, steps)

        seeded.instances = list(pool.map(start, range(1, instances + 1)))
        api.settle()
        for round_ in range(max(len(i.steps) for i in seeded.instances)):
            due = [i for i in seeded.instances if len(i.steps) > round_]
            list(pool.map(api.apply, due, [i.steps[round_] for i in due]))
            api.settle()
        running = [i for i in seeded.instances if i.shape not in FINISHED]
        for instance in running[SUSPENDED_EVERY - 1 :: SUSPENDED_EVERY]:
            api.apply(instance, Step("suspend"))
    seeded.seconds = time.monotonic() - started
    return seeded


class CamundaRest:
    """Seeding through Camunda 7's REST API (Camunda 7, Operaton, CIB seven)."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def deploy(self) -> dict[str, str]:
        return deploy(self.http)

    def start(self, definition_id: str, **kwargs) -> tuple[str, str]:
        return start_instance(self.http, definition_id, **kwargs)

    def apply(self, instance: SeededInstance, step: Step) -> None:
        apply_step(self.http, instance, step)

    def settle(self) -> None:
        settle(self.http)


class FlowableRest:
    """Seeding through Flowable's process REST API: the same models, shapes and delegate."""

    # Flowable's REST variable types; it has no Xml, and File and Bytes are one "binary".
    TYPES = {
        VariableType.STRING: "string",
        VariableType.INTEGER: "integer",
        VariableType.SHORT: "short",
        VariableType.LONG: "long",
        VariableType.DOUBLE: "double",
        VariableType.BOOLEAN: "boolean",
        VariableType.DATE: "date",
        VariableType.JSON: "json",
    }

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def deploy(self) -> dict[str, str]:
        # POST /repository/deployments (multipart: one file a deployment there, so one per model)
        for number, (tenant, models) in enumerate(deployments(), start=1):
            for key, model in models.items():
                data = {"deploymentName": f"demo-{number}-{key}"}
                if tenant:
                    data["tenantId"] = tenant
                xml = executable_xml(model, "flowable")
                _ok(
                    self.http.post(
                        "/repository/deployments", data=data, files={"file": (f"{key}.bpmn20.xml", xml)}
                    )
                )
        # GET /repository/process-definitions
        found = _ok(self.http.get("/repository/process-definitions", params={"size": 100})).json()["data"]
        return {
            f"{d['key']}:{d['version']}" + (f":{d['tenantId']}" if d.get("tenantId") else ""): d["id"]
            for d in found
        }

    def _variables(self, values: dict[str, TypedValue]) -> list[dict]:
        out = []
        for name, typed in values.items():
            if typed.type == VariableType.NULL:
                out.append({"name": name, "type": "string", "value": None})
            elif typed.type in self.TYPES:
                value = typed.value
                if typed.type == VariableType.DATE:
                    value = value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
                elif typed.type == VariableType.JSON:
                    value = json.loads(value)
                out.append({"name": name, "type": self.TYPES[typed.type], "value": value})
        return out

    def start(
        self, definition_id: str, *, seq: int, extra: dict | None = None, without=frozenset()
    ) -> tuple[str, str]:
        key = definition_id.split(":")[0]
        business_key = f"{key.upper()}-{9999 + seq}"
        values = variables_of(seq, key) | {
            n: TypedValue(VariableType.STRING, v) for n, v in (extra or {}).items()
        }
        # POST /runtime/process-instances
        answer = _ok(
            self.http.post(
                "/runtime/process-instances",
                json={
                    "processDefinitionId": definition_id,
                    "businessKey": business_key,
                    "variables": self._variables(values),
                },
            )
        ).json()
        return answer["id"], business_key

    def apply(self, instance: SeededInstance, step: Step) -> None:
        if step.action == "complete":
            # GET /runtime/tasks, POST /runtime/tasks/{id} (action complete)
            tasks = _ok(
                self.http.get(
                    "/runtime/tasks",
                    params={
                        "processInstanceBusinessKey": instance.business_key,
                        "taskDefinitionKey": step.activity,
                    },
                )
            ).json()["data"]
            if not tasks:
                raise SeedingError(
                    f"{instance.business_key} ({instance.shape}) has no task {step.activity!r}"
                )
            variables = [
                {"name": n, "type": "boolean" if isinstance(v, bool) else "string", "value": v}
                for n, v in step.variables.items()
            ]
            for task in tasks:
                _ok(
                    self.http.post(
                        f"/runtime/tasks/{task['id']}", json={"action": "complete", "variables": variables}
                    )
                )
        elif step.action == "timer":
            # GET /management/timer-jobs, POST /management/timer-jobs/{id} (action move: due now)
            jobs = _ok(
                self.http.get("/management/timer-jobs", params={"processInstanceId": instance.id})
            ).json()["data"]
            if not jobs:
                raise SeedingError(
                    f"{instance.business_key} ({instance.shape}) has no timer at {step.activity!r}"
                )
            _ok(self.http.post(f"/management/timer-jobs/{jobs[0]['id']}", json={"action": "move"}))
        elif step.action == "cancel":
            # DELETE /runtime/process-instances/{id}
            _ok(
                self.http.delete(
                    f"/runtime/process-instances/{instance.id}",
                    params={"deleteReason": "Cancelled by the customer"},
                )
            )
        elif step.action == "suspend":
            # PUT /runtime/process-instances/{id} (action suspend)
            _ok(self.http.put(f"/runtime/process-instances/{instance.id}", json={"action": "suspend"}))
            instance.suspended = True

    def settle(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # GET /management/jobs (the executable ones; failed ones went to the dead-letter jobs)
            if _ok(self.http.get("/management/jobs", params={"size": 1})).json()["total"] == 0:
                return
            time.sleep(0.3)
        raise SeedingError(f"the async executor left due jobs after {timeout:.0f} s")


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


def start_instance(
    http: httpx.Client, definition_id: str, *, seq: int, extra: dict | None = None, without=frozenset()
) -> tuple[str, str]:
    """Start one instance with the demo data's variables (and extra String ones); its id and business key."""
    key = definition_id.split(":")[0]
    business_key = f"{key.upper()}-{9999 + seq}"
    variables = {
        name: encode(value) for name, value in variables_of(seq, key).items() if value.type not in without
    }
    variables |= {name: {"value": value, "type": "String"} for name, value in (extra or {}).items()}
    # POST /process-definition/{id}/start
    answer = _ok(
        http.post(
            f"/process-definition/{definition_id}/start",
            json={"businessKey": business_key, "variables": variables},
        )
    ).json()
    return answer["id"], business_key


def _start(http, seq, key, definition_id, tenant, shape, extra, steps, *, without) -> SeededInstance:
    instance_id, business_key = start_instance(http, definition_id, seq=seq, extra=extra, without=without)
    return SeededInstance(instance_id, business_key, definition_id, key, shape, tenant, steps)


def apply_step(http: httpx.Client, instance: SeededInstance, step: Step) -> None:
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


def settle(http: httpx.Client, timeout: float = 120) -> None:
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
