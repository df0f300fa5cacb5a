"""The jobs tab's actions: run a job now, set a timer's due date or work it out again; each audited."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit.engines import EngineRequest, engine_scoped
from cockpit.templatetags.cockpit import when_text
from engines.errors import NotFound
from engines.models import Job
from instances.owned import Owned
from instances.task_views import tab_answer
from instances.variables import instance_facts


class DueDateForm(forms.Form):
    due = forms.DateTimeField(
        label="New due date",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": "Give the new due date.", "invalid": "Give a date and a time."},
    )


JOB: Owned[Job] = Owned(
    "job",
    "Process instance",
    "job",
    "process_instance_id",
    fetch=lambda engine, job_id: engine.get_job(job_id),
    parent_of=lambda job: job.process_instance_id,
    facts=lambda engine, instance_id, _job: instance_facts(engine, instance_id),
)


def _gone_is_said(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A job the engine no longer has (it ran meanwhile, maybe ending the instance, or was removed)
    is said in plain words, with the tab drawn again from the engine, instead of the engine's error."""

    @wraps(view)
    def answer(request: EngineRequest, instance_id: str, job_id: str) -> HttpResponse:
        try:
            return view(request, instance_id, job_id)
        except NotFound:
            done = "This job has already run, or was removed: the jobs below are the engine's now."
            return tab_answer(request, instance_id, tab="jobs", done=done)

    return answer


def _when(job: Job) -> str | None:
    return job.due_date.isoformat() if job.due_date else None


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
@_gone_is_said
def job_run(request: EngineRequest, instance_id: str, job_id: str) -> HttpResponse:
    """Run the job at once, whatever its due date; if it fails, the engine's message is shown."""
    job = JOB.get(request, instance_id, job_id)
    with JOB.audited(
        request,
        instance_id,
        job,
        "job.execute",
        old_value=_when(job),
    ):
        request.engine.execute_job(job.id)
    return tab_answer(request, instance_id, tab="jobs", done=f"Job {job.id} ran.")


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
@_gone_is_said
def job_due_date(request: EngineRequest, instance_id: str, job_id: str) -> HttpResponse:
    """Move when the job is to run."""
    if not request.engine.capabilities.job_due_dates:
        raise Http404("This engine does not let due dates be changed.")
    job = JOB.get(request, instance_id, job_id)
    form = DueDateForm(request.POST)
    if not form.is_valid():
        return tab_answer(
            request, instance_id, tab="jobs", refused={"task": job.id, "field": "due", "form": form}
        )
    due = form.cleaned_data["due"]
    with JOB.audited(
        request,
        instance_id,
        job,
        "job.due_date",
        old_value=_when(job),
        new_value=due.isoformat(),
    ):
        request.engine.set_job_due_date(job.id, due)
    done = f"Job {job.id} is due {when_text(due)} now"
    if due <= timezone.now():
        done += ": that has passed, so the engine runs it at once (the list may not show it yet)"
    return tab_answer(request, instance_id, tab="jobs", done=done + ".")


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
@_gone_is_said
def job_recalculate(request: EngineRequest, instance_id: str, job_id: str) -> HttpResponse:
    """Work the timer's due date out again from its definition, from now."""
    if not request.engine.capabilities.job_due_dates:
        raise Http404("This engine does not let due dates be changed.")
    job = JOB.get(request, instance_id, job_id)
    with JOB.audited(
        request,
        instance_id,
        job,
        "job.recalculate_due_date",
        old_value=_when(job),
    ) as outcome:
        request.engine.recalculate_job_due_date(job.id)
        after = request.engine.get_job(job.id)
        outcome.new_value = _when(after)
    due = when_text(after.due_date) if after.due_date else "now"
    return tab_answer(request, instance_id, tab="jobs", done=f"Job {job.id} is due {due} now.")
