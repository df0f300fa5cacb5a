"""The instance list in history mode (finished instances), and what can be done to them from there:
restart, deleting their history, and the history-based delete and job retries of the running ones."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import requires
from accounts.roles import Perm
from audit.log import audited
from batches import operations
from batches.kinds import KINDS, describe
from cockpit.engines import EngineRequest, engine_scoped
from cockpit.filter_words import historic_filter_words
from cockpit.paging import engine_table, filter_string
from engines import fan_out
from engines.base import BulkWork, EngineClient
from engines.bpmn import BpmnError, parse_model
from engines.errors import EngineError
from engines.models import ProcessDefinition
from engines.queries import (
    HistoricProcessInstanceQuery,
    Instruction,
    InstructionKind,
    Restart,
)
from instances.history import DEFAULT_SORT, STATE_WORDS, FinishedInstanceTable, HistoryFilterForm

# Up to this many instances are restarted at once, in one engine transaction; more go to an engine batch.
RESTART_AT_ONCE = 50
PREVIEW_ROWS = 10
ACTIONS = (
    ("restart", "Restart…"),
    ("delete_history", "Delete their history"),
    ("delete_historic", "Delete (cancel) the running ones"),
    ("job_retries_historic", "Set job retries of the running ones"),
)


def filtered(
    request: EngineRequest, data: QueryDict
) -> tuple[HistoryFilterForm, HistoricProcessInstanceQuery | None]:
    """The form and history's query (None: the form needs fixing)."""
    form = HistoryFilterForm(data)
    if not form.is_valid():
        return form, None
    try:
        return form, form.query(request.engine)
    except forms.ValidationError:
        return form, None


def offered_actions(user, engine: EngineClient) -> list[tuple[str, str]]:
    """The actions the role may start on this engine: the list offers only those (the view checks again)."""
    return [
        (name, label)
        for name, label in ACTIONS
        if user.has_perm(KINDS[name].perm) and KINDS[name].available(engine.capabilities)
    ]


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def finished_list(request: EngineRequest) -> HttpResponse:
    form, query = filtered(request, request.GET)

    def fetch(sort, offset, limit):
        if query is None:
            return []
        return request.engine.list_historic_instances(
            replace(query, sorting=(sort,) if sort else ()), offset=offset, limit=limit
        )

    # A search from the bar (#filters) gets the whole page, whose bar and results it swaps in (the chips
    # change with the filter); a page or a sorting of the results gets the results alone.
    results_only = bool(request.htmx) and request.htmx.trigger != "filters"
    actions = offered_actions(request.user, request.engine)
    found = fan_out(
        {
            "table": lambda: engine_table(
                request,
                FinishedInstanceTable,
                fetch,
                default_sort=DEFAULT_SORT,
                exclude=() if actions else ("select",),
            ),
            # The bar's pickers, asked at the same time as the rows (a page of them keeps the bar).
            "choices": lambda: [] if results_only else form.offer_choices(request.engine),
        }
    )
    table, page = found["table"]
    choice_problems = found["choices"]
    missing = [
        KINDS[name].missing
        for name, _label in ACTIONS
        if request.user.has_perm(KINDS[name].perm) and not KINDS[name].available(request.engine.capabilities)
    ]
    context = {
        "form": form,
        "valid": query is not None,
        "table": table,
        "page": page,
        "filter_string": filter_string(request.GET),
        "filter_words": historic_filter_words(query, engine=request.engine) if query else "",
        "actions": actions,
        "missing_actions": missing,
        "notes": choice_problems,
    }
    template = "instances/history.html#results" if results_only else "instances/history.html"
    return render(request, template, context)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def finished_count(request: EngineRequest) -> HttpResponse:
    """Its own fragment, so a slow count never holds up the table."""
    _form, query = filtered(request, request.GET)
    count = request.engine.count_historic_instances(query) if query is not None else 0
    bulk = bool(offered_actions(request.user, request.engine))
    return render(
        request, "instances/history.html#count", {"count": count, "valid": query is not None, "bulk": bulk}
    )


class HistoryActionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTIONS)
    scope = forms.ChoiceField(
        choices=(("selected", "The selected instances"), ("all", "Everything matching"))
    )
    reason = forms.CharField(required=False, max_length=500, label="Reason (kept by the engine)")
    retries = forms.IntegerField(required=False, min_value=0, max_value=100, initial=1, label="Retries")
    # Restart
    start = forms.ChoiceField(required=False, label="Start the new instances")
    variables = forms.ChoiceField(
        required=False,
        choices=(("last", "Their last variables"), ("initial", "Their initial variables")),
        label="With",
    )
    without_business_key = forms.BooleanField(required=False, label="Without the business key")
    skip_custom_listeners = forms.BooleanField(required=False, label="Skip custom listeners")
    skip_io_mappings = forms.BooleanField(required=False, label="Skip input/output mappings")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") == "selected" and not self.data.getlist("ids"):
            self.add_error("scope", "Select instances in the list, or act on everything matching.")
        if "confirm" in self.data:
            if data.get("action") == "job_retries_historic" and data.get("retries") is None:
                self.add_error("retries", "How many retries should the jobs get?")
            if data.get("action") == "restart" and not data.get("start"):
                self.add_error("start", "Choose where the new instances start.")
        return data

    def restart(self) -> Restart:
        where, _, target = self.cleaned_data["start"].partition(":")
        kind = {
            "before": InstructionKind.START_BEFORE_ACTIVITY,
            "after": InstructionKind.START_AFTER_ACTIVITY,
            "flow": InstructionKind.START_TRANSITION,
        }[where]
        instruction = (
            Instruction(kind, transition_id=target)
            if kind == InstructionKind.START_TRANSITION
            else Instruction(kind, activity_id=target)
        )
        data = self.cleaned_data
        return Restart(
            instructions=(instruction,),
            initial_variables=data.get("variables") == "initial",
            without_business_key=data.get("without_business_key", False),
            skip_custom_listeners=data.get("skip_custom_listeners", False),
            skip_io_mappings=data.get("skip_io_mappings", False),
        )

    def restart_words(self, definition: ProcessDefinition) -> dict[str, str]:
        """For the audit log's reader: the definition by name and version, and the restart in words."""
        data = self.cleaned_data
        where = dict(self.fields["start"].choices).get(data["start"], data["start"])
        keys = "without their business keys" if data.get("without_business_key") else "business keys"
        said = [
            where[:1].lower() + where[1:],
            f"with their {data.get('variables') or 'last'} variables and {keys}",
        ]
        if data.get("skip_custom_listeners"):
            said.append("skipping custom listeners")
        if data.get("skip_io_mappings"):
            said.append("skipping input/output mappings")
        return {"definition": f"{definition.title} v{definition.version}", "start": ", ".join(said)}


def start_choices(engine: EngineClient, definition_id: str) -> list[tuple[str, str]]:
    """Where a restart may start, from the definition's diagram: before or after each activity, or on a
    sequence flow."""
    try:
        model = parse_model(engine.definition_xml(definition_id))
    except BpmnError:
        return []
    # Nothing chosen for the operator: the first in the list may be a failing task.
    choices = [("", "— choose where they start —")]
    for node in sorted(model.nodes.values(), key=lambda n: n.title.lower()):
        choices.append((f"before:{node.id}", f"Before {node.title}"))
        if len(model.outgoing(node.id)) == 1:
            choices.append((f"after:{node.id}", f"After {node.title}"))
    for flow in sorted(model.flows.values(), key=lambda f: f.id):
        label = flow.name or f"{model.title(flow.source)} → {model.title(flow.target)}"
        choices.append((f"flow:{flow.id}", f"On the sequence flow {label}"))
    return choices


def one_definition(
    engine: EngineClient, ids: list[str] | None, query: HistoricProcessInstanceQuery | None
) -> tuple[str | None, str]:
    """The one definition the instances belong to, or why there is none (a restart needs exactly one)."""
    if ids is not None:
        found = engine.list_historic_instances(
            HistoricProcessInstanceQuery(process_instance_ids=tuple(ids)), limit=len(ids)
        )
        definitions = {h.process_definition_id for h in found}
    elif query is not None and query.process_definition_id:
        return query.process_definition_id, ""
    elif query is not None and query.process_definition_key:
        versions = engine.list_definitions(key=query.process_definition_key, limit=200)
        definitions = {
            d.id
            for d in versions
            if engine.count_historic_instances(replace(query, process_definition_id=d.id))
        }
    else:
        return None, "Restart needs one process definition: filter by process (and version) first."
    if len(definitions) == 1:
        (definition_id,) = definitions
        if definition_id:
            return definition_id, ""
    if not definitions:
        return None, "No finished instance matches: nothing to restart."
    return None, (
        f"These instances belong to {len(definitions)} process definitions; restart needs one: "
        "select instances of one version, or filter by process and version."
    )


