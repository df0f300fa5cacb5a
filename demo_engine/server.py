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

    def handle_error(self, request, client_address) -> None:
        # A client that gave up (a timeout, a closed browser) is no engine failure.
        log.debug("connection from %s ended early", client_address, exc_info=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{CONTEXT_PATH}"

    def chance(self) -> float:
        with self.random_lock:
            return self.random.random()


class Handler(BaseHTTPRequestHandler):
    server: DemoEngineServer
    protocol_version = "HTTP/1.1"

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
            self._authenticate()
            url = urlsplit(self.path)
            if not url.path.startswith(CONTEXT_PATH):
                raise RestError(404, f"No resource at {url.path}", "RestException")
            handler, path_params = api.resolve(method, url.path[len(CONTEXT_PATH) :] or "/")
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            body = None
            if raw_body:
                try:
                    body = json.loads(raw_body)
                except ValueError:
                    raise RestError(
                        400, "The request body is not valid JSON", "InvalidRequestException"
                    ) from None
            result = handler(
                self.server.store, params=params, body=body, **{k: unquote(v) for k, v in path_params.items()}
            )
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

    def _authenticate(self) -> None:
        expected = self.server.credentials
        if expected is None:
            return
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                user, password = "", ""
            if (user, password) == expected:
                return
        raise RestError(401, "Authentication required", "AuthenticationException")

    def _send(self, status: int, payload) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="engine-rest"')
        self.send_header("Content-Length", str(len(data)))
        try:
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, ValueError):
            # The client went away meanwhile (after its own timeout, say).
            self.close_connection = True
