"""A local stand-in for the Slack Web API, so the real ``slack_sdk`` clients run unchanged.

``WebClient(token="xoxb-...", base_url=sink.url + "/api/")`` talks to it like to slack.com:

- ``POST /api/chat.postMessage`` and ``POST /api/chat.update`` (JSON or form body). A post with
  ``thread_ts`` is a reply in that message's thread (kept with its ``thread_ts``); a post to a
  user id (``U…``) goes to the app's direct message with them, channel ``D…`` as Slack answers.
  A missing token
  is ``not_authed``; a token that is not ``xoxb-``/``xoxp-`` (or not in ``tokens``) is
  ``invalid_auth``; a channel that is neither a Slack id (``C…``/``G…``/``D…``) nor a ``#name`` (or not in
  ``channels``) is ``channel_not_found``; blocks breaking Block Kit's documented limits are
  ``invalid_blocks`` with an ``errors`` list, as Slack answers.
- Slack's posting limit, about one message per second per channel: a token bucket per channel
  holding ``burst`` messages (default 1, i.e. strictly one per ``interval``), refilled one per
  ``interval`` seconds. A post without a token gets HTTP 429, ``Retry-After`` (whole seconds) and
  ``{"ok": false, "error": "ratelimited"}``, and is not stored. ``chat.update`` is not paced.
- Response URLs: :meth:`SlackSink.response_url` hands one out for a message. It takes at most 5
  uses within 30 minutes (then HTTP 404 ``expired_url``); ``replace_original`` replaces the
  message, ``delete_original`` deletes it, otherwise a new (by default ephemeral) message is added.
- ``POST /api/views.open`` opens a modal for a ``trigger_id`` the outbox handed out (one use,
  within a minute; real Slack allows 3 s), else ``expired_trigger_id``.
- ``GET /_sink/messages`` lists everything stored, with each message's earlier versions in
  ``history``; ``GET /_sink/views`` the modals opened; ``POST /_sink/reset`` forgets everything.
- ``/canny/api/v1/...``: Canny's API, once :attr:`SlackSink.canny` holds a stand-in
  (``infra/local/canny_standin.py``); ``GET /_canny/posts`` shows its board.
- ``/outbox``: the page people click (``infra/local/outbox.py``), once :meth:`SlackSink.connect_outbox`
  told the sink where the ingress is.

Run alone with ``python -m infra.local.slack_sink --port 3001``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from infra.local.canny_standin import CANNY_PREFIX, CannyStandIn
from infra.local.discourse_sink import DiscourseReportsSink
from infra.local.faults import Faults
from infra.local.local_server import LocalServer, QuietHandler
from infra.local.outbox import Outbox
from infra.local.slack_files import SlackFiles

__all__ = ["RESPONSE_URL_TTL", "RESPONSE_URL_USES", "SlackSink", "block_errors"]

RESPONSE_URL_USES = 5
RESPONSE_URL_TTL = 30 * 60.0
# Slack accepts an encoded id (C…, G…, D…) or a channel name (#name) in chat.postMessage.
_CHANNEL_ID = re.compile(r"[CGDUW][A-Z0-9]{2,}|#[a-z0-9][a-z0-9._-]{0,79}")
_Reply = tuple[int, dict[str, str], Any]


def _text_error(obj: Any, limit: int, where: str) -> list[str]:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"]:
        return [f"must provide a text object [json-pointer:{where}]"]
    if len(obj["text"]) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{where}/text]"]
    return []


def _element_errors(element: Any, where: str) -> list[str]:
    if not isinstance(element, dict) or element.get("type") != "button":
        return []  # only buttons are checked in depth
    errors = _text_error(element.get("text"), 75, f"{where}/text")
    for name, limit in (("action_id", 255), ("value", 2000), ("url", 3000)):
        if len(str(element.get(name, ""))) > limit:
            errors.append(f"must be less than {limit + 1} characters [json-pointer:{where}/{name}]")
    if element.get("style") not in (None, "primary", "danger"):
        errors.append(f"must be primary or danger [json-pointer:{where}/style]")
    confirm = element.get("confirm")
    if confirm is not None:
        for name, limit in (("title", 100), ("text", 300), ("confirm", 30), ("deny", 30)):
            errors += _text_error(
                confirm.get(name) if isinstance(confirm, dict) else None, limit, f"{where}/confirm/{name}"
            )
    return errors


def block_errors(blocks: Any) -> list[str]:
    """Block Kit's documented limits (https://docs.slack.dev/reference/block-kit/), worded as Slack words them."""
    if not isinstance(blocks, list):
        return ["must be an array [json-pointer:/blocks]"]
    errors = ["no more than 50 items allowed [json-pointer:/blocks]"] if len(blocks) > 50 else []
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"/blocks/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(f"must be an object with a type [json-pointer:{where}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None and (len(str(block_id)) > 255 or block_id in seen):
            errors.append(f"invalid or duplicate block_id [json-pointer:{where}/block_id]")
        seen.add(str(block_id))
        kind = block["type"]
        if kind == "section":
            fields = block.get("fields") or []
            if "text" in block or not fields:
                errors += _text_error(block.get("text"), 3000, f"{where}/text")
            if len(fields) > 10:
                errors.append(f"no more than 10 items allowed [json-pointer:{where}/fields]")
            for number, field in enumerate(fields):
                errors += _text_error(field, 2000, f"{where}/fields/{number}")
            errors += _element_errors(block.get("accessory"), f"{where}/accessory")
        elif kind == "header":
            errors += _text_error(block.get("text"), 150, f"{where}/text")
        elif kind in ("actions", "context"):
            elements = block.get("elements") or []
            limit = 25 if kind == "actions" else 10
            if not 1 <= len(elements) <= limit:
                errors.append(f"must have 1 to {limit} items [json-pointer:{where}/elements]")
            action_ids = [e.get("action_id") for e in elements if isinstance(e, dict) and e.get("action_id")]
            if len(action_ids) != len(set(action_ids)):
                errors.append(f"action_id must be unique [json-pointer:{where}/elements]")
            for number, element in enumerate(elements):
                errors += _element_errors(element, f"{where}/elements/{number}")
        elif kind not in ("divider", "image", "input", "rich_text", "video", "file", "markdown"):
            errors.append(f"unsupported type {kind!r} [json-pointer:{where}/type]")
    return errors


class SlackSink(LocalServer):
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tokens: Iterable[str] | None = None,
        channels: Iterable[str] | None = None,
        burst: int = 1,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        faults: Faults | None = None,
    ) -> None:
        super().__init__(host, port, _Handler, "slack-sink")
        self._faults = faults  # TALKWORTHY_FAULTS: injected 429s and 500s (infra/local/faults.py)
        self._tokens = frozenset(tokens) if tokens is not None else None
        self._channels = frozenset(channels) if channels is not None else None
        self._burst, self._interval, self._clock = burst, interval, clock
        self._lock = threading.Lock()
        self._last_ts = 0
        self.outbox: Outbox | None = None
        self.files: SlackFiles | None = None  # files.getUploadURLExternal and friends, once started
        self.discourse = DiscourseReportsSink()  # Discourse's admin reports API under /discourse
        self.canny: CannyStandIn | None = None  # Canny's API under /canny/api/v1/ once set
        self.reset()

    # -- lifecycle (start, stop, url: infra/local/local_server.py) ---------------------------
    def start(self) -> Self:
        if self._server is None:
            super().start()
            self.files = SlackFiles(self.url)
        return self

    # -- inspection --------------------------------------------------------------------------
    def messages(self, start: int = 0) -> list[dict[str, Any]]:
        """Copies of the messages posted so far, from the ``start``-th on."""
        with self._lock:
            return copy.deepcopy(self._messages[start:])

    @property
    def rate_limited_count(self) -> int:
        return self._rate_limited

    def reset(self) -> None:
        with self._lock:
            self._messages: list[dict[str, Any]] = []
            self._buckets: dict[str, tuple[float, float]] = {}
            self._responses: dict[str, dict[str, Any]] = {}
            self._views: list[dict[str, Any]] = []
            self._rate_limited = 0

    def connect_outbox(self, outbox: Outbox) -> str:
        """Serve the outbox; returns its URL."""
        self.outbox = outbox
        return f"{self.url}/outbox"

    def views(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._views)

    def _open_view(self) -> dict[str, Any] | None:
        return next((v for v in reversed(self._views) if not v["closed"]), None)

    def response_url(self, channel: str, ts: str) -> str:
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._responses[key] = {"channel": channel, "ts": ts, "uses": 0, "issued": self._clock()}
        return f"{self.url}/response/{key}"

    # -- the API -----------------------------------------------------------------------------
    def handle(
        self,
        method: str,
        path: str,
        content_type: str,
        authorization: str,
        body: bytes,
        headers: Mapping[str, str] | None = None,
    ) -> _Reply:
        route = urlsplit(path).path
        if route.startswith("/discourse/"):
            return self.discourse.handle(method, path, headers or {})
        if self.files is not None and method == "GET" and route.startswith("/files/"):
            return self.files.serve(route)
        if self.files is not None and method == "POST" and route.startswith("/upload/v1/"):
            return self.files.upload(route.removeprefix("/upload/v1/"), body)
        if method == "GET" and route == "/_sink/messages":
            return 200, {}, self.messages()
        if method == "GET" and route == "/_sink/views":
            return 200, {}, self.views()
        if route.startswith(("/outbox", "/archives/")) and self.outbox is not None:
            return self._outbox(method, route, body)
        if method == "POST" and route == "/_sink/reset":
            self.reset()
            return 200, {}, {"ok": True}
        if method == "POST" and route.startswith("/response/"):
            return self._respond(route.removeprefix("/response/"), _params(content_type, body))
        if method == "POST" and route.startswith("/api/"):
            return self._api(route.removeprefix("/api/"), content_type, authorization, body)
        if self.canny is not None and method == "POST" and route.startswith(CANNY_PREFIX):
            return self.canny.handle(route.removeprefix(CANNY_PREFIX), body)
        if self.canny is not None and method == "GET" and route == "/_canny/posts":
            return 200, {}, self.canny.board()
        return 404, {}, {"ok": False, "error": "not_found"}

    def _api(self, name: str, content_type: str, authorization: str, body: bytes) -> _Reply:
        params = _params(content_type, body)
        if params is None:
            return 200, {}, {"ok": False, "error": "invalid_json"}
        token = authorization.removeprefix("Bearer ").strip() if authorization else str(params.get("token", ""))
        if not token:
            return 200, {}, {"ok": False, "error": "not_authed"}
        if not token.startswith(("xoxb-", "xoxp-")) or (self._tokens is not None and token not in self._tokens):
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        if name == "views.open":
            return self._views_open(params)
        if name.startswith("files.") and self.files is not None:
            return self._files_api(name, params)
        if name not in ("chat.postMessage", "chat.update"):
            return 200, {}, {"ok": False, "error": "unknown_method"}
        injected = self._injected_fault()
        if injected is not None:
            return injected
        channel, text, blocks = str(params.get("channel", "")), params.get("text"), params.get("blocks")
        if isinstance(blocks, str):
            try:
                blocks = json.loads(blocks)
            except ValueError:
                return 200, {}, {"ok": False, "error": "invalid_blocks", "errors": ["invalid JSON"]}
        if not _CHANNEL_ID.fullmatch(channel) or (self._channels is not None and channel not in self._channels):
            return 200, {}, {"ok": False, "error": "channel_not_found"}
        if not text and not blocks:
            return 200, {}, {"ok": False, "error": "no_text"}
        if channel[:1] in "UW":  # a user id: the app's direct message with them
            channel = "D" + channel[1:]
        thread_ts = str(params.get("thread_ts") or "") if name == "chat.postMessage" else ""
        if text is not None and len(str(text)) > 40_000:
            return 200, {}, {"ok": False, "error": "msg_too_long"}
        errors = block_errors(blocks) if blocks is not None else []
        if errors:
            return 200, {}, {"ok": False, "error": "invalid_blocks", "errors": errors}
        with self._lock:
            if name == "chat.update":
                message = self._find(channel, str(params.get("ts", "")))
                if message is None:
                    return 200, {}, {"ok": False, "error": "message_not_found"}
                self._replace(message, text, blocks)
                return (
                    200,
                    {},
                    {
                        "ok": True,
                        "channel": channel,
                        "ts": message["ts"],
                        "text": message["text"],
                        "message": _public(message),
                    },
                )
            wait = self._take(channel)
            if wait > 0:
                self._rate_limited += 1
                return (
                    429,
                    {"Retry-After": str(max(1, math.ceil(wait)))},
                    {"ok": False, "error": "ratelimited"},
                )
            message = self._store(channel, text, blocks, via="api", thread_ts=thread_ts or None)
            return 200, {}, {"ok": True, "channel": channel, "ts": message["ts"], "message": _public(message)}

    def _files_api(self, name: str, params: dict[str, Any]) -> _Reply:
        assert self.files is not None
        if name == "files.getUploadURLExternal":
            return self.files.get_upload_url(params)
        if name != "files.completeUploadExternal":
            return 200, {}, {"ok": False, "error": "unknown_method"}
        channel = str(params.get("channel_id") or "")
        if channel and (
            not _CHANNEL_ID.fullmatch(channel) or (self._channels is not None and channel not in self._channels)
        ):
            return 200, {}, {"ok": False, "error": "channel_not_found"}
        reply, described = self.files.complete(params)
        if channel and described:
            with self._lock:
                message = self._store(channel, params.get("initial_comment"), None, via="files")
                message["files"] = described
        return reply

    def _injected_fault(self) -> _Reply | None:
        """A 429 or a 500 from the fault plan, before anything is stored (Slack did nothing)."""
        if self._faults is None:
            return None
        slack = self._faults.plan.slack
        fault = self._faults.draw("slack", {"slack_429": slack.error_429, "slack_500": slack.error_500})
        if fault == "slack_429":
            with self._lock:
                self._rate_limited += 1
            return 429, {"Retry-After": str(slack.retry_after_seconds)}, {"ok": False, "error": "ratelimited"}
        if fault == "slack_500":
            return 500, {}, {"ok": False, "error": "internal_error"}
        return None

    def _views_open(self, params: dict[str, Any]) -> _Reply:
        trigger, view = str(params.get("trigger_id", "")), params.get("view")
        if isinstance(view, str):
            try:
                view = json.loads(view)
            except ValueError:
                return 200, {}, {"ok": False, "error": "invalid_arguments"}
        if not trigger or not isinstance(view, dict):
            return 200, {}, {"ok": False, "error": "invalid_arguments"}
        if self.outbox is not None and not self.outbox.take_trigger(trigger):
            return 200, {}, {"ok": False, "error": "expired_trigger_id"}
        with self._lock:
            opened = {**view, "id": f"V{secrets.token_hex(5).upper()}", "hash": f"{time.time():.6f}", "closed": False}
            self._views.append(opened)
        return 200, {}, {"ok": True, "view": opened}

    def _outbox(self, method: str, route: str, body: bytes) -> _Reply:
        outbox = self.outbox
        assert outbox is not None
        if method == "GET" and route.startswith("/archives/"):  # a Slack message link: its place in the outbox
            _, _, channel, stamp = route.split("/", 3)
            ts = f"{stamp[1:-6]}.{stamp[-6:]}" if len(stamp) > 7 else stamp
            return 302, {"Location": f"/outbox#m-{channel}-{ts}"}, {"ok": True}
        with self._lock:
            messages, view = copy.deepcopy(self._messages), copy.deepcopy(self._open_view())
        if method == "GET" and route == "/outbox":
            return 200, {}, outbox.page(messages, view)
        if method == "GET" and route == "/outbox/fragment":
            return 200, {}, outbox.fragment(messages, view)
        data = _params("application/json", body) or {}
        if method == "POST" and route == "/outbox/click":
            message = next(
                (m for m in messages if m["channel"] == data.get("channel") and m["ts"] == data.get("ts")), None
            )
            if message is None:
                return 404, {}, {"ok": False, "error": "message_not_found"}
            return 200, {}, outbox.click(message, data, self.response_url(message["channel"], message["ts"]))
        if method == "POST" and route == "/outbox/submit" and view is not None:
            answer = outbox.submit({k: v for k, v in view.items() if k != "closed"}, data)
            if answer["status"] == 200 and answer["body"] == "":  # as Slack: only an empty 200 closes it
                self._close_view(view["id"])
            return 200, {}, answer
        if method == "POST" and route == "/outbox/close" and view is not None:
            self._close_view(view["id"])
            return 200, {}, {"ok": True}
        return 404, {}, {"ok": False, "error": "not_found"}

    def _close_view(self, view_id: str) -> None:
        with self._lock:
            for opened in self._views:
                if opened["id"] == view_id:
                    opened["closed"] = True

    def _respond(self, key: str, params: dict[str, Any] | None) -> _Reply:
        with self._lock:
            grant = self._responses.get(key)
            if grant is None:
                return 404, {}, {"ok": False, "error": "no_service"}
            if grant["uses"] >= RESPONSE_URL_USES or self._clock() - grant["issued"] > RESPONSE_URL_TTL:
                return 404, {}, {"ok": False, "error": "expired_url"}
            if params is None or not (params.get("text") or params.get("blocks") or params.get("delete_original")):
                return 400, {}, {"ok": False, "error": "no_text"}
            grant["uses"] += 1
            original = self._find(grant["channel"], grant["ts"])
            text, blocks = params.get("text"), params.get("blocks")
            if params.get("delete_original") and original is not None:
                original["deleted"] = True
            elif params.get("replace_original") and original is not None:
                self._replace(original, text, blocks)
            else:
                ephemeral = params.get("response_type") != "in_channel"
                self._store(grant["channel"], text, blocks, via="response_url", ephemeral=ephemeral)
            return 200, {}, {"ok": True}

    # -- state (callers hold the lock) -------------------------------------------------------
    def _take(self, channel: str) -> float:
        """Seconds until the channel may post again; 0 means a message was just allowed."""
        now = self._clock()
        tokens, last = self._buckets.get(channel, (float(self._burst), now))
        tokens = min(float(self._burst), tokens + (now - last) / self._interval)
        if tokens < 1.0:
            self._buckets[channel] = (tokens, now)
            return (1.0 - tokens) * self._interval
        self._buckets[channel] = (tokens - 1.0, now)
        return 0.0

    def _next_ts(self) -> str:
        micros = max(int(time.time() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _store(
        self, channel: str, text: Any, blocks: Any, *, via: str, ephemeral: bool = False, thread_ts: str | None = None
    ) -> dict[str, Any]:
        message = {
            "channel": channel,
            "ts": self._next_ts(),
            "text": text or "",
            "blocks": blocks or [],
            "updated": False,
            "deleted": False,
            "ephemeral": ephemeral,
            "via": via,
            "history": [],
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        self._messages.append(message)
        return message

    def _find(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self._messages if m["channel"] == channel and m["ts"] == ts), None)

    @staticmethod
    def _replace(message: dict[str, Any], text: Any, blocks: Any) -> None:
        message["history"].append({"text": message["text"], "blocks": message["blocks"]})
        message["text"] = text if text is not None else message["text"]
        message["blocks"] = blocks if blocks is not None else []
        message["updated"] = True


def _public(message: dict[str, Any]) -> dict[str, Any]:
    public = {
        "type": "message",
        "bot_id": "B0SINK",
        "user": "U0SINK",
        "ts": message["ts"],
        "text": message["text"],
        "blocks": message["blocks"],
        **({"files": message["files"]} if message.get("files") else {}),
    }
    if message.get("thread_ts"):
        public["thread_ts"] = message["thread_ts"]
    return public


def _params(content_type: str, body: bytes) -> dict[str, Any] | None:
    """A JSON or form body as a dict (``None`` if it cannot be read)."""
    try:
        if content_type.startswith("application/json"):
            parsed = json.loads(body or b"{}")
            return parsed if isinstance(parsed, dict) else None
        return {key: values[-1] for key, values in parse_qs(body.decode()).items()}
    except ValueError:
        return None


class _Handler(QuietHandler):
    sink: SlackSink
    server_version = "SlackSink/1.0"

    def _dispatch(self, method: str) -> None:
        status, headers, payload = self.sink.handle(
            method,
            self.path,
            self.headers.get("Content-Type", ""),
            self.headers.get("Authorization", ""),
            self._body(),
            {name.lower(): value for name, value in self.headers.items()},
        )
        if isinstance(payload, bytes):  # an uploaded file (its type is in the headers)
            data, content_type = payload, headers.pop("Content-Type", "application/octet-stream")
        elif isinstance(payload, str):  # an outbox page, or the upload's plain answer
            data, content_type = payload.encode(), "text/html; charset=utf-8"
        else:
            data, content_type = json.dumps(payload).encode(), "application/json; charset=utf-8"
        self._answer(status, data, {**headers, "Content-Type": content_type})


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3001)
    arguments = parser.parse_args()
    with SlackSink(arguments.host, arguments.port) as sink:
        print(f"Slack sink on {sink.url}/api/ (messages: {sink.url}/_sink/messages)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
