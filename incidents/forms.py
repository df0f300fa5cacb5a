"""The incident list's filters (from the query string) and its bulk actions."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from cockpit.paging import unknown_filters
from engines.queries import containing

ANNOTATED = (("", "either"), ("yes", "annotated"), ("no", "not annotated"))


class IncidentFilterForm(forms.Form):
    incident_type = forms.ChoiceField(
        required=False,
        label="Type",
        choices=(("", "any"), ("failedJob", "failedJob"), ("failedExternalTask", "failedExternalTask")),
    )
    message = forms.CharField(required=False, max_length=400, label="Message contains")
    exact_message = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)
    process = forms.CharField(required=False, max_length=200, label="Process (key)")
    definition_id = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    activity_id = forms.CharField(required=False, max_length=200, label="Activity")
    annotated = forms.ChoiceField(required=False, choices=ANNOTATED, label="Annotation")
    group = forms.BooleanField(required=False, label="Group by message")

    @property
    def unknown(self) -> list[str]:
        """Names in the query string that are no filter here: left out, and the page says so."""
        return unknown_filters(self.data, self.fields)

    def engine_filters(self) -> dict[str, Any]:
        """The filters the engine applies (the keyword names of list_incidents)."""
        data = self.cleaned_data
        filters: dict[str, Any] = {}
        if data.get("incident_type"):
            filters["incident_type"] = data["incident_type"]
        if data.get("exact_message"):
            filters["incident_message"] = data["exact_message"]
        elif data.get("message"):
            # "Contains" means contains: a % or _ typed is looked for, not a wildcard.
            filters["incident_message_like"] = containing(data["message"])
        if data.get("definition_id"):
            filters["process_definition_id"] = data["definition_id"]
        elif data.get("process"):
            filters["process_definition_keys"] = [data["process"].strip()]
        if data.get("activity_id"):
            filters["activity_id"] = data["activity_id"].strip()
        return filters

    @property
    def wants_annotated(self) -> bool | None:
        """True: only annotated incidents; False: only those without; None: either."""
        value = self.cleaned_data.get("annotated")
        return {"yes": True, "no": False}.get(value)


# What a group's filter holds (incidents.groups.Group.filters): these names, each a text.
GROUP_FILTERS = frozenset({"incident_message", "incident_type", "activity_id", "process_definition_id"})


def _group(text: str) -> dict[str, str | None] | None:
    """The group's engine filters as the list wrote them, or None for anything else.

    A filter may be null: a group without a message (a call activity's copy of an incident) is its
    activity's, type's and definition's."""
    try:
        group = json.loads(text)
    except ValueError:
        return None
    if not isinstance(group, dict) or set(group) != GROUP_FILTERS:
        return None
    if not all(value is None or isinstance(value, str) for value in group.values()):
        return None
    return group


class IncidentBulkForm(forms.Form):
    """Retry or annotate: the selected incidents, everything matching the filter, or one group."""

    ACTIONS = (("retry", "Retry"), ("annotate", "Annotate"))
    KINDS = {"retry": "incident_retry", "annotate": "incident_annotate"}
    action = forms.ChoiceField(choices=ACTIONS)
    scope = forms.ChoiceField(
        choices=(("selected", "the selected"), ("all", "all matching"), ("group", "a group"))
    )
    annotation = forms.CharField(required=False, max_length=4000, label="Annotation")
    group_filter = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, selected: list[str], confirming: bool = False) -> None:
        super().__init__(data)
        self.selected, self.confirming = selected, confirming

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") == "selected" and not self.selected:
            self.add_error("scope", "Select incidents in the list, or act on all matching.")
        if (
            self.confirming
            and data.get("action") == "annotate"
            and not (data.get("annotation") or "").strip()
        ):
            self.add_error("annotation", "Write the annotation to put on the incidents.")
        if data.get("scope") == "group":
            data["group"] = _group(data.get("group_filter") or "")
            if data["group"] is None:
                self.add_error("scope", "The group could not be read; choose it in the list again.")
        return data

    @property
    def kind(self) -> str:
        return self.KINDS[self.cleaned_data["action"]]
