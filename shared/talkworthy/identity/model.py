"""What the identity graph knows about a person: a profile and the evidenced links that make it up.

A *link* ties one identifier to a profile. Its ``ref`` names it everywhere (events, Slack buttons,
``confirm_link``/``undo_link``): ``handle:<platform>/<handle>``, ``email:<address>`` or
``crm:<system>/<contact_id>``. Handles and e-mails are compared lower-cased (handles without a
leading ``@``); nothing fuzzier counts as a match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from talkworthy.errors import InvalidInputError

__all__ = [
    "InteractionKind",
    "Link",
    "LinkKind",
    "MergeCandidate",
    "Profile",
    "StoredProfile",
    "email_ref",
    "handle_ref",
    "normalise_email",
    "split_ref",
    "utc_iso",
]

LinkKind = Literal["handle", "email", "crm"]
InteractionKind = Literal["mention", "support_contact"]
_KINDS: tuple[LinkKind, ...] = ("handle", "email", "crm")


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Link(_Value):
    """One identifier tied to a profile, with why (``evidence``) and how sure (``confidence``)."""

    kind: LinkKind
    value: str = Field(min_length=1)
    evidence: list[str]
    confidence: float = Field(ge=0.0, le=1.0)
    created_at: datetime
    confirmed: bool = False
    confirmed_by: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.value}"


class MergeCandidate(_Value):
    """Another profile that is probably the same person; only a person turns it into a merge."""

    profile_id: str
    evidence: list[str]
    confidence: float = Field(ge=0.0, le=1.0)
    created_at: datetime


class Profile(_Value):
    """A person across platforms. ``tier`` is the vendor's tier as the CRM reports it."""

    profile_id: str
    handles: list[str] = []
    emails: list[str] = []
    crm_system: str | None = None
    crm_contact_id: str | None = None
    tier: str | None = None
    mention_count: int = Field(default=0, ge=0)
    support_contacts: int = Field(default=0, ge=0)
    last_support_at: datetime | None = None
    links: list[Link] = []
    candidates: list[MergeCandidate] = []

    def link(self, ref: str) -> Link | None:
        return next((link for link in self.links if link.ref == ref), None)


@dataclass(frozen=True)
class StoredProfile:
    """A profile as a store holds it, with the bookkeeping the rules need but readers do not."""

    profile: Profile
    merged_into: str | None = None
    crm_checked_at: datetime | None = None
    rejected: frozenset[str] = field(default_factory=frozenset)

    @property
    def profile_id(self) -> str:
        return self.profile.profile_id


def normalise_email(email: str | None) -> str | None:
    """Lower-cased and trimmed; ``None`` for anything that is not ``local@domain``."""
    if email is None:
        return None
    cleaned = email.strip().lower()
    local, at, domain = cleaned.partition("@")
    if not (at and local and domain) or any(ch.isspace() for ch in cleaned) or "@" in domain:
        return None
    return cleaned


def handle_ref(platform: str, handle: str) -> str:
    name = handle.strip().lstrip("@").lower()
    if not name or not platform.strip():
        raise InvalidInputError(f"not a usable handle: {platform!r}/{handle!r}")
    return f"handle:{platform.strip().lower()}/{name}"


def email_ref(email: str) -> str:
    return f"email:{email}"


def split_ref(ref: str) -> tuple[LinkKind, str]:
    kind, sep, value = ref.partition(":")
    for known in _KINDS:
        if sep and value and kind == known:
            return known, value
    raise InvalidInputError(f"not a link reference: {ref!r} (handle:..., email:... or crm:...)")


def utc_iso(at: datetime) -> str:
    """A fixed-width UTC timestamp, so stored values compare correctly as strings."""
    if at.tzinfo is None:
        raise InvalidInputError("timestamps must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
