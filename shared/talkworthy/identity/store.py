"""The storage port under the identity graph: small atomic steps, each guarded by a condition.

The rules (who is who) live once, in :class:`talkworthy.identity.graph.StoredIdentityGraph`; a
store only has to make each step below atomic. Two stores exist: in memory (tests, local runs) and
DynamoDB. Every ``-> bool`` step returns ``False`` when its condition did not hold (someone else
got there first) and changes nothing then; the rules re-read and decide again. One step may take
two writes on DynamoDB: :meth:`ProfileStore.create` (the guarded index entries, then the profile);
a creation that stops between them is finished by the next reader (:meth:`ProfileStore.finish_create`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from talkworthy.identity.model import InteractionKind, Link, MergeCandidate, StoredProfile

__all__ = ["ProfileStore"]


class ProfileStore(Protocol):
    def owner(self, ref: str) -> str | None:
        """The profile a handle, e-mail or CRM contact ref points to (it may be a tombstone)."""
        ...

    def load(self, profile_id: str) -> StoredProfile | None:
        """The profile with its links, candidates and rejections, read consistently."""
        ...

    def create(self, stored: StoredProfile, at: datetime) -> bool:
        """The new profile ``stored`` (its links, and a CRM link or check decided beforehand), only
        if none of its handle/e-mail refs points anywhere yet."""
        ...

    def finish_create(self, ref: str) -> bool:
        """``ref`` points at a profile that does not exist: a creation stopped half-way. Finish it
        from what ``ref``'s index entry kept; ``False`` when there is nothing to finish."""
        ...

    def add_link(self, profile_id: str, link: Link) -> bool:
        """Point a handle/e-mail at the profile, only if it points nowhere and the profile is live."""
        ...

    def set_crm(self, profile_id: str, link: Link, tier: str | None) -> bool:
        """Link a CRM contact (``link.value`` is ``system/contact_id``) if the profile has none."""
        ...

    def mark_crm_checked(self, profile_id: str, at: datetime) -> None: ...

    def add_candidate(self, profile_id: str, candidate: MergeCandidate) -> None: ...

    def confirm(self, profile_id: str, ref: str, actor: str | None) -> bool: ...

    def remove_link(self, profile_id: str, link: Link, *, reject: bool, actor: str | None, at: datetime) -> bool:
        """Take the link off the profile (a CRM link clears the CRM fields).

        With ``reject`` the ref is remembered as *not this person*, so the automatic rules never
        link it to this profile again.
        """
        ...

    def tombstone(self, source: str, target: str, actor: str, at: datetime) -> bool:
        """Mark ``source`` merged into ``target`` and add its counters to ``target``, once."""
        ...

    def move_link(self, source: str, target: str, link: Link) -> None:
        """Re-point a handle/e-mail from ``source`` to ``target`` (``link`` as it will read there)."""
        ...

    def move_notes(self, source: str, target: str) -> None:
        """Carry candidates and rejections over to ``target`` (dropping those between the two)."""
        ...

    def count(self, profile_id: str, kind: InteractionKind, at: datetime, event_key: str | None) -> bool:
        """Add one interaction; ``False`` when ``event_key`` was already counted."""
        ...
