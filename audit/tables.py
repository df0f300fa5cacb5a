import django_tables2 as tables

from audit.models import AuditEntry


class AuditTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name="When", format="Y-m-d H:i:s")
    details = tables.TemplateColumn(
        template_name="audit/_details_cell.html",
        verbose_name="Parameters and values",
        orderable=False,
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
