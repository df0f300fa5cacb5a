"""The header's search box: an instance id, a business key or a process key, looked up on every
configured engine at once. One match goes straight there; several are listed by engine and kind; none
says so. An engine that fails to answer costs only its own line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit import engines
from engines import fan_out
from engines.errors import EngineError
from engines.fanout import Failed
from engines.queries import HistoricProcessInstanceQuery

MATCHES_SHOWN = 20  # per engine and kind; more are counted as "more", never all fetched
LONGEST_QUERY = 300


@dataclass(frozen=True)
class Match:
    engine: str  # the engine's title
    kind: str  # what it is, in words: "Running instance", "Finished instance", "Process"
    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class EngineAnswer:
    engine: str
    matches: list[Match]
    problem: str = ""
    more: bool = False


@require_GET
@requires(Perm.VIEW)  # every role reads: the search finds only what each may see anyway
def find(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("q", "").strip()[:LONGEST_QUERY]
    if not typed:
        return render(request, "find.html", {"typed": "", "answers": []})
    answers = find_everywhere(typed)
    matches = [m for answer in answers for m in answer.matches]
    if len(matches) == 1 and not any(a.problem or a.more for a in answers):
        return redirect(matches[0].url)
    context = {
        "typed": typed,
        "answers": answers,
        "matches": matches,
        "searched": [a.engine for a in answers if not a.problem],
        "shown": MATCHES_SHOWN,
    }
    return render(request, "find.html", context)


def find_everywhere(typed: str) -> list[EngineAnswer]:
    """The text as an instance id, a business key and a process key, on every engine, all at once."""
    configured = engines.configured()
    calls: dict[str, Callable[[], Any]] = {}
    for name in configured:
        client = engines.client(name)
        # Running and finished instances alike: history has both
        calls[f"id:{name}"] = partial(
            client.list_historic_instances,
            HistoricProcessInstanceQuery(process_instance_ids=(typed,)),
            limit=1,
        )
        calls[f"business_key:{name}"] = partial(
            client.list_historic_instances,
            HistoricProcessInstanceQuery(process_instance_business_key=typed),
            limit=MATCHES_SHOWN + 1,
        )
        # The newest version of the process (one per tenant)
        calls[f"definition:{name}"] = partial(
            client.list_definitions, key=typed, latest_version=True, limit=MATCHES_SHOWN + 1
        )
    found = fan_out(calls, keep_failures=True)
    return [_answer(name, config.title, found) for name, config in configured.items()]


def _answer(name: str, title: str, found: dict[str, Any]) -> EngineAnswer:
    mine = {kind: found[f"{kind}:{name}"] for kind in ("id", "business_key", "definition")}
    failed = [r.error for r in mine.values() if isinstance(r, Failed)]
    if failed:
        error = failed[0]
        return EngineAnswer(
            title, [], problem=error.message if isinstance(error, EngineError) else str(error)
        )
    instances = {h.id: h for h in [*mine["id"], *mine["business_key"][:MATCHES_SHOWN]]}
    matches = [
        Match(
            title,
            "Finished instance" if h.end_time else "Running instance",
            h.business_key or h.id,
            f"{h.process_definition_name or h.process_definition_key or ''} · {h.id}",
            reverse("instance_detail", args=[name, h.id]),
        )
        for h in instances.values()
        if not h.unreadable
    ]
    definitions = mine["definition"][:MATCHES_SHOWN]
    matches += [
        Match(
            title,
            "Process",
            d.title,
            f"key {d.key}, version {d.version}" + (f", tenant {d.tenant_id}" if d.tenant_id else ""),
            reverse("definition_detail", args=[name, d.id]),
        )
        for d in definitions
        if not d.unreadable
    ]
    more = len(mine["business_key"]) > MATCHES_SHOWN or len(mine["definition"]) > MATCHES_SHOWN
    return EngineAnswer(title, matches, more=more)
