import django_tables2 as tables
from django.template.loader import render_to_string

from audit.display import details
from audit.models import AuditEntry


class DetailsColumn(tables.Column):
    """What was sent, the value before and after, and the engine's answer, as a person reads them."""

    def render(self, record: AuditEntry) -> str:
        return render_to_string("audit/_details_cell.html", {"lines": details(record)})


class AuditTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name="When", format="Y-m-d H:i:s")
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
            "outcome",
            "details",
        )
        template_name = "django_tables2/table.html"
        attrs = {"class": "striped"}
        empty_text = "Nothing matches this filter."
