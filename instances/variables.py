"""Reading and safely changing one instance's variables.

Safety here means: nothing reaches the engine before the codec accepted it, and nothing
overwrites a value that changed in the engine since the person loaded it. Each form carries a
fingerprint of the value it was loaded with; a save first reads the variable again and refuses
when the fingerprints differ, showing what changed. (The engine has no compare-and-set for
variables, so a change landing between that read and the write can still win; the window is
one round trip instead of however long the form stayed open.)
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode
from xml.dom import minidom
from xml.parsers.expat import ExpatError

from django import forms

from audit.log import audited
from engines.base import EngineClient
from engines.errors import EngineError
from engines.models import Variable
from engines.variables import (
    BINARY_TYPES,
    INTEGER_RANGES,
    MAX_NESTING,
    TypedValue,
    VariableType,
    VariableValueError,
    file_value,
    json_nesting,
    parse_input,
    to_text,
    xml_nesting,
)

FOLD_AT = 200  # characters; longer values start folded
PRETTY_AT_MOST = 1_000_000  # characters of Json or Xml pretty-printed; a longer value is shown as sent
SHOWN_AT_MOST = 100_000  # characters drawn into the page; the rest is one click (download) away
AUDITED_AT_MOST = 1_000_000  # characters of a value kept in the audit log
SEARCHABLE = {  # variable types the instance list can filter on, and how it types the value
    VariableType.STRING: "string",
    VariableType.INTEGER: "number",
    VariableType.LONG: "number",
    VariableType.SHORT: "number",
    VariableType.DOUBLE: "number",
    VariableType.BOOLEAN: "boolean",
}


class ChangedMeanwhile(Exception):
    """The variable is not what the form was loaded with: changed, or deleted (current is None)."""

    def __init__(self, current: Variable | None, loaded_text: str, current_fingerprint: str = "") -> None:
        super().__init__("the variable changed in the engine since the form was loaded")
        self.current = current
        self.fingerprint = current_fingerprint  # of the value now, for a form that knowingly replaces it
        self.diff = (
            "\n".join(
                difflib.unified_diff(
                    loaded_text.splitlines(),
                    shown_text(current.value).splitlines(),
                    "when you opened it",
                    "in the engine now",
                    lineterm="",
                )
            )
            if current is not None
            else ""
        )


# --- showing ------------------------------------------------------------------------------------------


def shown_text(typed: TypedValue) -> str:
    """The value as a person reads it: Json and Xml (and Object in those formats) pretty-printed.

    Only what is small and shallow enough is pretty-printed (the printers recurse and take time with
    size); anything else, and anything unreadable, is shown as the raw text the engine sent."""
    text = to_text(typed)
    if typed.unreadable or not isinstance(text, str) or len(text) > PRETTY_AT_MOST:
        return text
    if typed.type == VariableType.JSON or (
        typed.type == VariableType.OBJECT and typed.serialization_format == "application/json"
    ):
        if json_nesting(text) > MAX_NESTING:
            return text
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except (ValueError, RecursionError):
            return text
    if typed.type == VariableType.XML or (
        typed.type == VariableType.OBJECT and typed.serialization_format == "application/xml"
    ):
        if "<!DOCTYPE" in text.upper():  # never expand what a document declares
            return text
        if not 0 < xml_nesting(text) <= MAX_NESTING:
            return text
        try:
            pretty = minidom.parseString(text).toprettyxml(indent="  ")
        except (ExpatError, ValueError, RecursionError):
            return text
        return "\n".join(line for line in pretty.splitlines()[1:] if line.strip())
    return text


@dataclass(frozen=True)
class Shown:
    """One variable as the variables tab draws it."""

    variable: Variable
    text: str
    scope_name: str

    @property
    def kind(self) -> VariableType:
        return self.variable.value.type

    @property
    def binary(self) -> bool:
        return self.kind in BINARY_TYPES and not self.variable.value.unreadable

    @property
    def null(self) -> bool:
        return self.variable.value.value is None and not self.binary

    @property
    def date(self) -> bool:
        """A readable Date, shown in the one date format (the copy button keeps the exact text)."""
        return self.kind == VariableType.DATE and isinstance(self.variable.value.value, datetime)

    @property
    def folded(self) -> bool:
        return len(self.text) > FOLD_AT or "\n" in self.text

    @property
    def cut(self) -> bool:
        return len(self.text) > SHOWN_AT_MOST

    @property
    def visible_text(self) -> str:
        return self.text[:SHOWN_AT_MOST]

    @property
    def moment(self) -> datetime | None:
        """A Date's instant, shown like every other date (the copy and the editor keep the exact text)."""
        typed = self.variable.value
        if self.kind == VariableType.DATE and isinstance(typed.value, datetime) and not typed.unreadable:
            return typed.value
        return None

    @property
    def size(self) -> int | None:
        value = self.variable.value.value
        return len(value) if isinstance(value, bytes) else None

    @property
    def find_query(self) -> str:
        """The instance list's filter for instances whose variable has this value ("" where none applies)."""
        kind = SEARCHABLE.get(self.kind)
        if (
            kind is None
            or self.variable.is_local
            or self.null
            or len(self.text) > 4000
            or self.variable.read_only
        ):
            return ""
        return urlencode(
            {"var_name": self.variable.name, "var_op": "eq", "var_type": kind, "var_value": self.text}
        )


