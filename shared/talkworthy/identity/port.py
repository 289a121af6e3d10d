"""The identity graph port: what enrichment, close-the-loop and Slack actions ask of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple, Protocol

from talkworthy.catalog.mention import Author, Identity
from talkworthy.crm.port import Contact
from talkworthy.identity.model import InteractionKind, Profile

__all__ = ["CrmLookup", "IdentityGraph", "Resolution"]

CrmLookup = Callable[[str], Contact | None]
"""``CrmPort.find_contact_by_email`` or anything shaped like it."""


class Resolution(NamedTuple):
    """Who wrote a mention (the catalog's ``Identity``) and their profile as the graph left it."""

    identity: Identity
    profile: Profile


class IdentityGraph(Protocol):
    def resolve(self, platform: str, author: Author, crm_lookup: CrmLookup | None = None) -> Resolution:
        """The author's profile (created if new), linked to a CRM contact when the evidence holds."""
        ...

    def get_profile(self, profile_id: str) -> Profile: ...

    def profile_for(self, ref: str) -> str | None:
        """The profile behind ``handle:<platform>/<handle>``, ``email:<address>`` or ``crm:<system>/<id>``."""
        ...

    def confirm_link(self, profile_id: str, link: str, actor: str | None = None) -> Profile: ...

    def link_contact(
        self, profile_id: str, system: str, contact_id: str, actor: str, tier: str | None = None
    ) -> Profile: ...

    def undo_link(self, profile_id: str, link: str, actor: str | None = None) -> bool: ...

    def merge(self, profile_a: str, profile_b: str, actor: str) -> Profile:
        """Merge ``profile_b`` into ``profile_a``: a person's confirmed decision, never automatic."""
        ...

    def record_interaction(
        self, profile_id: str, kind: InteractionKind, at: datetime, event_key: str | None = None
    ) -> bool: ...
