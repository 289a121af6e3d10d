"""The chat port, and its adapter over the real slack_sdk Web API client.

The adapter never assumes slack.com: the composition root builds
``WebClient(token=..., base_url=SLACK_API_URL)``, which locally points at the Slack sink, and
response URLs are used exactly as Slack handed them over. slack_sdk is imported only when an
adapter is built or used, so importing this module stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from talkworthy.errors import ConfigurationError, InvalidInputError, PermanentError, RetryableError

if TYPE_CHECKING:
    from collections.abc import Callable

    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web import SlackResponse

__all__ = ["RETRYABLE_ERRORS", "ChatPort", "MessageRef", "SlackChatAdapter"]

Block = dict[str, Any]

RETRYABLE_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
"""Slack ``error`` codes worth another try. Everything else that Slack refuses is permanent:
``channel_not_found``, ``not_in_channel``, ``invalid_auth``, ``not_authed``, ``is_archived``,
``invalid_blocks``, ``msg_too_long``, ``message_not_found``, ``expired_url``, ... A 429 or a 5xx is
always retryable."""


@dataclass(frozen=True)
class MessageRef:
    """Where a message lives; ``str()`` gives ``channel:ts`` (``ActionTaken.message_ref``)."""

    channel: str
    ts: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.ts}"

    @classmethod
    def parse(cls, value: str) -> MessageRef:
        channel, sep, ts = value.partition(":")
        if not (channel and sep and ts):
            raise InvalidInputError(f"not a message reference (channel:ts): {value!r}")
        return cls(channel=channel, ts=ts)


class ChatPort(Protocol):
    def post(self, channel: str, text: str, blocks: Sequence[Block], thread_ts: str | None = None) -> MessageRef:
        """``chat.postMessage``; with ``thread_ts`` a reply in that message's thread."""
        ...

    def update(self, ref: MessageRef, text: str, blocks: Sequence[Block]) -> None: ...

    def respond(self, response_url: str, text: str, blocks: Sequence[Block], replace_original: bool) -> None: ...

    def open_view(self, trigger_id: str, view: Block) -> None:
        """``views.open``: show a modal to the person whose click gave ``trigger_id`` (valid 3 s)."""
        ...


def _failure(operation: str, status: int, code: str, retry_after: float | None) -> Exception:
    message = f"Slack {operation} failed: {code} (HTTP {status})"
    if status == 429 or code == "ratelimited":
        return RetryableError(message, retry_after=retry_after if retry_after is not None else 1.0)
    if status >= 500 or code in RETRYABLE_ERRORS:
        return RetryableError(message)
    return PermanentError(message)


class SlackChatAdapter:
    """:class:`ChatPort` over ``slack_sdk.WebClient`` (and ``WebhookClient`` for response URLs).

    A 429 is retried in place by slack_sdk's rate-limit handler, honouring ``Retry-After``, at
    most ``max_rate_limit_retries`` times and only while the wait is at most ``max_retry_after``
    seconds; after that it becomes :class:`RetryableError` carrying ``retry_after``.
    """

    def __init__(
        self,
        client: WebClient,
        *,
        max_rate_limit_retries: int = 3,
        max_retry_after: float = 5.0,
        response_timeout: int = 10,
    ) -> None:
        from talkworthy.notify import slack_retry

        self._client = client
        self._retry = (max_rate_limit_retries, max_retry_after)
        self._response_timeout = response_timeout
        client.retry_handlers = slack_retry.install(client.retry_handlers, *self._retry)

    def post(self, channel: str, text: str, blocks: Sequence[Block], thread_ts: str | None = None) -> MessageRef:
        threaded = {"thread_ts": thread_ts} if thread_ts else {}
        response = self._call(
            "chat.postMessage",
            self._client.chat_postMessage,
            channel=channel,
            text=text,
            blocks=list(blocks),
            **threaded,
        )
        return MessageRef(channel=str(response["channel"]), ts=str(response["ts"]))

    def update(self, ref: MessageRef, text: str, blocks: Sequence[Block]) -> None:
        self._call(
            "chat.update",
            self._client.chat_update,
            channel=ref.channel,
            ts=ref.ts,
            text=text,
            blocks=list(blocks),
        )

    def open_view(self, trigger_id: str, view: Block) -> None:
        self._call("views.open", self._client.views_open, trigger_id=trigger_id, view=view)

    def respond(self, response_url: str, text: str, blocks: Sequence[Block], replace_original: bool) -> None:
        from slack_sdk.errors import SlackRequestError
        from slack_sdk.webhook import WebhookClient

        from talkworthy.notify import slack_retry

        client = WebhookClient(
            response_url,
            timeout=self._response_timeout,
            retry_handlers=slack_retry.webhook_handlers(*self._retry),
        )
        try:
            response = client.send(text=text, blocks=list(blocks), replace_original=replace_original)
        except SlackRequestError as err:
            raise PermanentError(f"unusable response_url: {err}") from err
        except OSError as err:
            raise RetryableError(f"Slack response_url unreachable: {err}") from err
        if 200 <= response.status_code < 300:
            return
        try:
            code = str(json.loads(response.body).get("error", "unknown"))
        except (ValueError, AttributeError):
            code = response.body.strip()[:100] or "unknown"
        raise _failure("response_url", response.status_code, code, slack_retry.retry_after_seconds(response.headers))

    def _call(self, operation: str, method: Callable[..., SlackResponse], **kwargs: Any) -> SlackResponse:
        from slack_sdk.errors import SlackApiError, SlackRequestError

        try:
            return method(**kwargs)
        except SlackApiError as err:
            raise self._translate(operation, err) from err
        except SlackRequestError as err:
            raise ConfigurationError(f"Slack {operation}: {err}") from err
        except OSError as err:  # URLError, timeouts, resets: slack_sdk already retried once
            raise RetryableError(f"Slack {operation} unreachable: {err}") from err

    @staticmethod
    def _translate(operation: str, err: SlackApiError) -> Exception:
        from talkworthy.notify import slack_retry

        response = err.response
        data = response.data if isinstance(response.data, dict) else {}
        code = str(data.get("error") or "unknown")
        return _failure(operation, response.status_code, code, slack_retry.retry_after_seconds(response.headers))