def shown(variables: list[Variable], scope_names: dict[str, str]) -> list[Shown]:
    return [
        Shown(
            variable,
            shown_text(variable.value),
            scope_names.get(variable.activity_instance_id or "", "") if variable.is_local else "",
        )
        for variable in variables
    ]


# --- the fingerprint --------------------------------------------------------------------------------------


def fingerprint(variable: Variable, content: bytes | None = None) -> str:
    """What a save compares: type, value, value info, and a binary variable's content."""
    typed = variable.value
    digest = hashlib.sha256()
    digest.update(json.dumps([typed.type_label, to_text(typed), typed.value_info], sort_keys=True).encode())
    if content is not None:
        digest.update(content)
    elif isinstance(typed.value, bytes):
        digest.update(typed.value)
    return digest.hexdigest()


def content_of(engine: EngineClient, variable: Variable) -> bytes | None:
    """A File's content, the one part its value leaves out (None for every other type)."""
    if variable.value.type == VariableType.FILE and variable.id:
        return engine.variable_instance_data(variable.id).data
    return None


def current_fingerprint(engine: EngineClient, variable: Variable) -> str:
    """The fingerprint of the variable as the engine has it; a File's content is fetched for it."""
    return fingerprint(variable, content_of(engine, variable))


# --- the form -----------------------------------------------------------------------------------------


def input_text(typed: TypedValue) -> str:
    """The text an edit field starts with (Dates for the browser's date-time picker, in UTC)."""
    if typed.type == VariableType.DATE and typed.value is not None and not typed.unreadable:
        moment = typed.value.astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
    if typed.type in BINARY_TYPES:
        return ""
    return shown_text(typed)


