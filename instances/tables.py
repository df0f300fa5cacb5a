import django_tables2 as tables
from django.utils.html import format_html

from cockpit.paging import EngineTable


class InstanceTable(EngineTable):
    select = tables.TemplateColumn(
        template_name="instances/_select_cell.html", verbose_name="", orderable=False, empty_values=()
    )
    id = tables.TemplateColumn(template_name="instances/_id_cell.html", verbose_name="Instance")
    definition = tables.Column(accessor="definition", verbose_name="Process", empty_values=())
    business_key = tables.Column(accessor="instance__business_key", verbose_name="Business key")
    state = tables.Column(accessor="state", verbose_name="State")
    tenant_id = tables.Column(accessor="instance__tenant_id", verbose_name="Tenant")
    start_time = tables.DateTimeColumn(accessor="start_time", verbose_name="Started", format="Y-m-d H:i")

    class Meta:
        # A click anywhere in a row opens the instance (cockpit.js follows the row's id link).
        row_attrs = {"data-row-link": "true"}

    engine_sort = {
        "id": "instanceId",
        "definition": "definitionKey",
        "business_key": "businessKey",
        "tenant_id": "tenantId",
    }

    def render_definition(self, value, record):
        if value is None:
            return record.instance.definition_id or "—"
        return format_html("{} <small>v{}</small>", value.title, value.version)
