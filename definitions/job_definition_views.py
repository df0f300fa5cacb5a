"""A definition's job definitions: each with its activity, type and state; Operators suspend or activate
them (optionally with their jobs), override their job priority or clear it, and retry their failed
jobs (through the one retry path). Each action is audited and draws the section again."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import requires
from accounts.roles import Perm
from batches.retries import RETRIES, Retried, retry_jobs
from cockpit.engines import EngineRequest, engine_scoped
from engines.errors import EngineError
from engines.models import JobDefinition
from instances.modify_views import model_of
from instances.owned import Owned

SECTION = "definitions/_job_definitions.html"
PER_SECTION = 200
FAILED_JOBS = 500  # retried at most at once from here; the section says when there are more


class PriorityForm(forms.Form):
    # Empty clears the override: new jobs take the priority the model gives them again.
    priority = forms.IntegerField(
        required=False,
        min_value=-(2**31),
        max_value=2**31 - 1,
        label="Job priority",
        error_messages={"invalid": "A priority is a whole number."},
    )
    include_jobs = forms.BooleanField(required=False, label="its jobs too")

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("priority") is None and data.get("include_jobs") and "priority" not in self.errors:
            self.add_error(
                "priority",
                "Clearing the override leaves existing jobs' priorities as they are: untick “its jobs too”.",
            )
        return data


def _section(
    request: EngineRequest,
    definition_id: str,
    *,
    done: str = "",
    refused: dict | None = None,
    retried: Retried | None = None,
    status: int = 200,
) -> HttpResponse:
    found = request.engine.list_job_definitions(process_definition_id=definition_id, limit=PER_SECTION)
    try:
        nodes = model_of(request.engine, definition_id)[0].nodes
    except EngineError:  # the names are a nicety: the ids still say where
        nodes = {}
    rows = []
    for job_definition in found:
        node = nodes.get(job_definition.activity_id or "")
        failed = (
            request.engine.count_jobs(job_definition_id=job_definition.id, no_retries_left=True)
            if not job_definition.unreadable
            else 0
        )
        rows.append(
            {
                "jd": job_definition,
                "activity": node.title if node else job_definition.activity_id,
                "failed": failed,
            }
        )
    context = {
        "definition_id": definition_id,
        "rows": rows,
        "can_operate": request.user.has_perm(Perm.OPERATE),
        "done": done,
        "refused": refused,
        "retried": retried,
    }
    return render(request, f"{SECTION}#job-definitions", context, status=status)


def _activity(engine, definition_id: str, job_definition: JobDefinition) -> str:
    """The job definition's activity by its name on the diagram (its id where the model cannot be read)."""
    activity = job_definition.activity_id or ""
    try:
        return model_of(engine, definition_id)[0].title(activity) if activity else ""
    except EngineError:
        return activity


JOB_DEFINITION: Owned[JobDefinition] = Owned(
    "job definition",
    "Process definition",
    "job_definition",
    "process_definition_id",
    fetch=lambda engine, job_definition_id: engine.get_job_definition(job_definition_id),
    parent_of=lambda job_definition: job_definition.process_definition_id,
    facts=lambda engine, definition_id, job_definition: {
        "activity": _activity(engine, definition_id, job_definition)
    },
    offered=lambda capabilities: capabilities.job_definitions,
    missing="This engine offers no job definitions.",
)


def _answer(request: EngineRequest, definition_id: str, **context) -> HttpResponse:
    if not request.htmx:  # without JavaScript: back to the page, where the section loads again
        return redirect("definition_detail", engine=request.engine_name, definition_id=definition_id)
    return _section(request, definition_id, **context)


def _name(job_definition: JobDefinition) -> str:
    return f"{job_definition.job_type or 'job'} at {job_definition.activity_id or job_definition.id}"


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def job_definitions(request: EngineRequest, definition_id: str) -> HttpResponse:
    if not request.engine.capabilities.job_definitions:
        return render(request, f"{SECTION}#job-definitions", {"offered": False})
    return _section(request, definition_id)


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def job_definition_suspend(
    request: EngineRequest, definition_id: str, job_definition_id: str
) -> HttpResponse:
    job_definition = JOB_DEFINITION.get(request, definition_id, job_definition_id)
    suspend = request.POST.get("suspended") == "true"
    include_jobs = request.POST.get("include_jobs") == "on"
    with JOB_DEFINITION.audited(
        request,
        definition_id,
        job_definition,
        "job_definition.suspend" if suspend else "job_definition.activate",
        parameters={"include_jobs": include_jobs},
        old_value="suspended" if job_definition.suspended else "active",
        new_value="suspended" if suspend else "active",
    ):
        request.engine.set_job_definition_suspended(
            job_definition.id, suspended=suspend, include_jobs=include_jobs
        )
    jobs = " with its jobs" if include_jobs else ""
    done = f"The {_name(job_definition)} is {'suspended' if suspend else 'active'} now{jobs}."
    return _answer(request, definition_id, done=done)


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def job_definition_priority(
    request: EngineRequest, definition_id: str, job_definition_id: str
) -> HttpResponse:
    job_definition = JOB_DEFINITION.get(request, definition_id, job_definition_id)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        refused = {"id": job_definition.id, "form": form}
        return _answer(request, definition_id, refused=refused, status=422)
    priority, include_jobs = form.cleaned_data["priority"], form.cleaned_data["include_jobs"]
    with JOB_DEFINITION.audited(
        request,
        definition_id,
        job_definition,
        "job_definition.priority",
        parameters={"include_jobs": include_jobs},
        old_value=job_definition.overriding_job_priority,
        new_value=priority,
    ):
        request.engine.set_job_definition_priority(job_definition.id, priority, include_jobs=include_jobs)
    if priority is None:
        done = f"The {_name(job_definition)} has no priority override now."
    else:
        done = f"The {_name(job_definition)} gives its jobs priority {priority} now."
    return _answer(request, definition_id, done=done)


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def job_definition_retry(request: EngineRequest, definition_id: str, job_definition_id: str) -> HttpResponse:
    """Give every failed job of the job definition another attempt, and say what became of them."""
    job_definition = JOB_DEFINITION.get(request, definition_id, job_definition_id)
    failed = request.engine.list_jobs(
        job_definition_id=job_definition.id, no_retries_left=True, limit=FAILED_JOBS
    )
    jobs = [job.id for job in failed]
    with JOB_DEFINITION.audited(
        request,
        definition_id,
        job_definition,
        "job_definition.retry_failed_jobs",
        parameters={"jobs": jobs, "retries": RETRIES},
    ) as log:
        outcome = retry_jobs(request.engine, jobs)
        # What happened, in words first: "failed" alone would not say that the jobs ran.
        log.engine_response = {
            "summary": outcome.summary(),
            "retried": outcome.jobs,
            "failed": outcome.failed,
        }
        log.engine_response |= outcome.ran.as_dict()
        log.failed = bool(outcome.ran.failed_again or outcome.failed)
    return _answer(request, definition_id, retried=outcome)
