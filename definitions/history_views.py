"""A definition's heatmap: how often each activity ran and how long it took within a time window, from
the engine's history, drawn on the diagram (static/js/heatmap.js) and listed in a table beside it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit.engines import EngineRequest, engine_scoped
from cockpit.templatetags.cockpit import duration_text
from definitions.activity_history import SAMPLE, DefinitionHistory, definition_history
from engines.errors import EngineError
from instances.modify_views import model_of

SECTION = "definitions/_activity_history.html"
# key: (words, how far back; None for all the history there is)
WINDOWS: dict[str, tuple[str, timedelta | None]] = {
    "24h": ("the last 24 hours", timedelta(hours=24)),
    "7d": ("the last 7 days", timedelta(days=7)),
    "30d": ("the last 30 days", timedelta(days=30)),
    "all": ("all the history kept", None),
}
MEASURES = {"count": "how often it ran", "duration": "how long it took (median)"}


class HeatmapForm(forms.Form):
    window = forms.ChoiceField(
        required=False,
        label="Time window",
        choices=[(key, words.capitalize()) for key, (words, _) in WINDOWS.items()],
        error_messages={
            "invalid_choice": "Choose one of the windows offered: "
            + ", ".join(words for words, _ in WINDOWS.values())
            + "."
        },
    )
    measure = forms.ChoiceField(
        required=False,
        label="Colour by",
        choices=[(key, words.capitalize()) for key, words in MEASURES.items()],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Colour by how often it ran or by how long it took."},
    )

    def clean_window(self) -> str:
        return self.cleaned_data.get("window") or "7d"

    def clean_measure(self) -> str:
        return self.cleaned_data.get("measure") or "count"

    @property
    def since(self) -> datetime | None:
        back = WINDOWS[self.cleaned_data["window"]][1]
        return timezone.now() - back if back else None


def heatmap_form(request: EngineRequest) -> HeatmapForm:
    """The form as the page's URL has it; an empty choice is the default (the last 7 days, by count)."""
    form = HeatmapForm({name: request.GET.get(name, "") for name in ("window", "measure")})
    form.is_valid()
    return form


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def definition_heatmap(request: EngineRequest, definition_id: str) -> HttpResponse:
    form = heatmap_form(request)
    context: dict = {"definition_id": definition_id, "form": form, "sample_cap": SAMPLE}
    if not request.engine.capabilities.activity_history:
        context["unoffered"] = True
    elif form.is_valid():
        context.update(_heatmap(request, definition_id, form))
    return render(request, f"{SECTION}#heatmap", context)


def _heatmap(request: EngineRequest, definition_id: str, form: HeatmapForm) -> dict:
    try:
        # The definition is asked first: an id this engine does not know is its NotFound, said in place.
        request.engine.deployed_definition(definition_id)
        names = _names(request, definition_id)
        history = definition_history(request.engine, definition_id, since=form.since, names=names)
    except EngineError as error:  # the section fails alone; the diagram and the rest of the page stay
        return {"engine_error": error}
    return {
        "history": history,
        "window_words": WINDOWS[form.cleaned_data["window"]][0],
        "measure": form.cleaned_data["measure"],
        "drawn": json.dumps(_drawn(history, form.cleaned_data["measure"])),
    }


def _names(request: EngineRequest, definition_id: str) -> dict[str, str]:
    try:
        return {
            node_id: node.title for node_id, node in model_of(request.engine, definition_id)[0].nodes.items()
        }
    except EngineError:  # the names are a nicety: the ids still say which activity
        return {}


def _drawn(history: DefinitionHistory, measure: str) -> dict:
    """What heatmap.js draws (as JSON): per activity its value (0..1 of the hottest) and the words on it."""
    if measure == "duration":
        values = {
            a.id: (a.durations.p50, duration_text(a.durations.p50)) for a in history.activities if a.durations
        }
    else:
        values = {a.id: (a.ran, f"{a.ran:,}") for a in history.activities if a.ran}
    hottest = max((value for value, _ in values.values()), default=0) or 1
    return {
        "measure": measure,
        "activities": {
            activity_id: {"heat": round(value / hottest, 3), "label": label}
            for activity_id, (value, label) in values.items()
        },
    }
