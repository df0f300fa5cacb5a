"""Side by side with Cockpit: the same four views, in both products, on the same real Camunda 7.24.

    .venv/bin/python bench/side_by_side.py [--sizes 1000,100000] [--repetitions 5] [--out FILE]

Camunda 7.24 CE runs with Cockpit CE in the same JVM (realengines/camunda7), seeded through its
REST API: the first 1,000 instances in every shape of the demo data (realengines.seed), the rest
started in parallel with one request each (customer, amount; one loan in three fails for good),
the rate printed. The dashboard runs with its production settings (bench.stack) against the same
engine. Headless Chromium logs into each product through its login form and loads each view:

    cold   a fresh browser session with an empty browser cache (and our server cache emptied);
    warm   the same view again, straight after.

A view is usable when its data is drawn, which a per-product condition says (a selector that only
appears once the data is there), and the network has been quiet for 500 ms; the time is from the
navigation to the later of the two. The products take turns (ours, theirs, then theirs, ours), so
the load of a busy machine falls on both alike; the table gives medians and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack
from bench.common import PASSWORD, ROOT, median, table

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
QUIET_MS = 500
FULL_SHAPES = 1_000  # instances seeded in every shape; the rest are started plainly


@dataclass(frozen=True)
class View:
    name: str
    ours: str  # path on the dashboard, with {definition_key}, {definition_id}, {instance_id}
    cockpit: str  # hash route in Cockpit, or "" where Cockpit CE has no such view
    # JavaScript expressions, true once the view's data is drawn.
    ours_ready: str
    cockpit_ready: str
    cockpit_missing: str = ""


_VARIABLE_FILTER = json.dumps(
    [
        {"type": "withIncident", "operator": "eq", "value": "", "name": ""},
        {"type": "variables", "operator": "gt", "value": "2500", "name": "amount"},
    ]
)
_NOT_BUSY = "!document.querySelector('#main [aria-busy=true], main [aria-busy=true]')"
VIEWS = [
    View(
        "instances of a process, with incidents, amount > 2500",
        "/e/demo/instances/?definition_key={definition_key}&with_incident=on"
        "&var_name=amount&var_op=gt&var_type=number&var_value=2500",
        "#/process-definition/{definition_id}/runtime?searchQuery=" + quote(_VARIABLE_FILTER),
        f"document.querySelectorAll('#results table tbody tr').length > 0 && {_NOT_BUSY}",
        "document.querySelectorAll('table.process-instances tbody tr').length > 0",
    ),
    View(
        "one instance with an incident (diagram, tree, variables)",
        "/e/demo/instances/{instance_id}/",
        "#/process-instance/{instance_id}/runtime",
        "document.querySelectorAll('#diagram .djs-overlay').length > 0"
        " && document.querySelectorAll('#activity-tree li').length > 0"
        f" && document.querySelectorAll('#tab-panel table tbody tr').length > 0 && {_NOT_BUSY}",
        "document.querySelectorAll('.djs-overlay .badge').length > 0"
        " && document.querySelectorAll('table.cam-table tbody tr').length > 0",
    ),
    View(
        "the dashboard",
        "/",
        "#/dashboard",
        "document.querySelectorAll('.tile').length > 0 && !document.querySelector('.tile[aria-busy=true]')",
        "document.querySelectorAll('.dashboard svg, .dashboard canvas').length > 0"
        " && /\\d/.test((document.querySelector('.dashboard') || {innerText: ''}).innerText)",
    ),
    View(
        "incidents of a process",
        "/e/demo/incidents/?process={definition_key}",
        "#/process-definition/{definition_id}/runtime?detailsTab=pd-incidents-tab",
        f"document.querySelectorAll('#results table tbody tr').length > 0 && {_NOT_BUSY}",
        "Array.from(document.querySelectorAll('table.cam-table')).some(t => t.tHead"
        " && /Message/.test(t.tHead.innerText) && t.tBodies.length && t.tBodies[0].rows.length > 0)",
    ),
]


# --- seeding -----------------------------------------------------------------------------------


def fill(engine, definitions: dict[str, str], count: int, *, threads: int = 8, first: int = 1) -> dict:
    """Start `count` instances, one POST each, `threads` at a time over kept-alive connections."""
    loan, order = definitions["loan:1"], definitions["order:2"]
    limits = httpx.Limits(max_connections=threads, max_keepalive_connections=threads)

    def start(client: httpx.Client, seq: int) -> None:
        key, definition = ("loan", loan) if seq % 2 else ("order", order)
        variables = {
            "customer": {"value": f"Customer {seq % 500}", "type": "String"},
            "amount": {"value": 10 + (seq * 2654435761) % 4990, "type": "Integer"},
        }
        if key == "loan" and seq % 3 == 0:
            variables |= {"failAt": {"value": "score", "type": "String"},
                          "failure": {"value": "persists", "type": "String"}}  # fmt: skip
        # POST /process-definition/{id}/start
        answer = client.post(
            f"/process-definition/{definition}/start",
            json={"businessKey": f"{key.upper()}-{first + seq}", "variables": variables},
        )
        answer.raise_for_status()

    started = time.monotonic()
    with engine.http(limits=limits) as client, ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda seq: start(client, seq), range(first, first + count)))
    seconds = time.monotonic() - started
    return {
        "instances": count,
        "seconds": round(seconds, 1),
        "per_second": round(count / seconds, 1) if count else 0,
    }


def seed_engine(engine, size: int, *, threads: int) -> dict:
    from realengines.seed import seed

    started = time.monotonic()
    seeded = seed(engine, instances=min(size, FULL_SHAPES))
    shaped = time.monotonic() - started
    filled = fill(
        engine, seeded.definitions, max(0, size - FULL_SHAPES), threads=threads, first=FULL_SHAPES + 1
    )
    with engine.http() as http:
        from realengines.seed import settle

        settle(http, timeout=3600)  # the job executor raises the filler's incidents
        counts = {
            # GET /process-instance/count, GET /incident/count
            "running": http.get("/process-instance/count").json()["count"],
            "incidents": http.get("/incident/count").json()["count"],
        }
    total = time.monotonic() - started
    return {"shaped_instances": min(size, FULL_SHAPES), "shaped_seconds": round(shaped, 1), "filler": filled,
            "seconds": round(total, 1), "per_second": round(size / total, 1), **counts}  # fmt: skip


def targets(engine) -> dict[str, str]:
    """The process and the instance the views show: loan v1 (no tenant) and one of its instances with an incident."""
    with engine.http() as http:
        # GET /process-definition, GET /incident
        loan = http.get(
            "/process-definition", params={"key": "loan", "withoutTenantId": "true", "version": 1}
        )
        definition_id = loan.json()[0]["id"]
        incident = http.get(
            "/incident",
            params={"processDefinitionId": definition_id, "incidentType": "failedJob", "maxResults": 1},
        ).json()[0]
    return {
        "definition_key": "loan",
        "definition_id": definition_id,
        "instance_id": incident["processInstanceId"],
    }


# --- the browser -------------------------------------------------------------------------------


class Product:
    """One product in the browser: how to log in, where a view is, when it is usable."""

    def __init__(self, name: str, base: str, login, headers: dict[str, str] | None = None) -> None:
        self.name, self.base, self.login, self.headers = name, base, login, headers or {}

    def url(self, view: View, target: dict[str, str]) -> str:
        route = view.ours if self.name == "ours" else view.cockpit
        return self.base + route.format(**target)

    def ready(self, view: View) -> str:
        return view.ours_ready if self.name == "ours" else view.cockpit_ready


def log_into_ours(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("User name").fill("bench")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_into_cockpit(page, base: str, user: str, password: str) -> None:
    page.goto(base)
    page.locator("input[ng-model='username'], input#username, input[name='username']").first.fill(user)
    page.locator("input[type='password']").first.fill(password)
    page.locator("button[type='submit']").first.click()
    page.wait_for_selector("a.navbar-brand, .navbar-brand", timeout=30_000)
    page.wait_for_function("!document.querySelector('form[name=signinForm]')", timeout=30_000)


def usable_ms(page, url: str, ready: str, *, timeout: float = 120) -> float:
    """Navigate and wait until `ready` holds and the network has been quiet for QUIET_MS; the time to
    the later of the condition first holding and the last request ending (ms)."""
    state = {"inflight": 0, "last": 0.0}

    def begun(_request) -> None:
        state["inflight"] += 1
        state["last"] = time.perf_counter()

    def ended(_request) -> None:
        state["inflight"] = max(0, state["inflight"] - 1)
        state["last"] = time.perf_counter()

    page.on("request", begun)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    try:
        started = time.perf_counter()
        state["last"] = started
        page.goto(url, wait_until="commit")
        ready_at = None
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if ready_at is None and page.evaluate(f"() => Boolean({ready})"):
                ready_at = time.perf_counter()
            now = time.perf_counter()
            if ready_at is not None and state["inflight"] == 0 and now - state["last"] >= QUIET_MS / 1000:
                return (max(ready_at, state["last"]) - started) * 1000
            page.wait_for_timeout(20)
        raise TimeoutError(f"{url} was not usable within {timeout:.0f} s")
    finally:
        page.remove_listener("request", begun)
        page.remove_listener("requestfinished", ended)
        page.remove_listener("requestfailed", ended)


def _timed_out_as_none(page, url: str, ready: str) -> float | None:
    # A load that never becomes usable is a figure too (counted in the table), not the end of the run.
    try:
        return usable_ms(page, url, ready)
    except TimeoutError:
        return None


def one_round(browser, product: Product, view: View, target: dict[str, str], server) -> tuple:
    """A cold and a warm load of the view in a fresh, logged-in browser session (ms; None: timed out)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, extra_http_headers=product.headers)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        product.login(page)
        context.new_cdp_session(page).send("Network.clearBrowserCache")
        if product.name == "ours":
            server.flush_cache()
        url, ready = product.url(view, target), product.ready(view)
        page.goto("about:blank")
        cold = _timed_out_as_none(page, url, ready)
        page.goto("about:blank")
        warm = _timed_out_as_none(page, url, ready)
        return cold, warm
    finally:
        context.close()


