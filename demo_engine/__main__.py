"""python -m demo_engine --port 8080 --instances 2000"""

from __future__ import annotations

import argparse
import logging
import shutil
import signal
import tempfile
import time
from pathlib import Path

from demo_engine import seeding
from demo_engine.server import DemoEngineServer, Faults
from demo_engine.store import Store


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_engine", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--instances", type=int, default=2000, help="running process instances to seed")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
    parser.add_argument("--database", type=Path, help="SQLite file (default: a fresh temporary one)")
    parser.add_argument("--user", help="require Basic auth with this user")
    parser.add_argument("--password", default="")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every response")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="up to this much more, at random")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="fraction of requests answered with 500")
    parser.add_argument("--stall-rate", type=float, default=0.0, help="fraction of requests that hang")
    parser.add_argument("--stall-seconds", type=float, default=60.0)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="serve --database as it is, seeded earlier (several engines, one seed)",
    )
    args = parser.parse_args(argv)
    if args.reuse and not (args.database and args.database.exists()):
        parser.error("--reuse needs an existing --database")

    logging.basicConfig(level=logging.INFO, format="%(asctime)s demo-engine %(message)s")
    scratch = None if args.database else Path(tempfile.mkdtemp(prefix="demo-engine-"))
    database = args.database or scratch / "engine.sqlite3"
    if database.exists() and not args.reuse:
        database.unlink()
    store = Store(database)
    started = time.perf_counter()
    if not args.reuse:
        seeding.seed(store, instances=args.instances, seed=args.seed)
    faults = Faults(args.latency_ms, args.jitter_ms, args.fail_rate, args.stall_rate, args.stall_seconds)
    server = DemoEngineServer(
        (args.host, args.port),
        store,
        faults=faults,
        credentials=(args.user, args.password) if args.user else None,
    )
    logging.info(
        "seeded %d instances in %.1f s; serving %s", args.instances, time.perf_counter() - started, server.url
    )
    # Stopped by a process manager (SIGTERM) as by Ctrl-C: either way the scratch database goes.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
