"""What to do to many instances, with the options each action takes; checked before anything is sent."""

from __future__ import annotations

from typing import Any

from django import forms

from engines.variables import VariableType, VariableValueError, parse_input


class BulkActionForm(forms.Form):
    ACTIONS = (
        ("suspend", "Suspend"),
        ("activate", "Activate"),
        ("delete", "Delete"),
        ("job_retries", "Set job retries"),
        ("set_variables", "Set a variable"),
        ("modify", "Modify (move tokens)…"),
        ("migrate", "Migrate to another version…"),
    )
    action = forms.ChoiceField(choices=ACTIONS)
    scope = forms.ChoiceField(
        choices=(("selected", "The selected instances"), ("all", "Everything matching"))
    )
    reason = forms.CharField(required=False, max_length=500, label="Reason (kept by the engine)")
    skip_custom_listeners = forms.BooleanField(required=False, label="Skip custom listeners")
    skip_io_mappings = forms.BooleanField(required=False, label="Skip input/output mappings")
    skip_subprocesses = forms.BooleanField(required=False, label="Leave called instances running")
    retries = forms.IntegerField(required=False, min_value=0, max_value=100, initial=1, label="Retries")
    variable_name = forms.CharField(required=False, max_length=200, label="Variable")
    variable_type = forms.ChoiceField(
        required=False, choices=[(t.value, t.value) for t in VariableType if t.value not in ("File", "Bytes")]
    )
    variable_value = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Value")

    OPTION_FIELDS = frozenset({"retries", "variable_name", "variable_type", "variable_value"})

    @property
    def options_given(self) -> bool:
        """Whether the action's options were submitted (from the confirmation page), not just opened."""
        return "confirm" in self.data or self.data.get("step") == "options"

    @property
    def only_options_refused(self) -> bool:
        """Refused for what was typed in the options alone: the action and its instances still stand."""
        return bool(self.errors) and set(self.errors) <= self.OPTION_FIELDS

    @property
    def kind(self) -> str:
        return self.cleaned_data["action"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") == "selected" and not self.data.getlist("ids"):
            self.add_error("scope", "Select instances in the list, or act on everything matching.")
        if not self.options_given:  # the list's Continue… opens the options: nothing typed yet to refuse
            return data
        if data.get("action") == "job_retries" and data.get("retries") is None:
            self.add_error("retries", "How many retries should the jobs get?")
        if data.get("action") == "set_variables":
            if not data.get("variable_name"):
                self.add_error("variable_name", "Name the variable.")
            else:
                try:
                    self.typed_value = parse_input(
                        data.get("variable_type") or "String", data.get("variable_value") or ""
                    )
                except VariableValueError as error:
                    self.add_error("variable_value", str(error))
        return data

    def options(self) -> dict[str, Any]:
        """The action's options as the operation keeps them (see batches.kinds)."""
        data = self.cleaned_data
        if self.kind == "delete":
            return {
                "reason": data.get("reason") or "",
                "skip_custom_listeners": data.get("skip_custom_listeners", False),
                "skip_io_mappings": data.get("skip_io_mappings", False),
                "skip_subprocesses": data.get("skip_subprocesses", False),
            }
        if self.kind == "job_retries":
            return {"retries": data["retries"]}
        if self.kind == "set_variables":
            return {"variables": {data["variable_name"]: self.typed_value.to_dict()}}
        return {}
