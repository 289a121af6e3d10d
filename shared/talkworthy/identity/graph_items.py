"""Identity items on the mesh table (``pk``/``sk``, GSI ``gsi1``, TTL ``expires_at``), and reading them.

Their keys are built by :mod:`talkworthy.keys` (every item kind of the mesh table is listed there).

=====================  ========================  ====================  =====================================
item                   pk                        sk                    holds
=====================  ========================  ====================  =====================================
profile                ``PROFILE#<profile_id>``  ``PROFILE``           links (map: ref → evidence,
                                                                       confidence, created_at, confirmed,
                                                                       confirmed_by), crm_system,
                                                                       crm_contact_id, tier, counters,
                                                                       last_support_at, crm_checked_at,
                                                                       merged_into (tombstone)
merge candidate        ``PROFILE#<profile_id>``  ``CANDIDATE#<other>`` evidence, confidence, created_at
rejected link          ``PROFILE#<profile_id>``  ``REJECTED#<ref>``    actor, at (a person undid it)
handle / e-mail index  ``IDENTITY#<ref>``        ``IDENTITY``          profile_id, created_at; creating (the
                                                                       new profile's item, see below)
interaction guard      ``INTERACTION#<key>``     ``INTERACTION``       profile_id, expires_at (TTL, 35 days)
=====================  ========================  ====================  =====================================

``<ref>`` is ``handle:<platform>/<handle>``, ``email:<address>`` or (links only)
``crm:<system>/<contact_id>``. A profile's links live in its own item, so a profile is one item plus
its rarely written candidates and rejections: creating one writes that item once, and linking a CRM
contact is one update of it. A profile linked to a CRM contact carries
``gsi1pk = IDENTITY#crm:<system>/<contact_id>``, ``gsi1sk = PROFILE#<profile_id>`` (sparse: only
linked profiles are in the index), so a CRM-side event finds its profile. An interaction guard
outlives the bus archive's 30 days, so a replay does not count an event twice.

Sizes: a profile item with a handle, an e-mail and a CRM link is about 0.7 KB, an index entry with
``creating`` about the same; every write of an item is billed per started KB of the item, so a
profile that gathers many links (merges) passes 1 KB and each later update of it (a count, a CRM
check) then costs 2 WCU, and unusually long handles or addresses can do the same to an entry.

The index entries written when a profile is created carry ``creating``: the profile item as it was
about to be written (less its keys). Creation writes the index entries first (the race guard) and
the profile item second; should it stop in between, whoever next follows one of those entries finds
no profile item and writes it from ``creating`` (:func:`head_from_record`). Once the profile item
exists ``creating`` is never read again; a merge that re-points an entry drops it.

Invariant the graph relies on: a handle or e-mail link in a live profile item means that ref's index
entry leads to that profile, directly or through the tombstone of a profile merged into it (entry
and link are written, moved and removed together; a new profile's item is written only after its
entries).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from talkworthy import keys
from talkworthy.identity.model import Link, MergeCandidate, Profile, StoredProfile, split_ref, utc_iso

__all__ = [
    "candidate_item",
    "creation_record",
    "head_from_record",
    "head_item",
    "link_value",
    "read_profile",
]

_KEYS = ("pk", "sk", "profile_id", "gsi1pk", "gsi1sk")


def _number(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


def link_value(link: Link) -> dict[str, Any]:
    """A link as it sits in the profile item's ``links`` map, under its ref (kind and value are the ref)."""
    value: dict[str, Any] = {
        "evidence": list(link.evidence),
        "confidence": _number(link.confidence),
        "created_at": utc_iso(link.created_at),
        "confirmed": link.confirmed,
    }
    if link.confirmed_by is not None:
        value["confirmed_by"] = link.confirmed_by
    return value


def _gsi(profile_id: str, crm_system: Any, crm_contact_id: Any) -> dict[str, str]:
    if not crm_system or not crm_contact_id:
        return {}
    return {"gsi1pk": keys.crm_link_gsi(f"crm:{crm_system}/{crm_contact_id}"), "gsi1sk": keys.profile_pk(profile_id)}


