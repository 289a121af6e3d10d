"""The identity graph in memory: for unit tests and single-process local runs.

Same rules as the DynamoDB graph (they are shared); every store step holds one lock, which makes
it as atomic as the conditional writes it stands in for. Creating a profile is one step here, so
there is never a half-made profile to finish (:meth:`InMemoryProfileStore.finish_create`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from talkworthy.catalog.base import utc_now
from talkworthy.identity.graph import StoredIdentityGraph
from talkworthy.identity.model import (
    InteractionKind,
    Link,
    MergeCandidate,
    Profile,
    StoredProfile,
)

__all__ = ["InMemoryIdentityGraph", "InMemoryProfileStore"]


@dataclass
class _Row:
    links: dict[str, Link] = field(default_factory=dict)
    candidates: dict[str, MergeCandidate] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)
    crm: tuple[str, str] | None = None
    tier: str | None = None
    mentions: int = 0
    support_contacts: int = 0
    last_support_at: datetime | None = None
    merged_into: str | None = None
    crm_checked_at: datetime | None = None


class InMemoryProfileStore:
    def __init__(self) -> None:
        self._rows: dict[str, _Row] = {}
        self._index: dict[str, str] = {}
        self._counted: set[str] = set()
        self._lock = threading.Lock()

    def owner(self, ref: str) -> str | None:
        with self._lock:
            if ref.startswith("crm:"):
                return next((pid for pid, row in sorted(self._rows.items()) if _crm_ref(row) == ref), None)
            return self._index.get(ref)

    def load(self, profile_id: str) -> StoredProfile | None:
        with self._lock:
            row = self._rows.get(profile_id)
            if row is None:
                return None
            links = sorted(row.links.values(), key=lambda link: (link.kind, link.value))
            profile = Profile(
                profile_id=profile_id,
                handles=[link.value for link in links if link.kind == "handle"],
                emails=[link.value for link in links if link.kind == "email"],
                crm_system=row.crm[0] if row.crm else None,
                crm_contact_id=row.crm[1] if row.crm else None,
                tier=row.tier,
                mention_count=row.mentions,
                support_contacts=row.support_contacts,
                last_support_at=row.last_support_at,
                links=links,
                candidates=[row.candidates[key] for key in sorted(row.candidates)],
            )
            return StoredProfile(profile, row.merged_into, row.crm_checked_at, frozenset(row.rejected))

    def create(self, stored: StoredProfile, at: datetime) -> bool:
        profile = stored.profile
        indexed = [link.ref for link in profile.links if link.kind != "crm"]
        with self._lock:
            if profile.profile_id in self._rows or any(ref in self._index for ref in indexed):
                return False
            self._rows[profile.profile_id] = _Row(
                links={link.ref: link for link in profile.links},
                crm=(profile.crm_system, profile.crm_contact_id)
                if profile.crm_system and profile.crm_contact_id
                else None,
                tier=profile.tier,
                crm_checked_at=stored.crm_checked_at,
            )
            self._index.update(dict.fromkeys(indexed, profile.profile_id))
            return True

    def finish_create(self, ref: str) -> bool:
        return False  # a creation here is one step under the lock: never half done

    def add_link(self, profile_id: str, link: Link) -> bool:
        with self._lock:
            row = self._rows.get(profile_id)
            if row is None or row.merged_into or link.ref in self._index:
                return False
            self._index[link.ref] = profile_id
            row.links[link.ref] = link
            return True

    def set_crm(self, profile_id: str, link: Link, tier: str | None) -> bool:
        with self._lock:
            row = self._rows.get(profile_id)
            if row is None or row.merged_into or row.crm is not None:
                return False
            system, _, contact_id = link.value.partition("/")
            row.crm, row.tier = (system, contact_id), tier
            row.links[link.ref] = link
            return True

    def mark_crm_checked(self, profile_id: str, at: datetime) -> None:
        with self._lock:
            self._rows[profile_id].crm_checked_at = at

    def add_candidate(self, profile_id: str, candidate: MergeCandidate) -> None:
        with self._lock:
            self._rows[profile_id].candidates[candidate.profile_id] = candidate

    def confirm(self, profile_id: str, ref: str, actor: str | None) -> bool:
        with self._lock:
            row = self._rows.get(profile_id)
            link = row.links.get(ref) if row else None
            if row is None or link is None:
                return False
            row.links[ref] = link.model_copy(update={"confirmed": True, "confirmed_by": actor})
            return True

    def remove_link(self, profile_id: str, link: Link, *, reject: bool, actor: str | None, at: datetime) -> bool:
        with self._lock:
            row = self._rows.get(profile_id)
            if row is None or row.links.pop(link.ref, None) is None:
                return False
            if link.kind == "crm":
                row.crm, row.tier = None, None
            elif self._index.get(link.ref) == profile_id:
                del self._index[link.ref]
            if reject:
                row.rejected.add(link.ref)
            return True

    def tombstone(self, source: str, target: str, actor: str, at: datetime) -> bool:
        with self._lock:
            src, dst = self._rows.get(source), self._rows.get(target)
            if src is None or dst is None or src.merged_into or dst.merged_into:
                return False
            src.merged_into = target
            dst.mentions += src.mentions
            dst.support_contacts += src.support_contacts
            dst.last_support_at = _latest(dst.last_support_at, src.last_support_at)
            return True

    def move_link(self, source: str, target: str, link: Link) -> None:
        with self._lock:
            if self._index.get(link.ref) == source:
                self._index[link.ref] = target
            self._rows[target].links[link.ref] = link
            self._rows[source].links.pop(link.ref, None)

    def move_notes(self, source: str, target: str) -> None:
        with self._lock:
            src, dst = self._rows[source], self._rows[target]
            for other, candidate in src.candidates.items():
                if other != target:
                    dst.candidates.setdefault(other, candidate)
            dst.candidates.pop(source, None)
            dst.rejected |= src.rejected
            src.candidates.clear()
            src.rejected.clear()

    def count(self, profile_id: str, kind: InteractionKind, at: datetime, event_key: str | None) -> bool:
        with self._lock:
            if event_key is not None:
                if event_key in self._counted:
                    return False
                self._counted.add(event_key)
            row = self._rows[profile_id]
            while row.merged_into:  # merged meanwhile: count on the survivor
                row = self._rows[row.merged_into]
            if kind == "mention":
                row.mentions += 1
            else:
                row.support_contacts += 1
                row.last_support_at = _latest(row.last_support_at, at)
            return True


def _crm_ref(row: _Row) -> str | None:
    return f"crm:{row.crm[0]}/{row.crm[1]}" if row.crm else None


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((x for x in (a, b) if x is not None), default=None)


class InMemoryIdentityGraph(StoredIdentityGraph):
    def __init__(
        self, *, clock: Callable[[], datetime] = utc_now, crm_recheck: timedelta = timedelta(hours=24)
    ) -> None:
        self.store = InMemoryProfileStore()
        super().__init__(self.store, clock=clock, crm_recheck=crm_recheck)
