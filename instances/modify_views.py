"""The modification wizard: build a plan, preview it, submit it, for one instance or many of one version.

Each button posts the whole wizard form with a `step` (add, remove-N, up-N, down-N, preview,
submit); the answer is the wizard drawn again. Nothing is kept on the server between steps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import requires
from accounts.roles import Perm
from audit.log import audited
from batches import operations
from cockpit.engines import engine_scoped
from cockpit.filter_words import instance_filter_words
from engines.bpmn import BpmnError, BpmnModel, parse_model
from engines.errors import EngineError, EngineResponseError
from engines.fanout import fan_out
from engines.models import ActivityInstance
from engines.queries import InstructionKind, ProcessInstanceQuery
from engines.variables import BINARY_TYPES, VariableType, VariableValueError
from instances import modification as plans
from instances.views import filtered

PAGE = "instances/modify.html"
SAMPLE = 20  # instances whose trees the preview of a many-instance plan replays
VARIABLE_ROWS = 3


@dataclass
class Target:
    """What the plan is for: one instance (with its tree), or many instances of one definition version."""

    definition_id: str
    model: BpmnModel
    instance_id: str = ""
    tree: ActivityInstance | None = None
    ids: list[str] = field(default_factory=list)
    filter_string: str = ""
    query: ProcessInstanceQuery | None = None
    count: int = 0
    error: str = ""
    # Why the definition's model (and so the diagram) is unavailable; "" when it is there.
    model_error: str = ""

    @property
    def single(self) -> bool:
        return bool(self.instance_id)

    def node_names(self) -> dict[str, str]:
        """Activity and transition instance ids, named for people."""
        names: dict[str, str] = {}
        if self.tree is None:
            return names
        for node in self.tree.walk():
            names[node.id] = f"{node.activity_name or node.activity_id} ({node.id})"
            for transition in node.transitions:
                names[transition.id] = (
                    f"{transition.activity_name or transition.activity_id}, waiting ({transition.id})"
                )
        names[self.tree.id] = f"the process instance ({self.tree.id})"
        return names


class StepForm(forms.Form):
    """One instruction to add; the choices come from the definition and, for one instance, its tree."""

    kind = forms.ChoiceField(choices=list(plans.TYPES.items()), label="Instruction")
    activity_id = forms.ChoiceField(required=False, label="Activity")
    transition_id = forms.ChoiceField(required=False, label="Sequence flow")
    cancel_target = forms.ChoiceField(required=False, label="Which of its instances")
    ancestor = forms.ChoiceField(required=False, label="Start inside")

    def __init__(
        self, data: QueryDict | None, *, target: Target, instructions: frozenset[InstructionKind]
    ) -> None:
        super().__init__(data, prefix="add")
        self.target = target
        self.fields["kind"].choices = plans.offered_types(instructions)
        self.missing_note = plans.missing_types_note(instructions)
        model = target.model
        activities = [("", "—")]
        for node in sorted(model.nodes.values(), key=lambda n: (n.title.lower(), n.id)):
            activities.append((node.id, f"{node.title} ({node.type})"))
            if node.multi_instance:
                activities.append(
                    (node.id + plans.BODY, f"{node.title}: all instances (multi-instance body)")
                )
        if target.model_error and target.tree is not None:
            activities += _active_activities(target.tree)
        self.fields["activity_id"].choices = activities
        self.fields["transition_id"].choices = [("", "—")] + [
            (flow.id, f"{flow.name or flow.id}: {model.title(flow.source)} → {model.title(flow.target)}")
            for flow in model.flows.values()
        ]
        names = target.node_names()
        cancel = [("", "every instance of the activity chosen above")]
        scopes = [("", "where the engine finds the one scope (or creates it)")]
        if target.tree is not None:
            for node in target.tree.walk():
                if node.id != target.tree.id:
                    cancel.append((f"a:{node.id}", names[node.id]))
                if node.id == target.tree.id or node.children or node.transitions:
                    scopes.append((node.id, names[node.id]))
                cancel += [(f"t:{t.id}", names[t.id]) for t in node.transitions]
        self.fields["cancel_target"].choices = cancel
        self.fields["ancestor"].choices = scopes
        for n in range(VARIABLE_ROWS):
            self.fields[f"var_name_{n}"] = forms.CharField(required=False, max_length=400, label="Variable")
            self.fields[f"var_type_{n}"] = forms.ChoiceField(
                required=False,
                choices=[(t.value, t.value) for t in VariableType if t not in BINARY_TYPES],
                label="Type",
            )
            self.fields[f"var_value_{n}"] = forms.CharField(required=False, strip=False, label="Value")
            self.fields[f"var_local_{n}"] = forms.BooleanField(required=False, label="local")

    def variable_rows(self) -> list[tuple]:
        return [
            (self[f"var_name_{n}"], self[f"var_type_{n}"], self[f"var_value_{n}"], self[f"var_local_{n}"])
            for n in range(VARIABLE_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind in ("startBeforeActivity", "startAfterActivity") and not data.get("activity_id"):
            self.add_error("activity_id", "Choose the activity (here or on the diagram).")
        if kind == "startTransition" and not data.get("transition_id"):
            self.add_error("transition_id", "Choose the sequence flow.")
        if kind == "cancel" and not (data.get("activity_id") or data.get("cancel_target")):
            self.add_error("cancel_target", "Choose what to cancel: an activity, or one of its instances.")
        starting = kind != "cancel"
        variables = []
        for n in range(VARIABLE_ROWS):
            name = (data.get(f"var_name_{n}") or "").strip()
            if not name:
                continue
            if not starting:
                self.add_error(f"var_name_{n}", "Only a start instruction sets variables.")
                continue
            kind_of_value = data.get(f"var_type_{n}") or "String"
            try:
                plans.parse_value(kind_of_value, data.get(f"var_value_{n}") or "")
            except VariableValueError as error:
                self.add_error(f"var_value_{n}", str(error))
            variables.append(
                plans.StepVariable(
                    name, kind_of_value, data.get(f"var_value_{n}") or "", bool(data.get(f"var_local_{n}"))
                )
            )
        data["variables"] = tuple(variables)
        return data

    def step(self) -> plans.Step:
        data = self.cleaned_data
        target = data.get("cancel_target") or ""
        cancel_one = data["kind"] == "cancel" and target
        return plans.Step(
            type=data["kind"],
            activity_id=""
            if cancel_one or data["kind"] == "startTransition"
            else data.get("activity_id") or "",
            transition_id=data.get("transition_id") or "" if data["kind"] == "startTransition" else "",
            activity_instance_id=target[2:] if cancel_one and target.startswith("a:") else "",
            transition_instance_id=target[2:] if cancel_one and target.startswith("t:") else "",
            ancestor_activity_instance_id="" if data["kind"] == "cancel" else data.get("ancestor") or "",
            variables=data["variables"] if data["kind"] != "cancel" else (),
        )


class PlanForm(forms.Form):
    plan = forms.CharField(required=False, widget=forms.HiddenInput)
    skip_custom_listeners = forms.BooleanField(required=False, label="Skip custom listeners")
    skip_io_mappings = forms.BooleanField(required=False, label="Skip input/output mappings")
    annotation = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Annotation (why; kept by the engine and in the audit log)",
    )
    run_async = forms.BooleanField(required=False, label="Run as a batch in the background")
    acknowledge = forms.BooleanField(required=False, label="I have read the warnings and want this anyway")

    def steps(self) -> list[plans.Step]:
        return plans.plan_from_json(self.data.get("plan", ""))


def _active_activities(tree: ActivityInstance) -> list[tuple[str, str]]:
    """Without the definition, the activities the tree shows active are the ones known to exist."""
    found: dict[str, str] = {}
    for node in tree.walk():
        items = ([node] if node.id != tree.id else []) + node.transitions
        for item in items:
            if item.activity_id:
                found.setdefault(item.activity_id, f"{item.activity_name or item.activity_id} (active now)")
    return sorted(found.items(), key=lambda pair: pair[1].lower())


# --- the targets ------------------------------------------------------------------------------------


def model_of(engine, definition_id: str | None) -> tuple[BpmnModel, str]:
    """The definition's model, or an empty one and why it is unavailable (the answers may lack it)."""
    if not definition_id:
        return BpmnModel(""), "the engine did not say which process definition the instance belongs to"
    xml = engine.definition_xml(definition_id)
    if not isinstance(xml, str) or not xml.strip():
        return BpmnModel(""), "the engine sent no BPMN XML for the definition"
    try:
        return parse_model(xml), ""
    except BpmnError as error:
        return BpmnModel(""), str(error)


