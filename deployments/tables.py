import django_tables2 as tables
from django.utils.html import format_html

from cockpit.paging import EngineTable
from cockpit.templatetags.cockpit import bidi_marks, unreadable
from engines.queries import DeploymentSort
from instances.tables import started_cell


class DeploymentTable(EngineTable):
    name = tables.Column(accessor="title", verbose_name="Name", order_by="name", empty_values=())
    source = tables.Column(verbose_name="Source")
    deployment_time = tables.Column(verbose_name="Deployed", empty_values=())
    tenant_id = tables.Column(verbose_name="Tenant")

    engine_sort = {
        "name": DeploymentSort.NAME,
        "deployment_time": DeploymentSort.TIME,
        "tenant_id": DeploymentSort.TENANT_ID,
    }

    def render_name(self, value, record):
        if record.unreadable:
            return unreadable(record)
        # A full page load: the deployment's page brings its own scripts (the diagram preview).
        return format_html(
            '<a href="{}" hx-boost="false">{}</a>',
            self.link("deployment_detail", record.id),
            bidi_marks(value),
        )

    def render_deployment_time(self, value):
        return started_cell(value)
