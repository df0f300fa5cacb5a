"""HTTP for the demo engine: routing, optional Basic auth, JSON, and injected faults."""

from __future__ import annotations

import base64
import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from demo_engine import api
from demo_engine.batches import BatchRunner
from demo_engine.errors import RestError
from demo_engine.store import Store

CONTEXT_PATH = "/engine-rest"
log = logging.getLogger("demo_engine")


@dataclass(frozen=True)
class Faults:
    """What a test or benchmark asks the engine to do wrong."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    fail_rate: float = 0.0
    stall_rate: float = 0.0
    stall_seconds: float = 60.0


class DemoEngineServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address, store: Store, *, faults: Faults = Faults(), credentials: tuple[str, str] | None = None
    ):
        super().__init__(address, Handler)
        self.store = store
        self.faults = faults
        self.credentials = credentials
        self.random = random.Random(0)
        self.random_lock = threading.Lock()
        self.requests = 0
        self.batches = BatchRunner(store)
        self.batches.start()

    def server_close(self) -> None:
        self.batches.stop()
        super().server_close()

    def handle_error(self, request, client_address) -> None:
        # A client that gave up (a timeout, a closed browser) is no engine failure.
        log.debug("connection from %s ended early", client_address, exc_info=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{CONTEXT_PATH}"

    def counted(self) -> int:
        """Requests answered so far (each answer carries it, so a benchmark can tell the engine's load)."""
        with self.random_lock:
            self.requests += 1
            return self.requests

    def chance(self) -> float:
        with self.random_lock:
            return self.random.random()


class Handler(BaseHTTPRequestHandler):
    server: DemoEngineServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, delayed ACKs add 40 ms to every answer.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def log_message(self, format: str, *args) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        try:
            self._inject_faults()
            user = self._authenticate()
            url = urlsplit(self.path)
            if not url.path.startswith(CONTEXT_PATH):
                raise RestError(404, f"No resource at {url.path}", "RestException")
            handler, path_params = api.resolve(method, url.path[len(CONTEXT_PATH) :] or "/")
            content_type = self.headers.get("Content-Type", "")
            body = None
            if raw_body and not content_type.startswith("multipart/"):
                try:
                    body = json.loads(raw_body)
                except ValueError:
                    raise RestError(
                        400, "The request body is not valid JSON", "InvalidRequestException"
                    ) from None
            request = api.Request(
                params=dict(parse_qsl(url.query, keep_blank_values=True)),
                body=body,
                raw=raw_body,
                content_type=content_type,
                user=user,
            )
            result = handler(self.server.store, request, **{k: unquote(v) for k, v in path_params.items()})
            if isinstance(result, api.Raw):
                self._send_raw(result)
            else:
                self._send(200 if result is not None else 204, result)
        except RestError as error:
            self._send(error.status, error.body())
        except Exception as error:  # the engine answers 500 with its message, never a bare crash
            log.exception("demo engine failure")
            self._send(500, {"type": "ProcessEngineException", "message": str(error), "code": 0})

    def _inject_faults(self) -> None:
        faults = self.server.faults
        if faults.stall_rate and self.server.chance() < faults.stall_rate:
            time.sleep(faults.stall_seconds)
        delay = faults.latency_ms + (faults.jitter_ms * self.server.chance() if faults.jitter_ms else 0)
        if delay:
            time.sleep(delay / 1000)
        if faults.fail_rate and self.server.chance() < faults.fail_rate:
            raise RestError(500, "Injected failure (demo engine --fail-rate)", "ProcessEngineException")

    def _authenticate(self) -> str | None:
        """The authenticated user, who is named in batches and the operation log."""
        expected = self.server.credentials
        if expected is None:
            return None
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                user, password = "", ""
            if (user, password) == expected:
                return user
        raise RestError(401, "Authentication required", "AuthenticationException")

    def _send(self, status: int, payload) -> None:
        headers = {"WWW-Authenticate": 'Basic realm="engine-rest"'} if status == 401 else {}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        self._write(status, b"" if payload is None else json.dumps(payload).encode(), headers)

    def _send_raw(self, raw: api.Raw) -> None:
        self._write(200, raw.data, {"Content-Type": raw.content_type, **raw.headers})

    def _write(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("X-Demo-Engine-Requests", str(self.server.counted()))
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        try:
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, ValueError):
            # The client went away meanwhile (after its own timeout, say).
            self.close_connection = True
