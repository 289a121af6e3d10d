"""A real HTTP server on 127.0.0.1 that plays a vendor API for adapter tests.

Routes are ``(method, path regex)`` with either scripted replies (served in order, the last one
repeats) or a handler function (for stateful fakes). Every request is recorded with its method,
path, query, headers and body, so tests assert exactly what an adapter sent.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int = 200
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())

    def param(self, name: str) -> str:
        return self.query[name][0]


Handler = Callable[[Recorded], Reply]


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    replies: list[Reply | Handler]


class VendorServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.errors: list[Exception] = []
        self._routes: list[_Route] = []
        self._lock = threading.Lock()
        vendor = self

        class _RequestHandler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                vendor._serve(self)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _RequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> VendorServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def on(self, method: str, path: str, *replies: Reply | Handler) -> None:
        """Answer ``method`` on paths fully matching the regex ``path``; later routes win."""
        with self._lock:
            self._routes.insert(0, _Route(method, re.compile(path), list(replies)))

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (path is None or re.fullmatch(path, r.path))
        ]

    def _serve(self, http: BaseHTTPRequestHandler) -> None:
        split = urlsplit(http.path)
        length = int(http.headers.get("Content-Length") or 0)
        recorded = Recorded(
            method=http.command,
            path=split.path,
            query=parse_qs(split.query),
            headers={k.lower(): v for k, v in http.headers.items()},
            body=http.rfile.read(length) if length else b"",
        )
        with self._lock:
            self.requests.append(recorded)
            route = next(
                (r for r in self._routes if r.method == http.command and r.pattern.fullmatch(split.path)),
                None,
            )
            step = (route.replies.pop(0) if len(route.replies) > 1 else route.replies[0]) if route else None
        if step is None:
            reply = Reply(404, [{"message": f"no fake route for {http.command} {split.path}"}])
        elif isinstance(step, Reply):
            reply = step
        else:
            try:
                reply = step(recorded)
            except Exception as err:  # a broken fake must fail the test, not hang the client
                self.errors.append(err)
                reply = Reply(599, [{"message": f"fake handler failed: {err!r}"}])
        if reply.delay:
            threading.Event().wait(reply.delay)
        payload = b"" if reply.json is None else json.dumps(reply.json).encode()
        try:
            http.send_response(reply.status)
            if payload:
                http.send_header("Content-Type", "application/json;charset=UTF-8")
            http.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                http.send_header(name, value)
            http.end_headers()
            http.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            return
