import django_tables2 as tables

from cockpit.paging import EngineTable


class DefinitionTable(EngineTable):
    name = tables.Column(accessor="title", verbose_name="Name")
    key = tables.Column()
    version = tables.Column()
    suspended = tables.Column(verbose_name="State")
    tenant_id = tables.Column(verbose_name="Tenant")

    engine_sort = {"name": "name", "key": "key", "version": "version", "tenant_id": "tenantId"}

    def render_suspended(self, value):
        return "suspended" if value else "active"