def head_item(stored: StoredProfile, at: datetime) -> dict[str, Any]:
    """The whole profile item of a profile about to be created at ``at``."""
    profile = stored.profile
    item: dict[str, Any] = {
        **keys.profile(profile.profile_id),
        "profile_id": profile.profile_id,
        "created_at": utc_iso(at),
        "mention_count": profile.mention_count,
        "support_contacts": profile.support_contacts,
        "links": {link.ref: link_value(link) for link in profile.links},
    }
    optional = {
        "crm_system": profile.crm_system,
        "crm_contact_id": profile.crm_contact_id,
        "tier": profile.tier,
        "last_support_at": utc_iso(profile.last_support_at) if profile.last_support_at else None,
        "crm_checked_at": utc_iso(stored.crm_checked_at) if stored.crm_checked_at else None,
    }
    item.update({name: value for name, value in optional.items() if value is not None})
    return {**item, **_gsi(profile.profile_id, profile.crm_system, profile.crm_contact_id)}


def creation_record(head: dict[str, Any]) -> dict[str, Any]:
    """What a new profile's index entries carry: its item less what the keys already say."""
    return {name: value for name, value in head.items() if name not in _KEYS}


def head_from_record(profile_id: str, record: dict[str, Any]) -> dict[str, Any]:
    """The profile item back from :func:`creation_record` (finishing a creation that stopped)."""
    return {
        **keys.profile(profile_id),
        "profile_id": profile_id,
        **record,
        **_gsi(profile_id, record.get("crm_system"), record.get("crm_contact_id")),
    }


def candidate_item(profile_id: str, candidate: MergeCandidate) -> dict[str, Any]:
    return {
        **keys.candidate(profile_id, candidate.profile_id),
        "other": candidate.profile_id,
        "evidence": list(candidate.evidence),
        "confidence": _number(candidate.confidence),
        "created_at": utc_iso(candidate.created_at),
    }


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _link(ref: str, value: dict[str, Any]) -> Link:
    kind, name = split_ref(ref)
    return Link(
        kind=kind,
        value=name,
        evidence=list(value.get("evidence", [])),
        confidence=float(value["confidence"]),
        created_at=datetime.fromisoformat(value["created_at"]),
        confirmed=bool(value.get("confirmed", False)),
        confirmed_by=value.get("confirmed_by"),
    )


def read_profile(profile_id: str, items: Iterable[dict[str, Any]]) -> StoredProfile | None:
    """The stored profile from the items of its partition; ``None`` without a profile item."""
    head: dict[str, Any] | None = None
    candidates: list[MergeCandidate] = []
    rejected: set[str] = set()
    for item in items:
        sk = str(item["sk"])
        if sk == keys.PROFILE_SK:
            head = item
        elif sk.startswith(keys.CANDIDATE):
            candidates.append(
                MergeCandidate(
                    profile_id=item["other"],
                    evidence=list(item.get("evidence", [])),
                    confidence=float(item["confidence"]),
                    created_at=datetime.fromisoformat(item["created_at"]),
                )
            )
        elif sk.startswith(keys.REJECTED):
            rejected.add(sk.removeprefix(keys.REJECTED))
    if head is None:
        return None
    links = sorted(
        (_link(ref, value) for ref, value in head.get("links", {}).items()),
        key=lambda link: (link.kind, link.value),
    )
    candidates.sort(key=lambda candidate: candidate.profile_id)
    profile = Profile(
        profile_id=profile_id,
        handles=[link.value for link in links if link.kind == "handle"],
        emails=[link.value for link in links if link.kind == "email"],
        crm_system=head.get("crm_system"),
        crm_contact_id=head.get("crm_contact_id"),
        tier=head.get("tier"),
        mention_count=int(head.get("mention_count", 0)),
        support_contacts=int(head.get("support_contacts", 0)),
        last_support_at=_when(head.get("last_support_at")),
        links=links,
        candidates=candidates,
    )
    merged_into = head.get("merged_into")
    return StoredProfile(
        profile,
        merged_into=str(merged_into) if merged_into else None,
        crm_checked_at=_when(head.get("crm_checked_at")),
        rejected=frozenset(rejected),
    )
