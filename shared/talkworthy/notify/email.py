"""The e-mail port, its SES v2 adapter, and the e-mail rendering of an ``Action.Requested``."""

from __future__ import annotations

import html as html_lib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from talkworthy.actions import ACTION_LABELS, CONFIRM_ACTIONS, PRIMARY_ACTIONS, email_actions
from talkworthy.catalog import ActionRequested
from talkworthy.errors import ConfigurationError, InvalidInputError, PermanentError, RetryableError

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client
else:
    SESV2Client = Any

__all__ = ["EmailPort", "SesEmailAdapter", "render_email"]

_RETRYABLE = frozenset(
    {
        "TooManyRequestsException",
        "LimitExceededException",
        "ThrottlingException",
        "Throttling",
        "InternalFailure",
        "ServiceUnavailable",
    }
)
_CONFIGURATION = frozenset({"AccessDeniedException", "AccessDenied", "UnrecognizedClientException"})
_COLOURS = {"primary": "#007a5a", "danger": "#e01e5a", "default": "#1264a3"}
_MAX_SUBJECT = 200


class EmailPort(Protocol):
    def send(self, to: str, subject: str, text: str, html: str) -> str:
        """Send one message; returns the provider's message id."""
        ...


class SesEmailAdapter:
    """:class:`EmailPort` over an SES v2 client (``boto3.client("sesv2")``, built by the caller).

    Throttling, quota and 5xx answers are :class:`RetryableError`; a rejected message or an
    unverified sender is :class:`PermanentError`; missing permissions are a
    :class:`ConfigurationError`.
    """

    def __init__(self, client: SESV2Client, sender: str, *, configuration_set: str | None = None) -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send(self, to: str, subject: str, text: str, html: str) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [to]},
            "Content": {
                "Simple": {
                    "Subject": {"Data": subject, "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": text, "Charset": "UTF-8"},
                        "Html": {"Data": html, "Charset": "UTF-8"},
                    },
                }
            },
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            response = self._client.send_email(**request)
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code", "")
            status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            message = f"SES refused mail to {to}: {code}"
            if code in _RETRYABLE or status >= 500:
                raise RetryableError(message) from err
            if code in _CONFIGURATION:
                raise ConfigurationError(message) from err
            raise PermanentError(message) from err  # MessageRejected, MailFromDomainNotVerified, ...
        except BotoCoreError as err:
            raise RetryableError(f"SES unreachable: {err}") from err
        return str(response["MessageId"])


def _safe_url(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def _button(label: str, url: str, style: str) -> str:
    return (
        f'<a href="{html_lib.escape(url, quote=True)}" style="display:inline-block;margin:0 8px 8px 0;'
        f"padding:10px 16px;border-radius:4px;background:{_COLOURS[style]};color:#ffffff;"
        f'font-weight:bold;text-decoration:none">{html_lib.escape(label)}</a>'
    )


def render_email(req: ActionRequested, links: Mapping[str, str]) -> tuple[str, str, str]:
    """``(subject, text, html)``: the same headline, body and facts as Slack, one link per action.

    ``links`` maps each action of ``req.actions`` to its signed URL (see ``ActionLinkSigner``);
    a missing or non-http(s) link is an input error. ``req.link`` is shown only if it is http(s).
    """
    actions = email_actions(req.actions)
    for action in actions:
        if not _safe_url(links.get(action, "")):
            raise InvalidInputError(f"no http(s) link for action {action!r}")
    subject = " ".join(req.headline.split())
    if len(subject) > _MAX_SUBJECT:
        subject = subject[: _MAX_SUBJECT - 1] + "…"
    source = req.link if req.link and _safe_url(req.link) else None

    text_lines = [req.headline, "", req.body, ""]
    text_lines += [f"{label}: {value}" for label, value in req.facts.items()]
    text_lines += [""] if req.facts else []
    text_lines += [f"{ACTION_LABELS[action]}: {links[action]}" for action in actions]
    text_lines += [f"Open: {source}"] if source else []
    text = "\n".join(text_lines).rstrip() + "\n"

    esc = html_lib.escape
    facts = "".join(
        f'<tr><th align="left" style="padding:2px 12px 2px 0;color:#616061">{esc(label)}</th><td>{esc(value)}</td></tr>'
        for label, value in req.facts.items()
    )
    buttons = "".join(
        _button(
            ACTION_LABELS[action],
            links[action],
            "primary" if action in PRIMARY_ACTIONS else "danger" if action in CONFIRM_ACTIONS else "default",
        )
        for action in actions
    )
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>',
        '<body style="font-family:Helvetica,Arial,sans-serif;font-size:15px;color:#1d1c1d">',
        f'<h2 style="margin:0 0 12px">{esc(req.headline)}</h2>',
        f'<p style="white-space:pre-wrap">{esc(req.body)}</p>',
        f'<table role="presentation" style="margin:12px 0">{facts}</table>' if facts else "",
        f'<p style="margin:16px 0">{buttons}</p>' if buttons else "",
        f'<p><a href="{esc(source, quote=True)}">Open the original</a></p>' if source else "",
        "</body></html>",
    ]
    return subject, text, "".join(parts)
