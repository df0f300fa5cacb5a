"""Start a built engine on a free loopback port, wait until its REST API answers, stop it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from realengines import DEFAULT_PASSWORD, DEFAULT_USER, FAMILIES, VAR, Family
from realengines.build import jar_for

# Starting Spring Boot with an engine takes 20-60 s on two busy cores; the first start of a
# machine longer.
START_TIMEOUT = float(os.environ.get("REALENGINE_START_TIMEOUT", "240"))


class EngineStartError(RuntimeError):
    """The engine did not come up; the message ends with the tail of its own log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningEngine:
    family: Family
    port: int
    username: str
    password: str = field(repr=False)
    process: subprocess.Popen = field(repr=False)
    log_path: Path
    started_in: float = 0.0

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def rest_url(self) -> str:
        return self.root_url + self.family.rest_path

    @property
    def webapp_url(self) -> str:
        return self.root_url + self.family.webapp_path if self.family.webapp_path else ""

    def http(self, **kwargs) -> httpx.Client:
        """A plain HTTP client on the REST API's root, with the engine user's credentials."""
        return httpx.Client(base_url=self.rest_url, auth=(self.username, self.password), timeout=30, **kwargs)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def rss_megabytes(self) -> float:
        """The JVM's resident memory, as ps reports it."""
        out = subprocess.run(
            ["ps", "-o", "rss=", "-p", str(self.process.pid)], capture_output=True, text=True
        )
        return int(out.stdout.strip() or 0) / 1024

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def start(
    name: str,
    *,
    port: int | None = None,
    username: str | None = None,
    password: str | None = None,
    java_options: tuple[str, ...] = ("-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
    log=print,
) -> RunningEngine:
    family = FAMILIES[name]
    jar = jar_for(name, log=log)
    port = port or free_port()
    username = username or os.environ.get("REALENGINE_USER", DEFAULT_USER)
    password = password or os.environ.get("REALENGINE_PASSWORD", DEFAULT_PASSWORD)
    logs = VAR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{name}-{port}.log"
    # Each start logs to a file of its own; the last few of a family are kept for a look afterwards.
    for old in sorted(logs.glob(f"{name}-*.log"), key=lambda p: p.stat().st_mtime)[:-4]:
        old.unlink(missing_ok=True)
    env = {**os.environ, "ENGINE_PORT": str(port), "ENGINE_USER": username, "ENGINE_PASSWORD": password}
    started = time.monotonic()
    with open(log_path, "wb") as out:
        process = subprocess.Popen(
            ["java", *java_options, "-jar", str(jar)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    engine = RunningEngine(family, port, username, password, process, log_path)
    try:
        _wait_until_ready(engine)
    except BaseException:
        engine.stop()
        raise
    engine.started_in = time.monotonic() - started
    return engine


def _wait_until_ready(engine: RunningEngine) -> None:
    # GET /engine-rest/version (Camunda family) or /process-api/management/engine (Flowable), authenticated.
    probe = "/version" if engine.family.api == "camunda" else "/management/engine"
    deadline = time.monotonic() + START_TIMEOUT
    with engine.http() as http:
        while time.monotonic() < deadline:
            if engine.process.poll() is not None:
                raise EngineStartError(
                    f"{engine.family.title} exited with code {engine.process.returncode} while starting;"
                    f" its log ({engine.log_path}) ends:\n{engine.log_tail()}"
                )
            try:
                answer = http.get(probe, timeout=2)
                if answer.status_code == 200:
                    return
                if answer.status_code == 401:
                    raise EngineStartError(
                        f"{engine.family.title} refused the engine user {engine.username!r} (401)"
                    )
            except httpx.TransportError:
                pass
            time.sleep(0.5)
    raise EngineStartError(
        f"{engine.family.title} did not answer within {START_TIMEOUT:.0f} s;"
        f" its log ({engine.log_path}) ends:\n{engine.log_tail()}"
    )