def compare(browser, products: list[Product], target: dict[str, str], server, repetitions: int) -> list[dict]:
    times: dict[tuple[str, str, str], list[float]] = {}
    timeouts: dict[tuple[str, str, str], int] = {}
    for repetition in range(repetitions):
        for view in VIEWS:
            # Turns alternate, so neither product always comes first after the other warmed the engine.
            order = products if repetition % 2 == 0 else products[::-1]
            for product in order:
                if product.name == "cockpit" and not view.cockpit:
                    continue
                cold, warm = one_round(browser, product, view, target, server)
                print(f"  {repetition + 1}/{repetitions} {product.name}: {view.name}: cold {_ms(cold)},"
                      f" warm {_ms(warm)}", flush=True)  # fmt: skip
                for load, ms in (("cold", cold), ("warm", warm)):
                    times.setdefault((view.name, product.name, load), [])
                    if ms is None:
                        timeouts[(view.name, product.name, load)] = (
                            timeouts.get((view.name, product.name, load), 0) + 1
                        )
                    else:
                        times[(view.name, product.name, load)].append(ms)
    rows = []
    for view in VIEWS:
        for load in ("cold", "warm"):
            ours = median(times[(view.name, "ours", load)]) if times[(view.name, "ours", load)] else None
            theirs = median(times[(view.name, "cockpit", load)]) if view.cockpit else None
            rows.append({
                "view": view.name, "load": load, "ours_ms": round(ours) if ours is not None else None,
                "cockpit_ms": round(theirs) if theirs == theirs and theirs is not None else None,
                "ratio": round(ours / theirs, 2) if ours is not None and theirs and theirs == theirs else None,
                "cockpit_missing": view.cockpit_missing,
                "ours_timeouts": timeouts.get((view.name, "ours", load), 0),
                "cockpit_timeouts": timeouts.get((view.name, "cockpit", load), 0),
                "ours_runs_ms": [round(t) for t in times[(view.name, "ours", load)]],
                "cockpit_runs_ms": [round(t) for t in times.get((view.name, "cockpit", load), [])],
            })  # fmt: skip
    return rows


