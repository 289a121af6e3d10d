"""The identity graph: which profile a social author is, and which CRM contact that profile is.

Rules of :meth:`StoredIdentityGraph.resolve` (platform handles and e-mails compared lower-cased):

1. A known handle is its profile (confidence 1.0 for the handle a profile was created with, the
   link's own confidence otherwise, 1.0 once a person confirmed it).
2. An unknown handle whose e-mail (supplied by the source, exact match) is already linked joins
   that profile: evidence ``email:<address>``, confidence 0.9. Nothing weaker (same name, same
   handle on another platform, a similar address) links anything: that author gets a new profile.
3. Two existing profiles are never merged automatically. When the handle and the e-mail point to
   different profiles the handle's profile is used and a merge *candidate* is recorded on it for a
   person to confirm with :meth:`merge`.
4. A new profile is created with one conditional write on its handle (and e-mail): of two racing
   creators one wins, the other re-reads and uses the winner's profile.
5. A profile with an e-mail and no CRM contact asks ``crm_lookup(email)``; only a contact whose
   e-mail is exactly that address is linked (evidence ``crm:<system>/<id> by email``, 0.9), and
   its tier is kept on the profile. A profile without a match is asked again after
   ``crm_recheck`` or when it gains an e-mail, not on every mention. For a new profile the question
   is asked before creating it, so the answer (the link, or the time it was checked) is part of
   the profile as created rather than a second write.

A link a person undid is remembered as rejected on that profile and never made again by these
rules. Confirming, undoing and merging live in :mod:`talkworthy.identity.curation`.

Reads: the handle's index entry and its profile; the e-mail's entry only when that profile does
not already hold the e-mail (a link on a profile means its entry leads there). What this resolve
wrote is not read back: the profile it returns is the one it read, with its own writes applied.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from talkworthy.catalog.base import utc_now
from talkworthy.catalog.mention import Author, Identity
from talkworthy.crm.port import Contact
from talkworthy.errors import RetryableError
from talkworthy.identity.curation import Curation
from talkworthy.identity.model import (
    Link,
    LinkKind,
    MergeCandidate,
    Profile,
    StoredProfile,
    email_ref,
    handle_ref,
    normalise_email,
)
from talkworthy.identity.port import CrmLookup, Resolution
from talkworthy.identity.store import ProfileStore

__all__ = ["StoredIdentityGraph"]

EMAIL_CONFIDENCE = 0.9
CRM_CONFIDENCE = 0.9
_ATTEMPTS = 5
_MAX_CRM_LOOKUPS = 3


def _link(kind: LinkKind, ref: str, evidence: list[str], confidence: float, at: datetime) -> Link:
    return Link(kind=kind, value=ref.split(":", 1)[1], evidence=evidence, confidence=confidence, created_at=at)


def _with_link(stored: StoredProfile, link: Link, **fields: str | None) -> StoredProfile:
    """``stored`` as it reads after ``link`` (and ``fields`` of the profile) were written to it."""
    kept = [old for old in stored.profile.links if old.ref != link.ref]
    links = sorted([*kept, link], key=lambda x: (x.kind, x.value))
    profile = stored.profile.model_copy(
        update={
            "links": links,
            "handles": [x.value for x in links if x.kind == "handle"],
            "emails": [x.value for x in links if x.kind == "email"],
            **fields,
        }
    )
    return replace(stored, profile=profile)


@dataclass
class _Crm:
    """The CRM lookup of one resolve: each address is asked at most once, whatever the retries."""

    lookup: CrmLookup | None
    answers: dict[str, Contact | None] = field(default_factory=dict)

    def __call__(self, address: str) -> Contact | None:
        if address not in self.answers and self.lookup is not None:
            self.answers[address] = self.lookup(address)
        return self.answers.get(address)


@dataclass(frozen=True)
class _Choice:
    stored: StoredProfile  # the profile as read, with what this resolve wrote applied
    evidence: list[str]
    confidence: float
    new_profile: bool
    fresh_email: bool


class StoredIdentityGraph(Curation):
    """The rules above over any :class:`ProfileStore`; the in-memory and DynamoDB graphs are this."""

    def __init__(
        self,
        store: ProfileStore,
        *,
        clock: Callable[[], datetime] = utc_now,
        crm_recheck: timedelta = timedelta(hours=24),
    ) -> None:
        super().__init__(store, clock)
        self._crm_recheck = crm_recheck

    def resolve(self, platform: str, author: Author, crm_lookup: CrmLookup | None = None) -> Resolution:
        handle = handle_ref(platform, author.handle)
        email = normalise_email(author.email)
        crm = _Crm(crm_lookup)
        for _ in range(_ATTEMPTS):
            choice = self._choose(handle, email, crm)
            if choice is not None:
                break
        else:
            raise RetryableError(f"identity graph: {handle} kept changing under concurrent writers")
        stored = choice.stored
        if crm_lookup is not None and not choice.new_profile:  # a new one asked before it was created
            stored = self._link_crm(stored, crm, email, choice.fresh_email)
        profile = stored.profile
        evidence = list(choice.evidence)
        crm_link = profile.link(f"crm:{profile.crm_system}/{profile.crm_contact_id}")
        if crm_link is not None:
            evidence.append(crm_link.evidence[0])
        identity = Identity(
            profile_id=profile.profile_id,
            crm_system=profile.crm_system,
            crm_contact_id=profile.crm_contact_id,
            evidence=evidence,
            confidence=choice.confidence,
            new_profile=choice.new_profile,
        )
        return Resolution(identity, profile)  # the profile as read and written here: no second read

    # -- the decision, one attempt: None when a conditional write lost a race ----------------------

    def _choose(self, handle: str, email: str | None, crm: _Crm) -> _Choice | None:
        now = self._clock()
        handle_owner = self._store.owner(handle)
        by_handle = self._follow_owner(handle, handle_owner)
        by_email: StoredProfile | None = None
        if email and by_handle is not None and by_handle.profile.link(email_ref(email)) is not None:
            by_email = by_handle  # its entry leads here: no need to read it
        elif email:
            email_owner = self._store.owner(email_ref(email))
            same = email_owner is not None and email_owner == handle_owner
            by_email = by_handle if same else self._follow_owner(email_ref(email), email_owner)
        if by_handle is not None:
            return self._known_handle(by_handle, handle, email, by_email, now)
        if email and by_email is not None and handle not in by_email.rejected:
            link = _link("handle", handle, [email_ref(email)], EMAIL_CONFIDENCE, now)
            if not self._store.add_link(by_email.profile_id, link):
                return None
            return _Choice(
                _with_link(by_email, link),
                [email_ref(email), f"linked {handle}"],
                EMAIL_CONFIDENCE,
                new_profile=False,
                fresh_email=False,
            )
        fresh = bool(email) and by_email is None
        new = self._new_profile(handle, email if fresh else None, crm, now)
        if not self._store.create(new, now):
            return None
        evidence = [handle, email_ref(email)] if email and fresh else [handle]
        return _Choice(new, evidence, 1.0, new_profile=True, fresh_email=fresh)

    def _new_profile(self, handle: str, email: str | None, crm: _Crm, now: datetime) -> StoredProfile:
        """A profile for ``handle`` (and a fresh ``email``), with its CRM question already answered."""
        stored = StoredProfile(Profile(profile_id=f"pr_{uuid.uuid4().hex}"))
        stored = _with_link(stored, _link("handle", handle, [handle], 1.0, now))
        if not email:
            return stored
        supplied = _link("email", email_ref(email), [f"supplied with {handle}"], EMAIL_CONFIDENCE, now)
        stored = _with_link(stored, supplied)
        if crm.lookup is None:
            return stored
        match = self._crm_match(crm, email, stored.rejected, now)
        if match is None:
            return replace(stored, crm_checked_at=now)
        link, tier = match
        return _with_crm(stored, link, tier)

    def _known_handle(
        self,
        owner: StoredProfile,
        handle: str,
        email: str | None,
        by_email: StoredProfile | None,
        now: datetime,
    ) -> _Choice | None:
        link = owner.profile.link(handle)
        confidence = 1.0 if link is None or link.confirmed else link.confidence
        evidence = [handle, *(item for item in (link.evidence if link else []) if item != handle)]
        fresh = False
        stored = owner
        if email:
            ref = email_ref(email)
            if by_email is None and ref not in owner.rejected:
                new = _link("email", ref, [f"supplied with {handle}"], EMAIL_CONFIDENCE, now)
                if not self._store.add_link(owner.profile_id, new):
                    return None
                fresh, stored = True, _with_link(owner, new)
            elif by_email is not None and by_email.profile_id == owner.profile_id:
                evidence += [] if ref in evidence else [ref]
            elif by_email is not None and ref not in owner.rejected and handle not in by_email.rejected:
                stored = self._suggest(owner, by_email, handle, email, now)
        return _Choice(stored, evidence, confidence, False, fresh)

    def _suggest(
        self, owner: StoredProfile, other: StoredProfile, handle: str, email: str, now: datetime
    ) -> StoredProfile:
        """Record that ``other`` may be the same person; ``owner`` as it reads afterwards."""
        if any(c.profile_id == other.profile_id for c in owner.profile.candidates):
            return owner
        evidence = [
            f"{handle} is {owner.profile_id}",
            f"email:{email} is {other.profile_id}",
            "both supplied together by the source",
        ]
        candidate = MergeCandidate(
            profile_id=other.profile_id, evidence=evidence, confidence=EMAIL_CONFIDENCE, created_at=now
        )
        self._store.add_candidate(owner.profile_id, candidate)
        candidates = sorted([*owner.profile.candidates, candidate], key=lambda c: c.profile_id)
        return replace(owner, profile=owner.profile.model_copy(update={"candidates": candidates}))

    # -- CRM ---------------------------------------------------------------------------------------

    def _crm_match(
        self, crm: _Crm, address: str, rejected: frozenset[str], now: datetime
    ) -> tuple[Link, str | None] | None:
        """The CRM link for the contact whose e-mail is exactly ``address``, unless a person undid it."""
        contact = crm(address)
        if contact is None or normalise_email(contact.email) != address:
            return None
        value = f"{contact.system}/{contact.contact_id}"
        if f"crm:{value}" in rejected:
            return None
        evidence = [f"crm:{value} by email", email_ref(address)]
        return _link("crm", f"crm:{value}", evidence, CRM_CONFIDENCE, now), contact.tier

    def _link_crm(self, stored: StoredProfile, crm: _Crm, email: str | None, fresh: bool) -> StoredProfile:
        profile, now = stored.profile, self._clock()
        if profile.crm_contact_id or not profile.emails:
            return stored
        checked = stored.crm_checked_at
        if not fresh and checked is not None and now - checked < self._crm_recheck:
            return stored
        first = [email] if email in profile.emails else []
        ordered = first + sorted(set(profile.emails) - set(first))
        for address in ordered[:_MAX_CRM_LOOKUPS]:
            match = self._crm_match(crm, address, stored.rejected, now)
            if match is None:
                continue
            link, tier = match
            if self._store.set_crm(profile.profile_id, link, tier):
                return _with_crm(stored, link, tier)
            return self._require(profile.profile_id)  # linked (or merged) meanwhile: read what it is now
        self._store.mark_crm_checked(profile.profile_id, now)
        return replace(stored, crm_checked_at=now)


def _with_crm(stored: StoredProfile, link: Link, tier: str | None) -> StoredProfile:
    system, _, contact_id = link.value.partition("/")
    return _with_link(stored, link, crm_system=system, crm_contact_id=contact_id, tier=tier)