def _one(engine, instance_id: str) -> Target:
    got = fan_out(
        {
            "instance": lambda: engine.get_instance(instance_id),
            "tree": lambda: engine.activity_instance_tree(instance_id),
        }
    )
    definition_id = got["instance"].definition_id
    model, model_error = model_of(engine, definition_id)
    return Target(
        definition_id or "", model, instance_id=instance_id, tree=got["tree"], model_error=model_error
    )


def instances_of_one_version(request: HttpRequest, data: QueryDict, *, doing: str = "modifies") -> Target:
    """The selected instances, or those matching the list's filter; all of one definition version."""
    ids = [i for i in data.getlist("ids") if i]
    filter_string = data.get("filter", "")
    engine = request.engine
    query = None
    if ids:
        found = engine.list_instances(
            ProcessInstanceQuery(process_instance_ids=tuple(ids)), limit=len(ids) + 1
        )
        definitions = {instance.definition_id for instance in found}
        count = len(found)
    else:
        _form, query, valid = filtered(request, QueryDict(filter_string))
        if not valid or query is None:
            return Target(
                "", BpmnModel(""), filter_string=filter_string, error="The list's filter matches nothing."
            )
        definitions = {query.process_definition_id} if query.process_definition_id else set()
        count = engine.count_instances(query)
    if len(definitions) != 1:
        return Target(
            "",
            BpmnModel(""),
            ids=ids,
            filter_string=filter_string,
            error=f"The engine {doing} instances of one definition version at a time: select instances "
            "of one version, or filter the list by process and version first.",
        )
    (definition_id,) = definitions
    model, model_error = model_of(engine, definition_id)
    if model_error:
        return Target(
            definition_id or "",
            model,
            ids=ids,
            filter_string=filter_string,
            model_error=model_error,
            error="The wizard needs the definition's diagram to modify many instances at once; "
            "modify them one by one from their pages instead.",
        )
    return Target(
        definition_id,
        model,
        ids=ids,
        filter_string=filter_string,
        query=query,
        count=count,
    )