def _ms(ms: float | None) -> str:
    return "timed out" if ms is None else f"{ms:.0f} ms"


def side_by_side_table(size: int, rows: list[dict], load_average: tuple[float, float, float]) -> str:
    def cell(ms, timeouts: int):
        said = "-" if ms is None else str(ms)
        return f"{said} ({timeouts} timed out)" if timeouts else said

    def cockpit(row: dict):
        if row["cockpit_missing"]:
            return f"none in CE: {row['cockpit_missing']}"
        return cell(row["cockpit_ms"], row["cockpit_timeouts"])

    return table(
        f"Side by side with Cockpit CE on Camunda 7.24, {size:,} instances (medians, ms until usable;"
        f" load average {' '.join(f'{x:.2f}' for x in load_average)})",
        ["view", "load", "ours ms", "Cockpit ms", "ours/Cockpit (target ≤ 0.5)"],
        [[r["view"], r["load"], cell(r["ours_ms"], r["ours_timeouts"]), cockpit(r), r["ratio"] if r["ratio"] is not None else "-"] for r in rows],
    )  # fmt: skip


# --- the run -----------------------------------------------------------------------------------


def run(sizes: list[int], *, repetitions: int = 5, threads: int = 8, log=print) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from realengines.run import start

    results = []
    for size in sizes:
        log(f"\nStarting Camunda 7.24 with Cockpit CE and seeding {size:,} instances…", flush=True)
        engine = start("camunda7", java_options=("-Xmx4g", "-XX:+UseParallelGC"), log=lambda *a, **k: None)
        try:
            seeding = seed_engine(engine, size, threads=threads)
            filler = seeding["filler"]
            plain = (
                f"the {filler['instances']:,} plain starts {filler['per_second']}/s with {threads} threads"
                if filler["instances"]
                else "no plain starts"
            )
            log(f"  seeded in {seeding['seconds']} s ({seeding['per_second']}/s in all; {plain}):"
                f" {seeding['running']:,} running, {seeding['incidents']:,} incidents", flush=True)  # fmt: skip
            target = targets(engine)
            with stack.production(engine.rest_url, user=engine.username, password=engine.password) as server:
                cockpit_base = engine.root_url + "/camunda/app/cockpit/default/"
                products = [
                    Product("ours", server.url, partial(log_into_ours, base=server.url), stack.PROXY_HEADERS),
                    Product("cockpit", cockpit_base, partial(log_into_cockpit, base=cockpit_base,
                                                             user=engine.username, password=engine.password)),
                ]  # fmt: skip
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                    try:
                        rows = compare(browser, products, target, server, repetitions)
                    finally:
                        browser.close()
            load_average = os.getloadavg()
            log(side_by_side_table(size, rows, load_average), flush=True)
            results.append({"instances": size, "seeding": seeding, "repetitions": repetitions,
                            "load_average": [round(x, 2) for x in load_average], "views": rows})  # fmt: skip
        finally:
            engine.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="instances to seed, one engine each")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--threads", type=int, default=8, help="parallel starts while seeding")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "results.json")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",")]
    measured = run(sizes, repetitions=args.repetitions, threads=args.threads)
    save(args.out, measured)


def save(out: Path, measured: list[dict]) -> None:
    """Into results.json beside the other benchmarks' figures (kept as they are)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(out.read_text()) if out.exists() else {}
    results["side_by_side"] = measured
    out.write_text(json.dumps(results, indent=2))
    print(f"\nWritten to {out}.")


if __name__ == "__main__":
    main()
