"""E-mail as a reply port: answering a person who has no public thread we can reply in."""

from __future__ import annotations

import html

from talkworthy.errors import InvalidInputError
from talkworthy.notify.email import EmailPort
from talkworthy.replies.port import Origin, ReplyRef

__all__ = ["EmailReplyAdapter"]


class EmailReplyAdapter:
    def __init__(self, email: EmailPort, subject: str = "An update on your request") -> None:
        self._email = email
        self._subject = subject

    def reply(self, origin: Origin, text: str) -> ReplyRef:
        if not origin.email:
            raise InvalidInputError(f"no e-mail address for {origin.platform}/{origin.handle or origin.post_id}")
        body = "".join(f"<p>{html.escape(part)}</p>" for part in text.split("\n\n"))
        page = f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'
        message_id = self._email.send(origin.email, self._subject, text + "\n", page)
        return ReplyRef(platform="email", reply_id=message_id)