class VariableForm(forms.Form):
    """A variable's type and value as typed; clean() runs the codec, so errors sit next to the field."""

    name = forms.CharField(max_length=4000, required=False)
    type = forms.ChoiceField(choices=[(kind.value, kind.value) for kind in VariableType])
    value = forms.CharField(required=False, strip=False)
    object_type_name = forms.CharField(max_length=400, required=False, label="Object type")
    serialization_format = forms.CharField(max_length=200, required=False, label="Serialization format")
    file = forms.FileField(required=False)
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)
    loaded = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def __init__(self, *args, new: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.new = new
        self.fields["name"].required = new
        self.fields["name"].error_messages["required"] = "Name the variable."

    @property
    def kind(self) -> VariableType:
        raw = self.data.get("type") if self.is_bound else self.initial.get("type")
        try:
            return VariableType(raw)
        except ValueError:
            return VariableType.STRING

    def range(self) -> tuple[int, int] | None:
        return INTEGER_RANGES.get(self.kind)

    @property
    def text_rows(self) -> int:
        value = (self.data.get("value") if self.is_bound else self.initial.get("value")) or ""
        return 6 if len(value) > 80 or "\n" in value else 1

    def clean(self):
        data = super().clean()
        kind = self.kind
        if kind in BINARY_TYPES:
            upload = data.get("file")
            if upload is None:
                self.add_error("file", f"Choose the file to upload as the {kind} value.")
            return data
        if data.get("file") is not None:
            self.add_error(
                "file", f"A {kind} value is typed, not uploaded: remove the file, or choose File or Bytes."
            )
            return data
        info = {}
        if kind == VariableType.OBJECT:
            info = {
                "objectTypeName": data.get("object_type_name", "").strip(),
                "serializationDataFormat": data.get("serialization_format", "").strip(),
            }
        try:
            data["typed"] = parse_input(kind, data.get("value", ""), info)
        except VariableValueError as error:
            field = "value"
            if kind == VariableType.OBJECT and not info["objectTypeName"]:
                field = "object_type_name"
            elif kind == VariableType.OBJECT and not info["serializationDataFormat"]:
                field = "serialization_format"
            self.add_error(field, str(error))
        return data


def redrawn(form: VariableForm) -> VariableForm:
    """The same input drawn again (for another type, say) without complaining about it yet."""
    again = VariableForm(form.data, form.files, new=form.new)
    again._errors = forms.utils.ErrorDict()  # not validated: nothing was submitted to be saved
    return again


def form_for(variable: Variable, content_fingerprint: str) -> VariableForm:
    typed = variable.value
    return VariableForm(
        initial={
            "type": typed.type_label,
            "value": input_text(typed),
            "object_type_name": typed.object_type_name,
            "serialization_format": typed.serialization_format,
            "fingerprint": content_fingerprint,
            "loaded": shown_text(typed),
        }
    )


# --- changing -------------------------------------------------------------------------------------------


def audit_value(typed: TypedValue | None, content: bytes | None = None) -> dict | None:
    """A value as the audit log keeps it: binary content by size and hash, text up to a limit."""
    if typed is None:
        return None
    if typed.type in BINARY_TYPES:
        data = content if content is not None else typed.value
        return {
            "type": typed.type_label,
            "filename": typed.filename,
            "mimetype": typed.mimetype,
            "size": len(data) if isinstance(data, bytes) else None,
            "sha256": hashlib.sha256(data).hexdigest() if isinstance(data, bytes) else None,
        }
    text = to_text(typed)
    entry = {"type": typed.type_label, "value": text[:AUDITED_AT_MOST] if typed.value is not None else None}
    if len(text) > AUDITED_AT_MOST:
        entry["truncated"] = True
    if typed.value_info:
        entry["info"] = typed.value_info
    return entry


def check_unchanged(engine: EngineClient, current: Variable, expected: str, loaded_text: str) -> bytes | None:
    """Refuse unless the variable as just read is what the form was loaded with. Returns a File's
    content, read once here, for the audit log's old value."""
    content = content_of(engine, current)
    now = fingerprint(current, content)
    if now != expected:
        raise ChangedMeanwhile(current, loaded_text, now)
    return content


def instance_facts(engine: EngineClient, instance_id: str) -> dict[str, str]:
    """The instance's business key and process name, for whoever reads the audit log; a failed
    look-up costs only what it would have told."""
    try:
        instance = engine.get_instance(instance_id)
    except EngineError:
        return {}
    facts = {"business_key": instance.business_key} if instance.business_key else {}
    if instance.definition_id:
        with contextlib.suppress(EngineError):
            facts["process_name"] = engine.get_definition(instance.definition_id).title
    return facts


# A save over a value changed meanwhile, after the person was shown it: not an ordinary update.
OVERWRITE, UPDATE = "variable.overwrite", "variable.update"


def write_variable(
    engine: EngineClient,
    *,
    user,
    instance_id: str,
    variable: Variable | None,
    name: str,
    form: VariableForm,
    old_content: bytes | None = None,
    overwrites_a_change: bool = False,
) -> TypedValue | None:
    """Set the variable from a valid form, in its own scope (new ones on the process instance); audited.
    `overwrites_a_change`: saved with "Save over the current value", over someone else's change."""
    local = variable is not None and variable.is_local
    upload = form.cleaned_data.get("file")
    typed = form.cleaned_data.get("typed")
    content = upload.read() if upload is not None else None
    new_typed = typed
    if content is not None:
        new_typed = file_value(
            content,
            filename=upload.name,
            mimetype=upload.content_type or "application/octet-stream",
            bytes_only=form.kind == VariableType.BYTES,
        )
    old = None
    if variable is not None:
        old = audit_value(variable.value, old_content)
    with audited(
        user=user,
        engine=engine.config.name,
        action="variable.create" if variable is None else (OVERWRITE if overwrites_a_change else UPDATE),
        target_type="process_instance",
        target_id=instance_id,
        parameters={
            "name": name,
            "scope": (variable.activity_instance_id if local else instance_id),
            **instance_facts(engine, instance_id),
        },
        old_value=old,
        new_value=audit_value(new_typed, content),
    ):
        execution_id = variable.execution_id if local else None
        if content is not None:
            upload_kwargs = {
                "filename": upload.name,
                "mimetype": upload.content_type or "application/octet-stream",
                "value_type": form.kind,
            }
            engine.set_variable_data(instance_id, name, content, execution_id=execution_id, **upload_kwargs)
        else:
            engine.set_variable(instance_id, name, typed, execution_id=execution_id)
    return new_typed


def remove_variable(engine: EngineClient, *, user, instance_id: str, variable: Variable) -> None:
    with audited(
        user=user,
        engine=engine.config.name,
        action="variable.delete",
        target_type="process_instance",
        target_id=instance_id,
        parameters={
            "name": variable.name,
            "scope": variable.activity_instance_id or instance_id,
            **instance_facts(engine, instance_id),
        },
        old_value=audit_value(variable.value),
    ):
        # A local variable is addressed through the execution it lives in.
        execution_id = variable.execution_id if variable.is_local else None
        engine.delete_variable(instance_id, variable.name, execution_id=execution_id)
