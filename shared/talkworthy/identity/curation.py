"""What people and other flows do to the graph: read, confirm, undo, merge, count interactions.

* :meth:`Curation.confirm_link` marks a link confirmed (it then counts with confidence 1.0).
* :meth:`Curation.undo_link` removes it: the handle or e-mail points nowhere, so the next mention
  creates or finds another profile; a CRM link clears the CRM fields. The ref is remembered as
  rejected on the profile so the automatic rules never make the same link again.
* :meth:`Curation.merge` is the only way two profiles become one, always a person's decision:
  ``profile_b`` is merged *into* ``profile_a``. ``b`` becomes a tombstone redirecting to ``a``
  (written first, with b's counters added to a exactly once), then b's links, candidates and
  rejections move over. Every read follows tombstones, so an old profile id still resolves, and a
  merge interrupted half-way is finished by calling it again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from talkworthy.errors import InvalidInputError, RetryableError
from talkworthy.identity.model import (
    InteractionKind,
    Link,
    Profile,
    StoredProfile,
    email_ref,
    handle_ref,
    normalise_email,
    split_ref,
)
from talkworthy.identity.store import ProfileStore

__all__ = ["Curation"]

_MAX_HOPS = 8


class Curation:
    def __init__(self, store: ProfileStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def get_profile(self, profile_id: str) -> Profile:
        """The profile, or the one it was merged into. :class:`InvalidInputError` if unknown."""
        return self._require(profile_id).profile

    def profile_for(self, ref: str) -> str | None:
        """The live profile id behind ``handle:<platform>/<handle>``, ``email:...`` or ``crm:...``."""
        kind, value = split_ref(ref)
        if kind == "handle":
            platform, _, handle = value.partition("/")
            ref = handle_ref(platform, handle)
        elif kind == "email":
            ref = email_ref(normalise_email(value) or value.lower())
        found = self._owner(ref)
        return found.profile_id if found else None

    def confirm_link(self, profile_id: str, link: str, actor: str | None = None) -> Profile:
        split_ref(link)
        stored = self._require(profile_id)
        if stored.profile.link(link) is None or not self._store.confirm(stored.profile_id, link, actor):
            raise InvalidInputError(f"profile {profile_id} has no link {link}")
        return self._require(stored.profile_id).profile

    def link_contact(
        self, profile_id: str, system: str, contact_id: str, actor: str, tier: str | None = None
    ) -> Profile:
        """A person says this profile is that CRM contact: the link is made (if not there) and confirmed.

        Confirming it again is harmless; a profile linked to another contact must have that link
        undone first (:class:`InvalidInputError`).
        """
        ref = f"crm:{system}/{contact_id}"
        stored = self._require(profile_id)
        current = stored.profile
        if current.crm_contact_id and (current.crm_system, current.crm_contact_id) != (system, contact_id):
            raise InvalidInputError(
                f"profile {stored.profile_id} is linked to crm:{current.crm_system}/{current.crm_contact_id}; "
                "undo that first"
            )
        if current.link(ref) is None:
            link = Link(
                kind="crm",
                value=f"{system}/{contact_id}",
                evidence=[f"confirmed by {actor}"],
                confidence=1.0,
                created_at=self._clock(),
                confirmed=True,
                confirmed_by=actor,
            )
            self._store.set_crm(stored.profile_id, link, tier)
        return self.confirm_link(stored.profile_id, ref, actor)

    def undo_link(self, profile_id: str, link: str, actor: str | None = None) -> bool:
        """Remove the link; ``False`` if it was not there (undoing twice is harmless)."""
        split_ref(link)
        stored = self._require(profile_id)
        found = stored.profile.link(link)
        if found is None:
            return False
        return self._store.remove_link(stored.profile_id, found, reject=True, actor=actor, at=self._clock())

    def merge(self, profile_a: str, profile_b: str, actor: str) -> Profile:
        """Merge ``profile_b`` into ``profile_a`` on a person's word; returns the merged profile."""
        a = self._require(profile_a).profile
        now = self._clock()
        started = self._store.load(profile_b)
        if started is not None and started.merged_into == a.profile_id:  # finish an interrupted merge
            self._move_links(profile_b, a.profile_id, actor, now)
            return self._require(a.profile_id).profile
        b = self._require(profile_b).profile
        if a.profile_id == b.profile_id:
            return a
        if (
            a.crm_contact_id
            and b.crm_contact_id
            and (a.crm_system, a.crm_contact_id)
            != (
                b.crm_system,
                b.crm_contact_id,
            )
        ):
            raise InvalidInputError(
                f"{a.profile_id} and {b.profile_id} are linked to different CRM contacts; "
                "undo one CRM link (or merge the contacts in the CRM) first"
            )
        if not self._store.tombstone(b.profile_id, a.profile_id, actor, now):
            again = self._store.load(b.profile_id)
            if again is None or again.merged_into != a.profile_id:
                raise RetryableError(f"{b.profile_id} changed while merging it into {a.profile_id}")
        self._move_links(b.profile_id, a.profile_id, actor, now)
        return self._require(a.profile_id).profile

    def _move_links(self, source: str, target: str, actor: str, now: datetime) -> None:
        moving = self._store.load(source)
        if moving is None:
            return
        note = f"merged from {source} by {actor}"
        for link in moving.profile.links:
            moved = link.model_copy(
                update={"evidence": [*link.evidence, note], "confirmed": True, "confirmed_by": actor}
            )
            if link.kind == "crm":
                self._store.set_crm(target, moved, moving.profile.tier)
                self._store.remove_link(source, link, reject=False, actor=actor, at=now)
            else:
                self._store.move_link(source, target, moved)
        self._store.move_notes(source, target)

    def record_interaction(
        self, profile_id: str, kind: InteractionKind, at: datetime, event_key: str | None = None
    ) -> bool:
        """Count a mention or a support contact (atomically); ``False`` if ``event_key`` was counted.

        A support contact also moves ``last_support_at`` forward (never back), which the contact
        policy reads: no sales outreach within N days of a support contact.
        """
        if kind not in ("mention", "support_contact"):
            raise InvalidInputError(f"unknown interaction kind {kind!r}")
        if at.tzinfo is None:
            raise InvalidInputError("interaction times must be timezone-aware")
        stored = self._require(profile_id)
        return self._store.count(stored.profile_id, kind, at, event_key)

    # -- reading through tombstones ----------------------------------------------------------------

    def _owner(self, ref: str) -> StoredProfile | None:
        return self._follow_owner(ref, self._store.owner(ref))

    def _follow_owner(self, ref: str, profile_id: str | None) -> StoredProfile | None:
        """The live profile ``ref``'s index entry (pointing at ``profile_id``) leads to. An entry
        pointing at a profile that does not exist is a creation that stopped half-way: finish it."""
        if profile_id is None:
            return None
        stored = self._follow(profile_id)
        if stored is None and self._store.finish_create(ref):
            stored = self._follow(profile_id)
        return stored

    def _follow(self, profile_id: str) -> StoredProfile | None:
        current = profile_id
        for _ in range(_MAX_HOPS):
            stored = self._store.load(current)
            if stored is None or stored.merged_into is None:
                return stored
            current = stored.merged_into
        raise RetryableError(f"profile {profile_id}: tombstones redirect more than {_MAX_HOPS} times")

    def _require(self, profile_id: str) -> StoredProfile:
        stored = self._follow(profile_id)
        if stored is None:
            raise InvalidInputError(f"no profile {profile_id}")
        return stored
