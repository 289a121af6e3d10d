"""The HTTP server lifecycle of the local stand-ins (the Slack sink, the reply sink): start, stop, url.

A stand-in subclasses :class:`LocalServer` and names its request handler (a :class:`QuietHandler` that
answers ``GET`` and ``POST`` through ``_dispatch``); the server runs on a daemon thread and each
request on its own, so a test or the local mesh starts one with ``with Sink(...) as sink:`` or
``start()`` / ``stop()`` and reaches it at ``sink.url``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

__all__ = ["LocalServer", "QuietHandler"]


class QuietHandler(BaseHTTPRequestHandler):
    """Reads the body, writes one answer, logs nothing (the stand-ins keep their own record)."""

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        raise NotImplementedError

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LocalServer:
    """One threaded HTTP server whose handler reaches this object as ``self.sink``."""

    def __init__(self, host: str, port: int, handler: type[QuietHandler], name: str) -> None:
        self._address, self._handler, self._name = (host, port), handler, name
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        if self._server is not None:
            return self
        handler = type(f"{type(self).__name__}Handler", (self._handler,), {"sink": self})
        self._server = ThreadingHTTPServer(self._address, handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=self._name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"
