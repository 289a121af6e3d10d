"""E-mail action links: ``GET /actions/{token}`` shows what will happen, only ``POST`` does it.

Mail scanners open links (``GET``, ``HEAD``) to check them; that must change nothing, so the
page holds a form and only its ``POST`` acts. A token is signed and expiring
(``talkworthy.notify.links``) and single-use: the ``POST`` publishes ``Action.Taken`` through the
ingress's publish-once (a conditional write on the token's digest in the idempotency table), so a
replayed link finds the key taken and changes nothing. Every refusal is a small HTML page with a
4xx status that says why.
"""

from __future__ import annotations

import hashlib
import html
import time
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.ingress import InProgressError, PublishOnce
from chalicelib.senders.base import Inbound
from talkworthy.actions import ACTION_LABELS, done_note
from talkworthy.catalog import ActionTaken, Actor, EventMeta, Target, utc_now
from talkworthy.catalog.actions import ActionName
from talkworthy.errors import RetryableError
from talkworthy.notify.links import ActionLinkSigner, ExpiredLinkError, LinkError

__all__ = ["ActionLinks", "Page"]

PRODUCER = "talkworthy.ingress.email"


@dataclass(frozen=True)
class Page:
    status: int
    body: str


def _page(status: int, title: str, message: str, form: str = "") -> Page:
    esc = html.escape
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Talkworthy: '
        f"{esc(title)}</title>"
        '<meta name="viewport" content="width=device-width"><meta name="robots" content="noindex">'
        "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:36rem;margin:3rem auto;color:#1d1c1d}"
        "button{background:#007a5a;color:#fff;border:0;border-radius:4px;padding:.7rem 1.2rem;font-size:1rem}"
        "</style></head>"
        f'<body><h1 id="title">{esc(title)}</h1><p id="message">{esc(message)}</p>{form}</body></html>'
    )
    return Page(status, body)


def _what(action: str, target: Target) -> str:
    return f"{ACTION_LABELS[action]} {target.kind} {target.id}" + (f" in {target.system}" if target.system else "")


class ActionLinks:
    def __init__(
        self, signer: ActionLinkSigner, publish_once: PublishOnce, clock: Callable[[], float] = time.time
    ) -> None:
        self._signer = signer
        self._publish_once = publish_once
        self._clock = clock

    def _verify(self, token: str) -> tuple[ActionName, Target, str] | Page:
        try:
            return self._signer.verify(token, self._clock())
        except ExpiredLinkError:
            return _page(410, "This link has expired", "Action links work for 7 days. Act from Slack instead.")
        except LinkError:
            return _page(400, "This link is not valid", "It was changed or cut short. Nothing was done.")

    def confirm_page(self, token: str) -> Page:
        """What the link will do, and a button that does it. Reading it changes nothing."""
        verified = self._verify(token)
        if isinstance(verified, Page):
            return verified
        action, target, recipient = verified
        form = (
            f'<form method="post"><button id="confirm" type="submit">{html.escape(ACTION_LABELS[action])}'
            "</button></form>"
        )
        return _page(200, _what(action, target) + "?", f"You are acting as {recipient}.", form)

    def act(self, token: str, correlation_id: str) -> Page:
        verified = self._verify(token)
        if isinstance(verified, Page):
            return verified
        action, target, recipient = verified
        digest = hashlib.sha256(token.encode()).hexdigest()[:40]
        taken = ActionTaken(
            meta=EventMeta(
                event_key=f"email:{digest}",
                correlation_id=correlation_id,
                producer=PRODUCER,
                occurred_at=utc_now(),
            ),
            action=action,
            actor=Actor(id=recipient, via="email"),
            target=target,
        )
        try:
            fresh = self._publish_once(f"action-link:{digest}", Inbound(digest, [taken]))
        except InProgressError:
            return _page(409, "Already on its way", "This link is being used right now. Nothing more was done.")
        except RetryableError:
            return _page(503, "Try again in a minute", "Talkworthy could not take the action just now.")
        if not fresh:
            return _page(409, "This link was already used", "Each link works once. Nothing more was done.")
        return _page(202, done_note(action, recipient), f"{_what(action, target)}: on its way.")
