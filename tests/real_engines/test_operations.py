"""The service layer's operation cases (tests/engines/cases.py) against real engines of the Camunda family.

The respx cases prove the exact requests; these prove that the real engines take them and that
their real answers parse. Each case here is the same operation as the case of the same name,
with real ids: fresh instances started for the case, so changes stay the case's own.
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engines import build_client
from engines.models import BinaryContent
from engines.queries import (
    HistoricProcessInstanceQuery,
    IncidentSort,
    InstanceSort,
    Instruction,
    Modification,
    ProcessInstanceQuery,
    Sort,
    StartVariable,
    VariableFilter,
)
from engines.variables import TypedValue, VariableType
from realengines.seed import SeededInstance, Step, apply_step, settle, start_instance
from tests.engines.cases import CASES

_SEQ = itertools.count(5000)


class World:
    """Real ids for a case: fresh instances, a failed job, a batch."""

    def __init__(self, engine, client):
        self.engine, self.client = engine, client
        self.definition_id = engine.seeded.definitions["order:1"]

    def order(self, **extra) -> str:
        with self.engine.http() as http:
            instance_id, _ = start_instance(
                http,
                self.definition_id,
                seq=next(_SEQ),
                extra=extra,
                without=self.engine.family.without_types,
            )
        return instance_id

    def failed_order(self) -> tuple[str, str]:
        """An order whose charge failed for good: its id and its failed job's."""
        instance_id = self.order(failAt="charge", failure="persists")
        instance = self.client.get_instance(instance_id)
        with self.engine.http() as http:
            seeded = SeededInstance(
                instance_id, instance.business_key, self.definition_id, "order", "", None, []
            )
            apply_step(http, seeded, Step("complete", "check_stock"))
            settle(http)
        [job] = self.client.list_jobs(process_instance_id=instance_id)
        assert job.retries == 0
        return instance_id, job.id

    def execution_of(self, instance_id: str, activity_id: str) -> str:
        tree = self.client.activity_instance_tree(instance_id)
        node = next(n for n in tree.walk() if n.activity_id == activity_id)
        return node.execution_ids[0]

    def batch(self):
        """A batch that stays: its one job fails (the activity is not in the model), so it cannot end."""
        return self.client.execute_modification_async(
            self.definition_id,
            Modification((Instruction("startBeforeActivity", activity_id="no_such_activity"),)),
            ids=[self.order()],
        )

    def finished_batch(self):
        return self.client.delete_instances_async([self.order()], reason="case")


