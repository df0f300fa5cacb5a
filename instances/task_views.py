"""The user and external tasks tabs' actions: a user task's assignee and candidate groups; an external
task's error details, retries and lock.

Each checks that the task belongs to the instance in the URL and is audited with the value before and
after (instances/owned.py), and answers with the tab drawn again (htmx) or a redirect to it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit.engines import EngineRequest, engine_scoped
from engines.models import ExternalTask, UserTask
from instances.detail_views import PAGE, _tab_panel, instance_changed
from instances.owned import Owned
from instances.tabs import TABS
from instances.variables import instance_facts


def _one_word(value: str) -> str:
    if any(character.isspace() for character in value):
        raise forms.ValidationError("An id has no spaces in it.")
    return value


class AssigneeForm(forms.Form):
    # Empty clears the assignee: the task goes back to its candidates.
    assignee = forms.CharField(max_length=255, required=False, label="Assignee")

    def clean_assignee(self) -> str:
        return _one_word(self.cleaned_data["assignee"])


class GroupForm(forms.Form):
    group = forms.CharField(
        max_length=255, label="Candidate group", error_messages={"required": "Name the group."}
    )

    def clean_group(self) -> str:
        return _one_word(self.cleaned_data["group"])


USER_TASK: Owned[UserTask] = Owned(
    "user task",
    "Process instance",
    "user_task",
    "process_instance_id",
    fetch=lambda engine, task_id: engine.get_user_task(task_id),
    parent_of=lambda task: task.process_instance_id,
    facts=lambda engine, instance_id, _task: instance_facts(engine, instance_id),
    offered=lambda capabilities: capabilities.user_tasks,
    missing="This engine offers no user tasks.",
)


def tab_answer(
    request: EngineRequest,
    instance_id: str,
    *,
    tab: str = "tasks",
    done: str = "",
    refused: dict | None = None,
) -> HttpResponse:
    """The tab drawn again with what was done or why the input was refused (a redirect without htmx)."""
    if not request.htmx:
        if refused:
            messages.error(
                request, " ".join(str(e) for e in refused["form"].errors.get(refused["field"], []))
            )
        else:
            messages.success(request, done)
        return redirect("instance_tab", engine=request.engine_name, instance_id=instance_id, tab=tab)
    context, _ = _tab_panel(request, instance_id, TABS[tab], with_overview=False)
    context.update(task_done=done, refused=refused)
    response = render(request, f"{PAGE}#tab-panel", context, status=422 if refused else 200)
    return response if refused else instance_changed(response)


def _label(task: UserTask) -> str:
    return task.name or task.activity_id or task.id


@require_POST
@requires(Perm.WORK_TASKS)
@engine_scoped
def task_assignee(request: EngineRequest, instance_id: str, task_id: str) -> HttpResponse:
    """Give the task to a user, or (an empty assignee) take it back."""
    task = USER_TASK.get(request, instance_id, task_id)
    form = AssigneeForm(request.POST)
    if not form.is_valid():
        return tab_answer(request, instance_id, refused={"task": task.id, "field": "assignee", "form": form})
    assignee = form.cleaned_data["assignee"] or None
    with USER_TASK.audited(
        request,
        instance_id,
        task,
        "task.assign" if assignee else "task.unassign",
        parameters={"task": _label(task)},
        old_value=task.assignee,
        new_value=assignee,
    ):
        request.engine.set_task_assignee(task.id, assignee)
    done = f"{_label(task)} given to {assignee}." if assignee else f"{_label(task)} has no assignee now."
    return tab_answer(request, instance_id, done=done)


@require_POST
@requires(Perm.WORK_TASKS)
@engine_scoped
def task_candidate_group(request: EngineRequest, instance_id: str, task_id: str, change: str) -> HttpResponse:
    """Offer the task to a group (change="add") or no longer (change="remove")."""
    if change not in ("add", "remove"):
        raise Http404(f"No change named {change!r}.")
    task = USER_TASK.get(request, instance_id, task_id)
    form = GroupForm(request.POST)
    if not form.is_valid():
        return tab_answer(request, instance_id, refused={"task": task.id, "field": "group", "form": form})
    group = form.cleaned_data["group"]
    before = list(task.candidate_groups)
    after = [*before, group] if change == "add" and group not in before else [g for g in before if g != group]
    with USER_TASK.audited(
        request,
        instance_id,
        task,
        f"task.candidate_group.{change}",
        parameters={"task": _label(task), "group": group},
        old_value=before,
        new_value=after,
    ):
        if change == "add":
            request.engine.add_candidate_group(task.id, group)
        else:
            request.engine.remove_candidate_group(task.id, group)
    verb = "may now pick up" if change == "add" else "no longer may pick up"
    return tab_answer(request, instance_id, done=f"Group {group} {verb} {_label(task)}.")


# --- external tasks ---------------------------------------------------------------------------------


class RetriesForm(forms.Form):
    retries = forms.IntegerField(
        min_value=0,
        max_value=1000,
        label="Retries",
        error_messages={"required": "Give the number of retries.", "invalid": "Retries are a whole number."},
    )


EXTERNAL_TASK: Owned[ExternalTask] = Owned(
    "external task",
    "Process instance",
    "external_task",
    "process_instance_id",
    fetch=lambda engine, task_id: engine.get_external_task(task_id),
    parent_of=lambda task: task.process_instance_id,
    facts=lambda engine, instance_id, _task: instance_facts(engine, instance_id),
    offered=lambda capabilities: capabilities.external_tasks,
    missing="This engine offers no external tasks.",
)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def external_task_error_details(request: EngineRequest, instance_id: str, task_id: str) -> HttpResponse:
    """The details the worker reported with its last failure, fetched only when asked for (they are long)."""
    task = EXTERNAL_TASK.get(request, instance_id, task_id)
    details = request.engine.external_task_error_details(task.id)
    return render(
        request, "instances/_external_tasks_tab.html#error-details", {"task": task, "details": details}
    )


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def external_task_retries(request: EngineRequest, instance_id: str, task_id: str) -> HttpResponse:
    """Give the task retries: workers fetch it again (0 raises an incident instead)."""
    task = EXTERNAL_TASK.get(request, instance_id, task_id)
    form = RetriesForm(request.POST)
    if not form.is_valid():
        refused = {"task": task.id, "field": "retries", "form": form}
        return tab_answer(request, instance_id, tab="external", refused=refused)
    retries = form.cleaned_data["retries"]
    with EXTERNAL_TASK.audited(
        request,
        instance_id,
        task,
        "external_task.retries",
        parameters={"topic": task.topic_name},
        old_value=task.retries,
        new_value=retries,
    ):
        request.engine.set_external_task_retries(task.id, retries)
    done = f"The {task.topic_name} task has {retries} retr{'y' if retries == 1 else 'ies'} now."
    return tab_answer(request, instance_id, tab="external", done=done)


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def external_task_unlock(request: EngineRequest, instance_id: str, task_id: str) -> HttpResponse:
    """Free the task from the worker holding it, so that any worker may fetch it at once."""
    task = EXTERNAL_TASK.get(request, instance_id, task_id)
    with EXTERNAL_TASK.audited(
        request,
        instance_id,
        task,
        "external_task.unlock",
        parameters={"topic": task.topic_name},
        old_value={
            "worker": task.worker_id,
            "lock_expiration_time": task.lock_expiration_time.isoformat()
            if task.lock_expiration_time
            else None,
        },
        new_value={"worker": None, "lock_expiration_time": None},
    ):
        request.engine.unlock_external_task(task.id)
    done = f"The {task.topic_name} task is unlocked: any worker may fetch it now."
    return tab_answer(request, instance_id, tab="external", done=done)
