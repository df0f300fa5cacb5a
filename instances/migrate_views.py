"""The migration wizard: move running instances of one definition version onto another.

Every button posts the whole form with a `step` (generate, add, remove, validate, migrate); the
answer is the wizard drawn again, the plan carried in the form as plain values. The engine's
validation report comes before anything executes; a plan it refuses never executes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import requires
from accounts.roles import Perm
from audit.log import audited
from batches import operations
from batches.kinds import describe
from cockpit.engines import engine_scoped
from cockpit.filter_words import instance_filter_words
from engines.bpmn import BpmnModel
from engines.errors import EngineError, EngineResponseError
from engines.migration import MigrationInstruction, MigrationPlan, MigrationReport
from engines.models import ProcessDefinition
from engines.queries import DefinitionSort, ProcessInstanceQuery, Sort
from engines.variables import BINARY_TYPES, TypedValue, VariableType, VariableValueError, parse_input
from instances.modify_views import Target, instances_of_one_version, model_of

PAGE = "instances/migrate.html"
# Up to this many instances migrate at once, in one engine transaction; more go as an engine batch.
AT_ONCE = 50
VARIABLE_ROWS = 2
# The kinds of activity that can hold a token a migration moves (what a mapping is offered for).
MOVABLE = {"userTask", "serviceTask", "sendTask", "receiveTask", "scriptTask", "businessRuleTask", "task",
           "manualTask", "callActivity", "subProcess", "intermediateCatchEvent", "boundaryEvent",
           "parallelGateway", "inclusiveGateway", "eventBasedGateway"}  # fmt: skip


class MigrationForm(forms.Form):
    target = forms.ChoiceField(label="Migrate to")
    update_event_triggers = forms.BooleanField(
        required=False, label="Events take the target's triggers (timers, messages)"
    )
    plan = forms.CharField(required=False, widget=forms.HiddenInput)
    add_source = forms.ChoiceField(required=False, label="Source activity")
    add_target = forms.ChoiceField(required=False, label="Target activity")
    skip_custom_listeners = forms.BooleanField(required=False, label="Skip custom listeners")
    skip_io_mappings = forms.BooleanField(required=False, label="Skip input/output mappings")
    run_async = forms.BooleanField(required=False, label="As an engine batch (followed on the Batches page)")

    def __init__(self, data, *, definitions: list[ProcessDefinition], source: BpmnModel, target: BpmnModel):
        super().__init__(data)
        self.fields["target"].choices = [("", "—")] + [(d.id, _definition_label(d)) for d in definitions]
        self.fields["add_source"].choices = _activity_choices(source)
        self.fields["add_target"].choices = _activity_choices(target)
        types = [(t.value, t.value) for t in VariableType if t not in BINARY_TYPES]
        for n in range(VARIABLE_ROWS):
            self.fields[f"var_name_{n}"] = forms.CharField(required=False, max_length=400, label="Variable")
            self.fields[f"var_type_{n}"] = forms.ChoiceField(required=False, choices=types, label="Type")
            self.fields[f"var_value_{n}"] = forms.CharField(required=False, max_length=4000, label="Value")

    def variable_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"var_name_{n}"], self[f"var_type_{n}"], self[f"var_value_{n}"])
            for n in range(VARIABLE_ROWS)
        ]

    def variables(self) -> dict[str, TypedValue]:
        """The variables typed in; a value that does not fit its type is refused next to it."""
        found: dict[str, TypedValue] = {}
        for n in range(VARIABLE_ROWS):
            name = (self.cleaned_data.get(f"var_name_{n}") or "").strip()
            if not name:
                continue
            try:
                found[name] = parse_input(
                    self.cleaned_data.get(f"var_type_{n}") or "String",
                    self.cleaned_data.get(f"var_value_{n}") or "",
                )
            except VariableValueError as error:
                self.add_error(f"var_value_{n}", str(error))
        return found

    def stored_plan(self, source_id: str) -> MigrationPlan | None:
        """The plan the form carries, if it is one for this source (anything else is no plan)."""
        raw = self.cleaned_data.get("plan") or ""
        try:
            plan = MigrationPlan.from_dict(json.loads(raw)) if raw else None
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        if plan is None or plan.source_definition_id != source_id:
            return None
        return plan


def _definition_label(definition: ProcessDefinition) -> str:
    tenant = f", tenant {definition.tenant_id}" if definition.tenant_id else ""
    return f"{definition.title} v{definition.version} ({definition.key}{tenant})"


def _activity_choices(model: BpmnModel) -> list[tuple[str, str]]:
    nodes = sorted(
        (n for n in model.nodes.values() if n.type in MOVABLE), key=lambda n: (n.title.lower(), n.id)
    )
    return [("", "—")] + [(n.id, f"{n.title} ({_kind(n.type)})") for n in nodes]


def _kind(element: str) -> str:
    """A BPMN element name as people say it: userTask -> user task."""
    return re.sub(r"(?<!^)([A-Z])", r" \1", element).lower()


@dataclass(frozen=True)
class Row:
    """One instruction as the wizard lists it: names for people, and what the engine refuses about it."""

    instruction: MigrationInstruction
    source_title: str
    target_title: str
    problems: tuple[str, ...]
    engine_words: tuple[str, ...]


def _rows(
    plan: MigrationPlan, source: BpmnModel, target: BpmnModel, report: MigrationReport | None
) -> list[Row]:
    rows = []
    for instruction in plan.instructions:
        failures = report.failures_of(instruction) if report else ()
        rows.append(
            Row(
                instruction,
                source.title(instruction.source),
                target.title(instruction.target),
                _in_words(instruction, source, target) if failures else (),
                failures,
            )
        )
    return rows


def _in_words(instruction: MigrationInstruction, source: BpmnModel, target: BpmnModel) -> tuple[str, ...]:
    """Why a mapping cannot work, said from the two diagrams; the engine's own words follow it."""
    said = []
    old, new = source.nodes.get(instruction.source), target.nodes.get(instruction.target)
    if old is None:
        said.append(f"The source version has no activity “{instruction.source}”.")
    if new is None:
        said.append(f"The target version has no activity “{instruction.target}”.")
    if old and new and old.type != new.type:
        said.append(
            f"{old.title} is a {_kind(old.type)} and {new.title} a {_kind(new.type)}: "
            "an activity can only become one of the same kind."
        )
    if old and new and old.parent != new.parent:
        said.append(f"{old.title} and {new.title} do not lie in subprocesses mapped onto each other.")
    return tuple(said) or ("The engine refuses this mapping.",)


