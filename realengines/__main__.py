"""Build, start and seed a real engine, and keep it running until stopped (Ctrl-C or SIGTERM).

python -m realengines build [FAMILY ...]     build the jars (only those whose sources changed)
python -m realengines run FAMILY [--port P] [--instances N]
"""

from __future__ import annotations

import argparse
import signal
import sys
import time

from realengines import FAMILIES
from realengines.build import jar_for
from realengines.run import start
from realengines.seed import seed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m realengines")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build")
    build.add_argument("families", nargs="*", metavar="FAMILY", help=", ".join(FAMILIES))
    run = commands.add_parser("run")
    run.add_argument("family", choices=list(FAMILIES))
    run.add_argument("--port", type=int, default=8080)
    run.add_argument("--instances", type=int, default=200)
    args = parser.parse_args(argv)

    if args.command == "build":
        unknown = set(args.families) - set(FAMILIES)
        if unknown:
            parser.error(
                f"unknown engine families: {', '.join(sorted(unknown))} (known: {', '.join(FAMILIES)})"
            )
        for name in args.families or [n for n, f in FAMILIES.items() if not f.unavailable]:
            started = time.monotonic()
            jar = jar_for(name)
            print(f"{name}: {jar} ({time.monotonic() - started:.1f} s)", flush=True)
        return

    family = FAMILIES[args.family]
    if family.unavailable:
        sys.exit(f"{family.title} cannot be built here: {family.unavailable}")
    print(f"Starting {family.title} on port {args.port} ...", flush=True)
    engine = start(args.family, port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print(
            f"{family.title} started in {engine.started_in:.0f} s; seeding {args.instances} instances ...",
            flush=True,
        )
        seeded = seed(engine, instances=args.instances)
        print(
            f"{family.title} ready: REST API {engine.rest_url}"
            f" (user {engine.username}, password {engine.password}), {len(seeded.instances)} instances"
            f" seeded in {seeded.seconds:.0f} s, {engine.rss_megabytes():.0f} MB",
            flush=True,
        )
        if engine.webapp_url:
            print(f"{family.title} Cockpit: {engine.webapp_url} (same user)", flush=True)
        engine.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        engine.stop()


if __name__ == "__main__":
    main()
