"""How the demo engine scales: seeding time, and list/count queries over real HTTP at a given size.

    .venv/bin/python bench/demo_engine_scale.py --instances 1000000

Prints a table (median and worst of several runs per query). A benchmark, not a test: nothing
here passes or fails.
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo_engine import seeding
from demo_engine.server import DemoEngineServer
from demo_engine.store import Store

QUERIES = [
    ("page 1, 51 rows, no filter", "POST", "/process-instance", {"maxResults": 51}, {}),
    ("page at offset 500,000", "POST", "/process-instance", {"firstResult": 500_000, "maxResults": 51}, {}),
    ("page sorted by business key desc", "POST", "/process-instance", {"maxResults": 51},
     {"sorting": [{"sortBy": "businessKey", "sortOrder": "desc"}]}),
    ("page, variable amount > 4000", "POST", "/process-instance", {"maxResults": 51},
     {"variables": [{"name": "amount", "operator": "gt", "value": 4000}]}),
    ("page, customer like 'Grace%' + key", "POST", "/process-instance", {"maxResults": 51},
     {"processDefinitionKey": "order", "variables": [{"name": "customer", "operator": "like", "value": "Grace%"}]}),
    ("page, waiting in 'charge' with incident", "POST", "/process-instance", {"maxResults": 51},
     {"activityIdIn": ["charge"], "withIncident": True}),
    ("page, business key like", "POST", "/process-instance", {"maxResults": 51}, {"businessKeyLike": "ORDER-1234%"}),
    ("count, no filter", "POST", "/process-instance/count", {}, {}),
    ("count, suspended", "POST", "/process-instance/count", {}, {"suspended": True}),
    ("count, with incident", "POST", "/process-instance/count", {}, {"withIncident": True}),
    ("count, variable amount > 4000", "POST", "/process-instance/count", {},
     {"variables": [{"name": "amount", "operator": "gt", "value": 4000}]}),
    ("count, variable express = true", "POST", "/process-instance/count", {},
     {"variables": [{"name": "express", "operator": "eq", "value": True}]}),
    ("instance tree", "GET", "/process-instance/{id}/activity-instances", {}, None),
    ("instance variables", "GET", "/process-instance/{id}/variables", {}, None),
    ("historic path of an instance", "GET", "/history/activity-instance", {"processInstanceId": "{id}"}, None),
    ("historic variables of an instance", "GET", "/history/variable-instance", {"processInstanceId": "{id}"}, None),
    ("definition statistics", "GET", "/process-definition/statistics", {"failedJobs": "true", "incidents": "true"}, None),
    ("incidents page", "GET", "/incident", {"maxResults": 50}, None),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="demo-engine-bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # a million instances are gigabytes
    store = Store(folder / "engine.sqlite3")
    started = time.perf_counter()
    seeding.seed(store, instances=args.instances, seed=1)
    seeded = time.perf_counter() - started
    server = DemoEngineServer(("127.0.0.1", 0), store)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = [("seed", f"{args.instances:,} instances", f"{seeded:.1f} s", "")]
    with httpx.Client(base_url=server.url, timeout=120) as http:
        instance = http.get(
            "/process-instance", params={"maxResults": 1, "firstResult": args.instances // 2}
        ).json()[0]
        for name, method, path, params, body in QUERIES:
            path = path.replace("{id}", instance["id"])
            params = {
                k: (v.replace("{id}", instance["id"]) if isinstance(v, str) else v) for k, v in params.items()
            }
            times, answer = [], None
            for _ in range(args.runs):
                begin = time.perf_counter()
                response = http.request(method, path, params=params, json=body)
                times.append((time.perf_counter() - begin) * 1000)
                response.raise_for_status()
                answer = response.json()
            size = answer.get("count") if isinstance(answer, dict) and "count" in answer else len(answer)
            rows.append((name, f"{size:,}", f"{statistics.median(times):.1f} ms", f"{max(times):.1f} ms"))
    server.shutdown()
    server.server_close()
    widths = [max(len(row[i]) for row in [*rows, ("what", "result", "median", "worst")]) for i in range(4)]
    for row in [("what", "result", "median", "worst"), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
