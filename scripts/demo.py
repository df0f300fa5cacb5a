"""Start the demo: engine, Celery worker (with Redis when the machine has it) and web server.

Run by `make demo` after migrations and demo users; prints where to go and how to log in.
The engine is the demo engine, or with ENGINE=camunda7|operaton|cibseven|flowable (`make demo
ENGINE=camunda7`) a real engine built from realengines/ and seeded (Cockpit beside it for Camunda 7).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
BIN = Path(sys.executable).parent
WEB_PORT = os.environ.get("DEMO_WEB_PORT", "8000")
ENGINE_PORT = os.environ.get("DEMO_ENGINE_PORT", "8080")
REDIS_PORT = os.environ.get("DEMO_REDIS_PORT", "6399")
INSTANCES = os.environ.get("DEMO_INSTANCES", "2000")
# A real engine instead of the demo engine; seeding one is slower (REST, its job executor): fewer instances.
ENGINE = os.environ.get("ENGINE", "")
REAL_INSTANCES = os.environ.get("DEMO_INSTANCES", "200")


def main() -> None:
    VAR.mkdir(exist_ok=True)
    env = {
        "COCKPIT_ENGINES": "demo",
        "COCKPIT_ENGINE_DEMO_URL": f"http://127.0.0.1:{ENGINE_PORT}/engine-rest",
        "COCKPIT_ENGINE_DEMO_LABEL": "Demo engine",
    }
    processes: dict[str, str] = {}
    real = _real_engine(env)
    if real:
        processes["engine"] = (
            f"{BIN}/python -m realengines run {ENGINE} --port {ENGINE_PORT} --instances {REAL_INSTANCES}"
        )
    elif (ROOT / "demo_engine").is_dir():
        processes["engine"] = f"{BIN}/python -m demo_engine --port {ENGINE_PORT} --instances {INSTANCES}"
    redis_server = shutil.which("redis-server")
    if redis_server:
        processes["redis"] = f"{redis_server} --port {REDIS_PORT} --bind 127.0.0.1 --save '' --appendonly no"
        env["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
    else:
        # No Redis on this machine: Celery passes messages through files under var/.
        env["CELERY_BROKER_URL"] = "filesystem://"
    processes["worker"] = f"{BIN}/celery -A cockpit worker --loglevel INFO --concurrency 2"
    processes["web"] = f"{BIN}/python manage.py runserver 127.0.0.1:{WEB_PORT}"

    procfile = VAR / "Procfile.demo"
    procfile.write_text("".join(f"{name}: {command}\n" for name, command in processes.items()))
    os.environ.update(env)

    from accounts.roles import DEMO_USERS

    broker = f"Redis on port {REDIS_PORT}" if redis_server else "files under var/ (no redis-server found)"
    logins = "\n".join(
        f"    {user:<9} {password:<15} {role}" for user, (role, password) in DEMO_USERS.items()
    )
    if real:
        print(f"\n  Engine: {real}", flush=True)
    print(
        f"\n  Engine Cockpit demo: http://127.0.0.1:{WEB_PORT}/\n\n"
        f"  Log in as (user, password, role):\n{logins}\n\n"
        f"  Celery broker: {broker}."
        " Stop with Ctrl-C.\n",
        flush=True,
    )
    os.chdir(ROOT)
    os.execv(str(BIN / "honcho"), ["honcho", "-f", str(procfile), "start"])


def _real_engine(env: dict[str, str]) -> str:
    """Point the dashboard at the real engine ENGINE names (a line saying where it is), or ""."""
    if not ENGINE:
        return ""
    from realengines import DEFAULT_PASSWORD, DEFAULT_USER, FAMILIES
    from realengines.build import jar_for, maven_available

    family = FAMILIES.get(ENGINE)
    if family is None:
        sys.exit(f"ENGINE={ENGINE}: no such engine (known: {', '.join(FAMILIES)})")
    if family.unavailable:
        sys.exit(f"{family.title} cannot be built here: {family.unavailable}")
    reason = maven_available()
    if reason:
        sys.exit(reason)
    jar_for(ENGINE)  # built here, before the processes start, so its output is not interleaved
    if family.api == "flowable":
        # Without an adapter the dashboard cannot show it: the engine runs alone, seeded.
        print(
            f"\n  {family.title} starts and is seeded at http://127.0.0.1:{ENGINE_PORT}{family.rest_path}"
            f" (user {DEFAULT_USER}, password {DEFAULT_PASSWORD}).\n  The dashboard has no Flowable adapter"
            " yet (issue #19), so it is not started. Stop with Ctrl-C.\n",
            flush=True,
        )
        os.chdir(ROOT)
        # argv[0] is the virtualenv's python: Python finds its packages from it.
        python = str(BIN / "python")
        argv = [
            python,
            "-m",
            "realengines",
            "run",
            ENGINE,
            "--port",
            ENGINE_PORT,
            "--instances",
            REAL_INSTANCES,
        ]
        os.execv(python, argv)
    env.update(
        {
            "COCKPIT_ENGINE_DEMO_URL": f"http://127.0.0.1:{ENGINE_PORT}{family.rest_path}",
            "COCKPIT_ENGINE_DEMO_LABEL": family.title,
            "COCKPIT_ENGINE_DEMO_USER": DEFAULT_USER,
            "COCKPIT_ENGINE_DEMO_PASSWORD": DEFAULT_PASSWORD,
            "COCKPIT_ENGINE_DEMO_READ_TIMEOUT": "30",
        }
    )
    where = f"{family.title} at http://127.0.0.1:{ENGINE_PORT}{family.rest_path}"
    if family.webapp_path:
        where += (
            f"; its Cockpit at http://127.0.0.1:{ENGINE_PORT}{family.webapp_path}"
            f" (user {DEFAULT_USER}, password {DEFAULT_PASSWORD})"
        )
    return where + ". It starts and seeds in a minute or two; the dashboard shows it once it answers."


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
