import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from audit.display import INSIDE_AN_INSTANCE, details, said
from audit.models import AuditEntry
from cockpit.templatetags.cockpit import when


class DetailsColumn(tables.Column):
    """What was sent, the value before and after, and the engine's answer, as a person reads them."""

    def render(self, record: AuditEntry) -> str:
        return render_to_string("audit/_details_cell.html", {"lines": details(record)})


class SaidColumn(tables.Column):
    """Who did what to which instance, and the value before → after, as one sentence."""

    def render(self, record: AuditEntry) -> str:
        return render_to_string("audit/_said_cell.html", {"said": said(record), "url": target_url(record)})


def target_url(entry: AuditEntry) -> str:
    """The target's page on its engine; none where the entry outlived its engine's configuration."""
    try:
        if entry.target_type == "process_instance":
            return reverse("instance_detail", args=[entry.engine, entry.target_id])
        inside = (entry.parameters or {}).get("process_instance_id")
        if entry.target_type in INSIDE_AN_INSTANCE and inside:
            return reverse("instance_detail", args=[entry.engine, str(inside)])
        if entry.target_type == "operation" and entry.target_id.isdigit():
            return reverse("operation_detail", args=[entry.engine, int(entry.target_id)])
    except NoReverseMatch:
        pass
    return ""


class AuditTable(tables.Table):
    at = tables.Column(verbose_name="When")
    said = SaidColumn(verbose_name="What happened", orderable=False, empty_values=(), accessor="pk")
    details = DetailsColumn(
        verbose_name="Parameters and values", orderable=False, empty_values=(), accessor="pk"
    )

    class Meta:
        model = AuditEntry
        fields = ("at", "engine", "outcome")
        sequence = ("at", "said", "engine", "outcome", "details")
        template_name = "audit/_table.html"
        attrs = {"class": "striped audit-log"}
        empty_text = "Nothing matches this filter."

    def render_at(self, value) -> str:
        return when(value)