def _eventually(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def _last_hour(prefix: str) -> dict[str, datetime]:
    """The hour up to now (and a minute on, for the engine's clock), as `<prefix>_after/_before`."""
    now = datetime.now(UTC)
    return {f"{prefix}_after": now - timedelta(hours=1), f"{prefix}_before": now + timedelta(minutes=1)}


def _tree_counts(w, instance_id):
    return w.client.activity_instance_tree(instance_id).counts_by_activity()


def _suspended(w, instance_id):
    return w.client.get_instance(instance_id).suspended


def _delete_instance(w):
    pi = w.order()
    w.client.delete_instance(pi, skip_io_mappings=True)
    return w.client.get_historic_instance(pi).state == "EXTERNALLY_TERMINATED"


def _suspend_instance(w):
    pi = w.order()
    w.client.set_instance_suspended(pi, suspended=True)
    return _suspended(w, pi)


def _modify_instance(w):
    pi = w.order()
    tree = w.client.activity_instance_tree(pi)
    check = next(n for n in tree.walk() if n.activity_id == "check_stock")
    w.client.modify_instance(
        pi,
        Modification(
            (
                Instruction("cancel", activity_instance_id=check.id),
                Instruction(
                    "startBeforeActivity",
                    activity_id="pack",
                    ancestor_activity_instance_id=tree.id,
                    variables={
                        "approved": StartVariable(TypedValue(VariableType.BOOLEAN, False), local=True)
                    },
                ),
                Instruction("startTransition", transition_id="flow_ship_await_delivery"),
                Instruction("startAfterActivity", activity_id="check_stock"),
                Instruction("cancel", activity_id="pack", cancel_current_active_activity_instances=True),
            ),
            skip_custom_listeners=True,
            annotation="Repair after outage",
        ),
    )
    return _tree_counts(w, pi)


def _modified_as_planned(counts):
    # Starting after check_stock forks at the split: pack is cancelled, and the charge (an
    # asynchronous continuation) waits in its job or, once the job executor ran it, at the join.
    rest = {k: v for k, v in counts.items() if k not in ("charge", "join")}
    return rest == {"shipping": 1, "await_delivery": 1} and len(counts) == 3


def _modify_instance_async(w):
    pi = w.order()
    batch = w.client.modify_instance_async(
        pi, Modification((Instruction("startBeforeActivity", activity_id="pack"),), annotation="case")
    )
    assert batch.type == "instance-modification"
    return _eventually(lambda: _tree_counts(w, pi).get("pack") == 1)


def _instance_variables(w):
    values = w.client.instance_variables(w.order())
    return {name: value.type for name, value in values.items()}


def _set_variable(w):
    pi = w.order()
    due = datetime(2026, 11, 30, 12, tzinfo=UTC)
    w.client.set_variable(pi, "due", TypedValue(VariableType.DATE, due))
    return w.client.get_variable(pi, "due").value == due


def _delete_variable(w, name):
    pi = w.order()
    w.client.set_variable(pi, name, TypedValue(VariableType.STRING, "x"))
    w.client.delete_variable(pi, name)
    return name not in w.client.instance_variables(pi)


def _binary(w):
    content = w.client.get_variable_data(w.order(), "invoice")
    return isinstance(content, BinaryContent) and content.data.startswith(b"Invoice ")


def _set_binary(w):
    pi = w.order()
    w.client.set_variable_data(pi, "scan", b"%PDF-1.7", filename="scan.pdf", mimetype="application/pdf")
    content = w.client.get_variable_data(pi, "scan")
    return (content.data, content.mimetype, content.filename) == (b"%PDF-1.7", "application/pdf", "scan.pdf")


def _local(w, *, delete=False, binary=False):
    pi = w.order()
    # check_stock runs in the process instance's own execution; the shipping subprocess has one of its own.
    w.client.modify_instance(pi, Modification((Instruction("startBeforeActivity", activity_id="ship"),)))
    execution = w.execution_of(pi, "ship")
    if binary:
        w.client.set_variable_data(
            pi, "note", b"scanned", filename="scan.txt", mimetype="text/plain", execution_id=execution
        )
    else:
        w.client.set_variable(pi, "note", TypedValue(VariableType.STRING, "checked"), execution_id=execution)
    if delete:
        w.client.delete_variable(pi, "note", execution_id=execution)
    found = w.client.variable_instances(pi, name="note")
    return [(v.is_local, v.execution_id == execution) for v in found]


def _variable_instance(w, *, data=False):
    pi = w.order()
    [invoice] = w.client.variable_instances(pi, name="invoice")
    if data:
        return w.client.variable_instance_data(invoice.id).data.startswith(b"Invoice ")
    return w.client.get_variable_instance(invoice.id).name == "invoice"


def _job_case(w, call):
    pi, job = w.failed_order()
    return call(pi, job)


def _incident_of(w):
    pi, _ = w.failed_order()
    [incident] = w.client.list_incidents(process_instance_id=pi)
    return incident


def _annotate(w, clear=False):
    incident = _incident_of(w)
    w.client.set_incident_annotation(incident.id, "Provider down, retry later")
    if clear:
        w.client.clear_incident_annotation(incident.id)
    return w.client.get_incident(incident.id).annotation


def _batch_done(w, batch):
    return _eventually(lambda: w.client.get_historic_batch(batch.id).end_time is not None)


QUERY = ProcessInstanceQuery(
    business_key_like="ORDER-%",
    process_definition_key="order",
    suspended=False,
    with_incident=True,
    incident_type="failedJob",
    incident_message_like="%declined%",
    activity_ids=("charge",),
    variables=(VariableFilter("amount", "gteq", 10), VariableFilter("customer", "like", "%")),
    variable_values_ignore_case=True,
    sorting=(Sort(InstanceSort.BUSINESS_KEY, "desc"),),
)
HISTORIC = HistoricProcessInstanceQuery(
    process_definition_key="order", started_after=datetime.now(UTC) - timedelta(days=1), unfinished=True
)

# name -> (the operation with real ids, what its real answer must show)
REAL = {
    "version": (lambda w: w.client.version().version, lambda r: r[0].isdigit()),
    "list definitions": (
        lambda w: w.client.list_definitions(key="order", latest_version=True, limit=20),
        lambda r: [(d.key, d.version) for d in r] == [("order", 2)],
    ),
    "count definitions": (
        lambda w: w.client.count_definitions(name_like="%Order%", suspended=False),
        lambda r: r == 2,
    ),
    "get definition": (lambda w: w.client.get_definition(w.definition_id).key, lambda r: r == "order"),
    "latest definition by key": (lambda w: w.client.get_latest_definition("order").version, lambda r: r == 2),
    "latest definition by key and tenant": (
        lambda w: w.client.get_latest_definition("loan", tenant_id="acme").tenant_id,
        lambda r: r == "acme",
    ),
    "definition xml": (lambda w: w.client.definition_xml(w.definition_id), lambda r: 'id="order"' in r),
    "definition statistics": (
        lambda w: {s.definition.key for s in w.client.definition_statistics() if s.instances},
        lambda r: r >= {"order", "loan", "credit-check"},
    ),
    "activity statistics": (
        lambda w: {s.id: s.failed_jobs for s in w.client.activity_statistics(w.definition_id)},
        lambda r: r.get("charge", 0) >= 1,
    ),
    "suspend definition": (
        lambda w: (
            w.client.set_definition_suspended(
                w.engine.seeded.definitions["credit-check:1:acme"], suspended=True
            ),
            w.client.get_definition(w.engine.seeded.definitions["credit-check:1:acme"]).suspended,
            w.client.set_definition_suspended(
                w.engine.seeded.definitions["credit-check:1:acme"], suspended=False
            ),
        )[1],
        lambda r: r is True,
    ),
    "list instances (POST query)": (
        lambda w: w.client.list_instances(QUERY, offset=0, limit=51),
        lambda r: r and all(i.business_key.startswith("ORDER-") for i in r),
    ),
    "count instances (POST query)": (lambda w: w.client.count_instances(QUERY), lambda r: r >= 1),
    "get instance": (lambda w: w.client.get_instance(w.order()).definition_id == w.definition_id, bool),
    "activity instance tree": (lambda w: _tree_counts(w, w.order()), lambda r: r == {"check_stock": 1}),
    "delete instance": (_delete_instance, bool),
    "suspend instance": (_suspend_instance, bool),
    "modify instance": (_modify_instance, _modified_as_planned),
    "modify instance async": (_modify_instance_async, bool),
    "instance variables": (
        _instance_variables,
        lambda r: r["amount"] == VariableType.INTEGER and r["invoice"] == VariableType.FILE,
    ),
    "get variable": (
        lambda w: w.client.get_variable(w.order(), "orderNumber"),
        lambda r: r.type == VariableType.LONG and r.value > 9_000_000_000,
    ),
    "set variable": (_set_variable, bool),
    "delete variable": (lambda w: _delete_variable(w, "old"), bool),
    "variable with a slash in its name stays one path segment": (lambda w: _delete_variable(w, "a/b"), bool),
    "get binary variable": (_binary, bool),
    "set binary variable": (_set_binary, bool),
    "variable local to an execution": (_local, lambda r: r == [(True, True)]),
    "delete a variable local to an execution": (lambda w: _local(w, delete=True), lambda r: r == []),
    "set a binary variable local to an execution": (
        lambda w: _local(w, binary=True),
        lambda r: r == [(True, True)],
    ),
    "one variable instance by id": (_variable_instance, bool),
    "a variable instance's binary content": (lambda w: _variable_instance(w, data=True), bool),
    "variable instances of one name": (
        lambda w: w.client.variable_instances(w.order(), name="customer", limit=50),
        lambda r: [v.name for v in r] == ["customer"] and not r[0].is_local,
    ),
    "variable instances with scope": (
        lambda w: w.client.variable_instances(w.order()),
        lambda r: len(r) >= 5 and r == sorted(r, key=lambda v: v.name),
    ),
    "delete instances async": (
        lambda w: _batch_done(w, w.client.delete_instances_async([w.order(), w.order()], reason="cleanup")),
        bool,
    ),
    "delete instances async by query": (
        lambda w: w.client.delete_instances_async(
            query=ProcessInstanceQuery(business_key="no-such-key"), reason="none"
        ),
        None,  # an empty query: the engine refuses it (see NOT_AS_IS)
    ),
    "delete instances async by historic query": (
        lambda w: _batch_done(
            w,
            w.client.delete_instances_async(
                query=HistoricProcessInstanceQuery(process_instance_ids=(w.order(),))
            ),
        ),
        bool,
    ),
    "suspend instances async": (
        lambda w: (
            lambda pi: (
                _batch_done(
                    w,
                    w.client.set_instances_suspended_async(
                        query=ProcessInstanceQuery(process_instance_ids=(pi,)), suspended=True
                    ),
                )
                and _suspended(w, pi)
            )
        )(w.order()),
        bool,
    ),
    "job retries async": (
        lambda w: _job_case(
            w,
            lambda pi, job: (
                _batch_done(w, w.client.set_job_retries_async([pi], retries=3))
                and _eventually(lambda: w.client.count_incidents(process_instance_id=pi) == 1)
            ),
        ),
        bool,
    ),
    "job retries async by historic query": (
        lambda w: _job_case(
            w,
            lambda pi, job: (
                _batch_done(
                    w,
                    w.client.set_job_retries_async(
                        query=HistoricProcessInstanceQuery(process_instance_ids=(pi,)),
                        retries=1,
                        due_date=datetime.now(UTC) + timedelta(days=1),
                    ),
                )
                and w.client.get_job(job).retries == 1
            ),
        ),
        bool,
    ),
    "set variables async": (
        lambda w: (
            lambda pi: (
                _batch_done(
                    w,
                    w.client.set_variables_async(
                        [pi], variables={"priority": TypedValue(VariableType.SHORT, 2)}
                    ),
                )
                and w.client.get_variable(pi, "priority") == TypedValue(VariableType.SHORT, 2)
            )
        )(w.order()),
        bool,
    ),
    "modification of many instances async": (
        lambda w: (
            lambda pi: (
                _batch_done(
                    w,
                    w.client.execute_modification_async(
                        w.definition_id,
                        Modification((Instruction("startBeforeActivity", activity_id="pack"),)),
                        query=ProcessInstanceQuery(process_instance_ids=(pi,)),
                    ),
                )
                and _tree_counts(w, pi) == {"check_stock": 1, "pack": 1}
            )
        )(w.order()),
        bool,
    ),
    "list incidents": (
        lambda w: w.client.list_incidents(
            process_definition_id=w.definition_id, sort=Sort(IncidentSort.TIMESTAMP, "desc")
        ),
        lambda r: r and r[0].incident_timestamp.tzinfo is not None and r[0].job_id,
    ),
    "count incidents": (lambda w: w.client.count_incidents(incident_type="failedJob"), lambda r: r >= 1),
    "get incident": (
        lambda w: w.client.get_incident(_incident_of(w).id).activity_id,
        lambda r: r == "charge",
    ),
    "annotate incident": (_annotate, lambda r: r == "Provider down, retry later"),
    "clear incident annotation": (lambda w: _annotate(w, clear=True), lambda r: r is None),
    "list jobs": (
        lambda w: _job_case(
            w, lambda pi, job: w.client.list_jobs(process_instance_id=pi, with_exception=True)
        ),
        lambda r: len(r) == 1 and r[0].retries == 0 and r[0].exception_message,
    ),
    "count jobs": (lambda w: w.client.count_jobs(no_retries_left=True), lambda r: r >= 1),
    "get job": (
        lambda w: _job_case(w, lambda pi, job: w.client.get_job(job).failed_activity_id),
        lambda r: r == "charge",
    ),
    "job stacktrace": (
        lambda w: _job_case(w, lambda pi, job: w.client.job_stacktrace(job)),
        lambda r: "Card declined" in r,
    ),
    "set job retries": (
        lambda w: _job_case(
            w,
            lambda pi, job: (
                w.client.set_job_retries(job, 1),
                w.client.count_incidents(process_instance_id=pi),
            )[1],
        ),
        lambda r: r in (0, 1),  # resolved at once; the job executor may have failed it again already
    ),
    "set retries of many jobs": (
        lambda w: (lambda jobs: _batch_done(w, w.client.set_jobs_retries_async(jobs, 2)))(
            [w.failed_order()[1], w.failed_order()[1]]
        ),
        bool,
    ),
    "count batches": (lambda w: w.client.count_batches(), lambda r: r >= 0),
    "batch statistics": (
        lambda w: (
            lambda b: _eventually(
                lambda: (
                    [(s.id, s.failed_jobs) for s in w.client.batch_statistics(batch_id=b.id)] == [(b.id, 1)]
                )
            )
        )(w.batch()),
        bool,
    ),
    "get batch": (
        lambda w: (
            lambda b: (w.client.set_batch_suspended(b.id, suspended=True), w.client.get_batch(b.id))[1]
        )(w.batch()),
        lambda r: r.suspended,
    ),
    "suspend batch": (
        lambda w: (
            lambda b: (
                w.client.set_batch_suspended(b.id, suspended=True),
                w.client.get_batch(b.id).suspended,
            )[1]
        )(w.batch()),
        bool,
    ),
    "delete batch": (
        lambda w: (
            lambda b: (
                w.client.set_batch_suspended(b.id, suspended=True),
                w.client.delete_batch(b.id, cascade=True),
                w.client.count_batches(),
            )[2]
        )(w.batch()),
        lambda r: r >= 0,
    ),
    "historic batch": (lambda w: w.client.get_historic_batch(w.batch().id), lambda r: r.id),
    "historic instances": (
        lambda w: w.client.list_historic_instances(HISTORIC, limit=5),
        lambda r: r and all(h.state in ("ACTIVE", "SUSPENDED") for h in r),
    ),
    "count historic instances": (lambda w: w.client.count_historic_instances(HISTORIC), lambda r: r >= 1),
    # History's running instances with open incidents are the runtime's instances with incidents
    # (history keeps resolved incidents too: the status tells them apart).
    "running instances with open incidents, newest first": (
        lambda w: (
            {
                h.id
                for h in w.client.list_historic_instances(
                    HistoricProcessInstanceQuery(
                        unfinished=True, with_incidents=True, incident_status="open"
                    ),
                    limit=1000,
                )
            },
            {i.id for i in w.client.list_instances(ProcessInstanceQuery(with_incident=True), limit=1000)},
        ),
        lambda r: r[0] and r[0] == r[1],
    ),
    "historic instance": (
        lambda w: w.client.get_historic_instance(w.engine.seeded.one("completed", key="order").id),
        lambda r: r.state == "COMPLETED" and r.end_time is not None,
    ),
    "unfinished historic activity instances": (
        lambda w: w.client.historic_activity_instances(w.order(), finished=False),
        lambda r: [a.activity_id for a in r] == ["check_stock"],
    ),
    "historic activity instances": (
        lambda w: w.client.historic_activity_instances(w.order()),
        # Both started in the same millisecond: their order by start time is the database's.
        lambda r: sorted(a.activity_id for a in r) == ["check_stock", "start"],
    ),
    "historic variables": (
        lambda w: {v.name: v.value for v in w.client.historic_variables(w.order())},
        lambda r: r["customer"] and "amount" in r,
    ),
    "the definitions a definition calls": (
        lambda w: w.client.called_definitions(w.engine.seeded.definitions["loan:1"]),
        lambda r: [(d.key, d.called_from_activity_ids) for d in r] == [("credit-check", ("credit_check",))],
    ),
    # The seeded history is of today: the hour is the last one, and the case's own instance and
    # incident must be counted in it.
    "count instances started in an hour, from history": (
        lambda w: (
            lambda query: (
                w.client.count_historic_instances(query),
                w.order(),
                w.client.count_historic_instances(query),
            )
        )(HistoricProcessInstanceQuery(**_last_hour("started"))),
        lambda r: r[2] == r[0] + 1,
    ),
    "user operations": (
        lambda w: (
            lambda pi: (
                w.client.set_instance_suspended(pi, suspended=True),
                w.client.user_operations(process_instance_id=pi),
            )[1]
        )(w.order()),
        lambda r: r and r[0].operation_type == "Suspend",
    ),
}
# Cases whose operation, as the respx case sends it, the real engines refuse for a reason of theirs.
NOT_AS_IS = {
    "delete instances async by query": "an empty query: Camunda answers 400 'processInstanceIds is empty'",
    "variable with a slash in its name stays one path segment": (
        "Tomcat (the engine's web server) answers 400 to an encoded slash (%2F) in a path before the"
        " engine sees it: a variable whose name has a slash cannot be changed or deleted one by one"
    ),
}


@pytest.fixture(params=["camunda7", "operaton"], scope="module")
def real(request, real_engines):
    return real_engines.get(request.param)


@pytest.fixture
def world(real):
    client = build_client(real.config)
    yield World(real, client)
    client.close()


# Operations proven on the real engines by a module of their own, which arranges what they need
# (a deployment of its own, a task it assigns, two versions to migrate between) and puts it back.
TASKS_AND_JOBS = "test_tasks_and_jobs_on_camunda7.py"
COVERED_ELSEWHERE = {
    # Raising an incident here waits on the job executor, which under load outlasted the seeding's wait.
    "count incidents raised in an hour, from history": "test_dashboard_on_camunda7.py",
    **dict.fromkeys(
        (
            "list user tasks", "set task assignee", "clear task assignee", "add candidate group",
            "remove candidate group", "set job due date", "recalculate job due date", "execute job",
            "list job definitions", "job definition", "suspend job definition with its jobs",
            "override job definition priority", "clear job definition priority",
            "failed jobs of a job definition",
        ),
        TASKS_AND_JOBS,
    ),
    **dict.fromkeys(
        (
            "generate a migration plan", "validate a migration plan", "migrate instances",
            "migrate instances as a batch",
        ),
        "test_migration_on_camunda7.py",
    ),
    **dict.fromkeys(
        (
            "deployments, newest first, by name", "count deployments", "one deployment",
            "a deployment's resources", "a resource's content", "a deployment's definitions",
            "delete a deployment with its instances",
        ),
        "test_deployments_on_camunda7.py",
    ),
}  # fmt: skip
# Not on a real engine at all: the seeded models have no external service task, so a real engine
# has no external task to answer about (the demo engine's answers follow the spec's shapes).
NO_REAL_SUBJECT = {
    "list external tasks", "external task", "external task error details", "set external task retries",
    "unlock external task",
}  # fmt: skip


def test_every_operation_case_runs_against_the_real_engines():
    here = Path(__file__).parent
    elsewhere = {name for name, module in COVERED_ELSEWHERE.items() if (here / module).exists()}
    untested = [case.name for case in CASES if case.name not in set(REAL) | elsewhere | NO_REAL_SUBJECT]
    assert untested == []


@pytest.mark.parametrize("name", [case.name for case in CASES if case.name in REAL])
def test_the_operation_parses_the_real_engines_answer(name, world):
    operation, check = REAL[name]
    if name in NOT_AS_IS:
        from engines.errors import EngineError

        with pytest.raises(EngineError):
            operation(world)
        return
    result = operation(world)
    assert check(result), result
