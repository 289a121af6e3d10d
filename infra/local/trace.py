"""The live trace: one line per hop, and the counters the demo summary is made of."""

from __future__ import annotations

import re
import sys
import threading
from collections import Counter
from datetime import datetime
from typing import TextIO

__all__ = ["Trace", "redact_path"]

_TOKEN_SEGMENT = re.compile(r"^(/webhooks/[^/]+|/actions|/surveys)/.+$")


def redact_path(path: str) -> str:
    """A request path fit for a log line: the ``/webhooks/{source}/{token}`` token (a secret, e.g.
    Canny's), an e-mail link's token (``/actions/{token}``, ``/surveys/{token}``: whoever has it can
    act or answer) and every query value are masked, as the cloud's access log records the route key."""
    route, question, query = path.partition("?")
    route = _TOKEN_SEGMENT.sub(r"\1/***", route)
    if question:
        route += "?" + "&".join(f"{pair.partition('=')[0]}=***" for pair in query.split("&"))
    return route


class Trace:
    def __init__(self, stream: TextIO | None = sys.stdout) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self.events = Counter[str]()  # detail-type -> distinct events (by event key) that reached a handler
        self._seen: set[tuple[str, str]] = set()
        self.outcomes = Counter[str]()  # "function:ok" / "function:failed"
        self.requests = Counter[str]()  # "POST /webhooks/standard 202"
        self.effects = Counter[str]()  # "slack", "email", "schedule"

    def _line(self, kind: str, text: str) -> None:
        if self._stream is None:
            return
        stamp = datetime.now().strftime("%H:%M:%S.%f")[:-3]
        with self._lock:
            print(f"{stamp}  {kind:<8} {text}", file=self._stream, flush=True)

    def hop(
        self,
        detail_type: str,
        function: str,
        outcome: str,
        millis: float,
        correlation: str,
        event_key: str = "",
    ) -> None:
        with self._lock:
            if (detail_type, event_key) not in self._seen:
                self._seen.add((detail_type, event_key))
                self.events[detail_type] += 1
            self.outcomes[f"{function}:{outcome}"] += 1
        self._line("hop", f"{detail_type:<20} -> {function:<18} {outcome:<7} {millis:7.1f} ms  corr={correlation}")

    def request(self, method: str, path: str, status: int, millis: float) -> None:
        path = redact_path(path)
        with self._lock:
            self.requests[f"{method} {path} {status}"] += 1
        self._line("http", f"{method} {path} -> {status} {millis:7.1f} ms")

    def effect(self, kind: str, text: str) -> None:
        with self._lock:
            self.effects[kind] += 1
        self._line(kind, text)

    def note(self, text: str) -> None:
        self._line("mesh", text)