@require_POST
@requires(Perm.VIEW)
@engine_scoped
def finished_action(request: EngineRequest) -> HttpResponse:
    """Step one shows what will happen to how many instances (and the first of them), with the action's
    options; step two (confirm) does it: a restart of a few at once, anything else as an operation."""
    action = HistoryActionForm(request.POST)
    _form, query = filtered(request, QueryDict(request.POST.get("filter", "")))
    selected = list(dict.fromkeys(request.POST.getlist("ids")))
    context: dict[str, Any] = {
        "action": action,
        "filter_string": request.POST.get("filter", ""),
        "selected": selected,
    }
    name = request.POST.get("action", "")
    kind = KINDS.get(name) if name in dict(ACTIONS) else None
    if kind is not None and not request.user.has_perm(kind.perm):
        return render(request, "instances/history_confirm.html", {**context, "forbidden": kind}, status=403)
    if kind is None or query is None:
        return render(request, "instances/history_confirm.html", context, status=400)
    if not kind.available(request.engine.capabilities):
        return render(request, "instances/history_confirm.html", {**context, "unavailable": kind}, status=400)
    # No instances selected: nothing is asked of the engine (Django caps a request below 1000 fields, so
    # the selection always fits in one page of history). (A form of its own: validating
    # `action` now would check the start against choices not yet known.)
    if "scope" in HistoryActionForm(request.POST).errors:
        context["action"] = HistoryActionForm(request.POST)
        return render(request, "instances/history_confirm.html", context, status=400)
    ids = selected if request.POST.get("scope") == "selected" else None
    targets = HistoricProcessInstanceQuery(process_instance_ids=tuple(ids)) if ids is not None else query
    count = len(ids) if ids is not None else request.engine.count_historic_instances(query)
    context.update(
        kind=kind,
        count=count,
        preview=[
            (found, STATE_WORDS.get(found.state or "", (found.state or "—").lower()))
            for found in (
                request.engine.list_historic_instances(targets, limit=PREVIEW_ROWS) if count else []
            )
        ],
        filter_words=historic_filter_words(query, engine=request.engine) if ids is None else "",
    )
    definition_id = None
    if name == "restart":
        definition_id, problem = one_definition(request.engine, ids, query)
        context["definition_problem"] = problem
        if definition_id:
            action.fields["start"].choices = start_choices(request.engine, definition_id)
            context["definition_id"] = definition_id
            context["definition"] = request.engine.deployed_definition(definition_id)
    if (
        name == "restart"
        and count > RESTART_AT_ONCE
        and not request.engine.capabilities.engine_batch(BulkWork.RESTART_INSTANCES)
    ):
        context["definition_problem"] = (
            f"This engine restarts at most {RESTART_AT_ONCE} instances at once and has no batch for more: "
            "narrow the filter or select fewer."
        )
    if not action.is_valid() or context.get("definition_problem"):
        return render(request, "instances/history_confirm.html", context, status=400)
    if "confirm" not in request.POST or not count:
        return render(request, "instances/history_confirm.html", context)
    target_values: dict[str, Any] = {"ids": ids} if ids is not None else {"history_query": query.to_dict()}
    if name == "restart":
        restart = action.restart()
        words = action.restart_words(context["definition"])
        if count <= RESTART_AT_ONCE:
            return _restart_now(request, definition_id, restart, ids, query, count, context, words)
        options: dict[str, Any] = {"definition_id": definition_id, **words, "restart": restart.to_dict()}
    elif name == "job_retries_historic":
        options = {"retries": action.cleaned_data["retries"]}
    else:
        options = {"reason": action.cleaned_data.get("reason") or ""}
    operation = operations.start(
        user=request.user, engine=request.engine_name, kind=name, parameters={**target_values, **options}
    )
    return redirect("operation_detail", engine=operation.engine, pk=operation.pk)


def _restart_now(
    request: EngineRequest, definition_id, restart: Restart, ids, query, count: int, context, words: dict
):
    """A few instances are restarted at once, all or none; the engine's refusal is shown on the page."""
    targets = {"ids": ids} if ids is not None else {"history_query": query.to_dict()}
    # Over a filter, the ids too (a few: they restart at once), for the audit log's Instance filter.
    acted_on = ids or [h.id for h in request.engine.list_historic_instances(query, limit=RESTART_AT_ONCE + 1)]
    try:
        with audited(
            user=request.user, engine=request.engine_name, action="instances.restart",
            target_type="process_definition", target_id=definition_id,
            parameters={"targets": describe(targets), **words, **targets, "ids": acted_on,
                        "restart": restart.to_dict(), "count": count},
        ):  # fmt: skip
            request.engine.restart_instances(definition_id, restart, ids, None if ids is not None else query)
    except EngineError as error:
        context["engine_error"] = error.message
        return render(request, "instances/history_confirm.html", context, status=400)
    said = f"Restarted {count} instance{'s' if count != 1 else ''} as new instances of {words['definition']}"
    keys = [h.business_key for h, _state in context["preview"] if h.business_key]
    if keys and not restart.without_business_key:
        more = f" and {count - len(keys)} more" if count > len(keys) else ""
        said += f", with the business keys {', '.join(keys)}{more}"
    messages.success(request, said + ".")
    return redirect(f"{reverse('instance_list', args=[request.engine_name])}?definition_id={definition_id}")
