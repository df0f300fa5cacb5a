"""The instance list's filters: read from the query string (so every search is a link), checked,
and turned into the engine's process-instance query."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from cockpit.paging import PAGING, unknown_filters
from engines import fan_out
from engines.bpmn import BpmnError, parse_model
from engines.errors import EngineError
from engines.fanout import Failed
from engines.queries import (
    VARIABLE_OPERATORS,
    HistoricActivityInstanceQuery,
    HistoricProcessInstanceQuery,
    ProcessInstanceQuery,
    VariableFilter,
)

# How many instances a start-time filter may match: the engine filters start times only in its
# history, so those ids are passed to the runtime query.
STARTED_LIMIT = 1000
VALUE_TYPES = (("string", "Text"), ("number", "Number"), ("boolean", "Boolean"), ("date", "Date"))
OPERATOR_LABELS = {"eq": "=", "neq": "≠", "gt": ">", "gteq": "≥", "lt": "<", "lteq": "≤", "like": "like"}


class VariableRow:
    """One `name operator value` row, as typed; `error` says what is wrong with it."""

    def __init__(self, name: str, operator: str, kind: str, value: str) -> None:
        self.name, self.operator, self.kind, self.value = name.strip(), operator, kind, value
        self.error = ""
        self.filter: VariableFilter | None = None
        if not self.name:
            self.error = "Name the variable."
        elif operator not in VARIABLE_OPERATORS:
            self.error = "Choose a comparison."
        else:
            try:
                typed = _typed(kind, value, operator)
            except ValueError as error:
                self.error = str(error)
            else:
                self.filter = VariableFilter(self.name, operator, typed)


def _typed(kind: str, value: str, operator: str) -> Any:
    if operator == "like" and kind != "string":
        raise ValueError("'like' compares text only; use % as the wildcard.")
    if kind == "number":
        try:
            number = int(value) if value.strip().lstrip("-").isdigit() else float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a number.") from None
        if not math.isfinite(number):  # 1e400 reads as infinity; JSON has neither it nor NaN
            raise ValueError(f"{value!r} is not a number the engine can compare.")
        return number
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise ValueError("A boolean is true or false.")
        return value.lower() == "true"
    if kind == "date":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("A date is like 2026-11-22 or 2026-11-22T09:30.") from None
        return moment if moment.tzinfo else timezone.make_aware(moment)
    return value


VARIABLE_ROW = ("var_name", "var_op", "var_type", "var_value")
# Filters a bar of chips says as a flag, without a value.
FLAGS = ("with_incident", "root_only", "names_ignore_case", "values_ignore_case")
PICKED = 200  # processes (or versions) a picker offers; a longer list is typed instead


def _message(error: Exception) -> str:
    return getattr(error, "message", None) or str(error)


# How a chip names a filter where the form's label says more than the chip needs.
CHIP_LABELS = {"definition_key": "Process", "activity_id": "Waiting in", "state": "State"}


@dataclass(frozen=True)
class Chip:
    """One filter of the list in words, with the query string of the list without it."""

    words: str
    without: str


def without(data: QueryDict, *names: str, row: int | None = None) -> str:
    """The query string without the named filters (or without one row of the lists named), and
    without paging (the list without a filter starts at its first page) or fields left empty."""
    kept = QueryDict(mutable=True)
    rows = list(zip(*(data.getlist(part) for part in VARIABLE_ROW), strict=False))
    rows = [
        r
        for n, r in enumerate(rows)
        if (r[0].strip() or r[3].strip()) and not (row == n and names == VARIABLE_ROW)
    ]
    for name, values in data.lists():
        if name in VARIABLE_ROW or name in PAGING[:2] or (row is None and name in names):
            continue
        kept.setlist(name, [v for v in values if v.strip()])
    for part, values in zip(VARIABLE_ROW, zip(*rows, strict=False), strict=False):
        kept.setlist(part, list(values))
    return kept.urlencode()


class ListFilters:
    """What both modes of the instance list do with their filter form: say each filter as a chip, and
    offer the engine's processes, versions, activities and incident types to pick from."""

    data: QueryDict
    fields: dict[str, forms.Field]

    def chips(self) -> list[Chip]:
        """Each filter given, in words, and how to take it away (keeping the others)."""
        found = []
        for field in self:  # type: ignore[attr-defined]
            raw = self.data.get(field.name, "")
            if not raw.strip():
                continue
            if field.name in FLAGS:
                words = str(field.label)
            else:
                choices = dict(getattr(field.field.widget, "choices", ()) or ())
                shown = choices.get(raw, raw)
                if isinstance(field.field, forms.DateTimeField):
                    shown = shown.replace("T", " ")  # as datetime-local sends it: 2026-11-01T08:00
                words = f"{CHIP_LABELS.get(field.name, field.label)}: {shown}"
            found.append(Chip(words, without(self.data, field.name)))
        if not hasattr(self, "variable_rows"):
            return found
        names = self.data.getlist("var_name")
        for index, name in enumerate(names):
            values = [self.data.getlist(part)[index : index + 1] for part in VARIABLE_ROW[1:]]
            operator, _kind, value = (v[0] if v else "" for v in values)
            if not (name.strip() or value.strip()):
                continue
            words = f"Variable {name} {OPERATOR_LABELS.get(operator, operator)} {value}"
            found.append(Chip(words, without(self.data, *VARIABLE_ROW, row=index)))
        return found

    def offer_choices(self, engine) -> list[str]:
        """Pickers filled from the engine for process, version, activity and incident type (names,
        not ids); a picker whose lookup fails stays a text field, and the problem is returned."""
        key = (self.data.get("definition_key") or "").strip()
        definition_id = (self.data.get("definition_id") or "").strip()
        calls = {
            "processes": lambda: engine.list_definitions(latest_version=True, limit=PICKED),
            # The incident types open on the engine now, from its statistics
            "incident_types": lambda: (
                engine.definition_statistics()
                if engine.capabilities.process_statistics and "incident_type" in self.fields
                else []
            ),
        }
        if key:
            calls["versions"] = lambda: engine.list_definitions(key=key, limit=PICKED)
        found = fan_out(calls, keep_failures=True)
        problems = [
            f"The {what} to choose from could not be read: {_message(found[name].error)}"
            for name, what in (("processes", "processes"), ("incident_types", "incident types"))
            if isinstance(found[name], Failed)
        ]
        if not isinstance(found["processes"], Failed):
            titles = {d.key: d.title for d in found["processes"] if d.key}
            self._pick("definition_key", "any process", sorted(titles.items(), key=lambda kv: kv[1].lower()))
        if not isinstance(found["incident_types"], Failed):
            types = sorted(
                {c.incident_type for s in found["incident_types"] for c in s.incidents if c.incident_type}
            )
            self._pick("incident_type", "any type", [(t, t) for t in types])
        versions = found.get("versions")
        if key and versions is not None and not isinstance(versions, Failed):
            numbers = sorted({d.version for d in versions if d.version is not None}, reverse=True)
            self._pick("version", "any version", [(str(n), f"version {n}") for n in numbers])
            if not definition_id and numbers:
                wanted = self.data.get("version", "")
                chosen = [d for d in versions if str(d.version) == wanted] or sorted(
                    versions, key=lambda d: d.version or 0, reverse=True
                )
                definition_id = chosen[0].id
        if definition_id and "activity_id" in self.fields:
            problems += self._pick_activities(engine, definition_id)
        return problems

    def _pick_activities(self, engine, definition_id: str) -> list[str]:
        try:
            model = parse_model(engine.definition_xml(definition_id))
        except EngineError as error:
            return [f"The activities to choose from could not be read: {error.message}"]
        except BpmnError:
            return []  # a diagram we cannot read: the activity is typed instead
        nodes = sorted(model.nodes.values(), key=lambda n: n.title.lower())
        self._pick("activity_id", "any activity", [(n.id, n.title) for n in nodes])
        return []

    def _pick(self, name: str, anything: str, choices: list[tuple[str, str]]) -> None:
        if not choices or name not in self.fields:
            return
        given = self.data.get(name, "")
        if given and given not in dict(choices):  # an old link's value stays what it says
            choices = [*choices, (given, given)]
        self.fields[name].widget = forms.Select(choices=[("", anything), *choices])


