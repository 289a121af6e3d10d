"""Which reply port answers an origin: its platform's, or e-mail when there is no public thread.

Each route names the channel the customer is told on (``discourse``, ``x``, ``email``: what
``Loop.Closed.channel`` says), the template channel its text comes from (``community``,
``social``, ``email``) and the ledger channel it is counted under.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from talkworthy.replies.port import Origin, ReplyPort
from talkworthy.replies.texts import ReplyChannel

__all__ = ["PLATFORMS", "ReplyRoute", "ReplyRouter"]

LedgerChannel = Literal["email", "social_reply", "community_reply"]


@dataclass(frozen=True)
class ReplyRoute:
    channel: str
    texts: ReplyChannel
    ledger: LedgerChannel
    port: ReplyPort

    @property
    def public(self) -> bool:
        return self.texts != "email"


PLATFORMS: dict[str, tuple[str, ReplyChannel, LedgerChannel]] = {
    "discourse": ("discourse", "community", "community_reply"),
    "twitter": ("x", "social", "social_reply"),
    "x": ("x", "social", "social_reply"),
}
"""Platform a mention came from -> (channel, template channel, ledger channel)."""


class ReplyRouter:
    def __init__(self, ports: Mapping[str, ReplyPort], email: ReplyPort | None) -> None:
        """``ports``: channel (``discourse``, ``x``) -> its configured port; ``email`` when SES is."""
        self._ports = dict(ports)
        self._email = email

    def choose(self, origin: Origin) -> ReplyRoute | None:
        """The origin's public thread when its platform has a port, else e-mail if known, else None."""
        known = PLATFORMS.get(origin.platform)
        if known is not None and known[0] in self._ports:
            channel, texts, ledger = known
            return ReplyRoute(channel, texts, ledger, self._ports[channel])
        if origin.email and self._email is not None:
            return ReplyRoute("email", "email", "email", self._email)
        return None
