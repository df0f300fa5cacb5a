from collections.abc import Callable

from django import forms
from django.db.models import Q
from django.db.models.functions import Left

from audit.display import ACTION_CHOICES
from audit.models import TARGET_PREFIX, AuditEntry

# Apps that act on many targets at once and know which (an operation's items) add the entries of
# those actions here; the log itself knows only its own entries.
ALSO_CONCERNING: list[Callable[[str], Q]] = []


def concerning(target: str) -> Q:
    """The entries about one instance (by id or business key), or any other target by its id: what
    was done to it, to a task or job inside it, and to the selections and operations that included it."""
    about = (
        Q(target_prefix=target[:TARGET_PREFIX], target_id=target)
        | Q(parameters__business_key=target)
        | Q(parameters__process_instance_id=target)
        # A JSON list's text holds each id in quotes, on every database this runs on.
        | Q(parameters__ids__icontains=f'"{target}"')
    )
    for finder in ALSO_CONCERNING:
        about |= finder(target)
    return about


class AuditFilterForm(forms.Form):
    user = forms.CharField(required=False, label="User")
    engine = forms.CharField(required=False)
    action = forms.ChoiceField(required=False, choices=[("", "any"), *ACTION_CHOICES])
    target = forms.CharField(required=False, label="Instance (id or business key)")
    outcome = forms.ChoiceField(required=False, choices=[("", "any"), *AuditEntry.Outcome.choices])
    since = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    until = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "This is before Since: no entry could match.")
        return data

    @property
    def refused_fields(self) -> list[str]:
        """The fields a refused filter needs fixed, by their labels, to name in its summary."""
        return [str(self.fields[name].label or name.title()) for name in self.errors if name in self.fields]

    def filter(self, entries):
        data = self.cleaned_data
        if data.get("user"):
            entries = entries.filter(username__iexact=data["user"])
        if data.get("engine"):
            entries = entries.filter(engine=data["engine"])
        if data.get("action"):
            entries = entries.filter(action__startswith=data["action"])
        if data.get("target"):
            entries = entries.alias(target_prefix=Left("target_id", TARGET_PREFIX)).filter(
                concerning(data["target"])
            )
        if data.get("outcome"):
            entries = entries.filter(outcome=data["outcome"])
        if data.get("since"):
            entries = entries.filter(at__gte=data["since"])
        if data.get("until"):
            entries = entries.filter(at__lte=data["until"])
        return entries