class InstanceFilterForm(ListFilters, forms.Form):
    definition_key = forms.CharField(required=False, label="Process (key)")
    version = forms.IntegerField(required=False, min_value=1, label="Version")
    definition_id = forms.CharField(required=False, max_length=300, label="Definition id")
    business_key = forms.CharField(required=False, label="Business key")
    business_key_like = forms.CharField(
        required=False, label="Business key like", help_text="% is the wildcard"
    )
    instance_ids = forms.CharField(
        required=False, label="Instance ids", help_text="separated by commas or spaces"
    )
    state = forms.ChoiceField(
        required=False, choices=(("", "Any"), ("active", "Active"), ("suspended", "Suspended")), label="State"
    )
    with_incident = forms.BooleanField(required=False, label="With incidents")
    incident_type = forms.CharField(required=False, label="Incident type")
    incident_message_like = forms.CharField(
        required=False, label="Incident message like", help_text="% is the wildcard"
    )
    activity_id = forms.CharField(required=False, label="Waiting in activity")
    waiting_since_before = forms.DateTimeField(
        required=False,
        label="In that activity since before",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    tenant_id = forms.CharField(required=False, label="Tenant")
    root_only = forms.BooleanField(required=False, label="Root instances only")
    super_instance = forms.CharField(required=False, label="Called by instance")
    sub_instance = forms.CharField(required=False, label="Calling instance")
    started_after = forms.DateTimeField(
        required=False, label="Started after", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    started_before = forms.DateTimeField(
        required=False, label="Started before", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    names_ignore_case = forms.BooleanField(required=False, label="Variable names ignore case")
    values_ignore_case = forms.BooleanField(required=False, label="Variable values ignore case")

    def __init__(self, data: QueryDict, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        names, operators = data.getlist("var_name"), data.getlist("var_op")
        kinds, values = data.getlist("var_type"), data.getlist("var_value")
        self.variable_rows = [
            VariableRow(name, op, kind, value)
            for name, op, kind, value in zip(names, operators, kinds, values, strict=False)
            if name.strip() or value.strip()
        ]

    def is_valid(self) -> bool:
        return super().is_valid() and not any(row.error for row in self.variable_rows)

    @property
    def unknown(self) -> list[str]:
        """Names in the query string that are no filter here: left out, and the page says so."""
        return unknown_filters(self.data, [*self.fields, *VARIABLE_ROW])

    @property
    def refused_fields(self) -> list[str]:
        """The fields a refused filter needs fixed, by their labels, to name in its summary."""
        labels = [str(self.fields[name].label) for name in self.errors if name in self.fields]
        return labels + [f"Variable {row.name or '(no name)'}" for row in self.variable_rows if row.error]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("version") and not data.get("definition_key"):
            self.add_error("version", "A version belongs to a process: give its key too.")
        if data.get("version") and data.get("definition_id"):
            self.add_error("definition_id", "A definition id names a version already: leave Version empty.")
        after, before = data.get("started_after"), data.get("started_before")
        if after and before and after > before:
            self.add_error("started_before", "This is before 'Started after'.")
        if data.get("waiting_since_before") and not data.get("activity_id"):
            self.add_error("waiting_since_before", "Name the activity too (Waiting in activity).")
        return data

    @property
    def started_window(self) -> dict[str, str | None] | None:
        """The start window as plain values (kept with an operation, to say what it acts on)."""
        after, before = self.cleaned_data.get("started_after"), self.cleaned_data.get("started_before")
        waiting = self.cleaned_data.get("waiting_since_before")
        if not (after or before or waiting):
            return None
        window = {
            "after": after.isoformat() if after else None,
            "before": before.isoformat() if before else None,
        }
        return window | ({"waiting_before": waiting.isoformat()} if waiting else {})

    @property
    def instance_id_list(self) -> tuple[str, ...]:
        raw = self.cleaned_data.get("instance_ids") or ""
        return tuple(part for part in raw.replace(",", " ").split() if part)

    def query(self, engine) -> ProcessInstanceQuery | None:
        """The engine query for the valid form (None: nothing can match); may ask the engine for a
        definition id or for the ids of instances started in a window."""
        data = self.cleaned_data
        definition_id = data.get("definition_id") or None
        if data.get("version"):
            found = [
                d
                for d in engine.list_definitions(key=data["definition_key"], limit=200)
                if d.version == data["version"]
            ]
            if not found:
                self.add_error(
                    "version", f"The process {data['definition_key']} has no version {data['version']}."
                )
                raise forms.ValidationError("no such version")
            if len(found) > 1 and data.get("tenant_id"):
                found = [d for d in found if d.tenant_id == data["tenant_id"]] or found
            if len(found) > 1:  # copies of the process in several tenants: a guess could be the wrong one
                tenants = ", ".join(sorted(d.tenant_id or "none" for d in found))
                self.add_error(
                    "version",
                    f"{data['definition_key']} version {data['version']} is deployed for several tenants "
                    f"({tenants}): give the tenant too.",
                )
                raise forms.ValidationError("several tenants")
            definition_id = found[0].id
        ids = self.instance_id_list
        if data.get("started_after") or data.get("started_before"):
            started = self._started_ids(engine)
            ids = tuple(i for i in ids if i in started) if ids else started
            if not ids:
                return None
        if data.get("waiting_since_before"):
            waiting = self._waiting_ids(engine, definition_id)
            ids = tuple(i for i in ids if i in waiting) if ids else waiting
            if not ids:
                return None
        return ProcessInstanceQuery(
            process_instance_ids=ids,
            business_key=data.get("business_key") or None,
            business_key_like=data.get("business_key_like") or None,
            process_definition_id=definition_id,
            process_definition_key=None if data.get("version") else data.get("definition_key") or None,
            active=True if data.get("state") == "active" else None,
            suspended=True if data.get("state") == "suspended" else None,
            with_incident=True if data.get("with_incident") else None,
            incident_type=data.get("incident_type") or None,
            incident_message_like=data.get("incident_message_like") or None,
            activity_ids=(data["activity_id"],) if data.get("activity_id") else (),
            tenant_ids=(data["tenant_id"],) if data.get("tenant_id") else (),
            root_process_instances=True if data.get("root_only") else None,
            super_process_instance=data.get("super_instance") or None,
            sub_process_instance=data.get("sub_instance") or None,
            variables=tuple(row.filter for row in self.variable_rows if row.filter),
            variable_names_ignore_case=True if data.get("names_ignore_case") else None,
            variable_values_ignore_case=True if data.get("values_ignore_case") else None,
        )

    def _waiting_ids(self, engine, definition_id: str | None) -> tuple[str, ...]:
        data = self.cleaned_data
        query = HistoricActivityInstanceQuery(
            definition_id,
            finished=False,
            activity_id=data["activity_id"],
            started_before=data["waiting_since_before"],
        )
        # The runtime query has no time an activity was entered: history has
        found = engine.find_historic_activity_instances(query, limit=STARTED_LIMIT)
        if len(found) >= STARTED_LIMIT:
            self.add_error(
                "waiting_since_before",
                f"{STARTED_LIMIT:,} or more instances are in that activity since before then: narrow it.",
            )
            raise forms.ValidationError("too many")
        return tuple(dict.fromkeys(a.process_instance_id for a in found if a.process_instance_id))

    def _started_ids(self, engine) -> tuple[str, ...]:
        data = self.cleaned_data
        query = HistoricProcessInstanceQuery(
            unfinished=True,
            started_after=data.get("started_after"),
            started_before=data.get("started_before"),
        )
        # The runtime query has no start time: history has
        found = engine.list_historic_instances(query, limit=STARTED_LIMIT)
        if len(found) >= STARTED_LIMIT:
            self.add_error(
                "started_after",
                f"{STARTED_LIMIT:,} or more running instances started in that window: narrow it.",
            )
            raise forms.ValidationError("too many")
        return tuple(h.id for h in found)
