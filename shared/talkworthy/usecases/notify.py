"""Action.Requested → a Slack message with buttons, or an e-mail with signed expiring links.

A Slack message is kept (``notify/messages.py``) so an action on it can update it later.

Sent at most once per event key; a replayed event (an archive replay, or ``talkworthy replay``
from the raw archive, and whatever it leads to) notifies nobody unless replays are allowed
(``notify_on_replay``) or the operator asked (``talkworthy replay --notify``), so recovering
events never floods people with old news.
"""

from __future__ import annotations

from talkworthy.actions import email_actions
from talkworthy.catalog import ActionRequested
from talkworthy.consumer import Arrival
from talkworthy.idempotency import Once
from talkworthy.notify import ActionLinkSigner, ChatPort, EmailPort, render_email, render_slack
from talkworthy.notify.messages import SentMessage, SentMessages

__all__ = ["send_notification"]


def send_notification(
    request: ActionRequested,
    arrival: Arrival,
    *,
    chat: ChatPort,
    email: EmailPort,
    links: ActionLinkSigner,
    links_base_url: str,
    once: Once,
    messages: SentMessages,
    now: float,
    notify_on_replay: bool = False,
) -> str | None:
    """Return the Slack message ref or e-mail id, or None when nothing was sent."""
    if arrival.is_replay and not (notify_on_replay or arrival.replay_notifies):
        return None

    def send() -> dict[str, str]:
        if request.channel == "slack":
            text, blocks = render_slack(request)
            ref = str(chat.post(request.audience, text, blocks))
            messages.put(
                SentMessage(
                    ref=ref,
                    text=text,
                    blocks=blocks,
                    target=request.target,
                    actions=request.actions,
                    intent=request.intent,
                )
            )
            return {"sent": ref}
        urls = links.links(links_base_url, email_actions(request.actions), request.target, request.audience, now)
        subject, text, html = render_email(request, urls)
        return {"sent": email.send(request.audience, subject, text, html)}

    result, ran = once.run(f"notify:{request.meta.event_key}", send, arrival.lambda_context)
    return result["sent"] if ran else None
