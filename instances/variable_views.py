"""The variables tab's actions: edit inline, add, delete, download and upload, each checked and audited.

Every answer is a row or a form fragment that htmx swaps in place; a refused save keeps what
the person typed.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit.engines import EngineRequest, engine_scoped
from engines.errors import EngineError, NotFound
from engines.models import Variable
from instances import variables as service
from instances.detail_views import instance_changed

ROWS = "instances/_variables.html"
TEXT_SUFFIXES = {"Json": "json", "Xml": "xml"}


def _fetch(request: EngineRequest, instance_id: str, variable_id: str) -> Variable:
    """The variable, only if it belongs to the instance in the URL: a variable of another instance
    addressed under this one is not found here, so nothing is read out, written or audited against it."""
    variable = request.engine.get_variable_instance(variable_id)
    if variable.process_instance_id != instance_id:
        raise Http404(f"Process instance {instance_id} has no variable {variable_id}.")
    return variable


def _row(
    request: EngineRequest, instance_id: str, variable: Variable, *, status: int = 200, **extra
) -> HttpResponse:
    context = {
        "instance_id": instance_id,
        "item": service.shown([variable], {})[0],
        "can_edit": request.user.has_perm(Perm.EDIT_VARIABLES),
        "running": True,
        **extra,
    }
    return render(request, f"{ROWS}#variable-row", context, status=status)


def _form(
    request: EngineRequest, instance_id: str, variable: Variable | None, form, *, status: int = 200, **extra
):
    # Only the types this engine stores are offered (a variable's own type stays, to be read).
    types = request.engine.capabilities.variable_types
    own = variable.value.type if variable else None
    form.fields["type"].choices = [
        (v, label) for v, label in form.fields["type"].choices if v in types or v == own
    ]
    context = {"instance_id": instance_id, "variable": variable, "form": form, **extra}
    partial = "variable-add" if variable is None else "variable-edit"
    return render(request, f"{ROWS}#{partial}", context, status=status)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def variable_row(request: EngineRequest, instance_id: str, variable_id: str) -> HttpResponse:
    """The row as it reads (Cancel on the edit form comes back here)."""
    return _row(request, instance_id, _fetch(request, instance_id, variable_id))


@require_http_methods(["GET", "POST"])
@requires(Perm.EDIT_VARIABLES)
@engine_scoped
def variable_edit(request: EngineRequest, instance_id: str, variable_id: str) -> HttpResponse:
    """GET: the typed form; POST: save if the variable is unchanged, or (redraw) the form for another type."""
    if request.method == "GET":
        variable = _fetch(request, instance_id, variable_id)
        if variable.read_only:
            return _read_only(request, instance_id, variable)
        form = service.form_for(variable, service.current_fingerprint(request.engine, variable))
        return _form(request, instance_id, variable, form)
    form = service.VariableForm(request.POST, request.FILES)
    try:
        variable = _fetch(request, instance_id, variable_id)
    except NotFound:
        form.is_valid()
        return _gone(request, instance_id, variable_id, form, service.ChangedMeanwhile(None, ""))
    if variable.read_only:
        return _read_only(request, instance_id, variable)
    if "redraw" in request.POST:  # the type was switched: the same form for the new type, input kept
        return _form(request, instance_id, variable, service.redrawn(form))
    if not form.is_valid():
        return _form(request, instance_id, variable, form, status=422)
    try:
        old_content = service.check_unchanged(
            request.engine, variable, form.cleaned_data["fingerprint"], form.cleaned_data["loaded"]
        )
    except service.ChangedMeanwhile as refused:
        # The person's input stays; saving again now knowingly replaces the value shown.
        data = request.POST.copy()
        data["fingerprint"] = refused.fingerprint
        data["loaded"] = service.shown_text(refused.current.value)
        return _form(
            request, instance_id, refused.current, service.redrawn(service.VariableForm(data, request.FILES)),
            status=409, refused=refused, current=service.shown([refused.current], {})[0],
        )  # fmt: skip
    try:
        service.write_variable(
            request.engine, user=request.user, instance_id=instance_id, variable=variable,
            name=variable.name, form=form, old_content=old_content,
            overwrites_a_change=request.POST.get("overwrite") == "yes",
        )  # fmt: skip
    except EngineError as error:  # said in the form, by the Save button, with the input kept
        return _form(request, instance_id, variable, form, status=422, engine_error=error)
    return instance_changed(_row(request, instance_id, _fetch(request, instance_id, variable_id), saved=True))


def _read_only(request: EngineRequest, instance_id: str, variable: Variable) -> HttpResponse:
    """A value the dashboard could not read is never edited: saving it would change what it does not know."""
    return _row(request, instance_id, variable, status=409, read_only_refused=True)


def _gone(request: EngineRequest, instance_id: str, variable_id: str, form, refused) -> HttpResponse:
    """Deleted in the engine meanwhile: say so, and show what the person typed so it is not lost."""
    context = {"instance_id": instance_id, "variable_id": variable_id, "form": form, "refused": refused}
    return render(request, f"{ROWS}#variable-gone", context, status=409)


@require_http_methods(["GET", "POST"])
@requires(Perm.EDIT_VARIABLES)
@engine_scoped
def variable_add(request: EngineRequest, instance_id: str) -> HttpResponse:
    """A new variable on the process instance; refused if one of that name exists already."""
    if request.method == "GET":
        if "cancel" in request.GET:
            return render(request, f"{ROWS}#variable-add-button", {"instance_id": instance_id})
        return _form(request, instance_id, None, service.VariableForm(new=True, initial={"type": "String"}))
    form = service.VariableForm(request.POST, request.FILES, new=True)
    if "redraw" in request.POST:
        return _form(request, instance_id, None, service.redrawn(form))
    if not form.is_valid():
        return _form(request, instance_id, None, form, status=422)
    name = form.cleaned_data["name"]
    if _process_variable(request, instance_id, name) is not None:
        form.add_error("name", f"A variable named “{name}” exists already; edit it in its row instead.")
        return _form(request, instance_id, None, form, status=422)
    try:
        written = service.write_variable(
            request.engine, user=request.user, instance_id=instance_id, variable=None, name=name, form=form
        )
    except EngineError as error:
        return _form(request, instance_id, None, form, status=422, engine_error=error)
    # The engine has the value; a read that does not list it yet shows what was written, without an id
    # (and so without Edit and Delete) until the tab is loaded again.
    added = _process_variable(request, instance_id, name) or Variable(
        name=name, value=written, process_instance_id=instance_id, activity_instance_id=instance_id
    )
    context = {
        "instance_id": instance_id,
        "added": name,
        "not_listed_yet": added.id is None,
        "item": service.shown([added], {})[0],
        "can_edit": True,
        "running": True,
    }
    return instance_changed(render(request, f"{ROWS}#variable-added", context))


def _process_variable(request: EngineRequest, instance_id: str, name: str) -> Variable | None:
    found = request.engine.variable_instances(instance_id, name=name, limit=50)
    return next((v for v in found if not v.is_local), None)


@require_http_methods(["GET", "POST"])
@requires(Perm.EDIT_VARIABLES)
@engine_scoped
def variable_delete(request: EngineRequest, instance_id: str, variable_id: str) -> HttpResponse:
    """GET asks to confirm (naming the value); POST deletes unless the variable changed meanwhile."""
    variable = _fetch(request, instance_id, variable_id)
    if request.method == "GET":
        return _row(
            request, instance_id, variable, confirm_delete=True,
            fingerprint=service.current_fingerprint(request.engine, variable),
        )  # fmt: skip
    loaded = service.shown_text(variable.value)
    try:
        service.check_unchanged(request.engine, variable, request.POST.get("fingerprint", ""), loaded)
    except service.ChangedMeanwhile as refused:
        return _row(
            request, instance_id, variable, status=409, confirm_delete=True, changed=True,
            fingerprint=refused.fingerprint,
        )  # fmt: skip
    try:
        service.remove_variable(request.engine, user=request.user, instance_id=instance_id, variable=variable)
    except EngineError as error:
        return _row(request, instance_id, variable, status=422, confirm_delete=True, engine_error=error,
                    fingerprint=request.POST.get("fingerprint", ""))  # fmt: skip
    response = render(request, f"{ROWS}#variable-deleted", {"variable": variable})
    return instance_changed(response)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def variable_download(request: EngineRequest, instance_id: str, variable_id: str) -> HttpResponse:
    """A File or Bytes variable's content, or any other value as text, always as an attachment."""
    variable = _fetch(request, instance_id, variable_id)
    if variable.value.type in service.BINARY_TYPES:
        content = request.engine.variable_instance_data(variable_id)
        data, mimetype = content.data, content.mimetype or "application/octet-stream"
        filename = content.filename or variable.value.filename or variable.name
    else:
        data, mimetype = service.shown_text(variable.value).encode(), "text/plain; charset=utf-8"
        filename = f"{variable.name}.{TEXT_SUFFIXES.get(variable.value.type, 'txt')}"
    response = HttpResponse(data, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