def _definitions(engine, source: ProcessDefinition) -> list[ProcessDefinition]:
    """What to migrate to: the other versions of the same key first (newest first), then any other."""
    found = engine.list_definitions(sort=Sort(DefinitionSort.KEY), limit=500)
    same = sorted(
        (d for d in found if d.key == source.key and d.id != source.id), key=lambda d: -(d.version or 0)
    )
    others = [d for d in found if d.key != source.key]
    return same + others


@require_http_methods(["GET", "POST"])
@requires(Perm.OPERATE)
@engine_scoped
def instances_migrate(request: HttpRequest) -> HttpResponse:
    engine = request.engine
    if not engine.capabilities.migration:
        return render(
            request, PAGE, {"refused": "This engine cannot migrate instances between versions."}, status=400
        )
    data = request.POST if request.method == "POST" else request.GET
    target = instances_of_one_version(request, data, doing="migrates")
    if target.error and not target.definition_id:
        return render(request, PAGE, {"target": target, "refused": target.error}, status=400)
    source = engine.get_definition(target.definition_id)
    definitions = _definitions(engine, source)
    chosen = (
        request.POST.get("target") or request.GET.get("target") or (definitions[0].id if definitions else "")
    )
    chosen_definition = next((d for d in definitions if d.id == chosen), None)
    target_model = model_of(engine, chosen)[0] if chosen_definition else BpmnModel("")
    form = MigrationForm(
        request.POST if request.method == "POST" else {"target": chosen},
        definitions=definitions,
        source=target.model,
        target=target_model,
    )
    context: dict[str, Any] = {"target": target, "source": source, "form": form, "chosen": chosen_definition}
    context["target_model"] = target_model
    if target.query is not None:
        context["filter_words"] = instance_filter_words(target.query, engine=engine)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    form.is_valid()
    plan = form.stored_plan(source.id) if step else None
    if chosen_definition is None:
        plan = None
    elif plan is None or plan.target_definition_id != chosen or step == "generate":
        try:
            plan = engine.generate_migration_plan(
                source.id, chosen, update_event_triggers=form.cleaned_data.get("update_event_triggers", False)
            )
        except EngineResponseError as error:  # no plan from the engine: mappings can still be added by hand
            context["engine_error"] = error
            plan = MigrationPlan(source.id, chosen)
    report: MigrationReport | None = None
    if plan is not None:
        plan, report, done = _step(request, step, form, plan, target, context)
        if done is not None:
            return done
    context.update(
        plan=plan,
        rows=_rows(plan, target.model, target_model, report) if plan else [],
        report=report,
        plan_json=json.dumps(plan.to_dict()) if plan else "",
        diagram={
            "source": [i.source for i in plan.instructions] if plan else [],
            "target": [i.target for i in plan.instructions] if plan else [],
        },
        at_once=AT_ONCE,
        variable_failures=(
            {name: report.failures_of_variable(name) for name in plan.variables} if report and plan else {}
        ),
    )
    status = 400 if form.errors or context.get("engine_error") or (report and not report.valid) else 200
    return render(request, PAGE, context, status=status)


