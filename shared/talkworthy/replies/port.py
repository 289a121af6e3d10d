"""The reply port: answer a person on the platform they spoke on, in the thread they started."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["Origin", "ReplyPort", "ReplyRef"]


@dataclass(frozen=True)
class Origin:
    """Where a case came from: enough to answer in place (recorded when the case opens)."""

    platform: str  # twitter, discourse, reddit, email, ...
    post_id: str
    url: str | None = None
    thread: str | None = None  # the platform's thread or topic id
    post_number: int | None = None  # Discourse: the post's number in its topic
    handle: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class ReplyRef:
    platform: str
    reply_id: str
    url: str | None = None


class ReplyPort(Protocol):
    def reply(self, origin: Origin, text: str) -> ReplyRef:
        """Post ``text`` as an answer to ``origin``. Not idempotent (the platforms have no key):
        callers guard it with ``talkworthy.idempotency.Once`` on the causing event's key."""
