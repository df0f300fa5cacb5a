from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig

from accounts.permissions import requires
from accounts.roles import Perm
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from audit.tables import AuditTable


@requires(Perm.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.all()
    refused = form.is_bound and not form.is_valid()
    if refused:
        entries = entries.none()  # a filter that cannot be read lists nothing rather than everything
    elif form.is_bound:
        entries = form.filter(entries)
    filtered = form.is_bound and any(form.data.get(name) for name in form.fields)
    table = AuditTable(
        entries,
        empty_text="Nothing matches this filter."
        if filtered
        else "Nothing has been done through the dashboard yet: changes people make are listed here.",
    )
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    template = "audit/log.html#results" if request.htmx else "audit/log.html"
    return render(request, template, {"form": form, "table": table, "refused": refused})
