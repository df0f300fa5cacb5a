import django_tables2 as tables

from cockpit.paging import EngineTable


class InstanceTable(EngineTable):
    id = tables.Column(verbose_name="Instance")
    definition_id = tables.Column(verbose_name="Definition")
    business_key = tables.Column(verbose_name="Business key")
    state = tables.Column(accessor="suspended", verbose_name="State")
    tenant_id = tables.Column(verbose_name="Tenant")

    engine_sort = {
        "id": "instanceId",
        "definition_id": "definitionId",
        "business_key": "businessKey",
        "tenant_id": "tenantId",
    }

    def render_state(self, value):
        return "suspended" if value else "active"