def _step(request, step: str, form: MigrationForm, plan: MigrationPlan, target: Target, context: dict):
    """Apply the button pressed: (the plan, the engine's report if asked for, a response when done)."""
    report = None
    if step == "add":
        old, new = form.cleaned_data.get("add_source"), form.cleaned_data.get("add_target")
        if not old:
            form.add_error("add_source", "Choose the source activity (on the left diagram or here).")
        if not new:
            form.add_error("add_target", "Choose the target activity (on the right diagram or here).")
        if old and new:
            plan = plan.with_instruction(MigrationInstruction((old,), (new,)))
    elif step.startswith("remove:"):
        plan = plan.without_instruction(step.removeprefix("remove:"))
    if step not in ("validate", "migrate"):
        return plan, None, None
    variables = form.variables()
    plan = plan.with_variables(variables)
    if form.errors:
        return plan, None, None
    if not request.engine.capabilities.migration_validation:
        # Nothing to ask beforehand: the page says so, and the migration itself says what it refuses.
        context["unvalidated"] = True
        report = MigrationReport()
    else:
        try:
            report = request.engine.validate_migration_plan(plan)
        except EngineResponseError as error:
            context["engine_error"] = error
            return plan, None, None
    # The engine checks the instructions, not the instances: one waiting where nothing is mapped would
    # make it refuse the whole migration, so that is said first and nothing is offered to run.
    context["unmapped"] = _unmapped(request.engine, plan, target) if report.valid else []
    if step == "migrate" and report.valid and not context["unmapped"]:
        return plan, report, _execute(request, form, plan, target, context)
    return plan, report, None


def _acted_on(engine, query: ProcessInstanceQuery | None) -> dict[str, Any]:
    """The ids a migration over a filter moves (a few: it runs at once), for the audit log's Instance
    filter; the engine itself is given the query."""
    return {"ids": [i.id for i in engine.list_instances(query, limit=AT_ONCE + 1)]} if query else {}


def _unmapped(engine, plan: MigrationPlan, target: Target) -> list[str]:
    """Where the instances to migrate wait that the plan maps nowhere, in words (per activity)."""
    query = ProcessInstanceQuery(process_instance_ids=tuple(target.ids)) if target.ids else target.query
    # A filter by activity already matches any of its activities; another one could not narrow it.
    if query is None or query.activity_ids or not engine.capabilities.process_statistics:
        return []
    mapped = {instruction.source for instruction in plan.instructions}
    said = []
    for found in engine.activity_statistics(plan.source_definition_id):
        # A multi-instance body moves with its activity's mapping.
        if not found.instances or found.id in mapped or "#" in found.id:
            continue
        count = engine.count_instances(replace(query, activity_ids=(found.id,)))
        if count:
            waits = "instance waits" if count == 1 else "instances wait"
            said.append(
                f"{count:,} {waits} at {target.model.title(found.id)}, which the plan does not map: "
                "the engine would refuse to migrate them. Add a mapping for it."
            )
    return said


def _execute(request, form: MigrationForm, plan: MigrationPlan, target: Target, context: dict):
    engine = request.engine
    name = engine.config.name
    run_async = form.cleaned_data.get("run_async", False)
    if not run_async and target.count > AT_ONCE:
        form.add_error(
            "run_async",
            f"{target.count} instances are more than {AT_ONCE} to migrate at once: "
            "run it as an engine batch.",
        )
        return None
    options = {
        "skip_custom_listeners": form.cleaned_data.get("skip_custom_listeners", False),
        "skip_io_mappings": form.cleaned_data.get("skip_io_mappings", False),
    }
    query = None if target.ids else target.query
    if not target.ids and query is None:
        form.add_error(
            None, "No instance is selected and the list's filter matches none: nothing to migrate."
        )
        return None
    targets: dict[str, Any] = {"ids": target.ids} if query is None else {"query": query.to_dict()}
    # For the audit log's reader: the instances, the target and the mappings as the page named them
    # (the operation's entry too: the engine's names are at hand here, the definition cached).
    words = {
        "targets": describe(targets, engine=engine),
        "definition": f"{context['chosen'].title} v{context['chosen'].version}",
        "mappings": "; ".join(
            f"{target.model.title(i.source)} → {context['target_model'].title(i.target)}"
            for i in plan.instructions
        ),
    }
    if run_async:
        operation = operations.start(
            user=request.user,
            engine=name,
            kind="migrate",
            parameters={**targets, **words, "plan": plan.to_dict(), **options},
        )
        return redirect("operation_detail", engine=name, pk=operation.pk)
    try:
        with audited(
            user=request.user,
            engine=name,
            action="instances.migrate",
            target_type="process_definition",
            target_id=plan.target_definition_id,
            parameters={**words, **targets, **_acted_on(engine, query), "plan": plan.to_dict(), **options},
        ):
            engine.migrate_instances(
                plan,
                target.ids or None,
                query,
                skip_custom_listeners=options["skip_custom_listeners"],
                skip_io_mappings=options["skip_io_mappings"],
            )
    except EngineResponseError as error:
        context["engine_error"] = error  # the engine refused: its message, the plan as it was
        return None
    except EngineError:
        raise
    messages.success(
        request,
        f"{target.count:,} instance{'s' if target.count != 1 else ''} migrated to "
        f"{context['chosen'].title} v{context['chosen'].version}.",
    )
    return redirect(reverse("definition_detail", args=[name, plan.target_definition_id]))
