"""Rendering of an engine list page: the full page, or only its results for htmx."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cockpit.paging import EngineTable, Page


def render_engine_list(
    request: HttpRequest, table: EngineTable, page: Page, *, title: str, intro: str = "", empty: str = ""
) -> HttpResponse:
    template = "lists/engine_list.html#results" if request.htmx else "lists/engine_list.html"
    context = {"table": table, "page": page, "title": title, "intro": intro, "empty": empty}
    return render(request, template, context)
