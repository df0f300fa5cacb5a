"""Start the demo: engine, Celery worker (with Redis when the machine has it) and web server.

Run by `make demo` after migrations and demo users. Each process's output is shown with its name in
front; once the web server answers, where to go and how to log in is printed once, last, where it is
seen. A process that exits is named and started again (a few times); the others keep running.
The engine is the demo engine, or with ENGINE=camunda7|operaton|cibseven|flowable (`make demo
ENGINE=camunda7`) a real engine built from realengines/ and seeded (Cockpit beside it for Camunda 7).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

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
RESTARTS = 3  # per process; after that it stays stopped and the rest go on
START_UP_SECONDS = 120


@dataclass
class Child:
    name: str
    command: str
    process: subprocess.Popen | None = None
    restarts: int = 0
    stopped: bool = False  # given up on: it exited more often than RESTARTS


@dataclass
class Supervisor:
    """Runs the demo's processes side by side, prefixes their output with their names, and restarts
    one that exits instead of stopping everything (as a Procfile runner does)."""

    commands: dict[str, str]
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    out: TextIO = sys.stdout
    restarts: int = RESTARTS
    children: list[Child] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def say(self, text: str) -> None:
        with self._lock:
            self.out.write(text + "\n")
            self.out.flush()

    def start(self) -> None:
        self.children = [Child(name, command) for name, command in self.commands.items()]
        for child in self.children:
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(
            shlex.split(child.command), cwd=ROOT, env=self.env, text=True, bufsize=1,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        threading.Thread(target=self._relay, args=(child, child.process), daemon=True).start()

    def _relay(self, child: Child, process: subprocess.Popen) -> None:
        width = max(len(c.name) for c in self.children)
        for line in process.stdout:
            self.say(f"{child.name:>{width}} | {line.rstrip()}")

    def watch(self) -> list[str]:
        """One look at every process: each that exited is named, and started again while it may be."""
        said = []
        for child in self.children:
            if child.stopped or child.process is None or child.process.poll() is None:
                continue
            code = child.process.returncode
            if child.restarts < self.restarts:
                child.restarts += 1
                message = (
                    f"demo: {child.name} exited (code {code}); starting it again "
                    f"({child.restarts} of {self.restarts}), the others keep running."
                )
                self._spawn(child)
            else:
                child.stopped = True
                running = ", ".join(c.name for c in self.children if c.process and c.process.poll() is None)
                message = (
                    f"demo: {child.name} exited (code {code}) again and stays stopped; "
                    f"still running: {running or 'nothing'}."
                )
            self.say(message)
            said.append(message)
        return said

    def stop(self) -> None:
        for child in self.children:
            if child.process and child.process.poll() is None:
                # The whole group: a worker's own pool processes too.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGTERM)
        for child in self.children:
            if child.process:
                try:
                    child.process.wait(10)
                except subprocess.TimeoutExpired:
                    child.process.kill()


def banner(url: str, users: dict[str, tuple[str, str]], broker: str) -> str:
    """Where to go and how to log in: printed once, when the web server answers."""
    logins = "\n".join(f"    {user:<9} {password:<15} {role}" for user, (role, password) in users.items())
    rule = "=" * 64
    return (
        f"\n{rule}\n  Engine Cockpit demo is up: {url}\n\n"
        f"  Log in as (user, password, role):\n{logins}\n\n"
        f"  Celery broker: {broker}. Stop with Ctrl-C.\n{rule}\n"
    )


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def run(supervisor: Supervisor, *, url: str, ready: str, up_message: str,
        is_up: Callable[[str], bool] = answers, looks: int | None = None) -> None:  # fmt: skip
    """Start everything, say `up_message` once the web server answers, then watch until stopped."""
    # `kill` (SIGTERM) stops the demo as Ctrl-C does: the children, each in a session of its own, would
    # otherwise keep running orphaned.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    announced = False
    deadline = time.monotonic() + START_UP_SECONDS
    count = 0
    try:
        supervisor.start()  # inside: a stop while starting still stops what had started
        while looks is None or count < looks:
            count += 1
            supervisor.watch()
            if not announced and is_up(ready):
                supervisor.say(up_message)
                announced = True
            elif not announced and time.monotonic() > deadline:
                supervisor.say(f"demo: the web server does not answer at {url} yet; see its lines above.")
                announced = True
            time.sleep(0.5)
    except KeyboardInterrupt:
        supervisor.say("demo: stopping.")
    finally:
        supervisor.stop()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    VAR.mkdir(exist_ok=True)
    env = {
        "COCKPIT_ENGINES": "demo",
        "COCKPIT_ENGINE_DEMO_URL": f"http://127.0.0.1:{ENGINE_PORT}/engine-rest",
        "COCKPIT_ENGINE_DEMO_LABEL": "Demo engine",
        "PYTHONUNBUFFERED": "1",
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
        processes["redis"] = (
            f"{redis_server} --port {REDIS_PORT} --bind 127.0.0.1 --save '' --appendonly no"
            " --loglevel warning"
        )
        env["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
        env["COCKPIT_CACHE_URL"] = (
            f"redis://127.0.0.1:{REDIS_PORT}/1"  # the dashboard's numbers, as in production
        )
    else:
        # No Redis on this machine: Celery passes messages through files under var/.
        env["CELERY_BROKER_URL"] = "filesystem://"
    # Quiet: its start-up banner would bury the address; warnings and errors still show.
    processes["worker"] = f"{BIN}/celery -q -A cockpit worker --loglevel WARNING --concurrency 2"
    processes["web"] = f"{BIN}/python manage.py runserver --noreload 127.0.0.1:{WEB_PORT}"
    os.environ.update(env)

    from accounts.roles import DEMO_USERS

    url = f"http://127.0.0.1:{WEB_PORT}/"
    broker = f"Redis on port {REDIS_PORT}" if redis_server else "files under var/ (no redis-server found)"
    run(
        Supervisor(processes, env=dict(os.environ)),
        url=url,
        ready=f"{url}accounts/login/",
        up_message=banner(url, DEMO_USERS, broker) + (f"  Engine: {real}\n" if real else ""),
    )


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
    env.update(
        {
            "COCKPIT_ENGINE_DEMO_URL": f"http://127.0.0.1:{ENGINE_PORT}{family.rest_path}",
            "COCKPIT_ENGINE_DEMO_LABEL": family.title,
            # The adapter by the family's REST API: Camunda 7's (Camunda, Operaton, CIB seven) or Flowable's.
            "COCKPIT_ENGINE_DEMO_KIND": "flowable" if family.api == "flowable" else "camunda7",
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
