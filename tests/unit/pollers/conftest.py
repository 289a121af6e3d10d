"""Fixtures for the pollers: sample feeds and a local Mention-style API on 127.0.0.1 (real HTTP)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

FEEDS = Path(__file__).resolve().parents[3] / "events" / "feeds"
TOKEN = "test-token-123"
ACCOUNT_ID = "acc_42"
ALERT_ID = "1234567"
MENTIONS_PATH = f"/api/accounts/{ACCOUNT_ID}/alerts/{ALERT_ID}/mentions"


def load_sample(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


@dataclass
class RecordedRequest:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class MentionApiStub:
    """Serves ``mention_api_page1.json`` (no cursor) and ``page2.json`` (``cursor=`` from page 1's more link).

    ``/feeds/<name>`` serves ``events/feeds/<name>`` as is (no auth), for the feed fetcher.

    ``throttle`` holds Retry-After values: each request pops one and answers 429 with it (``None``
    means a 429 without the header). ``always_throttle`` answers every request with 429.
    """

    base_url: str = ""
    token: str = TOKEN
    account_id: str = ACCOUNT_ID
    alert_id: str = ALERT_ID
    requests: list[RecordedRequest] = field(default_factory=list)
    throttle: list[str | None] = field(default_factory=list)
    always_throttle: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> tuple[int, dict, bytes]:
        with self.lock:
            self.requests.append(RecordedRequest(path, query, headers))
            if self.always_throttle is not None:
                return 429, {"Retry-After": self.always_throttle}, b'{"error":"rate_limited"}'
            if self.throttle:
                retry_after = self.throttle.pop(0)
                extra = {"Retry-After": retry_after} if retry_after is not None else {}
                return 429, extra, b'{"error":"rate_limited"}'
        if path.startswith("/feeds/"):
            name = path.removeprefix("/feeds/")
            if name not in {p.name for p in FEEDS.iterdir()}:
                return 404, {}, b"not found"
            return 200, {"Content-Type": "application/atom+xml"}, load_sample(name)
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {}, b'{"error":"invalid_grant"}'
        if path != MENTIONS_PATH:
            return 404, {}, b'{"error":"not_found"}'
        page = "mention_api_page2.json" if "cursor" in query else "mention_api_page1.json"
        return 200, {"Content-Type": "application/json"}, load_sample(page)


def _handler(stub: MentionApiStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, extra, body = stub.answer(parts.path, parse_qs(parts.query), headers)
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def mention_api() -> Iterator[MentionApiStub]:
    stub = MentionApiStub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}/api"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def sample() -> Callable[[str], bytes]:
    """Bytes of a file in ``events/feeds/``."""
    return load_sample


@pytest.fixture
def page_ids() -> Callable[[str], list[str]]:
    """Mention ids of a sample API page, in page order."""

    def ids(name: str) -> list[str]:
        return [str(item["id"]) for item in json.loads(load_sample(name))["mentions"]]

    return ids
