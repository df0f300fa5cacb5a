"""What the instance page waits for: its engine calls run together (fan-out) against one after another.

    .venv/bin/python bench/instance_page.py --instances 10000 --latency-ms 20

Starts a demo engine with the given per-request latency (a remote engine's round trip), then
loads each tab of the instance page the way the page does (instance/tab calls concurrently, then
the definition) and, for comparison, the same calls in sequence. Prints medians and the worst
run. A benchmark, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

from bench.common import django_env
from demo_engine import seeding
from demo_engine.server import DemoEngineServer, Faults
from demo_engine.store import Store
from engines import EngineConfig, build_client
from engines.queries import ProcessInstanceQuery
from instances import detail


def timed(call, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "engine.sqlite3")
        started = time.perf_counter()
        seeding.seed(store, instances=args.instances, seed=7)
        print(f"seeded {args.instances:,} instances in {time.perf_counter() - started:.1f} s")
        server = DemoEngineServer(("127.0.0.1", 0), store, faults=Faults(latency_ms=args.latency_ms))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/engine-rest"
        engine = build_client(EngineConfig(name="bench", base_url=url, read_timeout=60))
        os.environ.update(django_env(url))  # the tabs' registry is the site's: Django, without a database
        django.setup()
        from instances.tabs import TABS

        [instance] = engine.list_instances(ProcessInstanceQuery(with_incident=True), limit=1)

        def sequential(tab: str):
            calls = {
                **detail.overview_calls(engine, instance.id),
                **detail.tree_call(engine, instance.id),
                **TABS[tab].calls(engine, instance.id),
            }
            results = {name: call() for name, call in calls.items()}
            engine.get_definition(results["instance"].definition_id)

        print(f"\nengine latency {args.latency_ms:g} ms per request; {args.runs} runs each (ms)\n")
        print(f"{'what':<34}{'calls':>6}{'in sequence':>14}{'fan-out':>10}{'worst':>8}")
        for tab in TABS:
            calls = 3 + 1 + len(TABS[tab].calls(engine, instance.id)) + 1
            one_by_one = timed(lambda tab=tab: sequential(tab), args.runs)
            together = timed(
                lambda tab=tab: detail.load(
                    engine, instance.id, tab_calls=TABS[tab].calls(engine, instance.id), with_overview=True
                ),
                args.runs,
            )
            label = f"whole page, {tab} tab"
            print(
                f"{label:<34}{calls:>6}{statistics.median(one_by_one):>14.1f}"
                f"{statistics.median(together):>10.1f}{max(together):>8.1f}"
            )
        panel = timed(
            lambda: detail.load(
                engine,
                instance.id,
                tab_calls=TABS["variables"].calls(engine, instance.id),
                with_overview=False,
            ),
            args.runs,
        )
        print(
            f"{'variables tab alone (htmx)':<34}{2:>6}{'':>14}{statistics.median(panel):>10.1f}{max(panel):>8.1f}"
        )
        state = timed(lambda: detail.diagram_state(engine, instance.id), args.runs)
        print(
            f"{'diagram markers (diagram.json)':<34}{3:>6}{'':>14}{statistics.median(state):>10.1f}{max(state):>8.1f}"
        )
        server.shutdown()
        engine.close()


if __name__ == "__main__":
    main()
