"""Start the demo: engine, Celery worker (with Redis when the machine has it) and web server.

Run by `make demo` after migrations and demo users; prints where to go and how to log in.
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


def main() -> None:
    VAR.mkdir(exist_ok=True)
    env = {
        "COCKPIT_ENGINES": "demo",
        "COCKPIT_ENGINE_DEMO_URL": f"http://127.0.0.1:{ENGINE_PORT}/engine-rest",
        "COCKPIT_ENGINE_DEMO_LABEL": "Demo engine",
    }
    processes: dict[str, str] = {}
    if (ROOT / "demo_engine").is_dir():
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
    print(
        f"\n  Engine Cockpit demo: http://127.0.0.1:{WEB_PORT}/\n\n"
        f"  Log in as (user, password, role):\n{logins}\n\n"
        f"  Celery broker: {broker}."
        " Stop with Ctrl-C.\n",
        flush=True,
    )
    os.chdir(ROOT)
    os.execv(str(BIN / "honcho"), ["honcho", "-f", str(procfile), "start"])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