def _sample_trees(engine, target: Target) -> list[ActivityInstance]:
    ids = target.ids[:SAMPLE] or [i.id for i in engine.list_instances(target.query, limit=SAMPLE)]
    # The tree of each sampled instance, all at once
    trees = fan_out({i: (lambda i=i: engine.activity_instance_tree(i)) for i in ids}, keep_failures=True)
    return [tree for tree in trees.values() if isinstance(tree, ActivityInstance)]


# --- the views ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(Perm.OPERATE)
@engine_scoped
def instance_modify(request: HttpRequest, instance_id: str) -> HttpResponse:
    return _wizard(request, _one(request.engine, instance_id))


@require_http_methods(["GET", "POST"])
@requires(Perm.OPERATE)
@engine_scoped
def instances_modify(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    target = instances_of_one_version(request, data)
    if target.error:
        return render(request, PAGE, {"target": target}, status=400)
    return _wizard(request, target)


def _wizard(request: HttpRequest, target: Target) -> HttpResponse:
    posted = request.method == "POST"
    form = PlanForm(request.POST if posted else None)
    instructions = request.engine.capabilities.instructions
    step_form = StepForm(
        request.POST if posted and request.POST.get("step") == "add" else None,
        target=target,
        instructions=instructions,
    )
    context: dict[str, Any] = {
        "target": target,
        "form": form,
        "step_form": step_form,
        # No sequence flow to pick where the engine cannot start on one
        "offers_transition": InstructionKind.START_TRANSITION in instructions,
    }
    if target.query is not None:  # many instances by the list's filter: say which, as every bulk action does
        context["filter_words"] = instance_filter_words(target.query, engine=request.engine)
    try:
        steps = form.steps() if posted else []
    except plans.PlanError as error:
        steps, context["plan_error"] = [], str(error)
    action = request.POST.get("step", "") if posted else ""
    if action == "add" and step_form.is_valid():
        step = step_form.step()
        steps.append(step)
        step_form = StepForm(None, target=target, instructions=instructions)
    elif action.startswith(("remove-", "up-", "down-")):
        steps = _moved(steps, action)
    form.is_valid()
    context.update(step_form=step_form, steps=steps)
    if action == "preview" and not steps:  # nothing to preview: said by the button, not silence
        context["preview_refused"] = "Add an instruction first."
    elif action in ("preview", "submit") or (steps and action != "add"):
        context["preview"] = _preview(request, target, steps)
    if action == "submit":
        done = _submit(request, target, form, steps, context)
        if done is not None:
            return done
    context["plan_json"] = plans.plan_to_json(steps)
    if context.get("preview") is not None:
        context["preview_diagram"] = json.dumps(context["preview"].diagram)
        if target.single:
            context["preview_after"] = context["preview"].afterwards(target.tree.id)
    context["sample"] = SAMPLE
    names = target.node_names()
    context["descriptions"] = [step.describe(target.model, names) for step in steps]
    context["annotation_required"] = settings.COCKPIT_MODIFICATION_ANNOTATION_REQUIRED
    status = 422 if context.get("errors") else 200
    template = f"{PAGE}#wizard" if request.htmx else PAGE
    return render(request, template, context, status=status if request.htmx else 200)


def _moved(steps: list[plans.Step], action: str) -> list[plans.Step]:
    verb, _, number = action.partition("-")
    try:
        n = int(number)
    except ValueError:
        return steps
    if not 0 <= n < len(steps):
        return steps
    steps = list(steps)
    if verb == "remove":
        del steps[n]
    elif verb == "up" and n > 0:
        steps[n - 1], steps[n] = steps[n], steps[n - 1]
    elif verb == "down" and n < len(steps) - 1:
        steps[n + 1], steps[n] = steps[n], steps[n + 1]
    return steps


@dataclass
class ManyPreview:
    """A many-instance plan replayed on a sample of the instances."""

    sampled: int
    ending: int
    refused: int
    first: plans.Preview | None
    partial: int = 0

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.ending:
            found.append(
                f"{self.ending} of the {self.sampled} instances looked at would be left without a token "
                "and end."
            )
        if self.refused:
            found.append(
                f"For {self.refused} of the {self.sampled} instances looked at, the engine would refuse "
                "an instruction."
            )
        if self.partial:
            found.append(
                f"For {self.partial} of the {self.sampled} instances looked at, the preview cannot follow "
                "the tokens to where they stop (a condition decides the way); only the engine will know."
            )
        return found

    @property
    def diagram(self) -> dict[str, list[str]]:
        return self.first.diagram if self.first else {"cancel": [], "start": []}


def _preview(request: HttpRequest, target: Target, steps: list[plans.Step]):
    if not steps:
        return None
    if target.single:
        return plans.preview(target.model, target.tree, steps)
    previews = [plans.preview(target.model, tree, steps) for tree in _sample_trees(request.engine, target)]
    return ManyPreview(
        sampled=len(previews),
        ending=sum(p.ends_instance for p in previews),
        refused=sum(p.refused for p in previews),
        partial=sum(p.partial for p in previews),
        first=previews[0] if previews else None,
    )


def _submit(request: HttpRequest, target: Target, form: PlanForm, steps, context) -> HttpResponse | None:
    """Carry the plan out, or say (in context["errors"]) why not; None means: draw the wizard again."""
    errors: list[str] = []
    annotation = (form.cleaned_data.get("annotation") or "").strip()
    if settings.COCKPIT_MODIFICATION_ANNOTATION_REQUIRED and not annotation:
        form.add_error("annotation", "Say why: the annotation stays with the instance and in the audit log.")
        errors.append("annotation")
    instructions = request.engine.capabilities.instructions
    if any(plans.KIND_OF.get(step.type) not in instructions for step in steps):
        errors.append(plans.missing_types_note(instructions))
    preview = context.get("preview")
    if preview is not None and preview.warnings and not form.cleaned_data.get("acknowledge"):
        form.add_error("acknowledge", "Read the warnings of the preview and confirm them.")
        errors.append("acknowledge")
    if not target.single and any(step.instance_specific for step in steps):
        errors.append("An instruction names things of one instance; remove it to modify many instances.")
    try:
        modification = plans.modification_of(
            steps,
            skip_custom_listeners=form.cleaned_data.get("skip_custom_listeners", False),
            skip_io_mappings=form.cleaned_data.get("skip_io_mappings", False),
            annotation=annotation,
        )
    except plans.PlanError as error:
        errors.append(str(error))
        modification = None
    if errors:
        context["errors"] = [e for e in errors if e not in ("annotation", "acknowledge")] or [
            "See the fields marked below."
        ]
        return None
    engine = request.engine
    name = engine.config.name
    if target.single and not form.cleaned_data.get("run_async"):
        try:
            with audited(
                user=request.user,
                engine=name,
                action="instance.modify",
                target_type="process_instance",
                target_id=target.instance_id,
                parameters={"modification": modification.to_dict()},
            ):
                engine.modify_instance(target.instance_id, modification)
        except EngineResponseError as error:
            # The engine refused: its message in the wizard, the plan as it was.
            context["engine_error"] = error
            return None
        except EngineError:
            raise
        messages.success(request, "The instance was modified.")
        return _go(request, reverse("instance_detail", args=[name, target.instance_id]))
    parameters: dict[str, Any] = {
        "definition_id": target.definition_id,
        "modification": modification.to_dict(),
    }
    if target.single:
        parameters.update(ids=[target.instance_id], instance_id=target.instance_id)
    elif target.ids:
        parameters["ids"] = target.ids
    else:
        parameters["query"] = target.query.to_dict()
    operation = operations.start(user=request.user, engine=name, kind="modify", parameters=parameters)
    return _go(request, reverse("operation_detail", args=[name, operation.pk]))


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)
