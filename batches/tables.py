import django_tables2 as tables

from cockpit.paging import EngineTable
from engines.queries import BatchSort


class BatchTable(EngineTable):
    id = tables.Column(verbose_name="Batch")
    type = tables.Column()
    progress = tables.Column(accessor="percent", verbose_name="Progress")
    remaining_jobs = tables.Column(verbose_name="Remaining")
    completed_jobs = tables.Column(verbose_name="Completed")
    failed_jobs = tables.Column(verbose_name="Failed")
    create_user_id = tables.Column(verbose_name="Created by")
    suspended = tables.Column(verbose_name="State")
    tenant_id = tables.Column(verbose_name="Tenant")
    actions = tables.TemplateColumn(
        template_name="batches/_batch_actions.html", verbose_name="", empty_values=()
    )

    engine_sort = {"id": BatchSort.ID, "tenant_id": BatchSort.TENANT_ID}

    def render_progress(self, value):
        return f"{value} %"

    def render_suspended(self, value):
        return "suspended" if value else "running"
