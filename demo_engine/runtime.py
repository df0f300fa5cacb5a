"""What the engine does: tokens moving through the models, modification, jobs, incidents, deletion.

A `Runtime` works on one connection inside one transaction (see `Store.transaction`), so a
command that raises leaves nothing behind. Its vocabulary is the engine's: an activity
instance is a token in an activity; a transition instance is a token waiting in a job before
an asynchronous activity; an embedded subprocess or a multi-instance body is a scope with
child activity instances; a call activity points at the process instance it called.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from demo_engine.errors import RestError, invalid
from demo_engine.models import MODELS, MULTI_INSTANCE_BODY, Node, ProcessModel
from demo_engine.store import VARIABLE_SLOTS, engine_date, new_id, variables_of
from demo_engine.variables import variable_columns

# How a failing delegate behaves when its job runs again: a timeout or an unavailable service
# recovers, a declined card fails again. Deterministic, so demos and tests can rely on it.
RECOVERS = ("timed out", "answered 503")
FAILURE_TRACE = "\n\tat com.example.demo.Delegate.execute(Delegate.java:42)"
MODIFICATION_CANCELLED = "Cancellation due to process instance modification"


def _describe(instruction: dict) -> str:
    kind = instruction.get("type")
    if kind == "startBeforeActivity":
        return f"Start before activity '{instruction.get('activityId')}'"
    if kind == "startAfterActivity":
        return f"Start after activity '{instruction.get('activityId')}'"
    if kind == "startTransition":
        return f"Start transition '{instruction.get('transitionId')}'"
    if instruction.get("activityInstanceId"):
        return f"Cancel activity instance '{instruction['activityInstanceId']}'"
    if instruction.get("transitionInstanceId"):
        return f"Cancel transition instance '{instruction['transitionInstanceId']}'"
    return f"Cancel all of activity '{instruction.get('activityId')}'"


class Runtime:
    def __init__(self, db: sqlite3.Connection, *, user: str | None = None) -> None:
        self.db = db
        self.user = user
        self.now = datetime.now(UTC)

    @property
    def stamp(self) -> str:
        return engine_date(self.now)

    # --- reading ---------------------------------------------------------------------------------

    def instance(self, instance_id: str) -> sqlite3.Row:
        row = self.db.execute("SELECT * FROM instance WHERE id = ?", (instance_id,)).fetchone()
        if row is None:
            raise RestError(404, f"Process instance with id {instance_id} does not exist")
        return row

    def find_instance(self, instance_id: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM instance WHERE id = ?", (instance_id,)).fetchone()

    @staticmethod
    def model(instance: sqlite3.Row) -> ProcessModel:
        return MODELS[instance["definition_key"]]

    def token(self, token_id: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM activity_instance WHERE id = ?", (token_id,)).fetchone()

    def children(self, parent_id: str) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM activity_instance WHERE parent_id = ? ORDER BY rowid", (parent_id,)
        ).fetchall()

    def tokens(self, instance_id: str) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM activity_instance WHERE instance_seq = (SELECT seq FROM instance WHERE id = ?) ORDER BY rowid",
            (instance_id,),
        ).fetchall()

    # --- the user operation log -------------------------------------------------------------------

    def log(
        self,
        operation_type: str,
        entity_type: str,
        *,
        instance: sqlite3.Row | None = None,
        properties: dict[str, Any] | None = None,
        job_id: str | None = None,
        batch_id: str | None = None,
        annotation: str | None = None,
        category: str = "Operator",
    ) -> str:
        """One operation, one entry per property (as the engine writes it), sharing an operation id."""
        operation_id = new_id()
        for name, value in (properties or {None: None}).items():
            self.db.execute(
                "INSERT INTO user_operation VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                (
                    new_id(), operation_id, operation_type, entity_type, category, name,
                    None if value is None else str(value).lower() if isinstance(value, bool) else str(value),
                    self.user, self.stamp,
                    instance["definition_id"] if instance else None,
                    instance["definition_key"] if instance else None,
                    instance["id"] if instance else None, job_id, batch_id, annotation,
                ),
            )  # fmt: skip
        return operation_id

    # --- tokens ------------------------------------------------------------------------------------

    def _create_token(
        self,
        instance: sqlite3.Row,
        activity_id: str,
        activity_type: str,
        parent_id: str,
        *,
        kind: str = "activity",
        leaf: bool = True,
    ) -> str:
        token_id = f"{activity_id}:{new_id()}"
        execution_id = new_id()
        self.db.execute(
            "INSERT INTO activity_instance VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (token_id, instance["seq"], instance["id"], parent_id, activity_id, activity_type, kind,
             execution_id, self.stamp, int(leaf)),
        )  # fmt: skip
        self._history_step(instance, token_id, parent_id, activity_id, activity_type, execution_id)
        return token_id

    def _history_step(
        self, instance, step_id, parent_id, activity_id, activity_type, execution_id=None, *, ended=False
    ) -> None:
        self.db.execute(
            "INSERT INTO history_activity VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, 0, ?)",
            (step_id, instance["seq"], None if parent_id == instance["id"] else parent_id, activity_id, activity_type,
             execution_id, self.stamp, self.stamp if ended else None, int(ended and activity_type == "endEvent")),
        )  # fmt: skip

    def _end_token(self, token: sqlite3.Row, *, canceled: bool) -> None:
        self.db.execute("DELETE FROM activity_instance WHERE id = ?", (token["id"],))
        self.db.execute(
            "UPDATE history_activity SET end_time = ?, canceled = ? WHERE instance_seq = ? AND id = ?",
            (self.stamp, int(canceled), token["instance_seq"], token["id"]),
        )
        self.db.execute("DELETE FROM job WHERE execution_id = ?", (token["execution_id"],))
        self.db.execute("DELETE FROM external_task WHERE execution_id = ?", (token["execution_id"],))
        for (incident_id,) in self.db.execute(
            "SELECT id FROM incident WHERE execution_id = ?", (token["execution_id"],)
        ).fetchall():
            self._resolve_incident(incident_id)
        self._retire_variables(
            f"{variables_of('?')} AND v.scope_id = ?",
            (token["instance_seq"], token["instance_seq"], token["id"]),
            state="CREATED",
        )

    def enter(self, instance: sqlite3.Row, node_id: str, parent_id: str) -> str | None:
        """A token arrives at a node inside a scope; returns the activity instance it made, if any."""
        model = self.model(instance)
        node = model.node(node_id)
        if node.instances:
            body = self._create_token(
                instance, node.id + MULTI_INSTANCE_BODY, "multiInstanceBody", parent_id, leaf=False
            )
            for _ in range(node.instances):
                self._activate(instance, model, node, body)
            return body
        return self._activate(instance, model, node, parent_id)

    def _activate(self, instance, model: ProcessModel, node: Node, parent_id: str) -> str | None:
        kind = node.type
        if kind in ("startEvent", "exclusiveGateway"):
            self._history_step(
                instance, f"{node.id}:{new_id()}", parent_id, node.id, node.activity_type, ended=True
            )
            if kind == "startEvent":
                self._leave(instance, model, node, parent_id)
            else:
                self.enter(instance, self._choose(instance, model, node).target, parent_id)
            return None
        if kind == "endEvent":
            self._history_step(
                instance, f"{node.id}:{new_id()}", parent_id, node.id, node.activity_type, ended=True
            )
            self._scope_may_be_done(instance, parent_id)
            return None
        if kind == "parallelGateway":
            incoming = model.incoming(node.id)
            if len(incoming) > 1:
                waiting = [t for t in self.children(parent_id) if t["activity_id"] == node.id]
                if len(waiting) + 1 < len(incoming):
                    return self._create_token(instance, node.id, node.activity_type, parent_id)
                for token in waiting:
                    self._end_token(token, canceled=False)
            self._history_step(
                instance, f"{node.id}:{new_id()}", parent_id, node.id, node.activity_type, ended=True
            )
            self._leave(instance, model, node, parent_id)
            return None
        if kind == "serviceTask":
            token = self._create_token(instance, node.id, node.activity_type, parent_id, kind="transition")
            self._add_job(instance, self.token(token), "async-continuation")
            return token
        if kind == "intermediateCatchEvent":
            token = self._create_token(instance, node.id, node.activity_type, parent_id)
            self._add_job(instance, self.token(token), "timer", due=engine_date(self.now + timedelta(days=1)))
            return token
        if kind == "subProcess":
            scope = self._create_token(instance, node.id, node.activity_type, parent_id, leaf=False)
            self.enter(instance, model.start_of(node.id).id, scope)
            return scope
        token = self._create_token(instance, node.id, node.activity_type, parent_id)
        if kind == "callActivity":
            self._call(instance, node, self.token(token))
        return token

    def _choose(self, instance, model: ProcessModel, node: Node):
        """The demo's gateway condition: an application is rejected when `approved` is false."""
        row = self.db.execute(
            f"SELECT value FROM variable v NOT INDEXED WHERE {variables_of('?')} AND name = 'approved' AND scope_id IS NULL",
            (instance["seq"], instance["seq"]),
        ).fetchone()
        rejected = row is not None and json.loads(row["value"]) is False
        flows = model.outgoing(node.id)
        return next((f for f in flows if ("reject" in f.target) == rejected), flows[0])

    def _leave(self, instance, model: ProcessModel, node: Node, parent_id: str) -> None:
        flows = model.outgoing(node.id)
        if not flows:
            self._scope_may_be_done(instance, parent_id)
        for flow in flows:
            if self.find_instance(instance["id"]) is None:
                return
            self.enter(instance, flow.target, parent_id)

    def _scope_may_be_done(self, instance, scope_id: str) -> None:
        if self.children(scope_id) or self.find_instance(instance["id"]) is None:
            return
        if scope_id == instance["id"]:
            self.end_instance(instance, "COMPLETED", None)
        else:
            self.complete(self.token(scope_id))

    def complete(self, token: sqlite3.Row) -> None:
        """The activity is done: its token leaves along the outgoing flows."""
        instance = self.instance(token["instance_id"])
        model = self.model(instance)
        self._end_token(token, canceled=False)
        parent = self.token(token["parent_id"])
        if parent is not None and parent["activity_type"] == "multiInstanceBody":
            if not self.children(parent["id"]):
                self.complete(parent)
            return
        node = model.node(token["activity_id"].removesuffix(MULTI_INSTANCE_BODY))
        self._leave(instance, model, node, token["parent_id"])

    def cancel(self, token: sqlite3.Row, *, propagate: bool = True, skip_subprocesses: bool = False) -> None:
        """Cancel a token and what it contains; a scope left empty is cancelled with it."""
        for child in self.children(token["id"]):
            self.cancel(child, propagate=False, skip_subprocesses=skip_subprocesses)
        if token["sub_instance_id"]:
            called = self.find_instance(token["sub_instance_id"])
            if called is not None and not skip_subprocesses:
                self.end_instance(called, "EXTERNALLY_TERMINATED", MODIFICATION_CANCELLED, from_super=True)
        self._end_token(token, canceled=True)
        if propagate and token["parent_id"] != token["instance_id"] and not self.children(token["parent_id"]):
            parent = self.token(token["parent_id"])
            if parent is not None:
                self.cancel(parent)

    # --- instances ----------------------------------------------------------------------------------

    def _call(self, instance, node: Node, token: sqlite3.Row) -> None:
        definition = self.db.execute(
            "SELECT * FROM definition WHERE key = ? AND tenant_id IS NULL ORDER BY version DESC LIMIT 1",
            (node.called,),
        ).fetchone()
        called = self.start_instance(definition, business_key=instance["business_key"], super_token=token)
        self.db.execute(
            "UPDATE activity_instance SET sub_instance_id = ? WHERE id = ?", (called, token["id"])
        )
        self.db.execute(
            "UPDATE history_activity SET called_instance_id = ? WHERE instance_seq = ? AND id = ?",
            (called, token["instance_seq"], token["id"]),
        )

    def start_instance(
        self, definition: sqlite3.Row, *, business_key: str | None, super_token=None, at_start: bool = True
    ) -> str:
        instance_id = new_id()
        super_instance = self.instance(super_token["instance_id"]) if super_token is not None else None
        root = super_instance["root_instance_id"] if super_instance is not None else instance_id
        (seq,) = self.db.execute(
            "SELECT MAX(seq) + 1 FROM (SELECT MAX(seq) AS seq FROM instance UNION ALL SELECT MAX(seq) FROM history_instance)"
        ).fetchone()
        values = (
            seq, instance_id, definition["id"], definition["key"], business_key, definition["tenant_id"], 0,
            self.stamp, super_token["instance_id"] if super_token is not None else None,
            super_token["id"] if super_token is not None else None, root,
        )  # fmt: skip
        self.db.execute("INSERT INTO instance VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
        self.db.execute(
            "INSERT INTO history_instance VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 'ACTIVE', NULL, ?, ?, ?, 'start', NULL)",
            (seq, instance_id, business_key, definition["id"], definition["key"], definition["name"],
             definition["version"], self.stamp, values[8], root, definition["tenant_id"]),
        )  # fmt: skip
        instance = self.instance(instance_id)
        if at_start:
            self.enter(instance, self.model(instance).start_of(None).id, instance_id)
        return instance_id

    def end_instance(
        self, instance, state: str, reason: str | None, *, from_super: bool = False, skip_subprocesses=False
    ) -> None:
        for token in self.children(instance["id"]):
            self.cancel(token, propagate=False, skip_subprocesses=skip_subprocesses)
        self._retire_variables(variables_of("?"), (instance["seq"], instance["seq"]), state="CREATED")
        for (incident_id,) in self.db.execute(
            "SELECT id FROM incident WHERE instance_id = ?", (instance["id"],)
        ).fetchall():
            self._resolve_incident(incident_id)
        self.db.execute("DELETE FROM job WHERE instance_id = ?", (instance["id"],))
        self.db.execute("DELETE FROM external_task WHERE instance_id = ?", (instance["id"],))
        self.db.execute("DELETE FROM instance WHERE id = ?", (instance["id"],))
        self.db.execute(
            "UPDATE history_instance SET end_time = ?, state = ?, delete_reason = ? WHERE id = ?",
            (self.stamp, state, reason, instance["id"]),
        )
        if instance["super_instance_id"] and not from_super:
            # The calling activity goes on once the instance it called has ended.
            caller = self.token(instance["super_activity_instance_id"])
            if caller is not None:
                self.db.execute(
                    "UPDATE activity_instance SET sub_instance_id = NULL WHERE id = ?", (caller["id"],)
                )
                self.complete(self.token(caller["id"]))

    def delete_instance(
        self, instance_id: str, *, reason: str | None, skip_subprocesses: bool = False
    ) -> None:
        instance = self.instance(instance_id)
        self.end_instance(instance, "EXTERNALLY_TERMINATED", reason, skip_subprocesses=skip_subprocesses)

    def set_suspended(self, instance_id: str, suspended: bool) -> None:
        self.instance(instance_id)
        self.db.execute("UPDATE instance SET suspended = ? WHERE id = ?", (int(suspended), instance_id))
        self.db.execute("UPDATE job SET suspended = ? WHERE instance_id = ?", (int(suspended), instance_id))
        self.db.execute(
            "UPDATE history_instance SET state = ? WHERE id = ?",
            ("SUSPENDED" if suspended else "ACTIVE", instance_id),
        )
        if suspended:
            return
        # The job executor takes up what waited with the instance: a failed job given retries meanwhile.
        for job in self.db.execute(
            "SELECT * FROM job WHERE instance_id = ? AND retries > 0 AND exception_message IS NOT NULL"
            " AND type != 'batch'",
            (instance_id,),
        ).fetchall():
            self.execute_job(self.job(job["id"]))

    # --- modification --------------------------------------------------------------------------------

    def modify(self, instance_id: str, instructions: list[dict], *, annotation: str | None = None) -> None:
        """Process instance modification: instructions run in order, all or nothing."""
        instance = self.instance(instance_id)
        if not instructions:
            raise invalid("At least one instruction must be specified")
        existing = {token["id"] for token in self.tokens(instance_id)}
        for instruction in instructions:
            if self.find_instance(instance_id) is None:
                break
            self._instruct(instance, instruction, existing)
        if self.find_instance(instance_id) is not None and not self.children(instance_id):
            self.end_instance(instance, "EXTERNALLY_TERMINATED", MODIFICATION_CANCELLED)
        self.log("ModifyProcessInstance", "ProcessInstance", instance=instance, annotation=annotation,
                 properties={"nrOfInstances": 1, "async": False})  # fmt: skip

    def _instruct(self, instance, instruction: dict, existing: set[str]) -> None:
        kind = instruction.get("type")
        describe = _describe(instruction)
        model = self.model(instance)
        if kind not in ("startBeforeActivity", "startAfterActivity", "startTransition", "cancel"):
            raise invalid(f"Unsupported instruction type '{kind}'")
        if kind == "cancel":
            self._cancel_instruction(instance, model, instruction, describe, existing)
            return
        if kind == "startTransition":
            flow = model.flow(instruction.get("transitionId") or "")
            if not instruction.get("transitionId"):
                raise invalid("For instruction type 'startTransition': 'transitionId' must be set")
            if flow is None:
                raise invalid(
                    f"Cannot perform instruction: {describe}; Sequence flow '{instruction['transitionId']}' does not exist: transition is null"
                )
            target = flow.target
        else:
            activity_id = instruction.get("activityId")
            if not activity_id:
                raise invalid(f"For instruction type '{kind}': 'activityId' must be set")
            if model.find(activity_id.removesuffix(MULTI_INSTANCE_BODY)) is None:
                raise invalid(
                    f"Cannot perform instruction: {describe}; Activity '{activity_id}' does not exist: activity is null"
                )
            target = activity_id
            if kind == "startAfterActivity":
                node = model.node(activity_id.removesuffix(MULTI_INSTANCE_BODY))
                # A multi-instance activity's sequence flows belong to its body, not to the inner activity.
                inner = node.instances and not activity_id.endswith(MULTI_INSTANCE_BODY)
                flows = [] if inner else model.outgoing(node.id)
                if len(flows) != 1:
                    problem = (
                        "has no outgoing sequence flow to continue with"
                        if not flows
                        else "has more than one outgoing sequence flow"
                    )
                    raise RestError(
                        500,
                        f"Cannot perform instruction: {describe}; Activity '{activity_id}' {problem}",
                        "ProcessEngineException",
                    )
                target = flows[0].target
        node = model.node(target.removesuffix(MULTI_INSTANCE_BODY))
        # Start before the inner activity of a multi-instance: one more inner instance in its body
        # (the body is its scope: found, named as the ancestor, or created with this one instance).
        inner = (
            bool(node.instances)
            and kind == "startBeforeActivity"
            and not target.endswith(MULTI_INSTANCE_BODY)
        )
        parent = self._scope_for(
            instance, model, node, instruction.get("ancestorActivityInstanceId"), describe, inner=inner
        )
        if inner:
            started = self._activate(instance, model, node, parent)
        else:
            started = self.enter(instance, node.id, parent)
        self._instruction_variables(instance, instruction.get("variables") or {}, started)

    def _scope_for(
        self,
        instance,
        model: ProcessModel,
        node: Node,
        ancestor_id: str | None,
        describe: str,
        *,
        inner: bool = False,
    ) -> str:
        """The activity instance to start in: the given ancestor, the single existing scope, or new scopes."""
        scopes = model.scopes_of(node.id) + ([node.id + MULTI_INSTANCE_BODY] if inner else [])
        parent, first_missing = instance["id"], 0
        if ancestor_id and ancestor_id != instance["id"]:
            ancestor = self.token(ancestor_id)
            if ancestor is None or ancestor["instance_id"] != instance["id"]:
                raise invalid(
                    f"Cannot perform instruction: {describe}; Ancestor activity instance '{ancestor_id}' does not exist: ancestorInstance is null"
                )
            if ancestor["activity_id"] not in scopes:
                raise invalid(
                    f"Cannot perform instruction: {describe}; Scope execution for '{ancestor_id}' cannot be found in parent hierarchy of flow element '{node.id}'"
                )
            parent, first_missing = ancestor_id, scopes.index(ancestor["activity_id"]) + 1
        elif not ancestor_id:
            for depth in range(len(scopes) - 1, -1, -1):
                found = [t for t in self.tokens(instance["id"]) if t["activity_id"] == scopes[depth]]
                if len(found) > 1:
                    raise invalid(
                        f"Cannot perform instruction: {describe}; Ancestor activity instance id must be set: there is more than one instance of the scope '{scopes[depth]}'"
                    )
                if found:
                    parent, first_missing = found[0]["id"], depth + 1
                    break
        for scope in scopes[first_missing:]:  # missing parent scopes are instantiated, not started
            kind = (
                "multiInstanceBody"
                if scope.endswith(MULTI_INSTANCE_BODY)
                else model.node(scope).activity_type
            )
            parent = self._create_token(instance, scope, kind, parent, leaf=False)
        return parent

    def _cancel_instruction(
        self, instance, model, instruction: dict, describe: str, existing: set[str]
    ) -> None:
        if instruction.get("activityInstanceId"):
            target_id = instruction["activityInstanceId"]
            if target_id == instance["id"]:
                for token in self.children(instance["id"]):
                    self.cancel(token, propagate=False)
                return
            token = self.token(target_id)
            if token is None or token["instance_id"] != instance["id"] or token["kind"] != "activity":
                raise invalid(
                    f"Cannot perform instruction: {describe}; Activity instance '{target_id}' does not exist: activityInstance is null"
                )
            self.cancel(token)
        elif instruction.get("transitionInstanceId"):
            target_id = instruction["transitionInstanceId"]
            token = self.token(target_id)
            if token is None or token["instance_id"] != instance["id"] or token["kind"] != "transition":
                raise invalid(
                    f"Cannot perform instruction: {describe}; Transition instance '{target_id}' does not exist: transitionInstance is null"
                )
            self.cancel(token)
        elif instruction.get("activityId"):
            activity_id = instruction["activityId"]
            if model.find(activity_id.removesuffix(MULTI_INSTANCE_BODY)) is None:
                raise invalid(
                    f"Cannot perform instruction: {describe}; Activity '{activity_id}' does not exist: activity is null"
                )
            only_existing = bool(instruction.get("cancelCurrentActiveActivityInstances"))
            for token in self.tokens(instance["id"]):
                if token["activity_id"] != activity_id or (only_existing and token["id"] not in existing):
                    continue
                if self.token(token["id"]) is not None:  # not already gone with an outer scope
                    self.cancel(self.token(token["id"]))
        else:
            raise invalid(
                "For instruction type 'cancel': 'activityId', 'activityInstanceId' or 'transitionInstanceId' must be set"
            )

    def _instruction_variables(self, instance, variables: dict, started: str | None) -> None:
        for name, dto in variables.items():
            if not isinstance(dto, dict):
                raise invalid(f"Cannot set variable '{name}': a variable is an object with value and type")
            local = bool(dto.get("local")) and started is not None
            self.set_variable(instance, name, dto, scope_id=started if local else None, log=False)

    # --- restart of finished instances -------------------------------------------------------------------

    def restart(self, definition: sqlite3.Row, historic_id: str, restart: dict) -> str:
        """A finished instance started again as a new one: its process-level variables (the last ones,
        or with initialVariables those it started with), its business key unless left out, tokens where
        the instructions start them. Its copied variables are the new instance's initial ones."""
        old = self.db.execute("SELECT * FROM history_instance WHERE id = ?", (historic_id,)).fetchone()
        if old is None:
            raise invalid("Historic process instance cannot be found: historicProcessInstanceId is null")
        if old["definition_id"] != definition["id"]:
            raise invalid(
                f"Its process definition '{old['definition_id']}' does not match given process definition"
                f" '{definition['id']}'"
            )
        if old["end_time"] is None:
            raise RestError(
                500,
                f"ENGINE-13040 Historic process instance '{historic_id}' cannot be restarted. It is not completed"
                " or terminated.",
                "ProcessEngineException",
            )
        business_key = None if restart.get("withoutBusinessKey") else old["business_key"]
        instance_id = self.start_instance(definition, business_key=business_key, at_start=False)
        instance = self.instance(instance_id)
        last = f"""SELECT v.name, v.type, v.value, v.value_info, v.number, v.text, v.data FROM variable v NOT INDEXED
            WHERE {variables_of("?")} AND v.scope_id IS NULL
            UNION ALL SELECT name, type, value, value_info, number, text, NULL FROM history_variable
            WHERE instance_id = ? AND scope_id = instance_id AND state = 'CREATED'"""
        if restart.get("initialVariables"):
            # The last values of those never touched, the first values of those changed or removed;
            # none of those added after the start.
            query = f"""SELECT * FROM ({last}) WHERE name NOT IN (SELECT name FROM initial_variable WHERE instance_seq = ?)
            UNION ALL SELECT name, type, value, value_info, number, text, data FROM initial_variable
            WHERE instance_seq = ? AND added = 0"""
            args: tuple = (old["seq"], old["seq"], historic_id, old["seq"], old["seq"])
        else:
            query, args = last, (old["seq"], old["seq"], historic_id)
        for row in self.db.execute(query, args).fetchall():
            self.db.execute(
                "INSERT INTO variable (rowid, instance_seq, scope_id, name, type, value, value_info, number, text, data,"
                " create_time) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._free_slot(instance), instance["seq"], *tuple(row), self.stamp),
            )
        existing: set[str] = set()
        for instruction in restart["instructions"]:
            self._instruct(instance, instruction, existing)
        if self.find_instance(instance_id) is not None and not self.children(instance_id):
            self.end_instance(instance, "COMPLETED", None)
        return instance_id

    def delete_history(self, historic_id: str) -> None:
        """A finished instance's history removed for good; one already gone is passed over."""
        old = self.db.execute("SELECT * FROM history_instance WHERE id = ?", (historic_id,)).fetchone()
        if old is None:
            return
        if old["end_time"] is None:
            raise invalid(
                f"Process instance is still running, cannot delete historic process instance: {historic_id}"
            )
        self.db.execute("DELETE FROM history_activity WHERE instance_seq = ?", (old["seq"],))
        self.db.execute("DELETE FROM initial_variable WHERE instance_seq = ?", (old["seq"],))
        self.db.execute("DELETE FROM history_variable WHERE instance_id = ?", (historic_id,))
        self.db.execute(
            f"DELETE FROM variable AS v NOT INDEXED WHERE {variables_of('?')}", (old["seq"], old["seq"])
        )
        self.db.execute("DELETE FROM history_instance WHERE id = ?", (historic_id,))

    # --- variables --------------------------------------------------------------------------------------

    def set_variable(self, instance, name: str, dto: dict, *, scope_id: str | None = None, log: bool = True,
                     data: bytes | None = None, context: str | None = None) -> None:  # fmt: skip
        try:
            columns = variable_columns(dto, data=data)
        except ValueError as error:
            raise invalid(f"{context or f'Cannot set variable {name}'}: {error}") from None
        seq = instance["seq"]
        row = self.db.execute(
            f"SELECT rowid FROM variable v NOT INDEXED WHERE {variables_of('?')} AND name = ? AND scope_id IS ?",
            (seq, seq, name, scope_id),
        ).fetchone()
        if scope_id is None:
            self._keep_initial(seq, name, row["rowid"] if row else None)
        if row:
            self.db.execute(
                "UPDATE variable SET type = ?, value = ?, value_info = ?, number = ?, text = ?, data = ? WHERE rowid = ?",
                (*columns, row["rowid"]),
            )
        else:
            self.db.execute(
                "INSERT INTO variable (rowid, instance_seq, scope_id, name, type, value, value_info, number, text, data,"
                " create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._free_slot(instance), seq, scope_id, name, *columns, self.stamp),
            )
        if log:
            self.log(
                "ModifyVariable" if row else "SetVariable", "Variable", instance=instance, category="Operator"
            )

    def _free_slot(self, instance) -> int:
        seq = instance["seq"]
        (last,) = self.db.execute(
            f"SELECT MAX(rowid) FROM variable v NOT INDEXED WHERE {variables_of('?')}", (seq, seq)
        ).fetchone()
        slot = seq * VARIABLE_SLOTS if last is None else last + 1
        if slot >= (seq + 1) * VARIABLE_SLOTS:
            raise RestError(
                500,
                f"Process instance {instance['id']} has no room for more variables",
                "ProcessEngineException",
            )
        return slot

    def _keep_initial(self, seq: int, name: str, rowid: int | None) -> None:
        """Before a process variable first changes: its value as the instance started (a restart with
        the initial variables reads it), or that it was not there then."""
        if rowid is None:
            self.db.execute(
                "INSERT OR IGNORE INTO initial_variable (instance_seq, name, added) VALUES (?, ?, 1)",
                (seq, name),
            )
        else:
            self.db.execute(
                "INSERT OR IGNORE INTO initial_variable SELECT ?, name, 0, type, value, value_info, number, text,"
                " data FROM variable WHERE rowid = ?",
                (seq, rowid),
            )

    def delete_variable(self, instance, name: str, *, scope_id: str | None = None, log: bool = True) -> None:
        if scope_id is None:
            row = self.db.execute(
                f"SELECT rowid FROM variable v NOT INDEXED WHERE {variables_of('?')} AND name = ? AND scope_id IS NULL",
                (instance["seq"], instance["seq"], name),
            ).fetchone()
            if row:
                self._keep_initial(instance["seq"], name, row["rowid"])
        self._retire_variables(
            f"{variables_of('?')} AND v.name = ? AND v.scope_id IS ?",
            (instance["seq"], instance["seq"], name, scope_id),
            state="DELETED",
        )
        if log:
            self.log("RemoveVariable", "Variable", instance=instance)

    def _retire_variables(self, where: str, args: tuple, *, state: str) -> None:
        """Variables leave the runtime; history keeps them (CREATED when their scope ended, DELETED when removed)."""
        self.db.execute(
            f"""INSERT INTO history_variable
            SELECT '00000000-0000-4000-8000-' || printf('%012x', v.rowid), i.id, COALESCE(v.scope_id, i.id), v.name,
                   v.type, v.value, v.value_info, COALESCE(v.create_time, i.start_time), ?, i.definition_id,
                   i.definition_key, v.number, v.text
            FROM variable v NOT INDEXED JOIN instance i ON i.seq = v.instance_seq WHERE {where}""",
            (state, *args),
        )
        # Every caller names the instance's rowid range; no value index may be preferred to it.
        self.db.execute(f"DELETE FROM variable AS v NOT INDEXED WHERE {where}", args)

    # --- jobs and incidents ----------------------------------------------------------------------------

    def _add_job(self, instance, token: sqlite3.Row, job_type: str, *, due: str | None = None) -> str:
        job_id = new_id()
        self.db.execute(
            "INSERT INTO job VALUES (?, ?, ?, ?, ?, ?, ?, 3, NULL, NULL, ?, ?, ?, ?, NULL, NULL, ?)",
            (job_id, instance["id"], instance["definition_id"], instance["definition_key"], token["activity_id"],
             token["execution_id"], job_type, due, self.stamp, instance["suspended"],
             f"{job_type}:{instance['definition_id']}:{token['activity_id']}", instance["tenant_id"]),
        )  # fmt: skip
        return job_id

    def job(self, job_id: str) -> sqlite3.Row:
        row = self.db.execute("SELECT * FROM job WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise RestError(404, f"Job with id {job_id} does not exist")
        return row

    def set_job_retries(
        self, job_id: str, retries: int, *, due_date: str | None = None, log: bool = True
    ) -> None:
        """New retries for a job; a failed job then runs again and either recovers or fails anew."""
        job = self.job(job_id)
        if retries < 0:
            raise invalid(
                f"The number of job retries must be a non-negative Integer, but '{retries}' has been provided."
            )
        failed = job["retries"] == 0
        self.db.execute(
            "UPDATE job SET retries = ?, due_date = COALESCE(?, due_date) WHERE id = ?",
            (retries, due_date, job_id),
        )
        if log:
            instance = self.find_instance(job["instance_id"]) if job["instance_id"] else None
            self.log(
                "SetJobRetries", "Job", instance=instance, job_id=job_id, properties={"retries": retries}
            )
        if not (failed and retries > 0):
            return
        for (incident_id,) in self.db.execute(
            "SELECT id FROM incident WHERE job_id = ?", (job_id,)
        ).fetchall():
            self._resolve_incident(incident_id)
        if job["type"] == "batch":
            # A failed batch job goes back to its batch, which runs it again.
            self.db.execute("DELETE FROM job WHERE id = ?", (job_id,))
            self.db.execute(
                "UPDATE batch_item SET state = 'pending' WHERE batch_id = ? AND seq = ?",
                (job["batch_id"], job["batch_item"]),
            )
        elif not job["suspended"]:
            self.execute_job(self.job(job_id))

    def execute_job(self, job: sqlite3.Row) -> None:
        if job["suspended"]:
            raise RestError(
                500, f"Cannot execute job {job['id']}: the job is suspended", "ProcessEngineException"
            )
        token = self.db.execute(
            "SELECT * FROM activity_instance WHERE instance_seq = (SELECT seq FROM instance WHERE id = ?)"
            " AND execution_id = ?",
            (job["instance_id"], job["execution_id"]),
        ).fetchone()
        message = job["exception_message"] or ""
        if job["type"] == "async-continuation" and message and not any(word in message for word in RECOVERS):
            self._fail_job(job, message, (job["stacktrace"] or message + FAILURE_TRACE))
            return
        self.db.execute("DELETE FROM job WHERE id = ?", (job["id"],))
        if token is not None:
            self.complete(token)

    def _fail_job(self, job: sqlite3.Row, message: str, trace: str) -> None:
        self.db.execute(
            "UPDATE job SET retries = 0, exception_message = ?, stacktrace = ? WHERE id = ?",
            (message, trace, job["id"]),
        )
        instance = self.instance(job["instance_id"])
        self.raise_incident(instance, job["activity_id"], job["execution_id"], message, job_id=job["id"])

    def raise_incident(
        self, instance, activity_id: str, execution_id: str, message: str, *, job_id: str | None
    ) -> str:
        """A failed job's incident, repeated at each calling activity up to the root instance."""
        root = incident_id = cause = new_id()
        current, activity, execution, job = instance, activity_id, execution_id, job_id
        while True:
            self.db.execute(
                "INSERT INTO incident VALUES (?, ?, ?, ?, ?, 'failedJob', ?, ?, ?, NULL, ?, ?, ?, ?)",
                (incident_id, current["seq"], current["id"], current["definition_id"], activity, message, self.stamp,
                 job, execution, cause, root, current["tenant_id"]),
            )  # fmt: skip
            if not current["super_instance_id"]:
                return root
            caller = self.token(current["super_activity_instance_id"])
            current = self.instance(current["super_instance_id"])
            activity, execution, job = caller["activity_id"], caller["execution_id"], None
            cause, incident_id = incident_id, new_id()
            message = None  # as Camunda: the calling activity's copy has no message, its cause has

    def _resolve_incident(self, incident_id: str) -> None:
        row = self.db.execute("SELECT root_cause_id FROM incident WHERE id = ?", (incident_id,)).fetchone()
        if row is not None:
            self.db.execute("DELETE FROM incident WHERE root_cause_id = ?", (row["root_cause_id"],))
