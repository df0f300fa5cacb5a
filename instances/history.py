"""The instance list's history mode: finished instances (and, on request, running ones) as history keeps
them, filtered by end state and end time, sorted by end time newest first."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django import forms
from django.http import QueryDict
from django.utils.html import format_html

from cockpit.paging import EngineTable, unknown_filters
from cockpit.templatetags.cockpit import bidi_marks, duration, unreadable, when
from engines.base import EngineClient
from engines.queries import HistoricInstanceSort, HistoricProcessInstanceQuery
from instances.forms import ListFilters

# The end states, as the filter offers them; the first (the default) is every finished instance.
STATES = (
    ("finished", "Finished (any way)"),
    ("completed", "Completed"),
    ("externally_terminated", "Cancelled (externally terminated)"),
    ("internally_terminated", "Terminated by the process (internally terminated)"),
    ("unfinished", "Still running"),
    ("any", "Running or finished"),
)
DEFAULT_SORT = "-end_time"


class HistoryFilterForm(ListFilters, forms.Form):
    definition_key = forms.CharField(required=False, label="Process (key)")
    version = forms.IntegerField(required=False, min_value=1, label="Version")
    business_key = forms.CharField(required=False, label="Business key")
    state = forms.ChoiceField(required=False, choices=STATES, label="State")
    ended_after = forms.DateTimeField(
        required=False, label="Ended after", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ended_before = forms.DateTimeField(
        required=False, label="Ended before", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    tenant_id = forms.CharField(required=False, label="Tenant")

    def __init__(self, data: QueryDict, *args: Any, **kwargs: Any) -> None:
        data = data.copy()
        data.pop("mode", None)  # the list's own switch, not a filter
        super().__init__(data, *args, **kwargs)

    @property
    def unknown(self) -> list[str]:
        return unknown_filters(self.data, self.fields)

    @property
    def refused_fields(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("version") and not data.get("definition_key"):
            self.add_error("version", "A version belongs to a process: give its key too.")
        after, before = data.get("ended_after"), data.get("ended_before")
        if after and before and after > before:
            self.add_error("ended_before", "This is before 'Ended after'.")
        if (after or before) and data.get("state") == "unfinished":
            self.add_error(
                "state", "Running instances have not ended: an end time filter finds none of them."
            )
        return data

    def query(self, engine: EngineClient) -> HistoricProcessInstanceQuery:
        """History's query for the valid form; a version is looked up in the engine (refused if none)."""
        data = self.cleaned_data
        definition_id = None
        if data.get("version"):
            found = [
                d
                for d in engine.list_definitions(key=data["definition_key"], limit=200)
                if d.version == data["version"]
                and (not data.get("tenant_id") or d.tenant_id == data["tenant_id"])
            ]
            if len(found) != 1:
                named = f"{data['definition_key']} version {data['version']}"
                self.add_error(
                    "version",
                    f"The process {data['definition_key']} has no version {data['version']}."
                    if not found
                    else f"{named} is deployed for several tenants: give the tenant too.",
                )
                raise forms.ValidationError("no one version")
            definition_id = found[0].id
        state = data.get("state") or "finished"
        return HistoricProcessInstanceQuery(
            process_definition_id=definition_id,
            process_definition_key=None if definition_id else data.get("definition_key") or None,
            process_instance_business_key=data.get("business_key") or None,
            finished=True if state not in ("unfinished", "any") else None,
            unfinished=True if state == "unfinished" else None,
            completed=True if state == "completed" else None,
            externally_terminated=True if state == "externally_terminated" else None,
            internally_terminated=True if state == "internally_terminated" else None,
            finished_after=data.get("ended_after"),
            finished_before=data.get("ended_before"),
            tenant_ids=(data["tenant_id"],) if data.get("tenant_id") else (),
        )


STATE_WORDS = {
    "COMPLETED": "completed",
    "EXTERNALLY_TERMINATED": "cancelled",
    "INTERNALLY_TERMINATED": "terminated",
    "ACTIVE": "running",
    "SUSPENDED": "suspended",
}


class FinishedInstanceTable(EngineTable):
    select = tables.Column(verbose_name="", orderable=False, empty_values=())
    id = tables.Column(verbose_name="Instance")
    process = tables.Column(accessor="process_definition_key", verbose_name="Process", empty_values=())
    business_key = tables.Column(verbose_name="Business key")
    state = tables.Column(verbose_name="State", empty_values=())
    start_time = tables.Column(verbose_name="Started")
    end_time = tables.Column(verbose_name="Ended", empty_values=())
    duration = tables.Column(accessor="duration_in_millis", verbose_name="Duration", empty_values=())

    class Meta:
        row_attrs = {"data-row-link": "true"}

    engine_sort = {
        "id": HistoricInstanceSort.ID,
        "process": HistoricInstanceSort.DEFINITION_KEY,
        "business_key": HistoricInstanceSort.BUSINESS_KEY,
        "start_time": HistoricInstanceSort.START_TIME,
        "end_time": HistoricInstanceSort.END_TIME,
        "duration": HistoricInstanceSort.DURATION,
    }

    def render_select(self, record):
        if record.unreadable:
            return ""
        return format_html(
            '<input type="checkbox" name="ids" value="{}" form="bulk-form" aria-label="Select {}">',
            record.id,
            record.id,
        )

    def render_id(self, value, record):
        if record.unreadable:
            return unreadable(record)
        # Its page shows an ended instance read-only; a full load brings the diagram's scripts.
        return format_html(
            '<a href="{}" hx-boost="false"><code>{}</code></a>',
            self.link("instance_detail", value),
            bidi_marks(value),
        )

    def render_process(self, value, record):
        name = record.process_definition_name or value or record.process_definition_id or "—"
        if record.process_definition_version is None:
            return bidi_marks(name)
        return format_html("{} <small>v{}</small>", bidi_marks(name), record.process_definition_version)

    def render_state(self, value):
        return STATE_WORDS.get(value or "", (value or "—").lower())

    def render_start_time(self, value):
        return when(value)

    def render_end_time(self, value):
        return when(value)

    def render_duration(self, value):
        return duration(value)
