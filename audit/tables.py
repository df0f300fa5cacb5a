import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from audit.display import details
from audit.models import AuditEntry


class DetailsColumn(tables.Column):
    """What was sent, the value before and after, and the engine's answer, as a person reads them."""

    def render(self, record: AuditEntry) -> str:
        return render_to_string("audit/_details_cell.html", {"lines": details(record)})


SAID = {"variable.overwrite": "saved over a value changed meanwhile"}


class AuditTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name="When", format="Y-m-d H:i:s")
    business_key = tables.Column(
        verbose_name="Business key", accessor="parameters__business_key", orderable=False
    )
    variable = tables.Column(verbose_name="Variable", accessor="parameters__name", orderable=False)
    details = DetailsColumn(
        verbose_name="Parameters and values", orderable=False, empty_values=(), accessor="pk"
    )

    class Meta:
        model = AuditEntry
        fields = ("at", "username", "engine", "action", "target_type", "target_id", "outcome")
        sequence = (
            "at",
            "username",
            "engine",
            "action",
            "target_type",
            "target_id",
            "business_key",
            "variable",
            "outcome",
            "details",
        )
        template_name = "django_tables2/table.html"
        attrs = {"class": "striped"}
        empty_text = "Nothing matches this filter."

    def render_action(self, value: str) -> str:
        said = SAID.get(value)
        return format_html("{}<br><small>{}</small>", value, said) if said else value

    def render_target_id(self, value: str, record: AuditEntry) -> str:
        if record.target_type != "process_instance":
            return value
        try:  # an entry outlives its engine's configuration: then the id stays plain
            url = reverse("instance_detail", args=[record.engine, value])
        except NoReverseMatch:
            return value
        return format_html('<a href="{}">{}</a>', url, value)
