import django_tables2 as tables
from django.utils.html import format_html

from cockpit.paging import EngineTable
from cockpit.templatetags.cockpit import bidi_marks, unreadable, when
from engines.queries import JobSort


class RetryingJobTable(EngineTable):
    """Failed jobs with retries left: each row a job, its process, where it failed and why."""

    process = tables.Column(accessor="job", verbose_name="Process", empty_values=(), orderable=False)
    activity = tables.Column(accessor="activity", verbose_name="Activity", empty_values=())
    exception = tables.Column(accessor="job__exception_message", verbose_name="Exception", empty_values=())
    retries = tables.Column(accessor="job__retries", verbose_name="Retries left")
    due = tables.Column(accessor="job__due_date", verbose_name="Next try", empty_values=())
    instance = tables.Column(accessor="job", verbose_name="Instance", empty_values=())

    engine_sort = {"retries": JobSort.RETRIES, "due": JobSort.DUE_DATE}

    def render_process(self, value):
        if value.unreadable:
            return unreadable(value)
        name = bidi_marks(value.process_definition_key or value.process_definition_id or "—")
        if not value.process_definition_id:
            return name
        return format_html(
            '<a href="{}">{}</a>', self.link("definition_detail", value.process_definition_id), name
        )

    def render_activity(self, value):
        return bidi_marks(value) if value else "—"

    def render_exception(self, value):
        return bidi_marks(value) if value else "—"

    def render_due(self, value):
        return when(value) if value else "at once"

    def render_instance(self, value):
        if value.unreadable or not value.process_instance_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">jobs tab (retry)</a>',
            self.link("instance_detail", value.process_instance_id),
            value.process_instance_id,
            self.link("instance_tab", value.process_instance_id, "jobs"),
        )
