"""`make bench`: every benchmark of the dashboard against the demo engine, printed and saved as JSON.

    .venv/bin/python bench/run.py [--large 1000000] [--latency-ms 20] [--users 50] [--requests 2000]
                                  [--bulk 10000] [--cockpit-sizes 1000,100000] [--only demo|cockpit]
                                  [--out var/bench/results.json]

`--only cockpit` is the side-by-side run with Cockpit on a real Camunda 7.24 (bench/side_by_side.py).

Benchmarks, not tests: nothing here passes or fails. The targets are printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bulk, common, concurrency, pages, side_by_side
from bench.common import ROOT, install_call_log, setup_django, start_engine, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--bulk", type=int, default=10_000)
    parser.add_argument(
        "--cockpit-sizes", default="1000,100000", help="instances of each side-by-side engine"
    )
    parser.add_argument("--repetitions", type=int, default=5, help="of each side-by-side view")
    parser.add_argument(
        "--only", choices=["demo", "cockpit"], help="the demo-engine runs, or the side-by-side"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "results.json")
    args = parser.parse_args()
    started = time.perf_counter()
    # A run of one part keeps the other part's figures from before.
    results: dict = json.loads(args.out.read_text()) if args.only and args.out.exists() else {}
    results["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    if args.only != "cockpit":
        _demo_engine_runs(results, args)
    if args.only != "demo":
        sizes = [int(size) for size in args.cockpit_sizes.replace("_", "").split(",")]
        results["side_by_side"] = side_by_side.run(sizes, repetitions=args.repetitions)

    results["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"\nWritten to {args.out} ({results['seconds']} s in all).")


def _demo_engine_runs(results: dict, args) -> None:
    print(f"Seeding demo engines of {args.small:,} and {args.large:,} instances…", flush=True)
    latencies = (args.latency_ms, 0.0)
    small = start_engine(args.small, latencies=latencies)
    large = start_engine(args.large, latencies=latencies)
    results["seed_seconds"] = {str(small.instances): round(small.seconds_to_seed, 1),
                               str(large.instances): round(large.seconds_to_seed, 1)}  # fmt: skip
    setup_django(small.urls[args.latency_ms])
    log = install_call_log()
    try:
        measured = pages.run([small, large], log)
    finally:
        small.stop()
        large.stop()
    results["pages"] = measured
    print(_pages_table(measured, args.latency_ms))
    print(_scale_table(measured, args.small, args.large, args.latency_ms))

    print(
        f"\nStarting a demo engine process of {args.bulk:,} instances for the load and bulk runs…", flush=True
    )
    engine_process, engine_url = common.engine_process(
        common.WORK / "engine-load.sqlite3", latency_ms=args.latency_ms, instances=args.bulk
    )
    try:
        from bench.common import use_engine

        use_engine(engine_url)
        from cockpit.engines import client as engine_client
        from engines.queries import ProcessInstanceQuery

        ids = [i.id for i in engine_client("demo").list_instances(ProcessInstanceQuery(), limit=200)]
        load = concurrency.run(engine_url, ids, users=args.users, requests=args.requests)
        results["concurrency"] = load
        print(concurrency.load_table(load, args.latency_ms))
        if load["error_examples"]:
            print("  errors, e.g.:", "; ".join(load["error_examples"]))
        if shutil.which("redis-server"):
            _bulk(results, engine_url, args)
        else:
            print("\nNo redis-server on this machine: the bulk benchmark (Celery workers) is left out.")
    finally:
        engine_process.terminate()
        engine_process.wait(30)


def _bulk(results: dict, engine_url: str, args) -> None:
    work = bulk.run(engine_url, instances=args.bulk)
    results["bulk"] = work
    print(table(
        f"Chunked operation (set a variable on each instance), 2 Celery workers, engine {args.latency_ms:g} ms",
        ["instances", "status", "failed", "seconds", "instances/s", "engine requests/s", "worker MB before", "after"],
        [[work["instances"], work["status"], work["failed_items"], work["seconds"], work["instances_per_s"],
          work["engine_requests_per_s"], work["worker_memory_before_mb"], work["worker_memory_after_mb"]]],
    ))  # fmt: skip


def _pages_table(measured: list[dict], latency: float) -> str:
    rows = []
    for row in measured:
        if row["latency_ms"] != latency:
            continue
        own = next(r for r in measured if r["page"] == row["page"] and r["instances"] == row["instances"]
                   and r["latency_ms"] == 0)  # fmt: skip
        rows.append([
            row["page"], f"{row['instances']:,}", row["engine_calls"], row["page_ms"], row["slowest_call_ms"],
            round(row["page_ms"] / row["slowest_call_ms"], 2), row["critical_path_ms"],
            round(row["page_ms"] / row["critical_path_ms"], 2), row["own_ms"], own["page_ms"],
        ])  # fmt: skip
    slowest = {
        f"{r['page']} at {r['instances']:,}": r["slowest_call"]
        for r in measured
        if r["latency_ms"] == latency
    }
    return table(
        f"Overhead: page server time against its engine calls (engine {latency:g} ms; medians)",
        ["page", "instances", "calls", "page ms", "slowest call ms", "(a) page/slowest (target ≤ 1.3)",
         "critical path ms", "page/critical path", "dashboard's own ms", "(b) page ms, engine 0 ms"],
        rows,
    ) + "\n  slowest calls: " + "; ".join(f"{k}: {v}" for k, v in slowest.items())  # fmt: skip


def _scale_table(measured: list[dict], small: int, large: int, latency: float) -> str:
    rows = []
    for name in ("instance list", "instance page"):
        for ms in (latency, 0.0):
            a = next(
                r for r in measured if r["page"] == name and r["instances"] == small and r["latency_ms"] == ms
            )
            b = next(
                r for r in measured if r["page"] == name and r["instances"] == large and r["latency_ms"] == ms
            )
            rows.append([
                name, f"{ms:g}", a["page_ms"], b["page_ms"], round(b["page_ms"] / a["page_ms"], 2),
                a["own_ms"], b["own_ms"], round(b["own_ms"] / a["own_ms"], 2),
            ])  # fmt: skip
    return table(
        f"Scale: the same pages at {small:,} and {large:,} instances (medians)",
        ["page", "engine ms", f"{small:,} ms", f"{large:,} ms", "page ratio", "own ms", "own ms",
         "own ratio (target ≤ 1.2)"],
        rows,
    )  # fmt: skip


if __name__ == "__main__":
    main()
